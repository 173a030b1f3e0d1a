package transfer

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// RecipeConfig is Part B: the study note's transfer-learning program.
type RecipeConfig struct {
	// Arch is the architecture ("vgg16" in the note, "resnet18" as the faster alternative,
	// "efficientnet-lite0" for the course's offline default); Weights the checkpoint (.pth) to
	// start from.
	Arch    string `json:"arch"`
	Weights string `json:"weights"`
	// ImageNetWeights says Weights holds torchvision's ImageNet weights. It only labels the report:
	// set it false for any other checkpoint (such as the course's random-weight test checkpoints),
	// so that no result is presented as coming from a pretrained network when it does not.
	ImageNetWeights bool `json:"imagenet_weights"`
	// FineTune trains every layer (full fine-tuning) instead of the new head only (the note).
	FineTune bool `json:"fine_tune"`
	// InferenceBatchNorm keeps the frozen backbone's BatchNorm layers in inference mode (the
	// stored ImageNet statistics) while the head trains. The note's program calls net.train(),
	// which on its VGG-16 only switches dropout on; on a backbone with BatchNorm it also normalizes
	// every frozen layer by the statistics of the current batch, so the head trains on other
	// features than it is evaluated on (see docs/transfer.md). Ignored with FineTune or RandomInit.
	InferenceBatchNorm bool `json:"inference_batch_norm,omitempty"`
	// RandomInit reads Weights only for the architecture's shape and starts every layer from
	// random initialization instead: the same network trained from scratch, the control arm.
	RandomInit bool `json:"random_init"`
	// DataDir holds train/{ants,bees} and val/{ants,bees}; "" means datasets.HymenopteraDir().
	DataDir string `json:"data_dir"`
	// Epochs counts the note's epochs, the first of which only evaluates (the note: 3).
	Epochs int `json:"epochs"`
	// BatchSize, LearningRate and Momentum set SGD (the note: 32, 0.001, 0.9).
	BatchSize    int     `json:"batch_size"`
	LearningRate float64 `json:"learning_rate"`
	Momentum     float64 `json:"momentum"`
	// Size is the crop side (the note: 224).
	Size int `json:"size"`
	// TrainLimit and ValLimit, when positive, keep only that many images of each split (for
	// quick runs); 0 keeps all (244 and 153 with torchvision's loader).
	TrainLimit int `json:"train_limit"`
	ValLimit   int `json:"val_limit"`
	// Seed drives the augmentations, the shuffling and the new head's initialization.
	Seed int64 `json:"seed"`
	// Progress, when not nil, receives the epoch lines as the note prints them.
	Progress io.Writer `json:"-"`
}

// NoteRecipe returns the note's settings for the given architecture and checkpoint.
func NoteRecipe(arch, weights string, imageNet bool) RecipeConfig {
	return RecipeConfig{Arch: arch, Weights: weights, ImageNetWeights: imageNet, Epochs: 3, BatchSize: 32,
		LearningRate: 0.001, Momentum: 0.9, Size: 224, Seed: 1234}
}

// PhaseResult is one line of the note's output: "train Loss: 0.1234 Acc: 0.9500".
type PhaseResult struct {
	Epoch    int     `json:"epoch"`
	Phase    string  `json:"phase"`
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
}

// String formats the line as the note prints it.
func (p PhaseResult) String() string {
	return fmt.Sprintf("%s Loss: %.4f Acc: %.4f", p.Phase, p.Loss, p.Accuracy)
}

// RecipeReport is what Part B measured.
type RecipeReport struct {
	Config RecipeConfig `json:"config"`
	// Import is the weight import's report (PyTorch's load_state_dict terms).
	Import string `json:"import"`
	// Params lists the parameters that train, as the note's params_to_update.
	Params string `json:"params"`
	// Phases are the per-epoch train and val results, in order.
	Phases []PhaseResult `json:"phases"`
	// TrainImages and ValImages are the numbers of images used.
	TrainImages int `json:"train_images"`
	ValImages   int `json:"val_images"`
	// Note states what the numbers mean (pretrained or not).
	Note string `json:"note"`
}

