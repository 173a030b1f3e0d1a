package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdMetrics = &command{
	name:  "metrics",
	usage: "metrics --true FILE --pred FILE [--json]",
	short: "print a classification report for label files",
	long:  "print a classification report for label files",
	run: func(env *environment, args []string) error {
		return errors.New("metrics: not built yet")
	},
}
