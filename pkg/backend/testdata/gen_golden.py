#!/usr/bin/python3
"""Writes golden.json: PyTorch 1.13 (Debian python3-torch) reference values for the pure-Go backend's
native ops and their gradients. Run from this directory: /usr/bin/python3 gen_golden.py

Layouts match GoMLX's defaults: images NHWC, convolution kernels [kh, kw, in/groups, out].
Each case has a random upstream gradient r; the gradients are those of sum(y * r).
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(20261126)


def t2l(t):
    return [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]


def conv_case(name, n, h, w, cin, cout, kh, kw, stride, pads, dil, groups):
    x = torch.randn(n, h, w, cin)
    k = torch.randn(kh, kw, cin // groups, cout) * 0.5
    xt = x.permute(0, 3, 1, 2).clone().requires_grad_()
    kt = k.permute(3, 2, 0, 1).clone().requires_grad_()
    (pt, pb), (pl, pr) = pads
    y = F.conv2d(F.pad(xt, (pl, pr, pt, pb)), kt, stride=stride, dilation=dil, groups=groups)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return dict(name=name, op="conv", x=t2l(x), x_dims=list(x.shape), k=t2l(k), k_dims=list(k.shape),
                stride=list(stride), pads=[list(pads[0]), list(pads[1])], dil=list(dil), groups=groups,
                r=t2l(r.permute(0, 2, 3, 1)), y=t2l(y.permute(0, 2, 3, 1)), y_dims=list(y.permute(0, 2, 3, 1).shape),
                dx=t2l(xt.grad.permute(0, 2, 3, 1)), dk=t2l(kt.grad.permute(2, 3, 1, 0)))


def pool_case(name, kind, n, h, w, c, window, stride, pad):
    x = torch.randn(n, h, w, c)
    xt = x.permute(0, 3, 1, 2).clone().requires_grad_()
    if kind == "max":
        y = F.max_pool2d(xt, window, stride, padding=pad)
    else:
        y = F.avg_pool2d(xt, window, stride, padding=pad)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return dict(name=name, op=kind + "pool", x=t2l(x), x_dims=list(x.shape), window=window, stride=stride, pad=pad,
                r=t2l(r.permute(0, 2, 3, 1)), y=t2l(y.permute(0, 2, 3, 1)), y_dims=list(y.permute(0, 2, 3, 1).shape),
                dx=t2l(xt.grad.permute(0, 2, 3, 1)))


def bn_case(name, dims, eps):
    x = torch.randn(*dims) * 2 + 0.5
    c = dims[-1]
    scale = (torch.rand(c) + 0.5).requires_grad_()
    offset = torch.randn(c).requires_grad_()
    xt = x.clone().requires_grad_()
    flat = xt.reshape(-1, c)
    y = F.batch_norm(flat, None, None, scale, offset, training=True, eps=eps).reshape(dims)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return dict(name=name, op="batchnorm", x=t2l(x), x_dims=list(dims), scale=t2l(scale), offset=t2l(offset), eps=eps,
                mean=t2l(flat.mean(0)), var=t2l(flat.var(0, unbiased=False)),
                r=t2l(r), y=t2l(y), dx=t2l(xt.grad), dscale=t2l(scale.grad), doffset=t2l(offset.grad))


def dot_case(name, equation, a_dims, b_dims):
    a = torch.randn(*a_dims).requires_grad_()
    b = torch.randn(*b_dims).requires_grad_()
    y = torch.einsum(equation, a, b)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return dict(name=name, op="einsum", equation=equation, a=t2l(a), a_dims=a_dims, b=t2l(b), b_dims=b_dims,
                r=t2l(r), y=t2l(y), y_dims=list(y.shape), da=t2l(a.grad), db=t2l(b.grad))


cases = [
    conv_case("3x3 same, batch 2", 2, 7, 6, 3, 4, 3, 3, (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    conv_case("3x3 stride 2 asymmetric padding, odd sizes", 2, 9, 8, 3, 5, 3, 3, (2, 2), ((1, 0), (2, 1)), (1, 1), 1),
    conv_case("3x3 dilation 2", 1, 9, 9, 2, 3, 3, 3, (1, 1), ((2, 2), (2, 2)), (2, 2), 1),
    conv_case("stride 2 and dilation 2", 2, 11, 10, 2, 3, 3, 3, (2, 2), ((1, 1), (0, 0)), (2, 2), 1),
    conv_case("groups 2", 2, 6, 6, 4, 6, 3, 3, (1, 1), ((1, 1), (1, 1)), (1, 1), 2),
    conv_case("depthwise, channel multiplier 2", 1, 5, 7, 3, 6, 3, 3, (1, 1), ((1, 1), (1, 1)), (1, 1), 3),
    conv_case("1x1 stride 2, batch 1", 1, 7, 7, 4, 8, 1, 1, (2, 2), ((0, 0), (0, 0)), (1, 1), 1),
    conv_case("5x5 valid, rectangular stride", 2, 12, 9, 1, 4, 5, 5, (1, 2), ((0, 0), (0, 0)), (1, 1), 1),
    conv_case("2x3 kernel, stride 3 leaves input unread", 1, 10, 11, 2, 2, 2, 3, (3, 3), ((0, 0), (1, 0)), (1, 1), 1),
    pool_case("maxpool 2x2 stride 2", "max", 2, 8, 6, 3, 2, 2, 0),
    pool_case("maxpool 3x3 stride 2 pad 1, odd size", "max", 1, 7, 9, 2, 3, 2, 1),
    pool_case("avgpool 2x2 stride 2", "avg", 2, 8, 6, 3, 2, 2, 0),
    pool_case("avgpool 3x3 stride 1", "avg", 1, 6, 5, 2, 3, 1, 0),
    bn_case("batchnorm NHWC", [4, 5, 3, 6], 1e-3),
    bn_case("batchnorm dense", [16, 7], 1e-5),
    bn_case("batchnorm batch 1", [1, 3, 4, 2], 1e-3),
    dot_case("dense", "ik,kj->ij", [5, 7], [7, 3]),
    dot_case("batched", "bik,bkj->bij", [3, 4, 6], [3, 6, 5]),
    dot_case("batched, rhs transposed", "bik,bjk->bij", [2, 5, 3], [2, 4, 3]),
    dot_case("two contracting axes", "ijk,jkl->il", [3, 4, 2], [4, 2, 5]),
]
with open("golden.json", "w") as f:
    json.dump({"generator": "gen_golden.py, PyTorch " + torch.__version__, "cases": cases}, f)
print("wrote", len(cases), "cases with PyTorch", torch.__version__)
