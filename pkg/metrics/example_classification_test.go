package metrics_test

import (
	"encoding/json"
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

func ExampleSortLabels() {
	labels := []string{"10", "9", "2"}
	metrics.SortLabels(labels)
	fmt.Println(labels)
	words := []string{"pig", "cat", "dog"}
	metrics.SortLabels(words)
	fmt.Println(words)
	// Output:
	// [2 9 10]
	// [cat dog pig]
}

func ExampleConfusionMatrixOf() {
	yTrue := []string{"cat", "dog", "pig", "cat", "dog", "pig"}
	yPred := []string{"cat", "pig", "dog", "cat", "cat", "dog"}
	cm, err := metrics.ConfusionMatrixOf(yTrue, yPred)
	if err != nil {
		panic(err)
	}
	fmt.Println(cm.Labels())
	for _, row := range cm.Counts() {
		fmt.Println(row)
	}
	fmt.Println(cm.Accuracy())
	// Output:
	// [cat dog pig]
	// [2 0 0]
	// [1 0 1]
	// [0 2 0]
	// 0.3333333333333333
}

func ExampleNewConfusionMatrix() {
	cm, err := metrics.NewConfusionMatrix([]string{"1", "0"})
	if err != nil {
		panic(err)
	}
	for _, p := range [][2]string{{"1", "1"}, {"0", "1"}, {"0", "0"}} {
		if err := cm.Add(p[0], p[1]); err != nil {
			panic(err)
		}
	}
	fmt.Println(cm.Labels(), cm.Counts(), cm.Total(), cm.Count(0, 1))
	fmt.Println(cm.Add("2", "0"))
	// Output:
	// [0 1] [[1 1] [0 1]] 3 1
	// metrics: unknown true label "2", want one of ["0" "1"]
}

func ExampleConfusionMatrix_PerClass() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"0", "1", "2", "2", "1", "0"}, []string{"0", "0", "2", "2", "0", "0"})
	for i, s := range cm.PerClass(metrics.ZeroDivisionWarn) {
		fmt.Printf("%s: P %.2f R %.2f F1 %.2f support %d ill-defined %v\n", cm.Labels()[i], s.Precision, s.Recall, s.F1, s.Support, s.IllDefined)
	}
	// Output:
	// 0: P 0.50 R 1.00 F1 0.67 support 2 ill-defined false
	// 1: P 0.00 R 0.00 F1 0.00 support 2 ill-defined true
	// 2: P 1.00 R 1.00 F1 1.00 support 2 ill-defined false
}

func ExampleConfusionMatrix_Averaged() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"0", "1", "2", "2", "1", "0"}, []string{"0", "0", "2", "2", "0", "0"})
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted} {
		s := cm.Averaged(avg, metrics.ZeroDivisionZero)
		fmt.Printf("%-8s P %.4f R %.4f F1 %.4f\n", avg, s.Precision, s.Recall, s.F1)
	}
	s := cm.Averaged(metrics.Macro, metrics.ZeroDivisionNaN)
	fmt.Printf("macro with NaN left out: P %.4f\n", s.Precision)
	// Output:
	// macro    P 0.5000 R 0.6667 F1 0.5556
	// micro    P 0.6667 R 0.6667 F1 0.6667
	// weighted P 0.5000 R 0.6667 F1 0.5556
	// macro with NaN left out: P 0.7500
}

func ExampleConfusionMatrix_Binary() {
	// One sick patient in 100,000, and a model that always answers "healthy".
	cm, _ := metrics.NewConfusionMatrix([]string{"healthy", "sick"})
	_ = cm.Add("sick", "healthy")
	for i := 0; i < 99_999; i++ {
		_ = cm.Add("healthy", "healthy")
	}
	s, _ := cm.Binary("sick", metrics.ZeroDivisionWarn)
	fmt.Printf("accuracy %.5f recall %.1f precision %.1f ill-defined %v\n", cm.Accuracy(), s.Recall, s.Precision, s.IllDefined)
	// Output:
	// accuracy 0.99999 recall 0.0 precision 0.0 ill-defined true
}

func ExampleNewReport() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"cat", "dog", "pig", "cat", "dog", "pig"}, []string{"cat", "pig", "dog", "cat", "cat", "dog"})
	r := metrics.NewReport(cm, metrics.ZeroDivisionWarn)
	fmt.Print(r.Text(2))
	fmt.Println(r.IllDefined())
	// Output:
	//               precision    recall  f1-score   support
	//
	//          cat       0.67      1.00      0.80         2
	//          dog       0.00      0.00      0.00         2
	//          pig       0.00      0.00      0.00         2
	//
	//     accuracy                           0.33         6
	//    macro avg       0.22      0.33      0.27         6
	// weighted avg       0.22      0.33      0.27         6
	// false
}

