// Package transfer is the transfer-learning lesson: features learned on one task make a second task
// learnable from few labelled images, and the study note's recipe (a pretrained network with a new
// last layer, everything else frozen) runs end to end in Go.
//
// Part A runs anywhere offline on real data. A small CNN (cnn.SmallCNN) is pretrained on
// Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat); classes 5-9 (sandal, shirt,
// sneaker, bag, ankle boot) are then learned from a few hundred labelled images three ways: from
// scratch, with the pretrained convolutions frozen and a new classifier ("fc1", "fc2") trained, and
// with the whole pretrained network fine-tuned (the convolutions at a tenth of the classifier's
// learning rate). It is an honest experiment, not a demonstration staged to succeed: on this split
// the transfer arms do not beat training from scratch (see the README and the notebook for the
// measured numbers). Clothes teach little about shoes and bags, the target classes are easy enough
// for 200 images, and the pretrained part (the convolutions) is a small share of the network. What
// transfers well is what the source task has in common with the target, which is why ImageNet
// features (1000 varied classes, 1.2 million photos) help on ants and bees.
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
