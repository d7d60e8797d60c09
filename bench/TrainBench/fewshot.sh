#!/usr/bin/env bash
# Few-shot Fashion-MNIST (issue 17): 100 training images per class, `seer train --task classify --time MINUTES` with
# the defaults (the advisor picks the ImageNet-pretrained resnet18 when the weights are fetched) against the
# from-scratch default (`--pretrained none`: the advisor's small-cnn-fc), both measured through the CLI as a user runs
# them, on the 10,000 t10k test images. Prints both arms side by side (test top-1, epochs reached, wall and CPU
# seconds) with the load average before and after: the machine may be shared, and a loaded machine buys fewer epochs.
# Data: scripts/fetch-data.sh fashion-mnist pretrained (.data/fashion-mnist/*-idx*-ubyte.gz, .data/pretrained/ResNet18.onnx).
# The 60,000 training images are split 0.9/0.05/0.05 (seeded); the training set is a stratified sample of 1,000 from
# the first part, the validation set 1,000 from the second (disjoint); the test split (t10k) is only evaluated.
# The peer: PyTorch 1.13 fine-tuning the very same ImageNet weights on the very same images (bench/TrainBench/
# fewshot_peer.py, its best recipe found here: 64 px, AdamW 1e-3, flips and shifts), same budget, when Debian's
# /usr/bin/python3 (Debian python3-torch and python3-onnx, installed here when missing); PEER=0 skips it.
# Usage: bench/TrainBench/fewshot.sh [WORK_DIR] [MINUTES]   (defaults: a temp dir, 5). Environment: SEED (1), PEER (1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/seer-fewshot.XXXXXX)}"; minutes="${2:-5}"; seed="${SEED:-1}"
mkdir -p "$work"; export SEER_HOME="${SEER_HOME:-$work/home}"
seer="${SEER:-$root/seer}"   # SEER: another launcher (e.g. a built copy of the CLI)
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

"$root/scripts/fetch-data.sh" fashion-mnist pretrained >&2
"$seer" --version >/dev/null            # builds the CLI once, outside the measured part
mkdir -p "$work/fashion-train" "$work/fashion-test"   # a path saying "fashion": the importer names the classes
ln -sf "$root"/.data/fashion-mnist/train-* "$work/fashion-train/"
ln -sf "$root"/.data/fashion-mnist/t10k-* "$work/fashion-test/"
if [ ! -f "$work/datasets.done" ]; then
  log "datasets"
  "$seer" dataset import "$work/fashion-train" --format idx --name fm-train --json >/dev/null
  "$seer" dataset import "$work/fashion-test" --format idx --name fm-test --json >/dev/null
  "$seer" dataset split fm-train --ratios 0.9,0.05,0.05 --seed "$seed" --name pool --json >/dev/null   # pool-train/val/test
  "$seer" dataset sample pool-train --count 1000 --stratified --seed "$seed" --name fs-train --json >/dev/null
  "$seer" dataset sample pool-val --count 1000 --stratified --seed "$seed" --name fs-val --json >/dev/null
  touch "$work/datasets.done"
fi

arm() { # name, extra train arguments...
  local name="$1"; shift
  log "train $name ($minutes min)"
  local t0; t0=$(date +%s.%N)
  # user+system CPU seconds of the run, from the shell's times for its child
  /usr/bin/time -f "%U %S" -o "$work/$name.cpu" "$seer" train --task classify --train fs-train --val fs-val --time "$minutes" "$@" --json \
    > "$work/$name-train.json" 2> "$work/$name-train.log"
  echo "$(date +%s.%N) - $t0" | bc > "$work/$name.wall"
  log "evaluate $name on fm-test (10,000 images)"
  "$seer" model eval "$(jq -r .model "$work/$name-train.json")" fm-test --json > "$work/$name-test.json"
}

load_before="$(cat /proc/loadavg)"
arm pretrained
arm scratch --pretrained none
if [ "${PEER:-1}" != 0 ]; then
  if ! /usr/bin/python3 -c "import torch, onnx" 2>/dev/null; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends python3-torch python3-onnx >&2
  fi
  for d in fs-train fs-val fm-test; do
    [ -d "$work/idx-$d" ] || "$seer" dataset export "$d" --format idx --out "$work/idx-$d" --json >/dev/null
  done
  log "peer: PyTorch fine-tunes the same weights on the same images ($minutes min)"
  /usr/bin/python3 "$root/bench/TrainBench/fewshot_peer.py" "$work/idx-fs-train" "$work/idx-fs-val" "$work/idx-fm-test" \
    --weights "$root/.data/pretrained/ResNet18.onnx" --minutes "$minutes" --size 64 --opt adamw --lr 1e-3 --json > "$work/peer.json"
else
  rm -f "$work/peer.json"
fi
load_after="$(cat /proc/loadavg)"

/usr/bin/python3 - "$work" "$minutes" "$load_before" "$load_after" <<'PY'
import json, sys
work, minutes, before, after = sys.argv[1:5]
print(f"Few-shot Fashion-MNIST (1,000 training images, 100 per class; --time {minutes})  {work}")
print(f"load average before: {before}; after: {after}")
print(f"{'arm':<11} {'architecture':<13} {'pretrained':<10} {'size':>4} {'epochs':>6} {'best':>4} {'val top-1':>9} {'test top-1':>10} {'wall s':>7} {'CPU s':>7}")
top = {}
for arm in ("pretrained", "scratch"):
    t = json.load(open(f"{work}/{arm}-train.json"))
    e = json.load(open(f"{work}/{arm}-test.json"))
    o = t["recipe"]["options"]
    cpu = sum(float(x) for x in open(f"{work}/{arm}.cpu").read().split()[-2:])
    wall = float(open(f"{work}/{arm}.wall").read())
    val = max((c.get("metric") or 0) for c in t["curves"]) if t["curves"] else float("nan")
    g = lambda k: o.get(k, o.get(k[0].upper() + k[1:]))
    top[arm] = e["top1"]
    print(f"{arm:<11} {t['architecture']:<13} {g('pretrained') or 'none':<10} {g('imageSize') or 0:>4} {len(t['curves']):>6} {t['best_epoch'] or 0:>4} {val:>9.4f} {e['top1']:>10.4f} {wall:>7.0f} {cpu:>7.0f}")
import os
if os.path.exists(f"{work}/peer.json"):
    p = json.load(open(f"{work}/peer.json"))
    val = max(c["val"] for c in p["curve"])
    print(f"{'peer':<11} {'pytorch-r18':<13} {'imagenet':<10} {p['size']:>4} {p['epochs']:>6} {p['best_epoch']:>4} {val:>9.4f} {p['test_top1']:>10.4f} {p['train_seconds']:>7.0f} {'':>7}")
gain = (top["pretrained"] - top["scratch"]) * 100
print(f"pretrained - scratch: {gain:+.2f} points of test top-1 (aim: >= +5): {'yes' if gain >= 5 else 'NO'}")
PY
