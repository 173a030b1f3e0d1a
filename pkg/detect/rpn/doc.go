// Package rpn is the box machinery of Faster R-CNN's region proposal network (Ren et al. 2015), in plain
// Go over slices: anchors, the labelling of anchors against ground truth, the sampled mini-batch the RPN
// is trained on, the box-delta coder and the decoding of the network's outputs into proposals.
//
// It is what the RPN head and its loss need around the network: [Anchors.Boxes] lays anchors over a
// feature map, [Match] labels each anchor positive, negative or ignored and names its ground-truth box,
// [Sample] draws the 256 anchors of an image's mini-batch, [Matching.Targets] and [BoxCoder] give the
// regression targets, and [Proposals] turns per-anchor objectness scores and deltas into ranked, NMS-ed
// proposals for the Fast R-CNN head. Nothing here builds GoMLX graph nodes.
//
// # Conventions
//
// Boxes are [detect.Box] values with the conventions of package detect: pixels, origin at the top-left
// corner, no +1 (a box from 0 to 16 is 16 pixels wide). py-faster-rcnn used VOC's +1 convention, so its
// anchors and widths differ from these by one pixel.
//
// Anchor order (this package's choice): cell-major over the feature map (row, then column), then scale,
// then aspect ratio, so anchor (row, col, s, r) has index ((row·W + col)·S + s)·R + r, where S and R are
// the numbers of scales and ratios. This is the order of a channels-last head output [H, W, S·R] (and
// [H, W, S·R·4] for the deltas) flattened. torchvision's AnchorGenerator orders the ratios before the
// scales within a cell. An anchor of scale s and aspect ratio r = height/width is s/√r wide and s·√r
// high, so s² is its area, and it is centred on its cell's centre ((col + 0.5)·stride,
// (row + 0.5)·stride). torchvision centres anchors on the cells' top-left corners (col·stride,
// row·stride) and rounds their half-sizes to integers; py-faster-rcnn centres them at
// col·stride + 7.5 for stride 16 (+1 convention); this package does neither. The ratio is
// height/width as in torchvision; [detect.SlidingWindows] takes width/height, so 2 there is 0.5 here
// (the paper's set {0.5, 1, 2} is the same either way).
//
// Every threshold names its operator. [Match] makes an anchor positive when its IoU with a ground-truth
// box is >= [MatchConfig.PositiveIoU] and negative when its IoU with every box is < [MatchConfig.NegativeIoU],
// as the paper does. [Proposals] suppresses with [detect.NMS]: IoU strictly greater than the threshold,
// as py-faster-rcnn's nms and torchvision.ops.nms do. Scores are ranked by a stable sort: equal scores
// keep anchor order. Randomness comes from a *rand.Rand argument (math/rand/v2).
//
// Configuration values and image sizes that cannot work (a negative stride, thresholds out of order, a
// zero-pixel image) return an error saying what was expected and what came. Slices that must have equal
// lengths (anchors and scores) panic with a message when they do not, as in package detect: that is a
// programmer error, not a data error. Functions do not modify their inputs.
//
// # Where it is used
//
// The detection lesson's Faster R-CNN (lessons/detection: RPNHead, FasterRCNNModel, TrainFasterRCNN)
// builds the network parts in GoMLX graphs, the RPN head (a 3x3 convolution and two sibling 1x1
// convolutions for objectness and deltas on the shared backbone) and its loss, and calls this package
// around them in every training step and at test time.
//
// # References
//
//   - Ren, He, Girshick and Sun, "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal
//     Networks", NIPS 2015 (and TPAMI 2017). Section 3.1: k anchors per sliding-window position, 9 by
//     default; 3.1.2: positive anchors are those with the highest IoU for a ground-truth box or an IoU
//     higher than 0.7 with any box, negative ones have IoU lower than 0.3 with every box, the rest do
//     not contribute ([PaperMatch]), and the (tx, ty, tw, th) parametrization of [BoxCoder]; 3.1.3:
//     256 anchors sampled per image with positives and negatives up to 1:1, padded with negatives
//     ([PaperSample]); 3.3: 3 scales with areas 128², 256², 512² and aspect ratios 1:1, 1:2, 2:1
//     ([PaperAnchors]), cross-boundary anchors ignored in training, proposals clipped to the image at
//     test time, NMS at IoU 0.7, 2000 proposals for training the detector and 300 at test time
//     ([PaperTrainProposals], [PaperTestProposals]).
//   - py-faster-rcnn (github.com/rbgirshick/py-faster-rcnn), lib/fast_rcnn/config.py and
//     lib/rpn/: the pre-NMS top-N (12000 training, 6000 test), the minimum proposal side of 16 pixels,
//     allowed_border = 0, and the ">= 0.7" operator its anchor_target_layer uses (the paper's text says
//     "higher than 0.7").
//   - torchvision 0.14, torchvision/models/detection/_utils.py (BoxCoder, Matcher,
//     BalancedPositiveNegativeSampler) and rpn.py: the clamp of tw and th at log(1000/16) before exp,
//     the weights (1, 1, 1, 1) of the RPN's coder, and the positive count int(256·0.5).
package rpn
