package exercise

import (
	"image"
	"math"
	"slices"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// The solutions below are written the way a student would write them, independently of the references
// in the exercise files, so that a check passing them shows the check and its reference agree with a
// straightforward reading of the task.

func solveIoU(a, b detect.Box) float32 {
	w := max(0, min(a.X2, b.X2)-max(a.X1, b.X1))
	h := max(0, min(a.Y2, b.Y2)-max(a.Y1, b.Y1))
	inter := w * h
	union := (a.X2-a.X1)*(a.Y2-a.Y1) + (b.X2-b.X1)*(b.Y2-b.Y1) - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

func solveNMS(boxes []detect.Box, scores []float32, threshold float32) []int {
	order := make([]int, len(boxes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		switch {
		case scores[i] > scores[j]:
			return -1
		case scores[i] < scores[j]:
			return 1
		}
		return 0
	})
	var keep []int
	for _, i := range order {
		ok := true
		for _, k := range keep {
			if solveIoU(boxes[i], boxes[k]) > threshold {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	return keep
}

func solveBinaryScores(yTrue, yPred []int) Binary {
	var b Binary
	for i := range yTrue {
		switch {
		case yTrue[i] == 1 && yPred[i] == 1:
			b.TP++
		case yTrue[i] == 0 && yPred[i] == 1:
			b.FP++
		case yTrue[i] == 1 && yPred[i] == 0:
			b.FN++
		default:
			b.TN++
		}
	}
	if b.TP+b.FP > 0 {
		b.Precision = float64(b.TP) / float64(b.TP+b.FP)
	}
	if b.TP+b.FN > 0 {
		b.Recall = float64(b.TP) / float64(b.TP+b.FN)
	}
	if b.Precision+b.Recall > 0 {
		b.F1 = 2 * b.Precision * b.Recall / (b.Precision + b.Recall)
	}
	return b
}

func solveResidual(x []float32, w1, w2 [][]float32) []float32 {
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
		y[j] = max(y[j]+x[j], 0)
	}
	return y
}

func solveBatchNorm(x [][]float32, gamma, beta []float32, eps float32) [][]float32 {
	n, c := len(x), len(gamma)
	y := make([][]float32, n)
	for i := range y {
		y[i] = make([]float32, c)
	}
	for k := range c {
		var mean, variance float32
		for i := range n {
			mean += x[i][k]
		}
		mean /= float32(n)
		for i := range n {
			variance += (x[i][k] - mean) * (x[i][k] - mean)
		}
		variance /= float32(n)
		for i := range n {
			y[i][k] = gamma[k]*(x[i][k]-mean)/float32(math.Sqrt(float64(variance+eps))) + beta[k]
		}
	}
	return y
}

func solveCutMixLabel(width, height int, box image.Rectangle, own, partner []float64) []float64 {
	pasted := box.Intersect(image.Rect(0, 0, width, height))
	lambda := 1 - float64(pasted.Dx()*pasted.Dy())/float64(width*height)
	label := make([]float64, len(own))
	for i := range label {
		label[i] = lambda*own[i] + (1-lambda)*partner[i]
	}
	return label
}

func solveAP(recall, precision []float64) float64 {
	ap, prevRecall := 0.0, 0.0
	for k := range recall {
		best := 0.0 // the interpolated precision: the best at this recall or beyond
		for _, p := range precision[k:] {
			best = max(best, p)
		}
		ap += (recall[k] - prevRecall) * best
		prevRecall = recall[k]
	}
	return ap
}

func solveYOLOTarget(box detect.Box, s int, width, height float32) YOLOTarget {
	cx, cy := (box.X1+box.X2)/2, (box.Y1+box.Y2)/2
	cellW, cellH := width/float32(s), height/float32(s)
	col := min(int(cx/cellW), s-1)
	row := min(int(cy/cellH), s-1)
	return YOLOTarget{
		Row: row, Col: col,
		X: cx/cellW - float32(col), Y: cy/cellH - float32(row),
		SqrtW: float32(math.Sqrt(float64((box.X2 - box.X1) / width))),
		SqrtH: float32(math.Sqrt(float64((box.Y2 - box.Y1) / height))),
	}
}

func solveReceptiveField(layers []Layer) int {
	field, jump := 1, 1
	for _, l := range layers {
		field += (l.Kernel - 1) * jump
		jump *= l.Stride
	}
	return field
}

func solveCrossEntropy(logits []float64, label int) float64 {
	m := slices.Max(logits)
	sum := 0.0
	for _, z := range logits {
		sum += math.Exp(z - m)
	}
	return -(logits[label] - m - math.Log(sum))
}

func solveStackWeights(n, channels int) (stack, single int) {
	k := 2*n + 1
	return n * 3 * 3 * channels * channels, k * k * channels * channels
}

func solveConvOutput(size, kernel, stride, padding int) int {
	return (size+2*padding-kernel)/stride + 1
}

func solveBatchNormEval(x [][]float32, mean, variance, gamma, beta []float32, eps float32) [][]float32 {
	y := make([][]float32, len(x))
	for i := range x {
		y[i] = make([]float32, len(x[i]))
		for c := range x[i] {
			y[i][c] = gamma[c]*(x[i][c]-mean[c])/float32(math.Sqrt(float64(variance[c]+eps))) + beta[c]
		}
	}
	return y
}

func solveSoftmax(logits []float64) []float64 {
	m := slices.Max(logits)
	p := make([]float64, len(logits))
	sum := 0.0
	for k, z := range logits {
		p[k] = math.Exp(z - m)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

func solveFlipBox(b detect.Box, width, height int) detect.Box {
	w := float32(width)
	return detect.Box{X1: w - b.X2, Y1: b.Y1, X2: w - b.X1, Y2: b.Y2}
}

func solveMacroF1(cm [][]int) float64 {
	sum := 0.0
	for k := range cm {
		tp, predicted, actual := cm[k][k], 0, 0
		for i := range cm {
			predicted += cm[i][k]
			actual += cm[k][i]
		}
		var p, r float64
		if predicted > 0 {
			p = float64(tp) / float64(predicted)
		}
		if actual > 0 {
			r = float64(tp) / float64(actual)
		}
		if p+r > 0 {
			sum += 2 * p * r / (p + r)
		}
	}
	return sum / float64(len(cm))
}

func solveYOLOBox(t YOLOTarget, s int, width, height float32) detect.Box {
	cellW, cellH := width/float32(s), height/float32(s)
	cx, cy := (float32(t.Col)+t.X)*cellW, (float32(t.Row)+t.Y)*cellH
	w, h := t.SqrtW*t.SqrtW*width, t.SqrtH*t.SqrtH*height
	return detect.Box{X1: cx - w/2, Y1: cy - h/2, X2: cx + w/2, Y2: cy + h/2}
}

func solveBinaryCrossEntropy(logit, label float64) float64 {
	// −y·log σ(z) − (1−y)·log(1 − σ(z)), with the logs written so that exp never overflows
	if logit >= 0 {
		return (1-label)*logit + math.Log1p(math.Exp(-logit))
	}
	return -label*logit + math.Log1p(math.Exp(logit))
}

func solveGradientStep(w, grad []float64, lr float64) []float64 {
	next := make([]float64, len(w))
	for i := range w {
		next[i] = w[i] - lr*grad[i]
	}
	return next
}
