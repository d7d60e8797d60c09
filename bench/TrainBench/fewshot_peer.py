#!/usr/bin/python3
"""PyTorch 1.13 peer of the few-shot check (issue 17), run with Debian's /usr/bin/python3 (python3-torch, python3-onnx).

The very ImageNet weights Seer imports (.data/pretrained/ResNet18.onnx, the CNTK ResNet with [2, 2, 2, 3] basic blocks,
BGR 0..255 minus a per-channel mean, 7x7 stride-2 stem + max-pool) are mapped onto a PyTorch network that follows the
ONNX graph, then the whole network is fine-tuned on the same 1,000 images Seer trains on (the IDX files
`seer dataset export fs-train --format idx` writes), within a wall-time budget, keeping the epoch with the best
validation top-1, which is then scored on the 10,000 test images. Grey images are repeated to three channels and
resized once to the input size (bilinear), as Seer's image cache does; augmentation per batch: mirror flip 0.5 and a
random shift of up to `--translate` of the side with a zero border. Optimiser: AdamW or SGD (momentum 0.9, Nesterov),
linear warm-up over the first epoch then cosine over the budget's estimated epochs (the estimate is refined after
every epoch), as time-budgeted trainers do.

Usage: fewshot_peer.py TRAIN_DIR VAL_DIR TEST_DIR --minutes 5 --size 64 --opt adamw --lr 1e-3 [--json]
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

BGR_MEAN = (103.06, 115.90, 123.15)  # ResNetPreprocess.onnx, per channel (B, G, R)


def read_idx(folder):
    def find(part):
        for name in sorted(os.listdir(folder)):
            if part in name:
                return os.path.join(folder, name)
        raise FileNotFoundError(f"{folder}: no *{part}* file")

    def load(path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            return f.read()

    img, lab = load(find("images-idx3")), load(find("labels-idx1"))
    n, h, w = (int.from_bytes(img[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    x = np.frombuffer(img, np.uint8, n * h * w, 16).reshape(n, h, w)
    y = np.frombuffer(lab, np.uint8, n, 8).astype(np.int64)
    return x, y


def to_input(x, size):
    """uint8 [N, H, W] grey -> float [N, 3, size, size] in the weights' BGR 0..255 - mean space."""
    t = torch.from_numpy(x.copy()).float().unsqueeze(1)
    if t.shape[-1] != size:
        t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)
    t = t.repeat(1, 3, 1, 1)
    return t - torch.tensor(BGR_MEAN).view(1, 3, 1, 1)


class ConvBn(nn.Module):
    def __init__(self, w, bn, stride, pad):
        super().__init__()
        cout, cin, k, _ = w.shape
        self.conv = nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5)
        with torch.no_grad():
            self.conv.weight.copy_(torch.from_numpy(w))
            scale, bias, mean, var = (torch.from_numpy(a.copy()) for a in bn)
            self.bn.weight.copy_(scale)
            self.bn.bias.copy_(bias)
            self.bn.running_mean.copy_(mean)
            self.bn.running_var.copy_(var)

    def forward(self, x):
        return self.bn(self.conv(x))


