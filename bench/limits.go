package bench

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

const (
	// MaxSteps bounds the timed steps of Train (--steps): a million steps measure nothing that
	// fewer would not, and take hours even for the smallest net.
	MaxSteps = 1_000_000
	// MaxEpochs bounds the epochs of MNIST and Fashion (--epochs), days of training for either.
	MaxEpochs = 1_000
	// trainImages and testImages are the sizes of the MNIST and Fashion-MNIST training and test
	// sets (LeCun et al.; Xiao et al. 2017).
	trainImages, testImages = 60_000, 10_000
	// defaultMemoryLimit is MemoryLimit's answer where the machine's memory cannot be read.
	defaultMemoryLimit = 16 << 30
)

// MemoryLimit returns the most memory, in bytes, that a benchmark may plan to use, and where
// that number comes from: the machine's physical memory (MemTotal in /proc/meminfo), or the
// control group's limit (memory.max) when that is lower, or 16 GiB where neither can be read.
func MemoryLimit() (int64, string) {
	limit, source := int64(0), ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if v, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err == nil && kb > 0 && kb < math.MaxInt64/1024 {
					limit, source = kb*1024, "the machine's memory, MemTotal in /proc/meminfo"
				}
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (limit == 0 || n < limit) {
			limit, source = n, "the control group's memory.max"
		}
	}
	if limit == 0 {
		return defaultMemoryLimit, "a default: the machine's memory could not be read"
	}
	return limit, source
}

// batchPlan is what a run's memory is made of: fixed bytes (the data sets) plus, per image of
// the batch, perImage bytes, described by what.
type batchPlan struct {
	fixed, perImage int64
	what            string
}

// need returns fixed + batch x perImage, and false when that overflows int64.
func (p batchPlan) need(batch int) (int64, bool) {
	if batch < 0 || p.perImage < 0 || p.fixed < 0 {
		return 0, false
	}
	if p.perImage > 0 && int64(batch) > (math.MaxInt64-p.fixed)/p.perImage {
		return 0, false
	}
	return p.fixed + int64(batch)*p.perImage, true
}

// check refuses a batch whose planned memory is over limit (from source), naming the flag, the
// value, the bytes and the limit.
func (p batchPlan) check(batch int, limit int64, source string) error {
	need, ok := p.need(batch)
	needText := fmt.Sprintf("%d bytes (%s", need, humanBytes(need))
	if !ok {
		needText = fmt.Sprintf("more than %d bytes (%s", int64(math.MaxInt64), humanBytes(math.MaxInt64))
	}
	if !ok || need > limit {
		return fmt.Errorf("bench: --batch %d needs %s; %s), over the limit of %d bytes (%s; %s); use a smaller --batch",
			batch, needText, p.what, limit, humanBytes(limit), source)
	}
	return nil
}

// trainingPlan estimates the host memory of training model on images of shape (height, width,
// channels): copies host copies of each batch image, the step's own copy and the forward pass's
// values (cnn.ActivationBytes) per image, and a data set of dataImages images held as float32. On
// a backend whose computations run on an accelerator (XLA with a plugin other than "cpu") the
// activations live in the accelerator's memory, which MemoryLimit does not know, and are left out.
func trainingPlan(b backends.Backend, name string, model cnn.ModelFn, shape [3]int, copies, dataImages int) (batchPlan, error) {
	act, err := cnn.ActivationBytes(b, model, shape[0], shape[1], shape[2])
	if err != nil {
		return batchPlan{}, fmt.Errorf("bench: %s: %w", name, err)
	}
	image := int64(shape[0] * shape[1] * shape[2] * 4)
	p := batchPlan{fixed: int64(dataImages) * image, perImage: int64(copies) * (image + 8)}
	inputs := fmt.Sprintf("%d host copies of the %dx%dx%d input", copies, shape[0], shape[1], shape[2])
	if copies == 1 {
		inputs = fmt.Sprintf("a host copy of the %dx%dx%d input", shape[0], shape[1], shape[2])
	}
	if desc := b.Description(); strings.HasPrefix(desc, "xla:") && !strings.HasPrefix(desc, "xla:cpu") {
		p.what = fmt.Sprintf("%s per image: %s, not counting the %s of %s activations per image in the accelerator's memory",
			humanBytes(p.perImage), inputs, humanBytes(act), name)
	} else {
		p.perImage += act
		p.what = fmt.Sprintf("%s per image: %s of %s activations and %s", humanBytes(p.perImage), humanBytes(act), name, inputs)
	}
	if dataImages > 0 {
		p.what = fmt.Sprintf("%s for %d images as float32, plus %s", humanBytes(p.fixed), dataImages, p.what)
	}
	return p, nil
}

// humanBytes formats n in decimal units: "627.2 GB".
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGTPE"[i])
}
