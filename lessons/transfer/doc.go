// Package transfer is the transfer-learning lesson: features learned on one task make a second task
// learnable from few labelled images, and the study note's recipe (a pretrained network with a new
// last layer, everything else frozen) runs end to end in Go.
//
// Part A runs anywhere offline on real data. A small CNN (Net: three convolutions, 74,400
// backbone parameters, then average pooling to a 2x2 grid and a one-layer head of 1,925) is
// pretrained on Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat); classes 5-9
// (sandal, shirt, sneaker, bag, ankle boot) are then learned from very few labelled images three
// ways, with the same number of Adam steps each: from scratch, with the pretrained backbone frozen
// and only a new head trained (on cached features), and with the whole pretrained network
// fine-tuned (the backbone at a tenth of the head's learning rate). Each point of the learning
// curve (labelled images per class: 1, 5 and 20 in the quick preset; 1, 5, 20 and 100 in the full one)
// averages several random labelled subsets, and the gains over scratch are paired by subset.
//
// What it measures is the textbook picture at its true, modest size. Over seeds 1-5 of the quick
// preset (15 labelled subsets per point), fine-tuning beat scratch by 4.4 points on average with 1
// labelled image per class (on 13 of the 15 subsets), by 1.5 with 5 and by 0.4 with 20; a frozen
// backbone by 3.2, 0.4 and -1.7. The gain is small because features learned on five kinds of
// clothing describe shoes and bags only in part, and because the target classes are easy: from
// scratch the network reaches about 80% with 5 images per class and 90% with 20. A single quick
// run (3 subsets) does not always show a gain, so the test asserts only what held on every seed.
//
// Part B is the note's recipe on hymenoptera_data (ants vs bees): a torchvision checkpoint read in
// Go, classifier.6 replaced by a 2-way layer, everything else frozen, SGD lr 0.001 momentum 0.9,
// batch 32, RandomResizedCrop(224, scale 0.5-1) + horizontal flip for training and Resize +
// CenterCrop for validation, the first epoch evaluating only. The ImageNet VGG16 weights are not
// shipped and nothing downloads by itself ("cvlessons data fetch vgg16-imagenet" does, online);
// without them the pipeline runs on whatever checkpoint it is given, and the report says which, so
// a random-weight checkpoint is never presented as pretrained.
//
// # Conventions
//
// Images are NHWC float32 in [0, 1] (ImageNet-normalized for Part B). Accuracies are fractions of
// the evaluation set. Every run is seeded (Config.Seed).
//
// # References
//
//   - The study note, section 5 (transfer learning; the VGG16 ants/bees program).
//   - PyTorch transfer-learning tutorial (ResNet-18 on hymenoptera_data, about 0.93-0.95 best
//     validation accuracy with ImageNet weights; one validation image is 0.65 points).
//   - J. Yosinski et al., "How transferable are features in deep neural networks?", NeurIPS 2014.
//   - H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST", arXiv:1708.07747 (class list).
package transfer
