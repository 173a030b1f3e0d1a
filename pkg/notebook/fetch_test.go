package notebook

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
)

// TestFetch covers the three cases a notebook meets: an entry already here (MNIST, inside a Go
// module the course requires) downloads nothing and prints nothing; an unknown name and a missing
// entry that cannot be downloaded (here: the context is cancelled, as offline) give an error
// naming the entry and the command that gets it.
func TestFetch(t *testing.T) {
	t.Setenv(datasets.DataDirEnv, t.TempDir())
	t.Setenv("TORCH_HOME", t.TempDir())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		entries []string
		wantErr []string
	}{
		{"present", []string{"mnist"}, nil},
		{"unknown", []string{"mnist", "imagenet-22k"}, []string{`unknown data set "imagenet-22k"`}},
		{"offline", []string{"resnet18-imagenet"}, []string{"resnet18-imagenet is missing", `"cvlessons data fetch resnet18-imagenet"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := fetch(cancelled, &out, tc.entries...)
			if tc.wantErr == nil {
				if err != nil || out.Len() != 0 {
					t.Errorf("fetch(%v) = %v, printed %q; want nil and nothing", tc.entries, err, out.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("fetch(%v) = nil, want an error", tc.entries)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("fetch(%v) error %q lacks %q", tc.entries, err, w)
				}
			}
		})
	}
}

// A notebook cell gets its data on first use; MNIST is always here (a Go module of the course), so
// nothing is downloaded.
func ExampleFetch() {
	if err := Fetch("mnist"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("MNIST is here")
	// Output: MNIST is here
}