// RunRecipe runs the note's program: import cfg.Weights into cfg.Arch, replace the last layer
// (VGG's classifier.6, ResNet's fc) with a 2-way one, freeze everything else, then for each epoch
// train (except the first) with RandomResizedCrop(Size, scale 0.5-1) + RandomHorizontalFlip +
// ImageNet normalization (EfficientNet-Lite's (p - 127)/128 for "efficientnet-lite0", see
// cnn.EfficientNetLiteMean), and evaluate with Resize(Size) + CenterCrop(Size). FineTune trains every
// layer instead; RandomInit trains every layer from random weights. Batches and the new head's
// initialization are PyTorch's (see trainEpoch and torchLinearInit); images are decoded with Go's
// decoders.
func RunRecipe(cfg RecipeConfig) (*RecipeReport, error) {
	if cfg.Epochs < 1 || cfg.BatchSize < 1 || cfg.Size < 1 {
		return nil, fmt.Errorf("transfer: recipe needs Epochs, BatchSize and Size >= 1, got %d, %d, %d", cfg.Epochs, cfg.BatchSize, cfg.Size)
	}
	r := &RecipeReport{Config: cfg}
	if cfg.RandomInit {
		r.Note = fmt.Sprintf("%s from random initialization (shape from %s)", cfg.Arch, cfg.Weights)
	} else if cfg.ImageNetWeights {
		r.Note = fmt.Sprintf("%s with ImageNet weights from %s", cfg.Arch, cfg.Weights)
	} else {
		r.Note = fmt.Sprintf("%s from %s, which is NOT an ImageNet-pretrained checkpoint: the pipeline runs end to end, "+
			"but these accuracies say nothing about transfer learning", cfg.Arch, cfg.Weights)
	}
	dir := cfg.DataDir
	if dir == "" {
		var err error
		if dir, err = datasets.HymenopteraDir(); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}
	trainSet, err := readLimited(filepath.Join(dir, "train"), cfg.TrainLimit)
	if err != nil {
		return nil, err
	}
	valSet, err := readLimited(filepath.Join(dir, "val"), cfg.ValLimit)
	if err != nil {
		return nil, err
	}
	r.TrainImages, r.ValImages = len(trainSet.Images), len(valSet.Images)

	sd, err := cnn.ReadStateDict(cfg.Weights)
	if err != nil {
		return nil, err
	}
	arched, err := cnn.ArchFromStateDict(cfg.Arch, sd)
	if err != nil {
		return nil, err
	}
	b, err := backend.NewLogged(nil)
	if err != nil {
		return nil, err
	}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, err
	}
	var model cnn.ModelFn
	var head string
	var numClasses *int
	switch m := arched.(type) {
	case *cnn.VGG:
		model, head, numClasses = m.Logits, fmt.Sprintf("classifier.%d", 3*len(m.Hidden)), &m.NumClasses
	case *cnn.ResNet:
		model, head, numClasses = m.Logits, "fc", &m.NumClasses
	case *cnn.EfficientNetLite:
		model, head, numClasses = m.Logits, "_fc", &m.NumClasses
	}
	if cfg.RandomInit {
		*numClasses = 2
	} else {
		report, err := cnn.ImportModel(b, ctx, model, cfg.Size, sd, cnn.ImportOptions{Strict: true})
		if err != nil {
			return nil, fmt.Errorf("transfer: %s: %w", cfg.Weights, err)
		}
		r.Import = report.String()
		// net.classifier[6] = nn.Linear(4096, 2): a new 2-way head, everything else frozen.
		if _, err := cnn.ReplaceHead(ctx, head); err != nil {
			return nil, err
		}
		*numClasses = 2
		w := sd.Tensors[head+".weight"]
		if w == nil || len(w.Shape) != 2 {
			return nil, fmt.Errorf("transfer: %s: no 2-D %s.weight for the head's input width", cfg.Weights, head)
		}
		model = torchLinearInit(model, w.Shape[1])
	}
	if !cfg.FineTune && !cfg.RandomInit {
		rules := new(cnn.Trainability).Freeze("").Unfreeze(head)
		model = rules.Model(model)
		if cfg.InferenceBatchNorm {
			model = inferenceBatchNorm(ctx, model, head)
		}
	}

	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x726563))
	norm := augment.Normalize{Mean: augment.ImageNetMean, Std: augment.ImageNetStd}
	if cfg.Arch == "efficientnet-lite0" { // (p - 127) / 128: see cnn.EfficientNetLiteMean.
		norm = augment.Normalize{Mean: cnn.EfficientNetLiteMean, Std: cnn.EfficientNetLiteStd}
	}
	trainTf := augment.Compose{augment.RandomResizedCrop{Size: cfg.Size, Scale: [2]float64{0.5, 1}},
		augment.RandomHorizontalFlip{P: 0.5}, norm}
	valTf := augment.Compose{augment.Resize{Size: cfg.Size}, augment.CenterCrop{Size: cfg.Size}, norm}
	val := transformAll(valSet, valTf, rng)
	for epoch := range cfg.Epochs {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "Epoch %d/%d\n-------------\n", epoch+1, cfg.Epochs)
		}
		if epoch > 0 { // The note skips training in the first epoch, to show the untrained head.
			train := transformAll(trainSet, trainTf, rng)
			loss, acc, err := trainEpoch(b, ctx, model, train, cnn.TrainConfig{BatchSize: cfg.BatchSize,
				Optimizer: cnn.SGD, LearningRate: cfg.LearningRate, Momentum: cfg.Momentum, Seed: cfg.Seed + int64(epoch)}, rng)
			if err != nil {
				return r, fmt.Errorf("transfer: epoch %d: %w", epoch+1, err)
			}
			r.addPhase(PhaseResult{Epoch: epoch + 1, Phase: "train", Loss: loss, Accuracy: acc})
		}
		ev, err := cnn.Evaluate(b, ctx, model, val, cfg.BatchSize)
		if err != nil {
			return r, err
		}
		r.addPhase(PhaseResult{Epoch: epoch + 1, Phase: "val", Loss: ev.Loss, Accuracy: ev.Accuracy})
	}
	r.Params = cnn.SummarizeParams(ctx).String()
	return r, nil
}

