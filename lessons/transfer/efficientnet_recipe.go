package transfer

import (
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/batchnorm"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// FrozenConfig is the note's recipe on EfficientNet-Lite0 with its backbone frozen and its
// features cached: the ImageNet backbone runs once per image, and the new 2-way head then trains
// in seconds.
//
// Caching rules out the note's training augmentation (RandomResizedCrop + flip would give new
// features every epoch), so the head trains on the features of the validation transform (resize
// the shorter side to 256, crop the centre 224x224, EfficientNet-Lite normalization) of each
// training image: every epoch sees the same 244 feature vectors. This is the documented choice of
// cnn.CacheFeatures; it is also what happens with BatchNorm in evaluation mode, whereas PyTorch's
// model.train() of the note would update the frozen backbone's BatchNorm statistics.
type FrozenConfig struct {
	// Weights is EfficientNet-Lite0's ImageNet checkpoint (datasets.WeightsPath(
	// "efficientnet-lite0-imagenet")); RandomBackbone ignores it and initializes the backbone at
	// random instead (the control arm: what the head learns from features nobody trained).
	Weights        string `json:"weights"`
	RandomBackbone bool   `json:"random_backbone"`
	// DataDir holds train/{ants,bees} and val/{ants,bees}; "" means datasets.HymenopteraDir().
	DataDir string `json:"data_dir"`
	// Epochs, BatchSize, LearningRate and Momentum are the note's (3, the first only evaluating;
	// 32; 0.001; 0.9).
	Epochs       int     `json:"epochs"`
	BatchSize    int     `json:"batch_size"`
	LearningRate float64 `json:"learning_rate"`
	Momentum     float64 `json:"momentum"`
	// Seed drives the head's initialization, the shuffling and dropout (and the random backbone).
	// Seeds, when above 1, trains that many heads on the same cached features, with seeds Seed,
	// Seed+1, ... (the spread over seeds costs seconds); Phases report the first.
	Seed  int64 `json:"seed"`
	Seeds int   `json:"seeds"`
	// FigureDir, when not "", receives predictions.png (16 validation images, predicted and true
	// labels) and mistakes.png (every misclassified validation image, at most 16).
	FigureDir string `json:"figure_dir"`
	// Progress, when not nil, receives the epoch lines as the note prints them.
	Progress io.Writer `json:"-"`
}

// NoteFrozen returns the note's settings on EfficientNet-Lite0 with the given weights.
func NoteFrozen(weights string) FrozenConfig {
	return FrozenConfig{Weights: weights, Epochs: 3, BatchSize: 32, LearningRate: 0.001, Momentum: 0.9, Seed: 1234}
}

// FrozenReport is what RunFrozen measured.
type FrozenReport struct {
	Config FrozenConfig `json:"config"`
	// Import is the weight import's report ("" for a random backbone).
	Import string `json:"import"`
	// Phases are the per-epoch train and val results, in order (the first epoch: val only).
	Phases []PhaseResult `json:"phases"`
	// ValAccuracy is the last epoch's validation accuracy; SeedAccuracies the validation accuracy
	// per epoch (rows) and seed (columns), epoch 1 being the untrained head.
	ValAccuracy    float64     `json:"val_accuracy"`
	SeedAccuracies [][]float64 `json:"seed_accuracies"`
	// TrainImages and ValImages count the images used (244 and 153 for hymenoptera_data).
	TrainImages int `json:"train_images"`
	ValImages   int `json:"val_images"`
	// FeatureSeconds is the time the backbone took over all images; HeadSeconds the head's epochs.
	FeatureSeconds float64 `json:"feature_seconds"`
	HeadSeconds    float64 `json:"head_seconds"`
	// Mistakes are the validation files the final head gets wrong.
	Mistakes []string `json:"mistakes"`
	// Figures are the paths written to FigureDir.
	Figures []string `json:"figures"`
}

// RunFrozen runs the note's frozen-backbone recipe on EfficientNet-Lite0 (see FrozenConfig for the
// feature cache): import the ImageNet weights, replace "_fc" with a new 2-way layer (the dropout of
// 0.2 before it kept), cache the 1280 pooled features of every image, then epoch by epoch train the
// head with SGD (except in the first epoch) and evaluate it on the validation features.
func RunFrozen(cfg FrozenConfig) (*FrozenReport, error) {
	if cfg.Epochs < 1 || cfg.BatchSize < 1 {
		return nil, fmt.Errorf("transfer: frozen recipe needs Epochs and BatchSize >= 1, got %d and %d", cfg.Epochs, cfg.BatchSize)
	}
	r := &FrozenReport{Config: cfg}
	dir := cfg.DataDir
	if dir == "" {
		var err error
		if dir, err = datasets.HymenopteraDir(); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}
	trainSet, err := readLimited(filepath.Join(dir, "train"), 0)
	if err != nil {
		return nil, err
	}
	valSet, err := readLimited(filepath.Join(dir, "val"), 0)
	if err != nil {
		return nil, err
	}
	r.TrainImages, r.ValImages = len(trainSet.Images), len(valSet.Images)

	b, err := backend.NewLogged(nil)
	if err != nil {
		return nil, err
	}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, err
	}
	net := cnn.NewEfficientNetLite0(1000)
	if !cfg.RandomBackbone {
		sd, err := cnn.ReadStateDict(cfg.Weights)
		if err != nil {
			return nil, err
		}
		report, err := cnn.ImportModel(b, ctx, net.Logits, cnn.ImageNetSize, sd, cnn.ImportOptions{Strict: true})
		if err != nil {
			return nil, fmt.Errorf("transfer: %s: %w", cfg.Weights, err)
		}
		r.Import = report.String()
	}
	valTf := augment.Compose{augment.Resize{Size: cnn.ImageNetResize}, augment.CenterCrop{Size: cnn.ImageNetSize},
		augment.Normalize{Mean: cnn.EfficientNetLiteMean, Std: cnn.EfficientNetLiteStd}}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x66726f))
	start := time.Now()
	backbone := efficientNetFeatures(net)
	trainFeat, err := cnn.CacheFeatures(b, ctx, backbone, transformAll(trainSet, valTf, rng), cfg.BatchSize)
	if err != nil {
		return nil, err
	}
	valFeat, err := cnn.CacheFeatures(b, ctx, backbone, transformAll(valSet, valTf, rng), cfg.BatchSize)
	if err != nil {
		return nil, err
	}
	r.FeatureSeconds = time.Since(start).Seconds()

	// net._fc = nn.Linear(1280, 2), in a fresh context: only the head's variables train.
	start = time.Now()
	seeds := max(cfg.Seeds, 1)
	r.SeedAccuracies = make([][]float64, cfg.Epochs)
	var ev *cnn.Evaluation
	for k := range seeds {
		progress := cfg.Progress
		if k > 0 {
			progress = nil
		}
		phases, last, err := trainHead(b, efficientNetHead(net.Dropout, 2), trainFeat, valFeat, cfg, cfg.Seed+int64(k), progress)
		if err != nil {
			return r, err
		}
		if k == 0 {
			r.Phases, ev = phases, last
		}
		for _, p := range phases {
			if p.Phase == "val" {
				r.SeedAccuracies[p.Epoch-1] = append(r.SeedAccuracies[p.Epoch-1], p.Accuracy)
			}
		}
	}
	r.HeadSeconds = time.Since(start).Seconds()
	r.ValAccuracy = ev.Accuracy
	for i, p := range ev.Predictions {
		if p != valSet.Labels[i] {
			r.Mistakes = append(r.Mistakes, valSet.Paths[i])
		}
	}
	if cfg.FigureDir != "" {
		if r.Figures, err = predictionFigures(cfg.FigureDir, valSet, ev.Predictions); err != nil {
			return r, err
		}
	}
	return r, nil
}