class Block(nn.Module):
    def __init__(self, conv1, conv2, shortcut):
        super().__init__()
        self.conv1, self.conv2, self.shortcut = conv1, conv2, shortcut

    def forward(self, x):
        y = self.conv2(F.relu(self.conv1(x)))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ImportedResNet(nn.Module):
    """Walks the ONNX graph's (Conv, BatchNormalization) pairs in order: the stem, then per block [1x1 shortcut when
    the block projects], conv1, conv2 (the order the CNTK export writes them)."""

    def __init__(self, onnx_path, classes):
        super().__init__()
        m = onnx.load(onnx_path)
        init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
        pairs, conv = [], None
        for n in m.graph.node:
            if n.op_type == "Conv":
                stride = [a for a in n.attribute if a.name == "strides"][0].ints[0]
                conv = (init[n.input[1]], stride)
            elif n.op_type == "BatchNormalization":
                pairs.append((conv[0], [init[i] for i in n.input[1:5]], conv[1]))
        stem_w, stem_bn, _ = pairs[0]
        self.stem = ConvBn(stem_w, stem_bn, 2, 3)
        blocks, i = [], 1
        while i < len(pairs):
            shortcut = None
            if pairs[i][0].shape[-1] == 1:  # the projection comes first in the graph
                w, bn, s = pairs[i]
                shortcut = ConvBn(w, bn, s, 0)
                i += 1
            (w1, bn1, s1), (w2, bn2, _) = pairs[i], pairs[i + 1]
            blocks.append(Block(ConvBn(w1, bn1, s1, 1), ConvBn(w2, bn2, 1, 1), shortcut))
            i += 2
        assert len(blocks) == 9, f"expected 9 basic blocks ([2, 2, 2, 3]), found {len(blocks)}"
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 3, 2, 1)
        x = self.blocks(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def augment(x, translate, flip):
    n, _, h, w = x.shape
    out = x.clone()
    if flip > 0:
        m = torch.rand(n) < flip
        out[m] = out[m].flip(-1)
    if translate > 0:
        # a zero border in the normalised space means "mean grey", as Seer's translate fills with 0 after normalising
        shifts = (torch.rand(n, 2) * 2 - 1) * translate * torch.tensor([h, w])
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0] = 1
        theta[:, 1, 1] = 1
        theta[:, 0, 2] = -shifts[:, 1].round() * 2 / w
        theta[:, 1, 2] = -shifts[:, 0].round() * 2 / h
        grid = F.affine_grid(theta, out.shape, align_corners=False)
        out = F.grid_sample(out, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    return out


@torch.no_grad()
def top1(model, x, y, batch=250):
    model.eval()
    correct = 0
    for i in range(0, len(x), batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train"), p.add_argument("val"), p.add_argument("test")
    p.add_argument("--weights", default=os.path.join(os.path.dirname(__file__), "../../.data/pretrained/ResNet18.onnx"))
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--opt", choices=["adamw", "sgd"], default="adamw")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--wd", type=float, default=5e-4)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--translate", type=float, default=0.1)
    p.add_argument("--flip", type=float, default=0.5)
    p.add_argument("--freeze-bn", action="store_true", help="keep the imported batch-norm statistics (eval mode)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    start = time.time()
    (xt, yt), (xv, yv), (xs, ys) = read_idx(a.train), read_idx(a.val), read_idx(a.test)
    classes = int(max(yt.max(), yv.max(), ys.max())) + 1
    xt, xv = to_input(xt, a.size), to_input(xv, a.size)
    yt, yv = torch.from_numpy(yt), torch.from_numpy(yv)
    model = ImportedResNet(a.weights, classes)
    decay = [q for q in model.parameters() if q.dim() > 1]
    no_decay = [q for q in model.parameters() if q.dim() <= 1]
    groups = [{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0}]
    opt = (torch.optim.AdamW(groups, lr=a.lr) if a.opt == "adamw"
           else torch.optim.SGD(groups, lr=a.lr, momentum=0.9, nesterov=True))
    budget = a.minutes * 60
    steps_per_epoch = math.ceil(len(xt) / a.batch)
    curve, best, best_state, step, planned = [], -1.0, None, 0, None
    epoch = 0
    while True:
        epoch += 1
        t0 = time.time()
        model.train()
        if a.freeze_bn:
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
        perm = torch.randperm(len(xt))
        loss_sum = 0.0
        for i in range(0, len(xt), a.batch):
            idx = perm[i:i + a.batch]
            if len(idx) < 2:
                continue
            total = (planned or 10_000) * steps_per_epoch
            lr = a.lr * (step + 1) / steps_per_epoch if step < steps_per_epoch else \
                a.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - steps_per_epoch) / max(1, total - steps_per_epoch))))
            for g in opt.param_groups:
                g["lr"] = lr
            loss = F.cross_entropy(model(augment(xt[idx], a.translate, a.flip)), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            step += 1
        val = top1(model, xv, yv)
        spent = time.time() - start
        per_epoch = time.time() - t0
        # epochs that fit the budget: those done plus what the remaining time buys at the last epoch's pace
        planned = max(epoch, epoch + int((budget - spent) / per_epoch)) if planned is None or epoch < planned else planned
        curve.append({"epoch": epoch, "loss": loss_sum / len(xt), "val": val, "seconds": round(per_epoch, 1)})
        if not a.json:
            print(f"epoch {epoch}/{planned} loss {loss_sum / len(xt):.4f} val {val:.4f} {per_epoch:.1f}s", flush=True)
        if val > best:
            best, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
        if epoch >= planned or spent + per_epoch > budget:
            break
    train_seconds = time.time() - start
    model.load_state_dict(best_state)
    test = top1(model, to_input(xs, a.size), torch.from_numpy(ys))
    result = {"peer": "pytorch " + torch.__version__, "size": a.size, "opt": a.opt, "lr": a.lr, "batch": a.batch,
              "freeze_bn": a.freeze_bn, "epochs": epoch, "best_val": best,
              "best_epoch": max(curve, key=lambda c: c["val"])["epoch"], "test_top1": test,
              "train_seconds": round(train_seconds, 1), "curve": curve}
    print(json.dumps(result) if a.json else
          f"size {a.size} {a.opt} lr {a.lr}: {epoch} epochs in {train_seconds:.0f}s, best val {best:.4f}, test top-1 {test:.4f}")


if __name__ == "__main__":
    main()
