package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdBench = &command{
	name:  "bench",
	usage: "bench train --model NAME --batch N --steps N",
	short: "benchmark training throughput",
	long:  "benchmark training throughput",
	run: func(env *environment, args []string) error {
		return errors.New("bench: not built yet")
	},
}
