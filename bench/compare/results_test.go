package compare

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// sample is a results file made up by hand: two nets, three rounds; round 2 was slow on every
// backend (a noisy round), and XLA failed once on resnet20.
const sample = `# bench/compare.sh results
date: 2026-12-07T06:40:00Z
cpu: AMD EPYC
cores: 2
cpus: 0,1
load: 0.02 0.10 0.20
nice: 0
commit: 0123456789abcdef0123456789abcdef01234567
dirty: false
go: go1.26.8
gomlx: v0.26.0
torch: 1.13.0
xla: fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)
steps: 20
batch: 64
threads: 2
rounds: 3

round model backend images_per_s peak_rss_mb
1 mnist-cnn go 1000 140
1 mnist-cnn xla 800 600
1 mnist-cnn torch 2000 300
1 resnet20 go 100 200
1 resnet20 xla failed -
1 resnet20 torch 200 350
2 mnist-cnn go 500 150
2 mnist-cnn xla 400 610
2 mnist-cnn torch 500 310
2 resnet20 go 50 210
2 resnet20 xla 40 700
2 resnet20 torch 100 360
3 mnist-cnn go 1100 145
3 mnist-cnn xla 900 605
3 mnist-cnn torch 2000 305
3 resnet20 go 110 205
3 resnet20 xla 90 690
3 resnet20 torch 210 355
`

func TestParseAndSummarize(t *testing.T) {
	r, err := Parse("compare-amd-epyc-2cores.txt", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if r.CPU != "AMD EPYC" || r.Cores != 2 || r.Rounds != 3 || r.Steps != 20 || r.Nice != 0 || r.Dirty || len(r.Runs) != 18 {
		t.Fatalf("Parse = %+v", r)
	}
	if got := r.Models(); !slices.Equal(got, []string{"mnist-cnn", "resnet20"}) {
		t.Errorf("Models() = %v, want [mnist-cnn resnet20]", got)
	}
	s := r.Summarize()
	if len(s) != 2 {
		t.Fatalf("Summarize() has %d nets, want 2", len(s))
	}
	// Expected values worked out by hand from sample.
	mnist, resnet := s[0], s[1]
	if got, want := mnist.Speed[Go], (Spread{Median: 1000, Min: 500, Max: 1100, N: 3}); got != want {
		t.Errorf("mnist-cnn go speed = %+v, want %+v", got, want)
	}
	// Per-round go/torch ratios are 0.5, 1.0 and 0.55: the median is 0.55, while the ratio of the
	// medians (1000/2000) would be 0.5.
	if got := mnist.Ratio[Go]; math.Abs(got-0.55) > 1e-12 {
		t.Errorf("mnist-cnn go/torch = %v, want 0.55 (median of the per-round ratios)", got)
	}
	// XLA failed in round 1: two runs, ratios 0.4 and 90/210; the median of two is their mean.
	if got, want := resnet.Speed[XLA], (Spread{Median: 65, Min: 40, Max: 90, N: 2}); got != want {
		t.Errorf("resnet20 xla speed = %+v, want %+v", got, want)
	}
	if got, want := resnet.Ratio[XLA], (0.4+90.0/210)/2; math.Abs(got-want) > 1e-12 {
		t.Errorf("resnet20 xla/torch = %v, want %v", got, want)
	}
	if got := resnet.PeakRSSMiB[XLA]; got != 700 {
		t.Errorf("resnet20 xla peak = %v, want 700 (the largest over the rounds)", got)
	}
}

func TestParseWithoutXLA(t *testing.T) {
	var lines []string
	for _, l := range strings.Split(sample, "\n") {
		if !strings.Contains(l, " xla ") {
			lines = append(lines, l)
		}
	}
	data := strings.Replace(strings.Join(lines, "\n"), "xla: fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)", "xla: none", 1)
	r, err := Parse("compare-x.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summarize()[0]
	if s.Speed[XLA].N != 0 || !math.IsNaN(s.Ratio[XLA]) || spread(s.Speed[XLA]) != "-" || ratio(s.Ratio[XLA]) != "-" {
		t.Errorf("without XLA: speed %+v, ratio %v; want none, shown as -", s.Speed[XLA], s.Ratio[XLA])
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown key", "cores: 2", "cores: 2\nflavour: mint", `unknown header key "flavour"`},
		{"key twice", "cores: 2", "cores: 2\ncores: 3", `"cores" given twice`},
		{"key missing", "torch: 1.13.0\n", "", `header key "torch" missing`},
		{"zero steps", "steps: 20", "steps: 0", "want a positive integer"},
		{"bad date", "2026-12-07T06:40:00Z", "yesterday", "header date"},
		{"no column header", ColumnHeader, "", "want a \"key: value\" header line"},
		{"short row", "1 mnist-cnn go 1000 140", "1 mnist-cnn go 1000", "want 5 fields"},
		{"unknown backend", "1 mnist-cnn go 1000 140", "1 mnist-cnn jax 1000 140", `backend "jax"`},
		{"zero speed", "1 mnist-cnn go 1000 140", "1 mnist-cnn go 0 140", "want a positive number"},
		{"NaN speed", "1 mnist-cnn go 1000 140", "1 mnist-cnn go NaN 140", "want a positive number"},
		{"go failed", "1 mnist-cnn go 1000 140", "1 mnist-cnn go failed -", "only an xla run may fail"},
		{"run twice", "1 mnist-cnn go 1000 140", "1 mnist-cnn go 1000 140\n1 mnist-cnn go 1000 140", "given twice"},
		{"run missing", "1 mnist-cnn go 1000 140\n", "", "round 1 has no go run of mnist-cnn"},
		{"round over", "3 resnet20 torch 210 355", "4 resnet20 torch 210 355", "over the header's 3 rounds"},
		{"xla without plugin", "xla: fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)", "xla: none", "no XLA plugin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(sample, tt.old, tt.new, 1)
			if data == sample {
				t.Fatalf("the case changes nothing: %q not in sample", tt.old)
			}
			_, err := Parse("compare-x.txt", []byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("compare-x.txt", []byte(strings.SplitAfter(sample, ColumnHeader+"\n")[0])); err == nil || !strings.Contains(err.Error(), "no runs") {
		t.Errorf("Parse of a header without runs: error %v, want one containing \"no runs\"", err)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		v    []float64
		want float64
	}{
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{5, 1, 3}, 3},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.v)
			if got := Median(tt.v); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", in, got, tt.want)
			}
			if !slices.Equal(in, tt.v) {
				t.Errorf("Median modified its input: %v, was %v", tt.v, in)
			}
		})
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("date: x\n" + ColumnHeader + "\n1 a go 1 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("compare-fuzz.txt", data)
		if err != nil {
			return
		}
		for _, s := range r.Summarize() {
			for _, b := range Backends {
				if sp := s.Speed[b]; sp.N > 0 && !(sp.Min <= sp.Median && sp.Median <= sp.Max) {
					t.Errorf("%s %s: median %v outside [%v, %v]", s.Model, b, sp.Median, sp.Min, sp.Max)
				}
			}
		}
		_ = Section([]Results{r}, nil)
	})
}
