// Package plot draws the course's figures (loss curves, bar charts, confusion matrices, image grids,
// boxes on images) as PNG images, for notebooks to show inline and for the CLI to write to disk.
//
// # Conventions
//
// Every function returns a *Figure, a finished RGBA raster. Figure.PNG encodes it for a notebook
// (gonbui.DisplayPNG) and Figure.Save writes it atomically (a temporary file in the same directory,
// then a rename), so a reader never sees half a PNG. Charts are drawn with gonum.org/v1/plot at
// DPI dots per inch; the pixel sizes in Size are exact. Image tensors follow the course's layout:
// float32 in [0, 1], [batch, height, width, channels] (NHWC) with 1 (grey) or 3 (RGB) channels;
// values outside [0, 1] are clamped. Boxes are in pixels, origin top-left, (X1, Y1) inclusive and
// (X2, Y2) exclusive, like image.Rectangle.
//
// Input the figure cannot show (series of different lengths, a ragged matrix, a title per image
// that does not match the number of images) is an error naming the value, never a panic.
//
// # References
//
//   - gonum plot v0.17.0: https://pkg.go.dev/gonum.org/v1/plot@v0.17.0
//   - The confusion-matrix layout (rows are true classes, columns predictions) follows
//     scikit-learn 1.2's sklearn.metrics.confusion_matrix.
package plot