func ExampleReport_MarshalJSON() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"a", "b", "b"}, []string{"a", "b", "a"})
	b, _ := json.Marshal(metrics.NewReport(cm, metrics.ZeroDivisionWarn))
	fmt.Println(string(b))
	// Output:
	// {"a":{"precision":0.5,"recall":1,"f1-score":0.6666666666666666,"support":1},"b":{"precision":1,"recall":0.5,"f1-score":0.6666666666666666,"support":2},"accuracy":0.6666666666666666,"macro avg":{"precision":0.75,"recall":0.75,"f1-score":0.6666666666666666,"support":3},"weighted avg":{"precision":0.8333333333333334,"recall":0.6666666666666666,"f1-score":0.6666666666666666,"support":3},"confusion_matrix":[[1,0],[1,1]]}
}

func ExampleReport_String() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"0", "1"}, []string{"0", "1"})
	fmt.Print(metrics.NewReport(cm, metrics.ZeroDivisionWarn))
	// Output:
	//               precision    recall  f1-score   support
	//
	//            0       1.00      1.00      1.00         1
	//            1       1.00      1.00      1.00         1
	//
	//     accuracy                           1.00         2
	//    macro avg       1.00      1.00      1.00         2
	// weighted avg       1.00      1.00      1.00         2
}

func ExamplePrecisionRecallCurve() {
	// scikit-learn's documentation example.
	p, r, th, _ := metrics.PrecisionRecallCurve([]bool{false, false, true, true}, []float64{0.1, 0.4, 0.35, 0.8})
	fmt.Printf("precision %.4f\nrecall %v\nthresholds %v\n", p, r, th)
	// Output:
	// precision [0.5000 0.6667 0.5000 1.0000 1.0000]
	// recall [1 1 0.5 0.5 0]
	// thresholds [0.1 0.35 0.4 0.8]
}

func ExampleROCCurve() {
	fpr, tpr, th, _ := metrics.ROCCurve([]bool{false, false, true, true}, []float64{0.1, 0.4, 0.35, 0.8})
	fmt.Println(fpr, tpr, th)
	fmt.Println(metrics.AUC(fpr, tpr))
	// Output:
	// [0 0 0.5 0.5 1] [0 0.5 0.5 1 1] [1.8 0.8 0.4 0.35 0.1]
	// 0.75
}

func ExampleAUC() {
	fmt.Println(metrics.AUC([]float64{0, 0.5, 1}, []float64{0, 1, 1}))
	// Output: 0.75
}

func ExampleZeroDivision_String() {
	fmt.Println(metrics.ZeroDivisionWarn, metrics.ZeroDivisionOne, metrics.ZeroDivisionNaN, metrics.Weighted)
	// Output: warn 1 nan weighted
}

func ExampleConfusionMatrix_Add() {
	cm, _ := metrics.NewConfusionMatrix([]string{"ant", "bee"})
	fmt.Println(cm.Add("ant", "bee"), cm.Add("bee", "wasp"))
	fmt.Println(cm.Total())
	// Output:
	// <nil> metrics: unknown predicted label "wasp", want one of ["ant" "bee"]
	// 1
}

func ExampleConfusionMatrix_Accuracy() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"1", "1", "0", "0"}, []string{"1", "0", "0", "0"})
	fmt.Println(cm.Accuracy())
	// Output: 0.75
}

func ExampleConfusionMatrix_Count() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"1", "1", "0", "0"}, []string{"1", "0", "0", "0"})
	labels := cm.Labels()
	fmt.Printf("true %s predicted %s: %d of %d\n", labels[1], labels[0], cm.Count(1, 0), cm.Total())
	fmt.Println(cm.Counts())
	// Output:
	// true 1 predicted 0: 1 of 4
	// [[2 0] [1 1]]
}

func ExampleReport_Text() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"0", "1", "1"}, []string{"0", "1", "0"})
	fmt.Print(metrics.NewReport(cm, metrics.ZeroDivisionWarn).Text(4))
	// Output:
	//               precision    recall  f1-score   support
	//
	//            0     0.5000    1.0000    0.6667         1
	//            1     1.0000    0.5000    0.6667         2
	//
	//     accuracy                         0.6667         3
	//    macro avg     0.7500    0.7500    0.6667         3
	// weighted avg     0.8333    0.6667    0.6667         3
}

func ExampleReport_IllDefined() {
	cm, _ := metrics.ConfusionMatrixOf([]string{"0", "1"}, []string{"0", "0"}) // "1" never predicted
	fmt.Println(metrics.NewReport(cm, metrics.ZeroDivisionWarn).IllDefined())
	fmt.Println(metrics.NewReport(cm, metrics.ZeroDivisionZero).IllDefined())
	// Output:
	// true
	// false
}

func ExampleAverage_String() {
	fmt.Println(metrics.Macro, metrics.Micro, metrics.Weighted)
	// Output: macro micro weighted
}
