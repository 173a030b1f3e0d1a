package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cvlessons/cvlessons/bench"
	"github.com/cvlessons/cvlessons/pkg/backend"
)

var cmdBench = &command{
	name:  "bench",
	usage: "bench train --model NAME [--batch N] [--steps N] | bench mnist [--epochs N] [--batch N] | bench fashion [--model NAME] [--epochs N] [--augment]",
	short: "benchmark training throughput on the reference nets",
	long: `
Bench train trains one of the reference networks on random images with SGD (momentum 0.9) and
prints the training throughput and the peak memory as its last line:

	model=<name> batch=<n> images_per_s=<float> peak_rss_mb=<float>

The models are ` + strings.Join(bench.Models, ", ") + `. bench/compare.sh runs the same nets in
PyTorch side by side.

Bench mnist trains the MNIST CNN on the real MNIST training set (one epoch by default) and prints
its test accuracy and throughput. Bench fashion does the same on Fashion-MNIST for the narrow VGG-11
with BatchNorm or the CIFAR ResNet-20 (Adam, cosine schedule; 10 epochs of batch 128 by default),
with --augment on random 2-pixel shifts and horizontal flips.

The backend is chosen as by "cvlessons backend" ($GOMLX_BACKEND overrides it).

Sizes are checked before anything is allocated, and nothing is clamped: --steps must be in
[1, ` + strconv.Itoa(bench.MaxSteps) + `], --epochs in [1, ` + strconv.Itoa(bench.MaxEpochs) + `], and --batch at least 1, at most the 60000 training
images (mnist, fashion), and small enough that the memory the run plans for it (the data, the
batch's copies and the network's activations per image, estimated by building its graph) stays
under the machine's memory; the error names the bytes and the limit.

Flags:
	--model NAME   the network (train: required; fashion: ` + strings.Join(bench.FashionModels, " or ") + `)
	--batch N      images per step (default 64; fashion: 128)
	--steps N      timed steps after two warm-up steps (train only, default 20)
	--epochs N     passes over the training set (mnist: default 1, fashion: 10)
	--augment      train on shifted and flipped images (fashion only)
`,
	run: runBench,
}

func runBench(env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "train" && args[0] != "mnist" && args[0] != "fashion") {
		return usagef("bench: want the subcommand \"train\", \"mnist\" or \"fashion\"")
	}
	if args[0] != "train" {
		return runBenchAccuracy(env, args[0], args[1:])
	}
	fs := newFlagSet("bench train")
	model := fs.String("model", "", "")
	batch := fs.Int("batch", 64, "")
	steps := fs.Int("steps", 20, "")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench train: unexpected arguments %q", fs.Args())
	}
	if *model == "" {
		return usagef("bench train: --model is required (one of %s)", strings.Join(bench.Models, ", "))
	}
	if *batch < 1 {
		return usagef("bench train: --batch %d must be positive", *batch)
	}
	if *steps < 1 || *steps > bench.MaxSteps {
		return usagef("bench train: --steps %d must be positive and at most %d", *steps, bench.MaxSteps)
	}
	b, err := backend.NewLogged(env.stderr)
	if err != nil {
		return err
	}
	defer b.Finalize()
	r, err := bench.Train(b, *model, *batch, *steps)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, r)
	return nil
}

func runBenchAccuracy(env *environment, sub string, args []string) error {
	fs := newFlagSet("bench " + sub)
	defaultEpochs, defaultBatch := 1, 64
	if sub == "fashion" {
		defaultEpochs, defaultBatch = 10, 128
	}
	epochs := fs.Int("epochs", defaultEpochs, "")
	batch := fs.Int("batch", defaultBatch, "")
	var model *string
	var augmented *bool
	if sub == "fashion" {
		model = fs.String("model", bench.FashionModels[0], "")
		augmented = fs.Bool("augment", false, "")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench %s: unexpected arguments %q", sub, fs.Args())
	}
	if *batch < 1 {
		return usagef("bench %s: --batch %d must be positive", sub, *batch)
	}
	if *epochs < 1 || *epochs > bench.MaxEpochs {
		return usagef("bench %s: --epochs %d must be positive and at most %d", sub, *epochs, bench.MaxEpochs)
	}
	b, err := backend.NewLogged(env.stderr)
	if err != nil {
		return err
	}
	defer b.Finalize()
	var r bench.MNISTResult
	if sub == "fashion" {
		r, err = bench.Fashion(b, bench.FashionConfig{Model: *model, Epochs: *epochs, Batch: *batch, Augment: *augmented}, env.stderr)
	} else {
		r, err = bench.MNIST(b, *epochs, *batch, env.stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, r)
	return nil
}
