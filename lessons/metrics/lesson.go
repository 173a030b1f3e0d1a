package metrics

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	cvmetrics "github.com/cvlessons/cvlessons/pkg/metrics"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the training subset, the minibatches and the initial weights.
	Seed int64
	// TrainSamples and TestSamples are how many Fashion-MNIST images are used (drawn at random,
	// without repetition, from the 60,000 training and 10,000 test images).
	TrainSamples, TestSamples int
	// Hidden is the width of the hidden dense layer.
	Hidden int
	// Steps, BatchSize and LearningRate drive Adam.
	Steps, BatchSize int
	LearningRate     float64
	// PositiveClass is the class whose threshold sweep the lesson shows (6 = Shirt).
	PositiveClass int
	// RareN is the population of the rare-positive example (one positive in RareN).
	RareN int
	// OutDir, when not empty, receives confusion.png and threshold.png.
	OutDir string `json:"-"`
	// Progress, when not nil, receives a line every few steps.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: 30,000 training images, a 128-unit layer, 2,000 Adam steps; the
// whole test set.
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, TrainSamples: 30000, TestSamples: 10000, Hidden: 128, Steps: 2000, BatchSize: 128,
		LearningRate: 1e-3, PositiveClass: 6, RareN: 100_000}
}

// Quick is the preset for tests and CI: well under a minute on two CPU cores.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, TrainSamples: 10000, TestSamples: 2000, Hidden: 64, Steps: 300, BatchSize: 64,
		LearningRate: 2e-3, PositiveClass: 6, RareN: 100_000}
}

// Full is the opt-in preset: all images, a wider layer, more steps.
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, TrainSamples: 60000, TestSamples: 10000, Hidden: 128, Steps: 3000, BatchSize: 128,
		LearningRate: 1e-3, PositiveClass: 6, RareN: 100_000}
}

// ConfigFor returns the preset's configuration (Class for an unknown preset).
func ConfigFor(p lessons.Preset) Config {
	switch p {
	case lessons.Quick:
		return Quick()
	case lessons.Full:
		return Full()
	}
	return Class()
}

