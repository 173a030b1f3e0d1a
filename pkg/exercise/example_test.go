package exercise_test

import (
	"fmt"
	"image"
	"math"

	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/exercise"
	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// A notebook's exercise cell: the student's function starts as a stub returning zero values, and the
// check says which case fails first without failing the cell.
func ExampleCheckIoU() {
	iou := func(a, b detect.Box) float32 {
		// TODO: your code
		return 0
	}
	fmt.Println(exercise.CheckIoU(iou))

	// A first attempt that forgets to clamp the overlap at 0.
	iou = func(a, b detect.Box) float32 {
		inter := (min(a.X2, b.X2) - max(a.X1, b.X1)) * (min(a.Y2, b.Y2) - max(a.Y1, b.Y1))
		return inter / (a.Area() + b.Area() - inter)
	}
	fmt.Println(exercise.CheckIoU(iou))

	// The course's own IoU passes.
	fmt.Println(exercise.CheckIoU(detect.IoU))
	// Output:
	// IoU: not yet: case 1: IoU({0 0 2 2}, {1 1 3 3}) = 0, want 0.142857
	// IoU: not yet: case 2: IoU({0 0 2 2}, {3 3 5 5}) = 0.142857, want 0
	//   hint: clamp the overlap's width and height at 0 before multiplying them: boxes that do not overlap have intersection 0 (two negative sides multiply to a positive area)
	// IoU: all 50 cases pass
}

func ExampleCheckNMS() {
	fmt.Println(exercise.CheckNMS(detect.NMS))
	// Output:
	// NMS: all 40 cases pass
}

func ExampleCheckAP() {
	fmt.Println(exercise.CheckAP(func(recall, precision []float64) float64 {
		return metrics.AP(recall, precision, metrics.AllPoints)
	}))
	// VOC2007's 11 points are not the all-point AP.
	fmt.Println(exercise.CheckAP(func(recall, precision []float64) float64 {
		return metrics.AP(recall, precision, metrics.VOC11Point)
	}))
	// Output:
	// AP: all 40 cases pass
	// AP: not yet: case 1: AP(recall=[0.5 0.5 1], precision=[1 0.5 0.6667]) = 0.848485, want 0.833333
	//   hint: this is the all-point AP (VOC2010+), not VOC2007's mean of 11 points
}

func ExampleCheckBinaryScores() {
	// Precision and recall the wrong way round, as the study note's recall sentence has them.
	scores := func(yTrue, yPred []int) exercise.Binary {
		var b exercise.Binary
		for i := range yTrue {
			switch {
			case yTrue[i] == 1 && yPred[i] == 1:
				b.TP++
			case yPred[i] == 1:
				b.FP++
			case yTrue[i] == 1:
				b.FN++
			default:
				b.TN++
			}
		}
		if b.TP+b.FN > 0 {
			b.Precision = float64(b.TP) / float64(b.TP+b.FN)
		}
		if b.TP+b.FP > 0 {
			b.Recall = float64(b.TP) / float64(b.TP+b.FP)
		}
		if b.Precision+b.Recall > 0 {
			b.F1 = 2 * b.Precision * b.Recall / (b.Precision + b.Recall)
		}
		return b
	}
	fmt.Println(exercise.CheckBinaryScores(scores))
	// Output:
	// BinaryScores: not yet: case 1: BinaryScores(yTrue=[1 1 1 0 0 0], yPred=[1 0 0 1 0 0]).Precision = 0.333333, want 0.5
	//   hint: precision is TP / (TP + FP), the share of the *predicted* positives that are right; recall is TP / (TP + FN), the share of the *actual* positives found (the study note's recall sentence describes precision)
}

func ExampleCheckResidual() {
	// A plain block: no skip connection.
	plain := func(x []float32, w1, w2 [][]float32) []float32 {
		h := make([]float32, len(w1))
		for i := range w1 {
			for j := range x {
				h[i] += w1[i][j] * x[j]
			}
			h[i] = max(h[i], 0)
		}
		y := make([]float32, len(x))
		for j := range x {
			for i := range h {
				y[j] += w2[j][i] * h[i]
			}
			y[j] = max(y[j], 0)
		}
		return y
	}
	fmt.Println(exercise.CheckResidual(plain))
	// Output:
	// Residual: not yet: case 1: Residual(x=[1 -2], w1=[[1 0] [0 1]], w2=[[1 0] [-1 1]]) = [1 0], want [2 0] (element 0 differs)
	//   hint: the skip connection adds the block's input: y = relu(F(x) + x), not relu(F(x))
}

func ExampleCheckBatchNorm() {
	stub := func(x [][]float32, gamma, beta []float32, eps float32) [][]float32 {
		// TODO: your code
		return nil
	}
	fmt.Println(exercise.CheckBatchNorm(stub))
	// Output:
	// BatchNorm: not yet: case 1: BatchNorm(x=[[1 10] [3 20]], gamma=[1 1], beta=[0 0], eps=1e-05) = [] (0 rows), want [[-1 -1] [1 1]] (2 rows)
}

func ExampleCheckCutMixLabel() {
	label := func(width, height int, box image.Rectangle, own, partner []float64) []float64 {
		pasted := box.Intersect(image.Rect(0, 0, width, height))
		lambda := 1 - float64(pasted.Dx()*pasted.Dy())/float64(width*height)
		out := make([]float64, len(own))
		for i := range out {
			out[i] = lambda*own[i] + (1-lambda)*partner[i]
		}
		return out
	}
	fmt.Println(exercise.CheckCutMixLabel(label))
	// Output:
	// CutMixLabel: all 40 cases pass
}

func ExampleCheckYOLOTarget() {
	// x and y as fractions of the image instead of offsets inside the cell.
	target := func(box detect.Box, s int, width, height float32) exercise.YOLOTarget {
		cx, cy, w, h := box.CXCYWH()
		return exercise.YOLOTarget{
			Row: min(int(cy/height*float32(s)), s-1), Col: min(int(cx/width*float32(s)), s-1),
			X: cx / width, Y: cy / height,
			SqrtW: float32(math.Sqrt(float64(w / width))), SqrtH: float32(math.Sqrt(float64(h / height))),
		}
	}
	fmt.Println(exercise.CheckYOLOTarget(target))
	// Output:
	// YOLOTarget: not yet: case 1: YOLOTarget({68 236 132 364}, S=7, 448x448).X = 0.223214, want 0.5625
	//   hint: x and y are offsets inside the responsible cell, in cell units (cx / cellWidth - Col), not fractions of the image
}

func ExampleCheckReceptiveField() {
	field := func(layers []exercise.Layer) int {
		r, jump := 1, 1
		for _, l := range layers {
			r += (l.Kernel - 1) * jump
			jump *= l.Stride
		}
		return r
	}
	fmt.Println(exercise.CheckReceptiveField(field))
	// Output:
	// ReceptiveField: all 40 cases pass
}

func ExampleCheckCrossEntropy() {
	// The textbook formula, without the log-sum-exp trick.
	naive := func(logits []float64, label int) float64 {
		sum := 0.0
		for _, z := range logits {
			sum += math.Exp(z)
		}
		return -math.Log(math.Exp(logits[label]) / sum)
	}
	fmt.Println(exercise.CheckCrossEntropy(naive))
	// Output:
	// CrossEntropy: not yet: case 4: CrossEntropy([1000 0], 1) = +Inf, want 1000
	//   hint: subtract the largest logit before exp (log-sum-exp): exp(1000) overflows to +Inf and exp(-1000) underflows to 0
}

func ExampleCheckStackWeights() {
	// n 3x3 convolutions against the one (2n+1)x(2n+1) convolution that sees as much.
	weights := func(n, channels int) (stack, single int) {
		k := 2*n + 1
		return n * 3 * 3 * channels * channels, k * k * channels * channels
	}
	fmt.Println(exercise.CheckStackWeights(weights))
	// Output:
	// StackWeights: all 40 cases pass
}

func ExampleCheckConvOutput() {
	// Rounding up instead of down.
	size := func(n, kernel, stride, padding int) int {
		return (n+2*padding-kernel+stride-1)/stride + 1
	}
	fmt.Println(exercise.CheckConvOutput(size))
	// Output:
	// ConvOutput: not yet: case 3: ConvOutput(size=224, kernel=7, stride=2, padding=3) = 113, want 112
	//   hint: round down: a window that would hang over the padded input is not used, ⌊(n + 2p − k)/s⌋ + 1 (rounding up is PyTorch's ceil_mode=True, an option of pooling only)
}

func ExampleCheckBatchNormEval() {
	stub := func(x [][]float32, mean, variance, gamma, beta []float32, eps float32) [][]float32 {
		// TODO: your code
		return nil
	}
	fmt.Println(exercise.CheckBatchNormEval(stub))
	// Output:
	// BatchNormEval: not yet: case 1: BatchNormEval(x=[[1 10] [3 20]], mean=[2 15], variance=[1 25], gamma=[1 1], beta=[0 0], eps=1e-05) = [] (0 rows), want [[-1 -1] [1 1]] (2 rows)
}

func ExampleCheckSoftmax() {
	// The textbook formula, without subtracting the largest logit.
	naive := func(logits []float64) []float64 {
		p, sum := make([]float64, len(logits)), 0.0
		for k, z := range logits {
			p[k] = math.Exp(z)
			sum += p[k]
		}
		for k := range p {
			p[k] /= sum
		}
		return p
	}
	fmt.Println(exercise.CheckSoftmax(naive))
	// Output:
	// Softmax: not yet: case 4: Softmax([1000 0]) = [NaN 0], want [1 0] (element 0 differs)
	//   hint: subtract the largest logit before exp (log-sum-exp): exp(1000) overflows to +Inf and exp(-1000) underflows to 0 (then ∞/∞ is NaN)
}

func ExampleCheckFlipBox() {
	// Each corner mirrored on its own: the box comes out inside out.
	flip := func(box detect.Box, width, height int) detect.Box {
		w := float32(width)
		return detect.Box{X1: w - box.X1, Y1: box.Y1, X2: w - box.X2, Y2: box.Y2}
	}
	fmt.Println(exercise.CheckFlipBox(flip))
	// Output:
	// FlipBox: not yet: case 1: FlipBox({10 20 40 60}, 100x80) = {90 20 60 60}, want {60 20 90 60}
	//   hint: the mirror swaps the edges: the old right edge becomes the new left one, X1' = width − X2 and X2' = width − X1 (width − X1 is larger than width − X2)
}

func ExampleCheckMacroF1() {
	// The share of the diagonal is the accuracy, not the macro F1.
	accuracy := func(cm [][]int) float64 {
		correct, total := 0, 0
		for i, row := range cm {
			for j, n := range row {
				total += n
				if i == j {
					correct += n
				}
			}
		}
		return float64(correct) / float64(total)
	}
	fmt.Println(exercise.CheckMacroF1(accuracy))
	// Output:
	// MacroF1: not yet: case 1: MacroF1([[1 1] [0 2]]) = 0.75, want 0.733333
	//   hint: this is the accuracy (the micro average): macro F1 computes F1 for every class and averages the classes' F1 with equal weight
}

func ExampleCheckYOLOBox() {
	decode := func(t exercise.YOLOTarget, s int, width, height float32) detect.Box {
		cx := (float32(t.Col) + t.X) * width / float32(s)
		cy := (float32(t.Row) + t.Y) * height / float32(s)
		return detect.FromCXCYWH(cx, cy, t.SqrtW*t.SqrtW*width, t.SqrtH*t.SqrtH*height)
	}
	fmt.Println(exercise.CheckYOLOBox(decode))
	// Output:
	// YOLOBox: all 40 cases pass
}

func ExampleCheckBinaryCrossEntropy() {
	// The definition as it reads: the sigmoid, then the logs.
	bce := func(logit, label float64) float64 {
		p := 1 / (1 + math.Exp(-logit))
		return -(label*math.Log(p) + (1-label)*math.Log(1-p))
	}
	fmt.Println(exercise.CheckBinaryCrossEntropy(bce))

	// The same loss written from the logit.
	bce = func(logit, label float64) float64 {
		return max(logit, 0) - logit*label + math.Log1p(math.Exp(-math.Abs(logit)))
	}
	fmt.Println(exercise.CheckBinaryCrossEntropy(bce))
	// Output:
	// BinaryCrossEntropy: not yet: case 6: BinaryCrossEntropy(logit=40, label=1) = NaN, want 4.24835e-18
	//   hint: compute the loss from the logit, max(z, 0) − z·y + log(1 + e^−|z|): σ(40) rounds to exactly 1 in float64, so log(1 − σ(z)) is −Inf, and 0·log 0 is NaN
	// BinaryCrossEntropy: all 40 cases pass
}

func ExampleCheckGradientStep() {
	stub := func(w, grad []float64, lr float64) []float64 {
		// TODO: your code
		return nil
	}
	fmt.Println(exercise.CheckGradientStep(stub))

	// A step along the gradient climbs the loss.
	uphill := func(w, grad []float64, lr float64) []float64 {
		next := make([]float64, len(w))
		for i := range w {
			next[i] = w[i] + lr*grad[i]
		}
		return next
	}
	fmt.Println(exercise.CheckGradientStep(uphill))
	// Output:
	// GradientStep: not yet: case 1: GradientStep(w=[1 -2], grad=[0.5 -1], lr=0.1) = [] (length 0), want [0.95 -1.9] (length 2)
	// GradientStep: not yet: case 1: GradientStep(w=[1 -2], grad=[0.5 -1], lr=0.1) = [1.05 -2.1], want [0.95 -1.9] (element 0 differs)
	//   hint: step against the gradient: w − lr·grad (the gradient points to where the loss grows, so w + lr·grad climbs)
}
