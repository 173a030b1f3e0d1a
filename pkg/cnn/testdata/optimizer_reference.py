"""Reference weights after 3 optimizer steps for pkg/cnn's TestOptimizerMatchesPyTorch (PyTorch 1.13).

A linear classifier 4 -> 3 (weight W given, bias 0) on a fixed batch of 2, mean cross-entropy.
Printed weights are transposed to GoMLX's [in, out] layout.
Run: /usr/bin/python3 pkg/cnn/testdata/optimizer_reference.py
"""
import torch

x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.9, 0.1, 0.5, 0.0]])
y = torch.tensor([2, 0])
W0 = torch.tensor([[0.1, -0.2, 0.3, 0.0], [0.05, 0.1, -0.1, 0.2], [-0.3, 0.2, 0.1, 0.1]])
for name, make in [
    ("sgd momentum 0.9 wd 0.01 lr 0.5", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9, weight_decay=0.01)),
    ("adam lr 0.1", lambda p: torch.optim.Adam(p, lr=0.1)),
]:
    lin = torch.nn.Linear(4, 3)
    with torch.no_grad():
        lin.weight.copy_(W0)
        lin.bias.zero_()
    opt = make(lin.parameters())
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(lin(x), y)
        loss.backward()
        opt.step()
    print(name)
    print("W", [round(v, 6) for v in lin.weight.detach().t().flatten().tolist()])
    print("b", [round(v, 6) for v in lin.bias.detach().tolist()])
