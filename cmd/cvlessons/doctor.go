package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdDoctor = &command{
	name:  "doctor",
	usage: "doctor",
	short: "check that Go, GoNB, Jupyter, the backend and the data sets are ready",
	long:  "check that Go, GoNB, Jupyter, the backend and the data sets are ready",
	run: func(env *environment, args []string) error {
		return errors.New("doctor: not built yet")
	},
}
