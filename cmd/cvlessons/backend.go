package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdBackend = &command{
	name:  "backend",
	usage: "backend",
	short: "say which GoMLX backend would run and why",
	long:  "say which GoMLX backend would run and why",
	run: func(env *environment, args []string) error {
		return errors.New("backend: not built yet")
	},
}
