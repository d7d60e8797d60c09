#!/usr/bin/python3
"""PyTorch 1.13 peer of TrainBench's resnet-vs-torch mode (run with Debian's /usr/bin/python3, python3-torch).

The same ResNet-18 as Seer's src/Seer.Training/Models/ResNet18.cs (inputs below 96 px: 3x3 stride-1 stem, no
max-pool; four stages of two basic blocks, widths 64/128/256/512; conv without bias -> BN -> ReLU; 1x1 conv + BN
shortcut when stride or width change; global average pool; linear), the same data (Fashion-MNIST, first N training
images, resized once to 64x64 RGB, as Seer's image cache does), the same augmentation per sample on DataLoader
workers (flip 0.5, translate +-10% with a zero border, ImageNet normalisation), cross-entropy, AdamW (lr 2e-3, weight
decay 5e-4 on weights of more than one dimension only, as Seer's). Prints images_per_second over the timed steps.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = conv_bn(cin, cout, 3, stride)
        self.conv2 = conv_bn(cout, cout, 3, 1)
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        b = self.conv2(F.relu(self.conv1(x)))
        return F.relu(b + (x if self.shortcut is None else self.shortcut(x)))


class ResNet18(nn.Module):
    def __init__(self, classes, width=64, image_size=64):
        super().__init__()
        large = image_size >= 96
        self.stem = conv_bn(3, width, 7 if large else 3, 2 if large else 1)
        self.pool = nn.MaxPool2d(3, 2, 1) if large else None
        w = width
        self.layers = nn.Sequential(
            Block(w, w), Block(w, w), Block(w, 2 * w, 2), Block(2 * w, 2 * w),
            Block(2 * w, 4 * w, 2), Block(4 * w, 4 * w), Block(4 * w, 8 * w, 2), Block(8 * w, 8 * w))
        self.fc = nn.Linear(8 * w, classes)

    def forward(self, x):
        x = F.relu(self.stem(x))
        if self.pool is not None:
            x = self.pool(x)
        x = self.layers(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        return f.read()


MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1)


class Images(torch.utils.data.Dataset):
    """64x64 RGB uint8 images (HWC) in memory; per-sample flip + translate + normalise, as ClassificationAugment."""

    def __init__(self, images, labels, translate=0.1, flip=0.5):
        self.images, self.labels, self.translate, self.flip = images, labels, translate, flip

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = self.images[i]
        h, w, _ = img.shape
        m = int(round(self.translate * w))
        dx, dy = np.random.randint(-m, m + 1), np.random.randint(-m, m + 1)
        out = np.zeros_like(img)
        ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
        xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
        out[yd, xd] = img[ys, xs]
        if np.random.rand() < self.flip:
            out = out[:, ::-1]
        x = (out.transpose(2, 0, 1).astype(np.float32) / 255.0 - MEAN) / STD
        return torch.from_numpy(np.ascontiguousarray(x)), int(self.labels[i])


def worker_init(worker_id):
    np.random.seed(1234 + worker_id)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    n = (a.warmup + a.steps) * a.batch
    raw = read_idx(os.path.join(a.data, "train-images-idx3-ubyte.gz"))
    rows, cols = int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
    grey = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * rows * cols).reshape(n, 1, rows, cols)
    labels = np.frombuffer(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz")), dtype=np.uint8, offset=8, count=n)
    # resized once (Seer's image cache keeps resized images): bilinear when enlarging, as Seer's Resize
    big = F.interpolate(torch.from_numpy(grey.astype(np.float32)), size=(a.size, a.size), mode="bilinear", align_corners=False)
    rgb = big.round().clamp(0, 255).to(torch.uint8).repeat(1, 3, 1, 1).permute(0, 2, 3, 1).contiguous().numpy()
    loader = torch.utils.data.DataLoader(Images(rgb, labels), batch_size=a.batch, shuffle=True, drop_last=True,
                                         num_workers=a.workers, persistent_workers=a.workers > 0,
                                         prefetch_factor=2 if a.workers > 0 else None, worker_init_fn=worker_init)
    model = ResNet18(10, 64, a.size)
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}], lr=2e-3)
    model.train()
    step, start = 0, None
    for x, y in loader:
        if step == a.warmup:
            start = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        value = loss.item()  # one sync per step, as Seer reads its loss
        if not np.isfinite(value):
            raise SystemExit(f"loss {value} at step {step}")
        step += 1
        if step == a.warmup + a.steps:
            break
    elapsed = time.perf_counter() - start
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, last loss {value:.4f}")
    print(f"images_per_second={a.steps * a.batch / elapsed:.4f}")


if __name__ == "__main__":
    main()
