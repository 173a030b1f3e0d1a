package datasets

// Box is an axis-aligned box in pixels with corners (X1, Y1) top-left and (X2, Y2)
// bottom-right, origin at the image's top-left corner, no +1 convention: a box that covers
// pixel columns 3, 4 and 5 has X1 = 3 and X2 = 6, width 3. It mirrors pkg/detect's Box field
// for field so a conversion is a plain struct copy; datasets does not import detect.
type Box struct{ X1, Y1, X2, Y2 float32 }

// Width returns X2-X1, or 0 when negative.
func (b Box) Width() float32 { return max(b.X2-b.X1, 0) }

// Height returns Y2-Y1, or 0 when negative.
func (b Box) Height() float32 { return max(b.Y2-b.Y1, 0) }

// Area returns Width*Height.
func (b Box) Area() float32 { return b.Width() * b.Height() }

// iou returns the intersection over union of a and b, 0 when the union is empty.
func iou(a, b Box) float32 {
	inter := Box{max(a.X1, b.X1), max(a.Y1, b.Y1), min(a.X2, b.X2), min(a.Y2, b.Y2)}.Area()
	union := a.Area() + b.Area() - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// Object is one labelled box.
type Object struct {
	// Box is the object's tight box in pixels.
	Box Box
	// Class is the class index, into Detection.Images.ClassNames.
	Class int
}

// Detection is an object-detection data set: fixed-size images and, per image, its objects.
type Detection struct {
	// Images holds the pixels (NHWC, [0, 1]) and ClassNames; its Labels are nil.
	Images *Images
	// Objects[i] are the ground-truth objects of image i.
	Objects [][]Object
	// FileNames[i] is image i's file name (as exported or as read from COCO JSON).
	FileNames []string
}
