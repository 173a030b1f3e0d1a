package cnn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestArchMatchesTorchvision builds each full-size architecture from torchvision 0.14's own key and
// shape list (testdata/weights/torchvision_shapes.json, written by gen_torchvision_shapes.py) and
// checks that the model's variables map to exactly those keys and shapes, so the real ImageNet
// checkpoints import strictly. Graphs are built but never run.
func TestArchMatchesTorchvision(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(weightsDir, "torchvision_shapes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var archs map[string][][2]json.RawMessage
	if err := json.Unmarshal(data, &archs); err != nil {
		t.Fatal(err)
	}
	b := weightsBackend(t)
	for _, arch := range TorchvisionArchs {
		t.Run(arch, func(t *testing.T) {
			sd := &StateDict{Tensors: map[string]*Tensor{}}
			for _, kv := range archs[arch] {
				var key string
				var shape []int
				if json.Unmarshal(kv[0], &key) != nil || json.Unmarshal(kv[1], &shape) != nil {
					t.Fatalf("bad entry %s", kv)
				}
				if strings.HasSuffix(key, ".num_batches_tracked") {
					continue // optional on our side
				}
				sd.Keys = append(sd.Keys, key)
				sd.Tensors[key] = &Tensor{Shape: shape}
			}
			if len(sd.Keys) == 0 {
				t.Fatalf("no keys for %s", arch)
			}
			m, err := ArchFromStateDict(arch, sd)
			if err != nil {
				t.Fatal(err)
			}
			var model ModelFn
			switch m := m.(type) {
			case *VGG:
				want := NewVGG(m.Depth(), 1000)
				if !slices.Equal(m.Layers, want.Layers) || !slices.Equal(m.Hidden, []int{4096, 4096}) || m.NumClasses != 1000 || m.PoolTo != 7 {
					t.Errorf("%s: got VGG %+v, want torchvision's widths", arch, m)
				}
				model = m.Logits
			case *ResNet:
				if m.StemWidth != 64 || !slices.Equal(m.Widths, []int{64, 128, 256, 512}) || m.NumClasses != 1000 {
					t.Errorf("%s: got ResNet %+v, want torchvision's widths", arch, m)
				}
				model = m.Logits
			}
			ctx := context.New()
			if err := buildModel(b, ctx, model, 224); err != nil {
				t.Fatal(err)
			}
			got := map[string][]int{}
			for v := range ctx.IterVariables() {
				if key, ok := TorchName(v.Scope(), v.Name()); ok {
					got[key] = torchShape(v)
				}
			}
			for _, key := range sd.Keys {
				if shape, ok := got[key]; !ok {
					t.Errorf("%s: torchvision key %q has no variable", arch, key)
				} else if !slices.Equal(shape, sd.Tensors[key].Shape) {
					t.Errorf("%s: %q: model shape %v, torchvision %v", arch, key, shape, sd.Tensors[key].Shape)
				}
				delete(got, key)
			}
			for key := range got {
				t.Errorf("%s: model variable %q is not in torchvision's state dict", arch, key)
			}
		})
	}
}

func TestArchFromStateDictErrors(t *testing.T) {
	vgg, err := ReadStateDict(filepath.Join(weightsDir, "vgg11_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	resnet, err := ReadStateDict(filepath.Join(weightsDir, "resnet18_tiny.pth"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arch string
		sd   *StateDict
		want string
	}{
		{"vgg12", vgg, `unknown architecture "vgg12"`},
		{"resnet18_bn", resnet, "unknown architecture"},
		{"vgg11_bn", vgg, "a VGG without BatchNorm, not vgg11_bn"},
		{"resnet50", resnet, "block kind does not match resnet50"},
		{"resnet18", vgg, `no key "conv1.weight"`},
	} {
		if _, err := ArchFromStateDict(tc.arch, tc.sd); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ArchFromStateDict(%s) error = %v, want %q", tc.arch, err, tc.want)
		}
	}
	m, err := ArchFromStateDict("vgg11", vgg)
	if err != nil {
		t.Fatal(err)
	}
	if v := m.(*VGG); !slices.Equal(v.Layers, tinyVGG(false).Layers) || !slices.Equal(v.Hidden, []int{32, 32}) || v.NumClasses != 10 {
		t.Errorf("tiny vgg11 = %+v, want gen_parity.py's widths", v)
	}
}
