package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdEval = &command{
	name:  "eval",
	usage: "eval --gt COCO_GT.json --dt DETECTIONS.json [--json]",
	short: "evaluate detections like pycocotools",
	long:  "evaluate detections like pycocotools",
	run: func(env *environment, args []string) error {
		return errors.New("eval: not built yet")
	},
}
