"""The peer of IdentityBench: the same ArcFace training in PyTorch 1.13 (Debian python3-torch).

Reads the bench's arrays (uint8 SIZE x SIZE grey images, int32 labels) from --dir, trains the same network (small-cnn:
ConvBnReLU w, w, pool, 2w, 2w, pool, 4w, global average pool; BatchNorm1d, linear to --dim, L2 norm) with the same
ArcFace loss (m as insightface) and Seer's default recipe: scale s = AdaCos's fixed scale sqrt(2)*ln(C-1) (at least 4),
shuffled batches (--p 0; --p P gives P x K batches), the class centres at 10x the learning rate (--centre-lr), AdamW
(decay on weights of more than one dimension), linear warm-up for one epoch then cosine decay to 1% of the peak,
ImageNet normalisation of the grey image as RGB. Writes the test
embeddings (float32, n x dim) to --dir/torch_test.f32 and prints {"seconds": train seconds, "cpu_seconds": train CPU seconds} as JSON.
"""
import argparse, json, math, os, random, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--epochs", type=int, default=4)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--p", type=int, default=0)
p.add_argument("--width", type=int, default=32)
p.add_argument("--dim", type=int, default=64)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--wd", type=float, default=5e-4)
p.add_argument("--scale", type=float, default=0.0)
p.add_argument("--centre-lr", type=float, default=10.0)
p.add_argument("--margin", type=float, default=0.3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=42)
p.add_argument("--size", type=int, default=32)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
random.seed(a.seed)

def load(name):
    return np.fromfile(os.path.join(a.dir, name), dtype=np.uint8)

train_x = load("train_x.u8").reshape(-1, a.size, a.size)
train_y = np.fromfile(os.path.join(a.dir, "train_y.i32"), dtype="<i4").astype(np.int64)
test_x = load("test_x.u8").reshape(-1, a.size, a.size)
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

def prep(x):
    t = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1).repeat(1, 3, 1, 1)
    return (t - mean) / std

class CBR(nn.Sequential):
    def __init__(self, i, o):
        super().__init__(nn.Conv2d(i, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))

class Net(nn.Module):
    def __init__(self, w, dim, classes):
        super().__init__()
        self.backbone = nn.Sequential(CBR(3, w), CBR(w, w), nn.MaxPool2d(2), CBR(w, 2 * w), CBR(2 * w, 2 * w), nn.MaxPool2d(2),
                                      CBR(2 * w, 4 * w), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.neck_bn = nn.BatchNorm1d(4 * w)
        self.neck = nn.Linear(4 * w, dim)
        self.head = nn.Parameter(torch.empty(classes, dim))
        nn.init.kaiming_uniform_(self.head, a=math.sqrt(5))

    def forward(self, x):
        return self.neck(self.neck_bn(self.backbone(x)))

def arcface(emb, centres, y, s, m):
    cos = F.linear(F.normalize(emb), F.normalize(centres)).clamp(-1 + 1e-7, 1 - 1e-7)
    sin = (1 - cos * cos).clamp_min(0).sqrt()
    phi = cos * math.cos(m) - sin * math.sin(m)
    phi = torch.where(cos > math.cos(math.pi - m), phi, cos - math.sin(math.pi - m) * m)
    onehot = F.one_hot(y, cos.shape[1]).to(cos.dtype)
    return F.cross_entropy(s * (cos + onehot * (phi - cos)), y)

def pk_order(labels, batch, pcount, rng):
    by = {}
    for i, c in enumerate(labels):
        by.setdefault(int(c), []).append(i)
    classes = sorted(by)
    for c in classes:
        rng.shuffle(by[c])
    pcount = max(1, min(pcount, len(classes)))
    k = max(1, batch // pcount)
    cursor = {c: 0 for c in classes}
    corder, cc, order = classes[:], len(classes), []
    while len(order) < len(labels):
        start = len(order)
        for _ in range(pcount):
            if cc == len(corder):
                rng.shuffle(corder)
                cc = 0
            c = corder[cc]
            cc += 1
            for _ in range(k):
                if cursor[c] == len(by[c]):
                    rng.shuffle(by[c])
                    cursor[c] = 0
                order.append(by[c][cursor[c]])
                cursor[c] += 1
        while len(order) - start < batch:
            order.append(order[-1])
    return order[:len(labels)]

classes = int(train_y.max()) + 1
net = Net(a.width, a.dim, classes)
scale = a.scale if a.scale > 0 else max(4.0, math.sqrt(2) * math.log(max(2, classes - 1)))
decay = [q for q in net.parameters() if q.ndim > 1 and q is not net.head]
no_decay = [q for q in net.parameters() if q.ndim <= 1]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd, "f": 1.0}, {"params": no_decay, "weight_decay": 0.0, "f": 1.0},
                         {"params": [net.head], "weight_decay": a.wd, "f": a.centre_lr}], lr=a.lr)
x_all = prep(train_x)
y_all = torch.from_numpy(train_y)
steps = len(train_y) // a.batch
total, warm = steps * a.epochs, steps
rng = random.Random(a.seed)
start = time.time()
cpu_start = time.process_time()
step = 0
for epoch in range(a.epochs):
    net.train()
    if a.p > 0:
        order = pk_order(train_y, a.batch, a.p, rng)
    else:
        order = list(range(len(train_y)))
        rng.shuffle(order)
    for b in range(steps):
        idx = torch.tensor(order[b * a.batch:(b + 1) * a.batch])
        if step < warm:
            lr = a.lr * (step + 1) / warm
        else:
            progress = min(1.0, (step - warm) / max(1, total - warm))
            lr = a.lr * 0.01 + (a.lr - a.lr * 0.01) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr * g["f"]
        opt.zero_grad()
        loss = arcface(net(x_all[idx]), net.head, y_all[idx], scale, a.margin)
        loss.backward()
        opt.step()
        step += 1
seconds = time.time() - start
cpu_seconds = time.process_time() - cpu_start
net.eval()
with torch.no_grad():
    x_test = prep(test_x)
    emb = torch.cat([F.normalize(net(x_test[i:i + 256])) for i in range(0, len(x_test), 256)])
emb.numpy().astype(np.float32).tofile(os.path.join(a.dir, "torch_test.f32"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "final_loss": float(loss)}))
