package batchnorm

import (
	"math"
	"testing"
)

func TestColumnMeanStd(t *testing.T) {
	// Rows (1, 10), (2, 10), (3, 40): by hand, column 0 has mean 2 and population std sqrt(2/3);
	// column 1 has mean 20 and std sqrt((100+100+400)/3) = sqrt(200).
	values := []float32{1, 10, 2, 10, 3, 40}
	tests := []struct {
		name              string
		column            int
		wantMean, wantStd float64
	}{
		{"column 0", 0, 2, math.Sqrt(2.0 / 3)},
		{"column 1", 1, 20, math.Sqrt(200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, std := columnMeanStd(values, 2, tt.column)
			if math.Abs(mean-tt.wantMean) > 1e-9 || math.Abs(std-tt.wantStd) > 1e-9 {
				t.Errorf("columnMeanStd(column %d) = %g, %g, want %g, %g", tt.column, mean, std, tt.wantMean, tt.wantStd)
			}
		})
	}
}

func TestFastest(t *testing.T) {
	r := Report{Runs: []RunResult{
		{BatchNorm: false, LearningRate: 0.003, StepsToTarget: 250},
		{BatchNorm: true, LearningRate: 0.003, StepsToTarget: 180},
		{BatchNorm: false, LearningRate: 0.1, StepsToTarget: -1, Diverged: true},
		{BatchNorm: true, LearningRate: 0.1, StepsToTarget: 120},
	}}
	tests := []struct {
		name      string
		batchNorm bool
		runs      []RunResult
		wantSteps int
		wantLR    float64
	}{
		{"BN: the high rate's run", true, r.Runs, 120, 0.1},
		{"no BN: a run that never got there is skipped", false, r.Runs, 250, 0.003},
		{"none reached the target", false, r.Runs[2:3], -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Report{Runs: tt.runs}.Fastest(tt.batchNorm)
			if got.StepsToTarget != tt.wantSteps || got.LearningRate != tt.wantLR {
				t.Errorf("Fastest(%v) = %d steps at lr %g, want %d at %g", tt.batchNorm, got.StepsToTarget, got.LearningRate, tt.wantSteps, tt.wantLR)
			}
		})
	}
}