// trainHead trains a new head on the cached features with the note's schedule and seed, printing
// the epoch lines to progress (nil: none), and returns the phases and the last evaluation.
func trainHead(b backends.Backend, head cnn.ModelFn, trainFeat, valFeat *cnn.Examples, cfg FrozenConfig, seed int64, progress io.Writer) ([]PhaseResult, *cnn.Evaluation, error) {
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(seed); err != nil {
		return nil, nil, err
	}
	head = torchLinearInit(head, trainFeat.Height*trainFeat.Width*trainFeat.Channels)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x68656164))
	var phases []PhaseResult
	add := func(p PhaseResult) {
		phases = append(phases, p)
		if progress != nil {
			fmt.Fprintln(progress, p)
		}
	}
	var ev *cnn.Evaluation
	for epoch := range cfg.Epochs {
		if progress != nil {
			fmt.Fprintf(progress, "Epoch %d/%d\n-------------\n", epoch+1, cfg.Epochs)
		}
		if epoch > 0 { // The note skips training in the first epoch, to show the untrained head.
			loss, acc, err := trainEpoch(b, ctx, head, trainFeat, cnn.TrainConfig{BatchSize: cfg.BatchSize,
				Optimizer: cnn.SGD, LearningRate: cfg.LearningRate, Momentum: cfg.Momentum, Seed: seed + int64(epoch)}, rng)
			if err != nil {
				return phases, nil, fmt.Errorf("transfer: epoch %d: %w", epoch+1, err)
			}
			add(PhaseResult{Epoch: epoch + 1, Phase: "train", Loss: loss, Accuracy: acc})
		}
		var err error
		if ev, err = cnn.Evaluate(b, ctx, head, valFeat, cfg.BatchSize); err != nil {
			return phases, nil, err
		}
		add(PhaseResult{Epoch: epoch + 1, Phase: "val", Loss: ev.Loss, Accuracy: ev.Accuracy})
	}
	return phases, ev, nil
}

