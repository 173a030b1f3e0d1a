package datasets

import (
	"errors"
	"os"
	"slices"
	"testing"
)

// requireEntry skips the test when the catalogue entry has no local copy.
func requireEntry(t testing.TB, name string) {
	t.Helper()
	e, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Locate(); err != nil {
		t.Skipf("%s not available here (%v)", name, err)
	}
}

// Expected values computed with /usr/bin/python3 (gzip + numpy.frombuffer) from the same files:
// first ten labels, the byte sum of image 0, and the per-class counts.
func TestLoadMNISTAndFashion(t *testing.T) {
	tests := []struct {
		name       string
		entry      string
		load       func(Split) (*Images, error)
		split      Split
		n          int
		first10    []int
		sumImage0  int
		countClass []int
		className0 string
	}{
		{"mnist train", "mnist", LoadMNIST, Train, 60000, []int{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, 27525,
			[]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, "0"},
		{"mnist test", "mnist", LoadMNIST, Test, 10000, []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, 18454,
			[]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, "0"},
		{"fashion train", "fashion-mnist", LoadFashionMNIST, Train, 60000, []int{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, 76247,
			[]int{6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, "T-shirt/top"},
		{"fashion test", "fashion-mnist", LoadFashionMNIST, Test, 10000, []int{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, 33456,
			[]int{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, "T-shirt/top"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireEntry(t, tc.entry)
			d, err := tc.load(tc.split)
			if err != nil {
				t.Fatal(err)
			}
			if d.N != tc.n || d.Height != 28 || d.Width != 28 || d.Channels != 1 {
				t.Fatalf("shape N=%d %dx%dx%d, want %d 28x28x1", d.N, d.Height, d.Width, d.Channels, tc.n)
			}
			if err := d.Check(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Labels[:10], tc.first10) {
				t.Errorf("first labels %v, want %v", d.Labels[:10], tc.first10)
			}
			var sum float64
			for _, v := range d.Image(0) {
				sum += float64(v) * 255
			}
			if int(sum+0.5) != tc.sumImage0 {
				t.Errorf("image 0 byte sum %v, want %d", sum, tc.sumImage0)
			}
			counts := make([]int, 10)
			for _, l := range d.Labels {
				counts[l]++
			}
			if !slices.Equal(counts, tc.countClass) {
				t.Errorf("class counts %v, want %v", counts, tc.countClass)
			}
			if len(d.ClassNames) != 10 || d.ClassNames[0] != tc.className0 {
				t.Errorf("class names %q", d.ClassNames)
			}
		})
	}
}

func TestLoadMNISTMissing(t *testing.T) {
	t.Setenv(DataDirEnv, t.TempDir())
	e := fashionEntry()
	e.Local = func() []string { return []string{t.TempDir()} }
	_, err := e.Locate()
	if err == nil {
		t.Fatal("Locate found an entry in empty directories")
	}
	if want := "cvlessons data fetch fashion-mnist"; !contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if _, err := loadIDXEntry(e, Split(7), FashionMNISTClassNames); err == nil {
		t.Error("loaded from an empty entry")
	}
}

func TestLoadIDXPairMismatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	images := write("images", idxBytes(8, []uint32{2, 2, 2}, make([]byte, 8)))
	tests := []struct {
		name   string
		labels []byte
		want   string
	}{
		{"count", idxBytes(8, []uint32{3}, []byte{0, 1, 2}), "has 3 labels, want 2"},
		{"range", idxBytes(8, []uint32{2}, []byte{0, 10}), "label 10 of item 1, want below 10"},
		{"dims", idxBytes(8, []uint32{2, 1}, []byte{0, 1}), "want [n]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadIDXPair(images, write(tc.name, tc.labels), digitNames)
			if err == nil || !contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	var pathErr *os.PathError
	if _, err := LoadIDXPair(images, dir+"/none", digitNames); !errors.As(err, &pathErr) {
		t.Errorf("missing labels: error %v, want a path error", err)
	}
}

func BenchmarkLoadMNISTTrain(b *testing.B) {
	requireEntry(b, "mnist")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadMNIST(Train); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadFashionMNISTTrain(b *testing.B) {
	requireEntry(b, "fashion-mnist")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFashionMNIST(Train); err != nil {
			b.Fatal(err)
		}
	}
}
