package exercise

import (
	"image"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// checks runs every exercise's check on a student's correct solution and on an unfinished stub that
// returns zero values, as the notebooks' stubs do.
var checks = []struct {
	name            string
	solved, stubbed func() Result
}{
	{"IoU", func() Result { return CheckIoU(solveIoU) },
		func() Result { return CheckIoU(func(a, b detect.Box) float32 { return 0 }) }},
	{"NMS", func() Result { return CheckNMS(solveNMS) },
		func() Result { return CheckNMS(func([]detect.Box, []float32, float32) []int { return nil }) }},
	{"BinaryScores", func() Result { return CheckBinaryScores(solveBinaryScores) },
		func() Result { return CheckBinaryScores(func(_, _ []int) Binary { return Binary{} }) }},
	{"Residual", func() Result { return CheckResidual(solveResidual) },
		func() Result {
			return CheckResidual(func([]float32, [][]float32, [][]float32) []float32 { return nil })
		}},
	{"BatchNorm", func() Result { return CheckBatchNorm(solveBatchNorm) },
		func() Result {
			return CheckBatchNorm(func([][]float32, []float32, []float32, float32) [][]float32 { return nil })
		}},
	{"CutMixLabel", func() Result { return CheckCutMixLabel(solveCutMixLabel) },
		func() Result {
			return CheckCutMixLabel(func(int, int, image.Rectangle, []float64, []float64) []float64 { return nil })
		}},
	{"AP", func() Result { return CheckAP(solveAP) },
		func() Result { return CheckAP(func(_, _ []float64) float64 { return 0 }) }},
	{"YOLOTarget", func() Result { return CheckYOLOTarget(solveYOLOTarget) },
		func() Result {
			return CheckYOLOTarget(func(detect.Box, int, float32, float32) YOLOTarget { return YOLOTarget{} })
		}},
	{"ReceptiveField", func() Result { return CheckReceptiveField(solveReceptiveField) },
		func() Result { return CheckReceptiveField(func([]Layer) int { return 0 }) }},
	{"CrossEntropy", func() Result { return CheckCrossEntropy(solveCrossEntropy) },
		func() Result { return CheckCrossEntropy(func([]float64, int) float64 { return 0 }) }},
	{"StackWeights", func() Result { return CheckStackWeights(solveStackWeights) },
		func() Result { return CheckStackWeights(func(int, int) (int, int) { return 0, 0 }) }},
	{"ConvOutput", func() Result { return CheckConvOutput(solveConvOutput) },
		func() Result { return CheckConvOutput(func(int, int, int, int) int { return 0 }) }},
	{"BatchNormEval", func() Result { return CheckBatchNormEval(solveBatchNormEval) },
		func() Result {
			return CheckBatchNormEval(func([][]float32, []float32, []float32, []float32, []float32, float32) [][]float32 {
				return nil
			})
		}},
	{"Softmax", func() Result { return CheckSoftmax(solveSoftmax) },
		func() Result { return CheckSoftmax(func([]float64) []float64 { return nil }) }},
	{"FlipBox", func() Result { return CheckFlipBox(solveFlipBox) },
		func() Result { return CheckFlipBox(func(detect.Box, int, int) detect.Box { return detect.Box{} }) }},
	{"MacroF1", func() Result { return CheckMacroF1(solveMacroF1) },
		func() Result { return CheckMacroF1(func([][]int) float64 { return 0 }) }},
	{"YOLOBox", func() Result { return CheckYOLOBox(solveYOLOBox) },
		func() Result {
			return CheckYOLOBox(func(YOLOTarget, int, float32, float32) detect.Box { return detect.Box{} })
		}},
	{"BinaryCrossEntropy", func() Result { return CheckBinaryCrossEntropy(solveBinaryCrossEntropy) },
		func() Result { return CheckBinaryCrossEntropy(func(_, _ float64) float64 { return 0 }) }},
	{"GradientStep", func() Result { return CheckGradientStep(solveGradientStep) },
		func() Result { return CheckGradientStep(func(_, _ []float64, _ float64) []float64 { return nil }) }},
}

func TestSolutionsPass(t *testing.T) {
	for _, c := range checks {
		r := c.solved()
		if !r.OK() || r.Passed != r.Cases || r.Exercise != c.name || r.Cases < 20 {
			t.Errorf("%s: a correct solution gives %+v, want all of at least 20 cases passed", c.name, r)
		}
		if want := c.name + ": all "; !strings.HasPrefix(r.String(), want) || !strings.HasSuffix(r.String(), " cases pass") {
			t.Errorf("%s: String() = %q, want %q...cases pass", c.name, r.String(), want)
		}
	}
}

// An unfinished exercise fails at its first case, and prints "not yet: case 1: ...".
func TestStubsFailAtCaseOne(t *testing.T) {
	for _, c := range checks {
		r := c.stubbed()
		want := c.name + ": not yet: case 1: " + c.name + "("
		if r.OK() || r.Passed != 0 || !strings.HasPrefix(r.String(), want) || !strings.Contains(r.Failure, "want") {
			t.Errorf("%s: a stub gives %q, want it to start with %q and say what was wanted", c.name, r, want)
		}
	}
}

// The course's own functions, where it has them, pass their exercise.
func TestCourseFunctionsPass(t *testing.T) {
	for name, r := range map[string]Result{
		"detect.IoU": CheckIoU(detect.IoU),
		"detect.NMS": CheckNMS(detect.NMS),
		"metrics.AP": CheckAP(func(r, p []float64) float64 { return metrics.AP(r, p, metrics.AllPoints) }),
	} {
		if !r.OK() {
			t.Errorf("%s: %s", name, r)
		}
	}
}

// Plausible wrong answers fail with a readable message naming the case, the call, the answer and the
// expected answer, and a hint.
func TestWrongAnswersMessages(t *testing.T) {
	for _, tc := range []struct {
		name         string
		result       Result
		failure      string
		hintContains string
	}{
		{"IoU without clamping", CheckIoU(func(a, b detect.Box) float32 { return iouNoClamp([2]detect.Box{a, b}) }),
			"case 2: IoU({0 0 2 2}, {3 3 5 5}) = 0.142857, want 0", "clamp"},
		{"IoU returning 0.25", CheckIoU(func(a, b detect.Box) float32 { return 0.25 }),
			"case 1: IoU({0 0 2 2}, {1 1 3 3}) = 0.25, want 0.142857", ""},
		{"NMS with >=", CheckNMS(func(b []detect.Box, s []float32, th float32) []int {
			return nmsVariant(nmsCase{b, s, th}, nmsMistakes{ge: true})
		}), "case 2: NMS([{0 0 10 10} {1 1 11 11} {0 0 10 20} {50 50 60 60}], [0.9 0.8 0.7 0.6], 0.5) = [0 3], want [0 2 3]",
			"IoU > threshold"},
		{"NMS in input order", CheckNMS(func(b []detect.Box, s []float32, th float32) []int {
			return nmsVariant(nmsCase{b, s, th}, nmsMistakes{unsorted: true})
		}), "case 1: NMS([{0 0 10 10} {1 1 11 11} {50 50 60 60}], [0.6 0.9 0.8], 0.5) = [0 2], want [1 2]",
			"decreasing score"},
		{"precision and recall swapped", CheckBinaryScores(func(yTrue, yPred []int) Binary {
			b := solveBinaryScores(yTrue, yPred)
			b.Precision, b.Recall = b.Recall, b.Precision
			return b
		}), "case 1: BinaryScores(yTrue=[1 1 1 0 0 0], yPred=[1 0 0 1 0 0]).Precision = 0.333333, want 0.5",
			"the study note's recall sentence"},
		{"residual without the skip", CheckResidual(func(x []float32, w1, w2 [][]float32) []float32 {
			return residualVariant(residualCase{x, w1, w2}, true, false, true)
		}), "case 1: Residual(x=[1 -2], w1=[[1 0] [0 1]], w2=[[1 0] [-1 1]]) = [1 0], want [2 0] (element 0 differs)",
			"skip connection"},
		{"batch norm with N-1", CheckBatchNorm(func(x [][]float32, g, b []float32, eps float32) [][]float32 {
			return batchNormVariant(batchNormCase{x, g, b, eps}, bnMistakes{unbiased: true})
		}), "case 1: BatchNorm(x=[[1 10] [3 20]], gamma=[1 1], beta=[0 0], eps=1e-05) = [[-0.7071 -0.7071] [0.7071 0.7071]], want [[-1 -1] [1 1]] (row 0 differs)",
			"biased variance"},
		{"CutMix unclipped", CheckCutMixLabel(func(w, h int, box image.Rectangle, own, partner []float64) []float64 {
			return cutMixVariant(cutMixCase{w, h, box, own, partner}, false, false)
		}), "case 2: CutMixLabel(8, 8, (-2,-2)-(4,4), own=[1 0], partner=[0 1]) = [0.4375 0.5625], want [0.75 0.25] (element 0 differs)",
			"clip the box"},
		{"AP without the envelope", CheckAP(func(r, p []float64) float64 { return apSteps([2][]float64{r, p}, false, true) }),
			"case 2: AP(recall=[0.3333 0.3333 0.3333 0.6667 1], precision=[1 0.5 0.3333 0.5 0.6]) = 0.7, want 0.733333",
			"upper envelope"},
		{"YOLO target without square roots", CheckYOLOTarget(func(b detect.Box, s int, w, h float32) YOLOTarget {
			t := solveYOLOTarget(b, s, w, h)
			t.SqrtW, t.SqrtH = t.SqrtW*t.SqrtW, t.SqrtH*t.SqrtH
			return t
		}), "case 1: YOLOTarget({68 236 132 364}, S=7, 448x448).SqrtW = 0.142857, want 0.377964", "square roots"},
		{"receptive field without the jump", CheckReceptiveField(func(l []Layer) int { return receptiveVariant(l, false, 1) }),
			"case 3: ReceptiveField([{3 1} {3 1} {2 2} {3 1} {3 1} {2 2}]) = 11, want 16", "stride"},
		{"cross-entropy overflowing", CheckCrossEntropy(func(z []float64, label int) float64 {
			return crossEntropyVariant(crossEntropyCase{z, label}, false)
		}), "case 4: CrossEntropy([1000 0], 1) = +Inf, want 1000", "log-sum-exp"},
		{"stack weights counting C once", CheckStackWeights(func(n, c int) (int, int) { return 9 * n * c, (2*n + 1) * (2*n + 1) * c }),
			"case 3: StackWeights(n=2, C=64) = (stack 1152, single 1600), want (stack 73728, single 102400)", "3·3·C·C"},
		{"stack weights with a 3n kernel", CheckStackWeights(func(n, c int) (int, int) { return 9 * n * c * c, 9 * n * n * c * c }),
			"case 1: StackWeights(n=2, C=1) = (stack 18, single 36), want (stack 18, single 25)", "(2n+1)x(2n+1)"},
		{"conv output rounded up", CheckConvOutput(func(n, k, s, p int) int {
			return int(math.Ceil(float64(n+2*p-k)/float64(s))) + 1
		}), "case 3: ConvOutput(size=224, kernel=7, stride=2, padding=3) = 113, want 112", "round down"},
		{"conv output padded once", CheckConvOutput(func(n, k, s, p int) int { return (n+p-k)/s + 1 }),
			"case 1: ConvOutput(size=32, kernel=5, stride=1, padding=2) = 30, want 32", "both sides"},
		{"batch norm eval with the batch's statistics", CheckBatchNormEval(func(x [][]float32, _, _, g, b []float32, eps float32) [][]float32 {
			return solveBatchNorm(x, g, b, eps)
		}), "case 2: BatchNormEval(x=[[2 15] [5 14]], mean=[2 15], variance=[1 25], gamma=[1 1], beta=[0 0], eps=1e-05) = [[-1 1] [1 -1]], want [[0 0] [3 -0.2]] (row 0 differs)",
			"running mean and variance"},
		{"softmax overflowing", CheckSoftmax(func(z []float64) []float64 { return softmaxVariant(z, false) }),
			"case 4: Softmax([1000 0]) = [NaN 0], want [1 0] (element 0 differs)", "subtract the largest logit"},
		{"flip without swapping the edges", CheckFlipBox(func(b detect.Box, w, h int) detect.Box {
			return detect.Box{X1: float32(w) - b.X1, Y1: b.Y1, X2: float32(w) - b.X2, Y2: b.Y2}
		}), "case 1: FlipBox({10 20 40 60}, 100x80) = {90 20 60 60}, want {60 20 90 60}", "swaps the edges"},
		{"flip of pixel indices", CheckFlipBox(func(b detect.Box, w, h int) detect.Box {
			return detect.Box{X1: float32(w-1) - b.X2, Y1: b.Y1, X2: float32(w-1) - b.X1, Y2: b.Y2}
		}), "case 1: FlipBox({10 20 40 60}, 100x80) = {59 20 89 60}, want {60 20 90 60}", "width − x"},
		{"macro F1 as accuracy", CheckMacroF1(func(cm [][]int) float64 { return macroF1Reference(cm, metrics.Micro) }),
			"case 1: MacroF1([[1 1] [0 2]]) = 0.75, want 0.733333", "accuracy"},
		{"macro F1 skipping undefined classes", CheckMacroF1(macroF1SkipUndefined),
			"case 3: MacroF1([[5 0 0] [0 5 0] [1 1 0]]) = 0.909091, want 0.606061", "still counts in the mean"},
		{"YOLO box without squaring", CheckYOLOBox(func(t YOLOTarget, s int, w, h float32) detect.Box {
			return yoloBoxVariant(yoloBoxCase{t, s, w, h}, yoloBoxMistakes{noSquare: true})
		}), "case 1: YOLOBox({Row:4 Col:1 X:0.5625 Y:0.6875 SqrtW:0.377964 SqrtH:0.534522}, S=7, 448x448) = {15.33596 180.26697 184.66403 419.73303}, want {68 236 132 364}",
			"square roots"},
		{"binary cross-entropy through the sigmoid", CheckBinaryCrossEntropy(func(z, y float64) float64 {
			return bceVariant(bceCase{z, y}, false)
		}), "case 6: BinaryCrossEntropy(logit=40, label=1) = NaN, want 4.24835e-18", "from the logit"},
		{"binary cross-entropy with the labels swapped", CheckBinaryCrossEntropy(func(z, y float64) float64 {
			return bceVariant(bceCase{z, 1 - y}, true)
		}), "case 3: BinaryCrossEntropy(logit=2, label=1) = 2.12693, want 0.126928", "swapped"},
		{"gradient step uphill", CheckGradientStep(func(w, g []float64, lr float64) []float64 {
			return gradientStepVariant(gradientStepCase{w, g, lr}, 1, true)
		}), "case 1: GradientStep(w=[1 -2], grad=[0.5 -1], lr=0.1) = [1.05 -2.1], want [0.95 -1.9] (element 0 differs)",
			"against the gradient"},
		{"gradient step without the learning rate", CheckGradientStep(func(w, g []float64, lr float64) []float64 {
			return gradientStepVariant(gradientStepCase{w, g, lr}, -1, false)
		}), "case 1: GradientStep(w=[1 -2], grad=[0.5 -1], lr=0.1) = [0.5 -1], want [0.95 -1.9] (element 0 differs)",
			"learning rate"},
	} {
		r := tc.result
		if r.OK() || r.Failure != tc.failure {
			t.Errorf("%s: failure %q, want %q", tc.name, r.Failure, tc.failure)
		}
		if !strings.Contains(r.Hint, tc.hintContains) || tc.hintContains != "" && r.Hint == "" {
			t.Errorf("%s: hint %q, want it to contain %q", tc.name, r.Hint, tc.hintContains)
		}
		if !strings.Contains(r.String(), "not yet: "+tc.failure) {
			t.Errorf("%s: String() = %q, want it to contain %q", tc.name, r, "not yet: "+tc.failure)
		}
	}
}

// Every known mistake of every exercise fails its check, and the hint shown is that mistake's.
func TestMistakesFail(t *testing.T) {
	mistakesFail(t, iouSpec, iouCases())
	mistakesFail(t, nmsSpec, nmsCases())
	mistakesFail(t, binarySpec, binaryCases())
	mistakesFail(t, residualSpec, residualCases())
	mistakesFail(t, batchNormSpec, batchNormCases())
	mistakesFail(t, cutMixSpec, cutMixCases())
	mistakesFail(t, apSpec, apCases())
	mistakesFail(t, yoloSpec, yoloCases())
	mistakesFail(t, receptiveSpec, receptiveCases())
	mistakesFail(t, crossEntropySpec, crossEntropyCases())
	mistakesFail(t, stackWeightsSpec, stackWeightsCases())
	mistakesFail(t, convOutputSpec, convOutputCases())
	mistakesFail(t, batchNormEvalSpec, batchNormEvalCases())
	mistakesFail(t, softmaxSpec, softmaxCases())
	mistakesFail(t, flipBoxSpec, flipBoxCases())
	mistakesFail(t, macroF1Spec, macroF1Cases())
	mistakesFail(t, yoloBoxSpec, yoloBoxCases())
	mistakesFail(t, bceSpec, bceCases())
	mistakesFail(t, gradientStepSpec, gradientStepCases())
}

func mistakesFail[In, Out any](t *testing.T, s spec[In, Out], cases []In) {
	t.Helper()
	for _, m := range s.mistakes {
		r := s.check(cases, m.answer)
		if r.OK() {
			t.Errorf("%s: the mistake %q passes all %d cases", s.name, m.hint, r.Cases)
			continue
		}
		got := m.answer(cases[r.Passed])
		zero := reflect.ValueOf(&got).Elem().IsZero() // a zero answer gets no hint: it is what a stub returns
		if r.Hint != m.hint && !(zero && r.Hint == "") {
			t.Errorf("%s: the mistake %q fails with %q and hint %q, want its own hint", s.name, m.hint, r.Failure, r.Hint)
		}
		if !strings.HasPrefix(r.Failure, "case ") || !strings.Contains(r.Failure, s.name+"(") || !strings.Contains(r.Failure, "want") {
			t.Errorf("%s: the mistake %q fails with the unreadable message %q", s.name, m.hint, r.Failure)
		}
	}
}

// The references give the hand-computed answers of the hand-picked cases.
func TestReferencesByHand(t *testing.T) {
	sqrt := func(v float64) float32 { return float32(math.Sqrt(v)) }
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"IoU case 1: 1/7", iouSpec.want(iouCases()[0]), float32(1) / 7},
		{"IoU case 2: disjoint", iouSpec.want(iouCases()[1]), float32(0)},
		{"IoU case 3: inside", iouSpec.want(iouCases()[2]), float32(0.25)},
		{"IoU case 7: exactly 0.5", iouSpec.want(iouCases()[6]), float32(0.5)},
		{"IoU case 8: zero-area union", iouSpec.want(iouCases()[7]), float32(0)},
		{"NMS case 1", nmsSpec.want(nmsCases()[0]), []int{1, 2}},
		{"NMS case 2: at the threshold", nmsSpec.want(nmsCases()[1]), []int{0, 2, 3}},
		{"NMS case 4: a chain", nmsSpec.want(nmsCases()[3]), []int{0, 2}},
		{"NMS case 5: ties", nmsSpec.want(nmsCases()[4]), []int{0, 2}},
		{"BinaryScores case 1", binarySpec.want(binaryCases()[0]), Binary{1, 1, 2, 2, 0.5, 1.0 / 3, 0.4}},
		{"BinaryScores case 3: 0/0", binarySpec.want(binaryCases()[2]), Binary{0, 0, 1, 2, 0, 0, 0}},
		{"Residual case 1", residualSpec.want(residualCases()[0]), []float32{2, 0}},
		{"Residual case 2", residualSpec.want(residualCases()[1]), []float32{1, 0}},
		{"ReceptiveField case 3: VGG's pool2", receptiveSpec.want(receptiveCases()[2]), 16},
		{"ReceptiveField case 4: ResNet's stem", receptiveSpec.want(receptiveCases()[3]), 11},
		{"ReceptiveField case 5: none", receptiveSpec.want(receptiveCases()[4]), 1},
		{"YOLOTarget case 1", yoloSpec.want(yoloCases()[0]), YOLOTarget{4, 1, 0.5625, 0.6875, sqrt(64.0 / 448), sqrt(128.0 / 448)}},
		{"YOLOTarget case 2: on a border", yoloSpec.want(yoloCases()[1]), YOLOTarget{3, 2, 0, 0, sqrt(20.0 / 96), sqrt(20.0 / 96)}},
		{"YOLOTarget case 4: the whole image", yoloSpec.want(yoloCases()[3]), YOLOTarget{2, 2, 0, 0, 1, 1}},
		{"YOLOTarget case 5: bottom-right corner", yoloSpec.want(yoloCases()[4]), YOLOTarget{5, 5, 1, 1, sqrt(16.0 / 96), sqrt(16.0 / 96)}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: reference = %v, want %v (by hand)", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"AP case 1", apSpec.want(apCases()[0]), 0.5 + 0.5*2.0/3},
		{"AP case 2: a dip, then a rise", apSpec.want(apCases()[1]), (1 + 0.6 + 0.6) / 3},
		{"AP case 3: no detections", apSpec.want(apCases()[2]), 0},
		{"AP case 4", apSpec.want(apCases()[3]), 0.5},
		{"AP case 7", apSpec.want(apCases()[6]), 0.1},
		{"CrossEntropy case 1: log 2", crossEntropySpec.want(crossEntropyCases()[0]), math.Ln2},
		{"CrossEntropy case 4: large logits", crossEntropySpec.want(crossEntropyCases()[3]), 1000},
		{"CrossEntropy case 5: log 3", crossEntropySpec.want(crossEntropyCases()[4]), math.Log(3)},
	} {
		if math.Abs(tc.got-tc.want) > 1e-12 {
			t.Errorf("%s: reference = %v, want %v (by hand)", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want []float64
	}{
		{"CutMixLabel case 1", cutMixSpec.want(cutMixCases()[0]), []float64{0.8, 0, 0.2}},
		{"CutMixLabel case 2: clipped", cutMixSpec.want(cutMixCases()[1]), []float64{0.75, 0.25}},
		{"CutMixLabel case 3: empty box", cutMixSpec.want(cutMixCases()[2]), []float64{0, 1}},
		{"CutMixLabel case 4: same class", cutMixSpec.want(cutMixCases()[3]), []float64{0, 1, 0}},
		{"CutMixLabel case 5: covers all", cutMixSpec.want(cutMixCases()[4]), []float64{0, 1}},
		{"CutMixLabel case 6: 8 of 128", cutMixSpec.want(cutMixCases()[5]), []float64{1.0 / 16, 0, 0, 15.0 / 16}},
	} {
		if d := diffFloats(tc.got, tc.want, 1e-12); d != "" {
			t.Errorf("%s: reference%s (by hand)", tc.name, d)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"StackWeights case 1: 18C² vs 25C²", stackWeightsSpec.want(stackWeightsCases()[0]), [2]int{18, 25}},
		{"StackWeights case 2: 27C² vs 49C²", stackWeightsSpec.want(stackWeightsCases()[1]), [2]int{27, 49}},
		{"StackWeights case 3: C = 64", stackWeightsSpec.want(stackWeightsCases()[2]), [2]int{18 * 64 * 64, 25 * 64 * 64}},
		{"ConvOutput case 1: same 5x5", convOutputSpec.want(convOutputCases()[0]), 32},
		{"ConvOutput case 3: ResNet's stem", convOutputSpec.want(convOutputCases()[2]), 112},
		{"ConvOutput case 5: ResNet's pooling", convOutputSpec.want(convOutputCases()[4]), 56},
		{"ConvOutput case 6: 1x1 stride 2", convOutputSpec.want(convOutputCases()[5]), 28},
		{"ConvOutput case 8: odd pooling", convOutputSpec.want(convOutputCases()[7]), 3},
		{"FlipBox case 1", flipBoxSpec.want(flipBoxCases()[0]), detect.Box{X1: 60, Y1: 20, X2: 90, Y2: 60}},
		{"FlipBox case 2: to the right edge", flipBoxSpec.want(flipBoxCases()[1]), detect.Box{X1: 22, Y1: 0, X2: 32, Y2: 10}},
		{"FlipBox case 3: full width", flipBoxSpec.want(flipBoxCases()[2]), detect.Box{X1: 0, Y1: 5, X2: 64, Y2: 9}},
		{"FlipBox case 4: centred", flipBoxSpec.want(flipBoxCases()[3]), detect.Box{X1: 12, Y1: 3, X2: 20, Y2: 7}},
		{"FlipBox case 5: half pixels", flipBoxSpec.want(flipBoxCases()[4]), detect.Box{X1: 3.5, Y1: 1, X2: 4.5, Y2: 2}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: reference = %v, want %v (by hand)", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"MacroF1 case 1", macroF1Spec.want(macroF1Cases()[0]), (2.0/3 + 0.8) / 2},
		{"MacroF1 case 2", macroF1Spec.want(macroF1Cases()[1]), (0.8 + 0.4 + 2.0/3) / 3},
		{"MacroF1 case 3: never predicted", macroF1Spec.want(macroF1Cases()[2]), (10.0/11 + 10.0/11 + 0) / 3},
		{"MacroF1 case 4: no samples", macroF1Spec.want(macroF1Cases()[3]), (0.75 + 0 + 0.75) / 3},
		{"MacroF1 case 5: perfect", macroF1Spec.want(macroF1Cases()[4]), 1},
		{"MacroF1 case 6: imbalanced", macroF1Spec.want(macroF1Cases()[5]), (180.0/189 + 0.2/1.1) / 2},
	} {
		if math.Abs(tc.got-tc.want) > 1e-12 {
			t.Errorf("%s: reference = %v, want %v (by hand)", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want []float64
	}{
		{"Softmax case 1", softmaxSpec.want(softmaxCases()[0]), []float64{0.5, 0.5}},
		{"Softmax case 3: odds 3 to 1", softmaxSpec.want(softmaxCases()[2]), []float64{0.75, 0.25}},
		{"Softmax case 4: large logits", softmaxSpec.want(softmaxCases()[3]), []float64{1, 0}},
		{"Softmax case 5: a third each", softmaxSpec.want(softmaxCases()[4]), []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
	} {
		if d := diffFloats(tc.got, tc.want, 1e-12); d != "" {
			t.Errorf("%s: reference%s (by hand)", tc.name, d)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"BinaryCrossEntropy case 1: log 2", bceSpec.want(bceCases()[0]), math.Ln2},
		{"BinaryCrossEntropy case 3", bceSpec.want(bceCases()[2]), math.Log(1 + math.Exp(-2))},
		{"BinaryCrossEntropy case 4", bceSpec.want(bceCases()[3]), 2 + math.Log(1+math.Exp(-2))},
		{"BinaryCrossEntropy case 7: sure and wrong", bceSpec.want(bceCases()[6]), 40},
		{"BinaryCrossEntropy case 8: σ underflows", bceSpec.want(bceCases()[7]), 1000},
	} {
		if math.Abs(tc.got-tc.want) > 1e-12 {
			t.Errorf("%s: reference = %v, want %v (by hand)", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		name      string
		got, want []float64
	}{
		{"GradientStep case 1", gradientStepSpec.want(gradientStepCases()[0]), []float64{0.95, -1.9}},
		{"GradientStep case 2: w² from 3", gradientStepSpec.want(gradientStepCases()[1]), []float64{2.4}},
		{"GradientStep case 3: onto the minimum", gradientStepSpec.want(gradientStepCases()[2]), []float64{0}},
		{"GradientStep case 4: overshooting", gradientStepSpec.want(gradientStepCases()[3]), []float64{-6}},
		{"GradientStep case 7: no weights", gradientStepSpec.want(gradientStepCases()[6]), []float64{}},
	} {
		if d := diffFloats(tc.got, tc.want, 1e-12); d != "" {
			t.Errorf("%s: reference%s (by hand)", tc.name, d)
		}
	}
	for i, tc := range []struct {
		name string
		want [][]float32
	}{
		{"BatchNormEval case 1", [][]float32{{-1, -1}, {1, 1}}},
		{"BatchNormEval case 2: other statistics", [][]float32{{0, 0}, {3, -0.2}}},
		{"BatchNormEval case 3: one sample", [][]float32{{2.5}}},
		{"BatchNormEval case 4: large eps", [][]float32{{3}, {-1}}},
	} {
		if d := batchNormEvalSpec.diff(batchNormEvalSpec.want(batchNormEvalCases()[i]), tc.want); d != "" {
			t.Errorf("%s: reference%s (by hand, up to eps)", tc.name, d)
		}
	}
	bn := batchNormSpec.want(batchNormCases()[0])
	if d := diffFloats(bn[0], []float32{-1, -1}, 1e-5) + diffFloats(bn[1], []float32{1, 1}, 1e-5); d != "" {
		t.Errorf("BatchNorm case 1: reference = %v, want [[-1 -1] [1 1]] (by hand, up to eps)", bn)
	}
	bn = batchNormSpec.want(batchNormCases()[2]) // channel 0 is constant: y = beta
	if bn[0][0] != 0.5 || bn[1][0] != 0.5 || bn[2][0] != 0.5 {
		t.Errorf("BatchNorm case 3: channel 0 = %v %v %v, want beta 0.5", bn[0][0], bn[1][0], bn[2][0])
	}
}

// The YOLOBox reference inverts detect.YOLOGrid.Encode: every case decodes to the box its target was
// made from (CheckYOLOTarget's case at the same index).
func TestYOLOBoxInvertsEncode(t *testing.T) {
	boxes, targets := yoloCases(), yoloBoxCases()
	for i := range boxes {
		if d := yoloBoxSpec.diff(yoloBoxSpec.want(targets[i]), boxes[i].box); d != "" {
			t.Errorf("case %d: the decoded target%s", i+1, d)
		}
	}
}

// Softmax probabilities are positive (for logits in [-5, 5]) and sum to 1, and they are
// exp(-CrossEntropy) of each label.
func TestSoftmaxProperties(t *testing.T) {
	for i, c := range softmaxCases() {
		p, sum := softmaxSpec.want(c), 0.0
		for k, v := range p {
			sum += v
			if ce := crossEntropyVariant(crossEntropyCase{c, k}, true); math.Abs(v-math.Exp(-ce)) > 1e-12 {
				t.Errorf("case %d: Softmax[%d] = %v, want exp(-CrossEntropy) = %v", i+1, k, v, math.Exp(-ce))
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("case %d: the probabilities sum to %v, want 1", i+1, sum)
		}
	}
}

// The cases are the same on every call (a fixed seed), so every student sees the same case numbers.
func TestCasesAreFixed(t *testing.T) {
	for name, pair := range map[string][2]any{
		"IoU": {iouCases(), iouCases()}, "NMS": {nmsCases(), nmsCases()}, "BinaryScores": {binaryCases(), binaryCases()},
		"Residual": {residualCases(), residualCases()}, "BatchNorm": {batchNormCases(), batchNormCases()},
		"CutMixLabel": {cutMixCases(), cutMixCases()}, "AP": {apCases(), apCases()}, "YOLOTarget": {yoloCases(), yoloCases()},
		"ReceptiveField": {receptiveCases(), receptiveCases()}, "CrossEntropy": {crossEntropyCases(), crossEntropyCases()},
		"StackWeights": {stackWeightsCases(), stackWeightsCases()}, "ConvOutput": {convOutputCases(), convOutputCases()},
		"BatchNormEval": {batchNormEvalCases(), batchNormEvalCases()}, "Softmax": {softmaxCases(), softmaxCases()},
		"FlipBox": {flipBoxCases(), flipBoxCases()}, "MacroF1": {macroF1Cases(), macroF1Cases()},
		"YOLOBox": {yoloBoxCases(), yoloBoxCases()}, "BinaryCrossEntropy": {bceCases(), bceCases()},
		"GradientStep": {gradientStepCases(), gradientStepCases()},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: two calls gave different cases", name)
		}
	}
}

// A student function that panics is reported as a failure of its case, not a crash of the cell.
func TestPanicIsAFailure(t *testing.T) {
	r := CheckNMS(func(boxes []detect.Box, scores []float32, th float32) []int {
		_ = boxes[0] // index out of range on no boxes
		return solveNMS(boxes, scores, th)
	})
	if r.OK() || !strings.HasPrefix(r.Failure, "case 3: NMS([], [], 0.5) panicked: ") {
		t.Errorf("a panicking NMS gives %q, want case 3 (no boxes) to report the panic", r.Failure)
	}
}

// A student function that modifies its inputs does not change the expected answers.
func TestInputsAreCopies(t *testing.T) {
	r := CheckNMS(func(boxes []detect.Box, scores []float32, th float32) []int {
		keep := solveNMS(boxes, scores, th)
		for i := range scores {
			scores[i] = 0
			boxes[i] = detect.Box{}
		}
		return keep
	})
	if !r.OK() {
		t.Errorf("an NMS that zeroes its inputs after answering: %s", r)
	}
}
