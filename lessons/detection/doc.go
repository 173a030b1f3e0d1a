// Package detection is the course's object-detection lesson: boxes, IoU, non-maximum suppression and
// region proposals ([Run]), then R-CNN and YOLO v1 trained side by side ([RunDetectors]), measured on
// the digit-detection data (MNIST digits pasted on 96x96 canvases, package datasets).
//
// Goal: see why a detector needs NMS and why R-CNN needs a proposal method, with numbers. What to
// watch for: a detector fires several boxes on one object; all but one are false positives, which
// drag precision and mAP@0.5 down until NMS removes them. Selective search finds almost every digit
// with a few dozen boxes per image, where sliding windows with the same number of boxes miss most.
//
// In the first part the detector whose duplicates NMS removes is simulated (jittered copies of the
// ground truth, plus random false positives, from the seed), so it runs in seconds and needs no
// training; [NMSScene] keeps its boxes so that NMS can be rerun at any IoU threshold (the notebook's
// slider). The second part trains real ones on the pure-Go backend: YOLO v1 ([YOLOModel],
// [TrainYOLO], the loss detect.YOLOLossGraph) and R-CNN (selective search, [RCNNModel] on regions
// warped by detect.WarpRegion, labelled by detect.LabelProposals, with per-class box regression), and
// measures mAP@0.5, COCO mAP and images/s of both on the same validation images. What to watch for:
// R-CNN runs its CNN once per proposal and is more than ten times slower per image; YOLO v1 cannot
// report two objects whose centres share a cell ([CellCollisions] on [CrowdedDigits]). Fast R-CNN
// ([FastRCNNModel]) shares one backbone pass per image between the proposals and max-pools each over
// the feature map with torchvision's RoI pooling bins (detect.RoIPoolBins), inside the training graph.
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
//   - Girshick et al., R-CNN, CVPR 2014: about 2000 selective-search proposals per image; fine-tuning
//     labels IoU >= 0.5 as the object, the rest background; box regression (appendix C).
//   - Girshick, Fast R-CNN, ICCV 2015: the multi-task loss (log loss + smooth L1), 25% object regions
//     per batch, normalised regression targets.
//   - Redmon et al., "You Only Look Once", CVPR 2016: the S x S x (5B + C) output and its loss.
//   - darknet's detection layer ("rescore"): the confidence target 1 instead of IoU (ConfidenceOne).
//   - Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010 (AP).
//   - torchvision 0.14 torchvision.ops.nms: the strict IoU > threshold rule.
package detection
