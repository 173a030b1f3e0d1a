// Command nms times detect.NMS against torchvision.ops.nms (CPU) on the same random boxes and checks
// that both keep the same indices.
//
// Run from the repository root:
//
//	go run ./bench/nms                 # 10,000 boxes, threshold 0.5
//	go run ./bench/nms -n 1000 -reps 50
//
// The scene is detection.RandomBoxes(n, seed), the boxes notebook 07 times NMS on: top-left corners
// uniform in [0, 1000)², sides uniform in [10, 100), scores uniform in [0, 1). The boxes are written to a temporary file that bench/nms/torchvision_nms.py reads with
// Debian's /usr/bin/python3 (python3-torchvision); pass -python "" to time Go only.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cvlessons/cvlessons/lessons/detection"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

func main() {
	n := flag.Int("n", 10000, "number of boxes")
	seed := flag.Uint64("seed", 42, "random seed")
	threshold := flag.Float64("threshold", 0.5, "IoU threshold")
	reps := flag.Int("reps", 20, "timed repetitions (the median is reported)")
	python := flag.String("python", "/usr/bin/python3", "Python with torchvision; empty to skip")
	flag.Parse()
	if err := run(*n, *seed, float32(*threshold), *reps, *python); err != nil {
		fmt.Fprintln(os.Stderr, "nms:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, t float32, reps int, python string) error {
	boxes, scores := detection.RandomBoxes(n, seed)
	var keep []int
	times := make([]time.Duration, reps)
	for i := range times {
		start := time.Now()
		keep = detect.NMS(boxes, scores, t)
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	fmt.Printf("go detect.NMS: median %.2f ms over %d runs, kept %d of %d (threshold %v)\n",
		float64(times[len(times)/2].Microseconds())/1000, reps, len(keep), n, t)
	if python == "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "nmsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	scenePath, keepPath := filepath.Join(dir, "scene.bin"), filepath.Join(dir, "keep.txt")
	if err := os.WriteFile(scenePath, encodeScene(boxes, scores), 0o644); err != nil {
		return err
	}
	script := filepath.Join("bench", "nms", "torchvision_nms.py")
	cmd := exec.Command(python, script, scenePath, strconv.FormatFloat(float64(t), 'g', -1, 32), strconv.Itoa(reps), keepPath)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("running %s %s (from the repository root): %w", python, script, err)
	}
	data, err := os.ReadFile(keepPath)
	if err != nil {
		return err
	}
	var tv []int
	for _, f := range strings.Fields(string(data)) {
		i, err := strconv.Atoi(f)
		if err != nil {
			return fmt.Errorf("reading %s: %w", keepPath, err)
		}
		tv = append(tv, i)
	}
	if !slices.Equal(keep, tv) {
		return fmt.Errorf("detect.NMS kept %d boxes, torchvision %d: the results differ", len(keep), len(tv))
	}
	fmt.Println("kept indices identical")
	return nil
}

// encodeScene writes n as int32, then the boxes and scores as float32, little-endian.
func encodeScene(boxes []detect.Box, scores []float32) []byte {
	buf := binary.LittleEndian.AppendUint32(nil, uint32(len(boxes)))
	for _, b := range boxes {
		for _, v := range []float32{b.X1, b.Y1, b.X2, b.Y2} {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	for _, s := range scores {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(s))
	}
	return buf
}
