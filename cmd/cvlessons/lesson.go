package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdLesson = &command{
	name:  "lesson",
	usage: "lesson list|run NAME [--preset quick|full] [--out DIR] [--json]",
	short: "list or run lessons headless",
	long:  "list or run lessons headless",
	run: func(env *environment, args []string) error {
		return errors.New("lesson: not built yet")
	},
}
