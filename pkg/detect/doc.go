// Package detect holds the object-detection building blocks of the course: box geometry, IoU, non-maximum
// suppression, region proposals and YOLO v1's targets and loss, in plain Go over slices; only
// [YOLOLossGraph] builds GoMLX graph nodes.
//
// Geometry: [Box], [IoU], [GIoU], [IoUMatrix]. Suppression: [NMS], [BatchedNMS], [SoftNMS]. Proposals
// for R-CNN: [SelectiveSearch] over a [SegmentGraph] segmentation, [SlidingWindows] as the naive
// alternative, scored by [ProposalRecall]; [LabelProposals], [WarpRegion] and [BoxDelta] /
// [ApplyDelta] prepare them for an R-CNN classifier and box regressor, [RoIPool] is Fast R-CNN's
// pooling as a plain-Go reference and [RoIAlignWeights] / [RoIAlign] Mask R-CNN's, in a separable form a
// training graph can use. Faster R-CNN's anchors and proposals are in subpackage rpn. YOLO v1: [YOLOGrid] encodes targets, computes the reference loss and
// decodes predictions to [Detection] values; [YOLOLossGraph] is the same loss for training in a GoMLX graph.
//
// # Conventions
//
// A [Box] is (X1, Y1, X2, Y2) in pixels, origin at the top-left corner, X to the right and Y down, with
// no +1: a box from 0 to 10 is 10 pixels wide. PASCAL VOC's devkit used the +1 ("inclusive") convention,
// width = x2 - x1 + 1; torchvision and COCO do not, and neither does this package. Other formats convert
// explicitly: [FromCXCYWH] / [Box.CXCYWH] (centre, width, height, as YOLO predicts them) and [FromXYWH] /
// [Box.XYWH] (COCO's top-left corner, width, height).
//
// A box is empty when it does not have X2 > X1 and Y2 > Y1 (zero or negative width or height, or a NaN
// coordinate); an empty box has area 0 and IoU 0 with every box, itself included. torchvision computes
// negative areas for inverted boxes instead; this package does not. Coordinates are expected to be
// finite.
//
// Every threshold names its operator. [NMS] suppresses a box when its IoU with a kept box is strictly
// greater than the threshold, as torchvision.ops.nms does: a box exactly at the threshold survives.
// Detection matching for evaluation (package metrics) accepts IoU >= threshold, as COCO does.
// Scores are ranked by a stable sort: equal scores keep their input order. A NaN score ranks above every
// number, as torch.sort orders NaN in a descending sort. Empty input gives an empty result. Slices
// that must have equal lengths (boxes and scores) panic with a message when they do not; that is a
// programmer error, not a data error.
//
// Functions do not modify their inputs unless the argument is named dst. Arithmetic is float32 in the
// same order as torchvision's CPU kernels, so [IoU], [NMS], [BatchedNMS] and [RoIPool] agree bit for
// bit with torchvision 0.14 on the golden data in testdata/ (written by testdata/gen_nms.py and
// testdata/gen_roi.py with /usr/bin/python3).
//
// # References
//
//   - torchvision 0.14, torchvision/ops/boxes.py (nms, batched_nms, box_iou, generalized_box_iou):
//     box format and the strict comparison.
//   - Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019: [GIoU].
//   - Bodla et al., "Soft-NMS -- Improving Object Detection With One Line of Code", ICCV 2017:
//     [SoftNMS], linear and Gaussian decay.
//   - Felzenszwalb and Huttenlocher, "Efficient Graph-Based Image Segmentation", IJCV 2004, and
//     Uijlings et al., "Selective Search for Object Recognition", IJCV 2013: [SelectiveSearch].
//   - Redmon et al., "You Only Look Once: Unified, Real-Time Object Detection", CVPR 2016: [YOLOGrid]
//     (S x S x (5B + C) output, the cell holding the centre is responsible, λcoord = 5, λnoobj = 0.5,
//     square-rooted w and h, confidence = Pr(object)·IoU).
//   - Girshick et al., "Rich feature hierarchies for accurate object detection and semantic
//     segmentation" (R-CNN), CVPR 2014: about 2000 selective-search proposals per image.
//   - Girshick, "Fast R-CNN", ICCV 2015, and torchvision 0.14 ops/roi_pool: [RoIPool] and its rounding;
//     torchvision.models.detection BoxCoder with weights (1, 1, 1, 1): [BoxDelta].
//   - He et al., "Mask R-CNN", ICCV 2017, and torchvision 0.14 ops/roi_align (aligned=False):
//     [RoIAlignWeights].
//   - Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010: the +1 convention.
package detect
