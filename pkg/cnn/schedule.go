package cnn

import (
	"fmt"
	"math"
)

// Schedule is a learning-rate schedule, computed on the host before every step.
type Schedule int

const (
	// Constant keeps the learning rate.
	Constant Schedule = iota
	// StepDecay multiplies the rate by Gamma every StepSize steps (PyTorch's StepLR, counted in
	// optimizer steps): lr * Gamma^floor(step/StepSize).
	StepDecay
	// Cosine anneals from the rate to 0 over the whole run (PyTorch's CosineAnnealingLR with
	// T_max = total steps, eta_min = 0): lr * (1 + cos(pi * step / total)) / 2.
	Cosine
)

// String names the schedule.
func (s Schedule) String() string {
	switch s {
	case Constant:
		return "constant"
	case StepDecay:
		return "step"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// LearningRateAt returns the learning rate cfg's schedule gives step (0-based) of a run of total
// steps.
func (cfg *TrainConfig) LearningRateAt(step, total int) float64 {
	switch cfg.Schedule {
	case StepDecay:
		if cfg.StepSize <= 0 {
			return cfg.LearningRate
		}
		return cfg.LearningRate * math.Pow(cfg.Gamma, float64(step/cfg.StepSize))
	case Cosine:
		if total <= 0 {
			return cfg.LearningRate
		}
		return cfg.LearningRate * (1 + math.Cos(math.Pi*float64(step)/float64(total))) / 2
	}
	return cfg.LearningRate
}
