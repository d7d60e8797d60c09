#!/usr/bin/python3
"""A small image classifier that follows YMIR's executor contract (protocol 1.1.0), for Seer's `executor` flow step.

Run with Debian's python3-torch (/usr/bin/python3). It reads env.yaml (the path in $YMIR_ENV_FILE or the first
argument; /in/env.yaml in a container), then:
  run_training: trains a small CNN on train-index.tsv, scores every epoch on val-index.tsv (top-1), writes one stage a
                epoch under out/models/<stage>/ (model.onnx by torch.onnx.export, its Seer manifest model.seer.json,
                model.pt) and out/models/result.yaml (model_stages, best_stage_name, map);
  run_mining:   scores candidate-index.tsv with the model in in/models (entropy of the softmax) into out/result.tsv;
  run_infer:    writes out/infer-result.json (the top class a image, as a whole-image box).
Progress goes to out/monitor.txt ("task_id<TAB>ms<TAB>percent<TAB>state"). Annotations are one line a image with the
class index (classification). Images must be 8-bit PNG (Seer's Fashion-MNIST import writes them); the decoder below
needs only zlib, so nothing beyond python3-torch and python3-yaml is required.

config.yaml keys read besides YMIR's own: epochs (3), learning_rate (0.01), batch_size (32), image_size (28),
width (8), seed (0).
"""
import json
import math
import os
import struct
import sys
import time
import zlib

import torch
import yaml


