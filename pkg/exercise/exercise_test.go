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
	bn := batchNormSpec.want(batchNormCases()[0])
	if d := diffFloats(bn[0], []float32{-1, -1}, 1e-5) + diffFloats(bn[1], []float32{1, 1}, 1e-5); d != "" {
		t.Errorf("BatchNorm case 1: reference = %v, want [[-1 -1] [1 1]] (by hand, up to eps)", bn)
	}
	bn = batchNormSpec.want(batchNormCases()[2]) // channel 0 is constant: y = beta
	if bn[0][0] != 0.5 || bn[1][0] != 0.5 || bn[2][0] != 0.5 {
		t.Errorf("BatchNorm case 3: channel 0 = %v %v %v, want beta 0.5", bn[0][0], bn[1][0], bn[2][0])
	}
}

// The cases are the same on every call (a fixed seed), so every student sees the same case numbers.
func TestCasesAreFixed(t *testing.T) {
	for name, pair := range map[string][2]any{
		"IoU": {iouCases(), iouCases()}, "NMS": {nmsCases(), nmsCases()}, "BinaryScores": {binaryCases(), binaryCases()},
		"Residual": {residualCases(), residualCases()}, "BatchNorm": {batchNormCases(), batchNormCases()},
		"CutMixLabel": {cutMixCases(), cutMixCases()}, "AP": {apCases(), apCases()}, "YOLOTarget": {yoloCases(), yoloCases()},
		"ReceptiveField": {receptiveCases(), receptiveCases()}, "CrossEntropy": {crossEntropyCases(), crossEntropyCases()},
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
