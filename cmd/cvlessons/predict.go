package main

import "errors"

// TODO(owner of this command): replace this placeholder.
var cmdPredict = &command{
	name:  "predict",
	usage: "predict --arch NAME --weights FILE.pth IMAGE...",
	short: "classify images with torchvision weights",
	long:  "classify images with torchvision weights",
	run: func(env *environment, args []string) error {
		return errors.New("predict: not built yet")
	},
}