// efficientNetFeatures is e up to its global average pooling: images [batch, 224, 224, 3] to
// features [batch, HeadWidth], with the variables of e.Logits (the same scopes, so an imported
// checkpoint applies). It repeats cnn.EfficientNetLite.Logits without dropout and "_fc", because
// pkg/cnn has no feature method for EfficientNet yet.
func efficientNetFeatures(e *cnn.EfficientNetLite) cnn.ModelFn {
	return func(ctx *context.Context, images *graph.Node) *graph.Node {
		x := cnn.SameConv(ctx.In("_conv_stem"), images, e.StemWidth, 3, 2, 1)
		x = relu6(liteBN(ctx.In("_bn0"), x))
		idx := 0
		for _, s := range e.Stages {
			for j := range s.Repeats {
				stride := 1
				if j == 0 {
					stride = s.Stride
				}
				x = liteMBConv(ctx.In("_blocks").In(strconv.Itoa(idx)), x, s, stride)
				idx++
			}
		}
		x = relu6(liteBN(ctx.In("_bn1"), cnn.SameConv(ctx.In("_conv_head"), x, e.HeadWidth, 1, 1, 1)))
		return graph.ReduceMean(x, 1, 2)
	}
}

// liteMBConv is one MBConv block, as cnn.EfficientNetLite builds it.
func liteMBConv(ctx *context.Context, x *graph.Node, s cnn.MBConvStage, stride int) *graph.Node {
	in := x.Shape().Dimensions[3]
	y, hidden := x, in*s.Expand
	if s.Expand != 1 {
		y = relu6(liteBN(ctx.In("_bn0"), cnn.SameConv(ctx.In("_expand_conv"), y, hidden, 1, 1, 1)))
	}
	y = relu6(liteBN(ctx.In("_bn1"), cnn.SameConv(ctx.In("_depthwise_conv"), y, hidden, s.Kernel, stride, hidden)))
	y = liteBN(ctx.In("_bn2"), cnn.SameConv(ctx.In("_project_conv"), y, s.Out, 1, 1, 1))
	if stride == 1 && in == s.Out {
		y = graph.Add(y, x)
	}
	return y
}

// liteBN is BatchNorm with EfficientNet's epsilon 1e-3 and momentum 0.99, as in pkg/cnn.
func liteBN(ctx *context.Context, x *graph.Node) *graph.Node {
	return batchnorm.New(ctx, x, -1).Epsilon(1e-3).Momentum(0.99).UseBackendInference(ctx.IsTraining(x.Graph())).Done()
}

// relu6 is min(max(x, 0), 6).
func relu6(x *graph.Node) *graph.Node { return graph.MinScalar(graph.MaxScalar(x, 0), 6) }

// efficientNetHead is EfficientNet-Lite's last layer on cached features [batch, 1, 1, F]: dropout
// (in training) and the linear layer "_fc" with classes outputs.
func efficientNetHead(dropout float64, classes int) cnn.ModelFn {
	return func(ctx *context.Context, features *graph.Node) *graph.Node {
		x := graph.Reshape(features, features.Shape().Dimensions[0], -1)
		if dropout > 0 {
			x = layers.DropoutStatic(ctx, x, dropout)
		}
		return layers.DenseWithBias(ctx.In("_fc"), x, classes)
	}
}

// predictionFigures writes predictions.png (the first 16 validation images, spread over both
// classes, each titled "pred: X / true: Y") and mistakes.png (the misclassified ones, at most 16)
// to dir, and returns their paths.
func predictionFigures(dir string, val *datasets.ImageFolder, pred []int) ([]string, error) {
	show := augment.Compose{augment.Resize{Size: cnn.ImageNetResize}, augment.CenterCrop{Size: cnn.ImageNetSize}}
	cell := func(i int) (image.Image, string) {
		img := show.Apply(augment.Sample{Image: augment.ToTensor(val.Images[i])}, nil).Image
		return img.ToNRGBA(), fmt.Sprintf("pred: %s / true: %s", val.ClassNames[pred[i]], val.ClassNames[val.Labels[i]])
	}
	var all, wrong []int
	n := len(val.Images)
	for k := range min(16, n) {
		all = append(all, k*n/min(16, n))
	}
	for i := range pred {
		if pred[i] != val.Labels[i] && len(wrong) < 16 {
			wrong = append(wrong, i)
		}
	}
	var paths []string
	for _, f := range []struct {
		name string
		idx  []int
	}{{"predictions.png", all}, {"mistakes.png", wrong}} {
		if len(f.idx) == 0 {
			continue
		}
		var imgs []image.Image
		var titles []string
		for _, i := range f.idx {
			img, title := cell(i)
			imgs, titles = append(imgs, img), append(titles, title)
		}
		fig, err := plot.ImageGrid(imgs, titles, 4)
		if err != nil {
			return paths, err
		}
		path := filepath.Join(dir, f.name)
		if err := fig.Save(path); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