def monitor(env, percent, state, message=None):
    path = env["output"]["monitor_file"]
    text = f"{env['task_id']}\t{int(time.time() * 1000)}\t{percent:.4f}\t{state}\n"
    if message:
        text += message + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def read_png(path):
    """8-bit grey, grey+alpha, RGB or RGBA PNG, not interlaced → list of rows of grey values 0..255."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file (this example executor reads PNG only)")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
                raise ValueError(f"{path}: only 8-bit, non-interlaced grey/RGB PNG is read")
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        filt, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if filt == 1:
                line[x] = (line[x] + a) & 255
            elif filt == 2:
                line[x] = (line[x] + b) & 255
            elif filt == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if channels in (1, 2):
            rows.append([line[x * channels] for x in range(width)])
        else:
            rows.append([(line[x * channels] * 299 + line[x * channels + 1] * 587 + line[x * channels + 2] * 114) // 1000
                         for x in range(width)])
    return rows


def load_image(path, size):
    rows = read_png(path)
    t = torch.tensor(rows, dtype=torch.float32)[None, None]
    if t.shape[-1] != size or t.shape[-2] != size:
        t = torch.nn.functional.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)
    return t[0] / 255.0


def read_index(path, with_labels):
    images, labels = [], []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            images.append(parts[0])
            if with_labels:
                with open(parts[1]) as a:
                    first = a.readline().strip()
                labels.append(int(first.split(",")[0]) if first else -1)
    return images, labels


class Net(torch.nn.Module):
    def __init__(self, classes, width, size):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, width, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(width, width * 2, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.head = torch.nn.Linear(width * 2 * (size // 4) * (size // 4), classes)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


def train(env, cfg):
    classes = cfg["class_names"]
    size, width = int(cfg.get("image_size", 28)), int(cfg.get("width", 8))
    epochs, lr, batch = int(cfg.get("epochs", 3)), float(cfg.get("learning_rate", 0.01)), int(cfg.get("batch_size", 32))
    torch.manual_seed(int(cfg.get("seed", 0)))
    torch.set_num_threads(1)
    paths, labels = read_index(env["input"]["training_index_file"], True)
    keep = [i for i, l in enumerate(labels) if l >= 0]
    x = torch.stack([load_image(paths[i], size) for i in keep])
    y = torch.tensor([labels[i] for i in keep])
    vpaths, vlabels = read_index(env["input"]["val_index_file"], True)
    vkeep = [i for i, l in enumerate(vlabels) if l >= 0]
    vx = torch.stack([load_image(vpaths[i], size) for i in vkeep])
    vy = torch.tensor([vlabels[i] for i in vkeep])
    monitor(env, 0.05, "running")

    net = Net(len(classes), width, size)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    models_dir = env["output"]["models_dir"]
    stages, best = {}, None
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(len(x))
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            top1 = (net(vx).argmax(1) == vy).float().mean().item()
        name = f"epoch_{epoch}"
        stage_dir = os.path.join(models_dir, name)
        os.makedirs(stage_dir, exist_ok=True)
        torch.save(net.state_dict(), os.path.join(stage_dir, "model.pt"))
        torch.onnx.export(net, torch.zeros(1, 1, size, size), os.path.join(stage_dir, "model.onnx"),
                          input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": {0: "n"}, "logits": {0: "n"}}, opset_version=13)
        manifest = {"task": "classify", "class_names": classes, "input_width": size, "input_height": size,
                    "input_layout": "nchw", "channels": 1, "mean": [0], "std": [255], "resize": "stretch",
                    "output_layout": "classifier_logits", "output_names": ["logits"]}
        with open(os.path.join(stage_dir, "model.seer.json"), "w") as f:
            json.dump(manifest, f)
        # YMIR's mAP field carries the stage's validation metric; for this classifier, top-1
        stages[name] = {"stage_name": name, "files": ["model.onnx", "model.seer.json", "model.pt"],
                        "mAP": round(top1, 6), "timestamp": int(time.time()) + epoch}
        if best is None or top1 > stages[best]["mAP"]:
            best = name
        with open(env["output"]["training_result_file"], "w") as f:
            yaml.safe_dump({"model_stages": stages, "best_stage_name": best, "map": stages[best]["mAP"]}, f)
        print(f"epoch {epoch}: loss {loss.item():.4f} val top-1 {top1:.4f}", flush=True)
        monitor(env, 0.05 + 0.95 * epoch / epochs * 0.999, "running")
    monitor(env, 1.0, "done")


def load_model(env, cfg):
    classes = cfg["class_names"]
    size, width = int(cfg.get("image_size", 28)), int(cfg.get("width", 8))
    weights = [p for p in cfg.get("model_params_path", []) if p.endswith(".pt")]
    if not weights:
        raise ValueError("model_params_path holds no model.pt (this executor mines and infers with its own models)")
    net = Net(len(classes), width, size)
    net.load_state_dict(torch.load(weights[0]))
    net.eval()
    return net, size


def mine_or_infer(env, cfg):
    net, size = load_model(env, cfg)
    paths, _ = read_index(env["input"]["candidate_index_file"], False)
    scores, infer = [], {}
    with torch.no_grad():
        for i, path in enumerate(paths):
            p = torch.softmax(net(load_image(path, size)[None]), 1)[0]
            entropy = -(p * torch.log(p.clamp_min(1e-12))).sum().item()
            scores.append((path, entropy))
            c = int(p.argmax())
            infer[os.path.basename(path)] = {"boxes": [{"box": {"x": 0, "y": 0, "w": size, "h": size},
                                                        "class_name": cfg["class_names"][c], "score": float(p[c])}]}
            monitor(env, (i + 1) / len(paths) * 0.999, "running")
    if env.get("run_mining"):
        with open(env["output"]["mining_result_file"], "w") as f:
            for path, s in scores:
                f.write(f"{path}\t{s:.6f}\n")
    if env.get("run_infer"):
        with open(env["output"]["infer_result_file"], "w") as f:
            json.dump({"detection": infer}, f)
    monitor(env, 1.0, "done")


def main():
    env_file = os.environ.get("YMIR_ENV_FILE") or (sys.argv[1] if len(sys.argv) > 1 else "/in/env.yaml")
    with open(env_file) as f:
        env = yaml.safe_load(f)
    with open(env["input"]["config_file"]) as f:
        cfg = yaml.safe_load(f)
    monitor(env, 0.0, "running")
    try:
        if env.get("run_training"):
            train(env, cfg)
        else:
            mine_or_infer(env, cfg)
    except Exception as e:  # the contract: report the failure in monitor.txt, exit non-zero
        monitor(env, 1.0, "error", f"{type(e).__name__}: {e}")
        raise


if __name__ == "__main__":
    main()
