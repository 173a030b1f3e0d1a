// Package detection is the course's object-detection lesson, first part: boxes, IoU, non-maximum
// suppression and region proposals, measured on the digit-detection data (MNIST digits pasted on
// 96x96 canvases, package datasets).
//
// Goal: see why a detector needs NMS and why R-CNN needs a proposal method, with numbers. What to
// watch for: a detector fires several boxes on one object; all but one are false positives, which
// drag precision and mAP@0.5 down until NMS removes them. Selective search finds almost every digit
// with a few dozen boxes per image, where sliding windows with the same number of boxes miss most.
//
// The detector whose duplicates NMS removes here is simulated (jittered copies of the ground truth,
// plus random false positives, from the seed), so this part runs in seconds and needs no training;
// the R-CNN and YOLO models of the lesson's second part produce real ones. Of that part, [YOLOModel],
// [TrainYOLO] and [PredictYOLO] (YOLO v1 on the digit images, trained with detect.YOLOLossGraph) exist
// but are not yet part of [Run].
//
// # Conventions
//
// Boxes are detect.Box (pixels, origin top-left, no +1). A detection is correct when it has the
// object's class and IoU >= 0.5 with a ground-truth box not matched by a higher-scoring detection
// (PASCAL VOC and COCO; package metrics). NMS suppresses when IoU > threshold (torchvision). mAP is
// the mean over classes of VOC2010+ all-point AP at IoU 0.5 (metrics.MeanAP with metrics.AllPoints).
// Proposal recall is the fraction of ground-truth boxes with a proposal at IoU >= 0.5.
//
// # References
//
//   - Uijlings et al., "Selective Search for Object Recognition", IJCV 2013.
//   - Girshick et al., R-CNN, CVPR 2014: about 2000 selective-search proposals per image.
//   - Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010 (AP).
//   - torchvision 0.14 torchvision.ops.nms: the strict IoU > threshold rule.
package detection
