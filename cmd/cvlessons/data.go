package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdData = &command{
	name:  "data",
	usage: "data list|fetch|verify [NAME...]",
	short: "list, download and verify data sets",
	long:  "list, download and verify data sets",
	run: func(env *environment, args []string) error {
		return errors.New("data: not built yet")
	},
}
