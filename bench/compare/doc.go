// Package compare reads the results files that bench/compare.sh and bench/lessons.sh write and
// renders them: the tables the scripts print, and the README's backend comparison section (go
// generate ./bench/compare).
//
// # Conventions
//
// A results file ([Parse]) holds one run of bench/compare.sh: a header of "key: value" lines (the
// machine, the software versions, the settings and the commit), then one line per training run,
// "round model backend images_per_s peak_rss_mb", for the backends "go" (the pure-Go backend), "xla"
// (GoMLX's XLA backend on the CPU plugin) and "torch" (PyTorch on the CPU). In each round the script
// runs every net on the three backends back to back, so each round's three figures were measured
// under the same conditions.
//
// A summary ([Summarize]) gives, per net and backend, the median, minimum and maximum images per
// second over the rounds; the ratio of a Go backend to PyTorch is the median over the rounds of the
// per-round ratio (not the ratio of the medians), so one noisy round does not decide it. A median of
// an even number of values is the mean of the two middle ones. Peak memory is the largest over the
// rounds. A failed XLA run ("failed") counts in no median; a net with no XLA run shows "-".
//
// A lessons results file ([ParseLessons]) holds one run of bench/lessons.sh: the same header, with
// the preset instead of the nets' settings, then one line per lesson run, "round lesson backend
// seconds peak_rss_mb", for "go" and "xla": the wall time and peak memory of `cvlessons lesson run
// NAME --preset P`, what a notebook trains. Its summary ([LessonResults.Summarize]) gives each
// backend's median wall time and the median over the rounds of the per-round ratio XLA / pure Go.
//
// # References
//
//   - The nets, batch, optimizer and timing rules are those of `cvlessons bench train` (package
//     bench) and bench/torch_reference.py.
package compare

//go:generate go run ./gen -readme ../../README.md -results ../results
