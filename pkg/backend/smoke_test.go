package backend

import (
	"fmt"
	"testing"

	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func TestSmoke(t *testing.T) {
	gb, err := NewGo("")
	if err != nil {
		t.Fatal(err)
	}
	sg, _ := simplego.New("")
	f := func(x, k *Node) (*Node, *Node, *Node) {
		y := Convolve(x, k).StridePerAxis(2, 1).PaddingPerDim([][2]int{{1, 1}, {0, 2}}).Done()
		loss := ReduceAllSum(Mul(y, y))
		g := Gradient(loss, x, k)
		return y, g[0], g[1]
	}
	mk := func() (*tensors.Tensor, *tensors.Tensor) {
	x := tensors.FromValue([][][][]float32{{{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}, {{1, 0}, {2, 1}, {0, 3}}}})
	k := tensors.FromValue([][][][]float32{{{{1, 0.5, 2}, {0, 1, -1}}, {{2, 1, 0}, {1, 1, 1}}}, {{{-1, 0.5, 2}, {0, 3, -1}}, {{2, 1, 0}, {1, -1, 1}}}})
	return x, k
	}
	x1, k1 := mk()
	x2, k2 := mk()
	out1 := MustExecOnceN(gb, f, x1, k1)
	fmt.Println("go:", out1[0], out1[1], out1[2])
	y2 := MustExecOnce(sg, func(x, k *Node) *Node {
		return Convolve(x, k).StridePerAxis(2, 1).PaddingPerDim([][2]int{{1, 1}, {0, 2}}).Done()
	}, x2, k2)
	fmt.Println("sg:", y2)
}
