// Command cocoeval times a COCO bounding-box evaluation (load + evaluate + summarize) with
// pkg/metrics on a generated data set: by default 5,000 images with 100 detections each over 20
// categories, the size of the target in issue 5 (pycocotools takes about 37 s on it).
//
// Usage:
//
//	go run ./bench/cocoeval [-dir DIR] [-images 5000] [-dets 100] [-classes 20] [-seed 1]
//
// It writes DIR/gt.json and DIR/dt.json (DIR defaults to a temporary directory, removed at the
// end), reads them back, evaluates, prints the summary and the time of each step. The same files
// can be timed with pycocotools by pycocotools_time.py beside this file (use -dir to keep them).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

func main() {
	dir := flag.String("dir", "", "directory for gt.json and dt.json (default: a temporary one, removed)")
	images := flag.Int("images", 5000, "number of images")
	dets := flag.Int("dets", 100, "detections per image")
	classes := flag.Int("classes", 20, "number of categories")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*dir, *images, *dets, *classes, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "cocoeval:", err)
		os.Exit(1)
	}
}

func run(dir string, images, dets, classes int, seed uint64) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "cocoeval")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	gtPath, dtPath := filepath.Join(dir, "gt.json"), filepath.Join(dir, "dt.json")
	gt, dt := generate(images, dets, classes, rand.New(rand.NewPCG(seed, seed^0x5eed)))
	if err := writeJSON(gtPath, gt); err != nil {
		return err
	}
	if err := writeJSON(dtPath, dt); err != nil {
		return err
	}
	fmt.Printf("data: %d images, %d ground truths, %d detections, %d categories (%s)\n",
		images, len(gt.Annotations), len(dt), classes, dir)

	start, cpuStart := time.Now(), cpuTime()
	ds, err := readFile(gtPath, metrics.ReadCOCOGroundTruth)
	if err != nil {
		return err
	}
	res, err := readFile(dtPath, metrics.ReadCOCODetections)
	if err != nil {
		return err
	}
	loaded, cpuLoaded := time.Now(), cpuTime()
	ev, err := metrics.EvaluateCOCO(ds, res)
	if err != nil {
		return err
	}
	summary := ev.Stats.String()
	done, cpuDone := time.Now(), cpuTime()
	fmt.Print(summary)
	fmt.Print("stats")
	for _, v := range ev.Stats.Values() {
		fmt.Printf(" %v", v)
	}
	fmt.Println()
	fmt.Printf("wall: load %.2fs, evaluate+summarize %.2fs, total %.2fs (GOMAXPROCS=%d)\n",
		loaded.Sub(start).Seconds(), done.Sub(loaded).Seconds(), done.Sub(start).Seconds(), runtime.GOMAXPROCS(0))
	fmt.Printf("cpu:  load %.2fs, evaluate+summarize %.2fs, total %.2fs (user+system, all threads)\n",
		(cpuLoaded - cpuStart).Seconds(), (cpuDone - cpuLoaded).Seconds(), (cpuDone - cpuStart).Seconds())
	return nil
}

func readFile[T any](path string, read func(r io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f)
}

type annotation struct {
	ID         int64      `json:"id"`
	ImageID    int64      `json:"image_id"`
	CategoryID int64      `json:"category_id"`
	BBox       [4]float64 `json:"bbox"`
	Area       float64    `json:"area"`
	IsCrowd    int        `json:"iscrowd"`
}

type image struct {
	ID     int64 `json:"id"`
	Width  int   `json:"width"`
	Height int   `json:"height"`
}

type category struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type groundTruth struct {
	Images      []image      `json:"images"`
	Categories  []category   `json:"categories"`
	Annotations []annotation `json:"annotations"`
}

type result struct {
	ImageID    int64      `json:"image_id"`
	CategoryID int64      `json:"category_id"`
	BBox       [4]float64 `json:"bbox"`
	Score      float64    `json:"score"`
}

// generate makes images of 640x480 with 1-15 objects (sizes log-uniform 8-400 px, 3% crowd) and
// exactly dets detections each: jittered copies of the objects (sometimes with the wrong class)
// and random false positives, scores rounded to 3 decimals so that ties occur.
func generate(images, dets, classes int, rng *rand.Rand) (*groundTruth, []result) {
	gt := &groundTruth{}
	for c := 1; c <= classes; c++ {
		gt.Categories = append(gt.Categories, category{ID: int64(c), Name: fmt.Sprintf("class%d", c)})
	}
	logUniform := func(lo, hi float64) float64 {
		return math.Round(math.Exp(math.Log(lo)+rng.Float64()*(math.Log(hi)-math.Log(lo)))*10) / 10
	}
	round := func(v float64, places float64) float64 { p := math.Pow(10, places); return math.Round(v*p) / p }
	var out []result
	id := int64(1)
	for i := 1; i <= images; i++ {
		gt.Images = append(gt.Images, image{ID: int64(i), Width: 640, Height: 480})
		var objs []annotation
		for k := 1 + rng.IntN(15); k > 0; k-- {
			w, h := logUniform(8, 400), logUniform(8, 400)
			a := annotation{ID: id, ImageID: int64(i), CategoryID: int64(1 + rng.IntN(classes)),
				BBox: [4]float64{round(rng.Float64()*600, 1), round(rng.Float64()*440, 1), w, h}, Area: round(w*h*(0.6+0.4*rng.Float64()), 2)}
			if rng.Float64() < 0.03 {
				a.IsCrowd = 1
			}
			id++
			objs = append(objs, a)
		}
		gt.Annotations = append(gt.Annotations, objs...)
		for d := 0; d < dets; d++ {
			r := result{ImageID: int64(i), Score: round(rng.Float64(), 3)}
			if d < 3*len(objs) && rng.Float64() < 0.7 {
				o := objs[d%len(objs)]
				b := o.BBox
				j := func(s float64) float64 { return rng.NormFloat64() * 0.1 * s }
				r.BBox = [4]float64{round(b[0]+j(b[2]), 2), round(b[1]+j(b[3]), 2), round(math.Max(1, b[2]+j(b[2])), 2), round(math.Max(1, b[3]+j(b[3])), 2)}
				r.CategoryID = o.CategoryID
				if rng.Float64() < 0.1 {
					r.CategoryID = int64(1 + rng.IntN(classes))
				}
				r.Score = round(0.3+0.7*r.Score, 3)
			} else {
				w, h := logUniform(8, 400), logUniform(8, 400)
				r.BBox = [4]float64{round(rng.Float64()*600, 1), round(rng.Float64()*440, 1), w, h}
				r.CategoryID = int64(1 + rng.IntN(classes))
			}
			out = append(out, r)
		}
	}
	return gt, out
}

// cpuTime returns the user+system CPU time of this process so far: on a shared machine it shows
// the work done when the wall clock includes waiting for a CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeJSON writes v to path atomically (a temporary file renamed into place).
func writeJSON(path string, v any) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := json.NewEncoder(tmp).Encode(v); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