// ClassScores are one class's scores on the test images.
type ClassScores struct {
	Name      string  `json:"name"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// ThresholdScores are the binary scores of "is it PositiveClass?" at one probability threshold.
type ThresholdScores struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Predicted is how many test images score at or above the threshold; when it is 0,
	// precision is undefined and reported as 0.
	Predicted int `json:"predicted"`
	// TP, FP, FN and TN are the cells of the yes/no confusion matrix at the threshold
	// (Predicted = TP + FP).
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TN int `json:"tn"`
}

// Report holds what a run measured.
type Report struct {
	Backend      string `json:"backend"`
	TrainSamples int    `json:"train_samples"`
	TestSamples  int    `json:"test_samples"`
	Steps        int    `json:"steps"`
	// Rare is the rare-positive example.
	Rare RareResult `json:"rare"`
	// Loss is the training loss at every step.
	Loss []float64 `json:"loss"`
	// TestAccuracy is the fraction of test images classified correctly.
	TestAccuracy float64 `json:"test_accuracy"`
	// ClassNames are Fashion-MNIST's classes in label order; Classes holds their scores.
	ClassNames []string      `json:"class_names"`
	Classes    []ClassScores `json:"classes"`
	// MacroF1 and WeightedF1 average F1 over classes (unweighted, weighted by support).
	MacroF1    float64 `json:"macro_f1"`
	WeightedF1 float64 `json:"weighted_f1"`
	// Confusion counts test images, rows = true class, columns = predicted class (label order).
	Confusion [][]int `json:"confusion"`
	// ReportText is scikit-learn's classification_report layout, labels as class indices.
	ReportText string `json:"report_text"`
	// PositiveClass names the class of the threshold sweep.
	PositiveClass string `json:"positive_class"`
	// Sweep holds the binary scores at thresholds 0.05, 0.10, ..., 0.95.
	Sweep []ThresholdScores `json:"sweep"`
	// BestF1 is the sweep point with the largest F1.
	BestF1 ThresholdScores `json:"best_f1"`
	// Seconds is the wall-clock time of loading, training and evaluating.
	Seconds float64 `json:"seconds"`
	// FigurePaths lists the PNG files written to Config.OutDir.
	FigurePaths []string `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	return fmt.Sprintf("metrics: rare positive (1 in %d): all-negative accuracy %.5f, recall %.0f; "+
		"Fashion-MNIST test accuracy %.3f, macro F1 %.3f; %s: best F1 %.3f at threshold %.2f (P %.3f, R %.3f)",
		r.Rare.N, r.Rare.Accuracy, r.Rare.Recall, r.TestAccuracy, r.MacroF1, r.PositiveClass,
		r.BestF1.F1, r.BestF1.Threshold, r.BestF1.Precision, r.BestF1.Recall)
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "metrics",
		Title:    "confusion matrix, precision, recall, F1: why accuracy misleads on rare positives",
		Notebook: "06-confusion-metrics.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}

// Run computes the rare-positive example, trains the classifier, and scores it.
func Run(cfg Config) (Report, error) {
	if cfg.TrainSamples < cfg.BatchSize || cfg.BatchSize < 1 || cfg.TestSamples < 1 || cfg.Steps < 1 || cfg.Hidden < 1 {
		return Report{}, fmt.Errorf("metrics lesson: config %+v: want TrainSamples >= BatchSize >= 1 and positive TestSamples, Steps, Hidden", cfg)
	}
	if cfg.PositiveClass < 0 || cfg.PositiveClass > 9 {
		return Report{}, fmt.Errorf("metrics lesson: PositiveClass %d, want 0-9", cfg.PositiveClass)
	}
	start := time.Now()
	rare, err := RarePositive(cfg.RareN)
	if err != nil {
		return Report{}, err
	}
	trainSet, err := datasets.LoadFashionMNIST(datasets.Train)
	if err != nil {
		return Report{}, err
	}
	testSet, err := datasets.LoadFashionMNIST(datasets.Test)
	if err != nil {
		return Report{}, err
	}
	cls, err := trainClassifier(cfg, trainSet, testSet)
	if err != nil {
		return Report{}, err
	}
	r := Report{Backend: cls.backend, TrainSamples: cfg.TrainSamples, TestSamples: cfg.TestSamples, Steps: cfg.Steps,
		Rare: rare, Loss: cls.loss, ClassNames: trainSet.ClassNames, PositiveClass: trainSet.ClassNames[cfg.PositiveClass]}
	if err := r.score(cls.labels, cls.probs, cfg.PositiveClass); err != nil {
		return Report{}, err
	}
	r.Seconds = time.Since(start).Seconds()
	if cfg.OutDir != "" {
		if err := r.write(cfg.OutDir); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// score fills the classification and threshold-sweep fields from test labels and class
// probabilities (row-major [n, 10]).
func (r *Report) score(labels []int, probs []float32, positive int) error {
	const classes = 10
	names := make([]string, classes)
	for c := range names {
		names[c] = strconv.Itoa(c)
	}
	cm, err := cvmetrics.NewConfusionMatrix(names)
	if err != nil {
		return err
	}
	for i, l := range labels {
		pred := 0
		for c := 1; c < classes; c++ {
			if probs[i*classes+c] > probs[i*classes+pred] {
				pred = c
			}
		}
		if err := cm.Add(names[l], names[pred]); err != nil {
			return err
		}
	}
	r.TestAccuracy = cm.Accuracy()
	r.Confusion = cm.Counts()
	for c, s := range cm.PerClass(cvmetrics.ZeroDivisionWarn) {
		r.Classes = append(r.Classes, ClassScores{Name: r.ClassNames[c], Precision: s.Precision, Recall: s.Recall, F1: s.F1, Support: s.Support})
	}
	r.MacroF1 = cm.Averaged(cvmetrics.Macro, cvmetrics.ZeroDivisionWarn).F1
	r.WeightedF1 = cm.Averaged(cvmetrics.Weighted, cvmetrics.ZeroDivisionWarn).F1
	r.ReportText = cvmetrics.NewReport(cm, cvmetrics.ZeroDivisionWarn).String()

	for k := 1; k <= 19; k++ {
		thr := float64(k) * 0.05
		bin, err := cvmetrics.NewConfusionMatrix([]string{"no", "yes"})
		if err != nil {
			return err
		}
		for i, l := range labels {
			truth, pred := "no", "no"
			if l == positive {
				truth = "yes"
			}
			if float64(probs[i*classes+positive]) >= thr {
				pred = "yes"
			}
			if err := bin.Add(truth, pred); err != nil {
				return err
			}
		}
		s, err := bin.Binary("yes", cvmetrics.ZeroDivisionZero)
		if err != nil {
			return err
		}
		tp, fp, fn, tn := bin.Count(1, 1), bin.Count(0, 1), bin.Count(1, 0), bin.Count(0, 0)
		p := ThresholdScores{Threshold: thr, Precision: s.Precision, Recall: s.Recall, F1: s.F1,
			Predicted: tp + fp, TP: tp, FP: fp, FN: fn, TN: tn}
		r.Sweep = append(r.Sweep, p)
		if p.F1 > r.BestF1.F1 {
			r.BestF1 = p
		}
	}
	return nil
}

// write saves the figures into dir, creating it if needed.
func (r *Report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("metrics lesson: %w", err)
	}
	for _, f := range []struct {
		name string
		make func() ([]byte, error)
	}{{"confusion.png", r.confusionPNG}, {"threshold.png", r.thresholdPNG}} {
		png, err := f.make()
		if err != nil {
			return err
		}
		path := filepath.Join(dir, f.name)
		if err := plot.WriteFileAtomic(path, png); err != nil {
			return err
		}
		r.FigurePaths = append(r.FigurePaths, path)
	}
	return nil
}