// inferenceBatchNorm wraps model so that, in training, the BatchNorm layers outside the layer head
// normalize with their stored statistics and leave them unchanged, as under PyTorch's eval(), while
// the rest of the graph (the head's dropout) still trains. It works by the scoped "training" graph
// parameter: each top-level layer of ctx that holds BatchNorm variables is set to inference mode.
func inferenceBatchNorm(ctx *context.Context, model cnn.ModelFn, head string) cnn.ModelFn {
	headScope := cnn.LayerScope(head)
	seen := map[string]bool{}
	var layers []string
	for v := range ctx.IterVariables() {
		scope := v.Scope()
		if !strings.HasSuffix(scope, "/batch_normalization") {
			continue
		}
		top := strings.SplitN(strings.TrimPrefix(scope, "/"), "/", 2)[0]
		if headScope == "/"+top || strings.HasPrefix(headScope, "/"+top+"/") {
			continue // A layer that holds the head keeps training (its dropout).
		}
		if !seen[top] {
			seen[top] = true
			layers = append(layers, top)
		}
	}
	slices.Sort(layers)
	return func(ctx *context.Context, images *graph.Node) *graph.Node {
		if g := images.Graph(); ctx.IsTraining(g) {
			for _, l := range layers {
				ctx.In(l).SetTraining(g, false)
			}
		}
		return model(ctx, images)
	}
}

// addPhase records p and prints it when progress is wanted.
func (r *RecipeReport) addPhase(p PhaseResult) {
	r.Phases = append(r.Phases, p)
	if r.Config.Progress != nil {
		fmt.Fprintln(r.Config.Progress, p)
	}
}

// torchvisionExtensions are the extensions of torchvision's IMG_EXTENSIONS that hymenoptera_data
// uses: torchvision's ImageFolder reads no .gif, so train/ants/imageNotFound.gif is left out and
// the splits have torchvision's 244 and 153 images.
var torchvisionExtensions = []string{".jpg", ".jpeg", ".png"}

// readLimited reads an image folder, keeping at most limit images (0: all) spread over the
// classes by taking every k-th image.
func readLimited(dir string, limit int) (*datasets.ImageFolder, error) {
	f, err := datasets.ReadImageFolder(dir, datasets.ImageFolderOptions{Extensions: torchvisionExtensions, SkipBad: true, Warnings: io.Discard})
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if limit <= 0 || limit >= len(f.Images) {
		return f, nil
	}
	out := &datasets.ImageFolder{ClassNames: f.ClassNames}
	for i := range limit {
		j := i * len(f.Images) / limit
		out.Images = append(out.Images, f.Images[j])
		out.Labels = append(out.Labels, f.Labels[j])
		out.Paths = append(out.Paths, f.Paths[j])
	}
	return out, nil
}

// transformAll applies tf to every image of f and packs the results (all size x size) as examples.
func transformAll(f *datasets.ImageFolder, tf augment.Transform, rng *rand.Rand) *cnn.Examples {
	var e *cnn.Examples
	for i, img := range f.Images {
		out := tf.Apply(augment.Sample{Image: augment.ToTensor(img)}, rng).Image
		if e == nil {
			e = &cnn.Examples{N: len(f.Images), Height: out.Height, Width: out.Width, Channels: out.Channels,
				Pixels: make([]float32, 0, len(f.Images)*len(out.Pix))}
		}
		e.Pixels = append(e.Pixels, out.Pix...)
		e.Labels = append(e.Labels, f.Labels[i])
	}
	return e
}
