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
// slider). The second part ([RunDetectors]) trains the detection family on the pure-Go backend and
// measures mAP@0.5, COCO mAP and images/s of each on the same validation images:
//
//   - YOLO v1 ([YOLOModel], [TrainYOLO], the loss detect.YOLOLossGraph with the paper's confidence
//     target Pr(Object)·IoU);
//   - R-CNN: selective search, [RCNNModel] on regions warped by detect.WarpRegion, labelled by
//     detect.LabelProposals, with per-class box regression, scored by its softmax and, as the paper,
//     by per-class linear SVMs on its features trained with hard negative mining ([TrainRCNNSVMs]);
//   - Fast R-CNN ([FastRCNNModel]): one [Backbone] pass per image, each proposal pooled by RoIAlign
//     ([PoolRegions], detect.RoIAlignWeights) inside the training graph, 2 images and 64 regions each
//     per step;
//   - Faster R-CNN ([FasterRCNNModel]): the same heads on proposals from a region proposal network
//     ([RPNHead]; anchors, matching, sampling and decoding from package detect/rpn) on the shared
//     backbone, trained jointly ([TrainFasterRCNN]); [CompareProposals] measures its proposals against
//     selective search's.
//
// A second lesson of the catalogue, "yolo" ([RunYOLOStudy]), trains YOLO v1 with the paper's
// confidence target and with the constant target 1 and measures how well each confidence tracks its
// box's IoU with the truth, then trains the paper's 7x7 grid with B = 2 ([YOLOPaper]).
//
// What to watch for: R-CNN runs its CNN once per proposal and is more than ten times slower per image
// than YOLO; Fast R-CNN still waits for selective search, Faster R-CNN does not; YOLO v1 cannot report
// two objects whose centres share a cell ([CellCollisions] on [CrowdedDigits]) and loses more recall
// than the two-stage models on crowded, small and stretched digits ([WeaknessSets]).
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
//   - R-CNN's MATLAB code (github.com/rbgirshick/rcnn, rcnn_train.m): the SVMs' C = 1e-3, positive
//     weight 2, bias multiplier 10, features scaled to mean norm 20, hard negatives above -1.
//   - Girshick, Fast R-CNN, ICCV 2015: the multi-task loss (log loss + smooth L1), 2 images and 128
//     regions per step with 25% objects, normalised regression targets.
//   - Ren et al., Faster R-CNN, NIPS 2015: anchors, the RPN and its loss, approximate joint training.
//   - He et al., Mask R-CNN, ICCV 2017: RoIAlign.
//   - Hsieh et al., "A dual coordinate descent method for large-scale linear SVM", ICML 2008.
//   - Redmon et al., "You Only Look Once", CVPR 2016: the S x S x (5B + C) output and its loss.
//   - darknet's detection layer ("rescore"): the option of the confidence target 1 instead of IoU
//     (YOLOConfig.ConfidenceOne).
//   - Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010 (AP).
//   - torchvision 0.14 torchvision.ops.nms: the strict IoU > threshold rule.
package detection
