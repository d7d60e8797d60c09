#!/usr/bin/env bash
# QuantBench: FP32 against INT8 through the CLI, as a user runs it, in one run on this machine.
#   1. a Fashion-MNIST classifier (the from-scratch default, small-cnn-fc at 28 px) trained on 6,000 t10k images;
#   2. an fcos-lite detector trained on a generated set (five Fashion-MNIST classes pasted on real photos, 160 px);
# each exported to ONNX (FP32) and quantised to INT8 (calibrated on its validation version), then
# `seer model benchmark FP32 INT8 --eval TEST` measures both in the same process: test top-1 / AP50 and latency.
# Prints the two side by side with the speed ratio, the issue's aims (≤ 1 point lost, ≥ 1.8x faster at batch 1) and
# the load average before and after (the machine is shared: ratios hold, absolute times move with the load).
# The benchmark measures FP32 and INT8 interleaved in one process with THREADS intra-op threads (default 1, the fair
# setting at batch 1 for both arms) and reports both the wall time and the process CPU time of a batch-1 run: on a
# loaded machine the wall time grows whenever the scheduler takes the core away, the CPU time does not.
# Settings (environment): CLS_EPOCHS (3), DET_EPOCHS (8), DET_TRAIN (1000), BATCH (8), BENCH_SECONDS (3), THREADS (1),
# OUT (a temp dir), SEER (another launcher of the CLI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seer="${SEER:-$root/seer}"   # SEER: another launcher (e.g. a built copy of the CLI)
out="${OUT:-$(mktemp -d /tmp/seer-quantbench.XXXXXX)}"
export SEER_HOME="$out/home"
CLS_EPOCHS="${CLS_EPOCHS:-3}" DET_EPOCHS="${DET_EPOCHS:-8}" DET_TRAIN="${DET_TRAIN:-1000}" BATCH="${BATCH:-8}" SECONDS_PER="${BENCH_SECONDS:-3}" THREADS="${THREADS:-1}"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

"$root/scripts/fetch-data.sh" fashion-mnist labelme >&2
"$seer" --version >/dev/null            # builds the CLI once, outside the measured part
load_before="$(cat /proc/loadavg)"
mkdir -p "$out/fashion-mnist" "$out/bg"
ln -sf "$root"/.data/fashion-mnist/t10k-* "$out/fashion-mnist/"
# real photos as backgrounds: labelme's examples (Pascal VOC 2011 photos, video frames, a shelf photo)
find -L "$root/.data/labelme" -path '*JPEGImages*' -name '*.jpg' -exec cp -n {} "$out/bg/" \;
find -L "$root/.data/labelme/tutorial" -maxdepth 1 -name '*.jpg' -exec cp -n {} "$out/bg/" \;

log "datasets"
"$seer" dataset import "$out/fashion-mnist" --format idx --name fashion --json >/dev/null
"$seer" dataset split fashion --ratios 0.6,0.1,0.3 --seed 0 --json >/dev/null      # fashion-train/val/test
C="T-shirt/top,Trouser,Sandal,Bag,Ankle boot"
G=(--backgrounds "$out/bg" --size 160x160 --min-size 32 --max-size 80 --max-objects 3 --classes "$C")
"$seer" dataset synth fm5-train --items fashion-train "${G[@]}" --count "$DET_TRAIN" --seed 11 --json >/dev/null
"$seer" dataset synth fm5-val --items fashion-val "${G[@]}" --count 200 --seed 12 --json >/dev/null
"$seer" dataset synth fm5-test --items fashion-test "${G[@]}" --count 300 --seed 13 --json >/dev/null

log "train the classifier"
"$seer" train --task classify --train fashion-train --val fashion-val --pretrained none --epochs "$CLS_EPOCHS" --json > "$out/cls-train.json"
log "train the detector"
"$seer" train --task detect --train fm5-train --val fm5-val --arch fcos-lite --pretrained none --size 160 --epochs "$DET_EPOCHS" --json > "$out/det-train.json"

for kind in cls det; do
  model="$(jq -r .model "$out/$kind-train.json")"
  val=$([ "$kind" = cls ] && echo fashion-val || echo fm5-val)
  test=$([ "$kind" = cls ] && echo fashion-test || echo fm5-test)
  log "export and quantise $kind ($model)"
  "$seer" model export "$model" --format onnx --out "$out/$kind.fp32.onnx" --json > "$out/$kind-export.json"
  "$seer" model export "$model" --quantize int8 --calibrate "$val" --out "$out/$kind.int8.onnx" --json > "$out/$kind-int8.json"
  log "benchmark $kind"
  "$seer" model benchmark "$out/$kind.fp32.onnx" "$out/$kind.int8.onnx" --eval "$test" --batch "$BATCH" --threads "$THREADS" --seconds "$SECONDS_PER" --json > "$out/$kind-bench.json"
  "$seer" model benchmark "$out/$kind.fp32.onnx" "$out/$kind.int8.onnx" --batch "$BATCH" --threads "$THREADS" --seconds "$SECONDS_PER" >&2
done
load_after="$(cat /proc/loadavg)"

/usr/bin/python3 - "$out" "$load_before" "$load_after" <<'PY'
import json, sys
out, before, after = sys.argv[1:4]
print(f"QuantBench {out}  (load average before: {before}; after: {after})")
print(f"{'model':<22} {'metric':<6} {'FP32':>8} {'INT8':>8} {'lost':>7}  {'FP32 ms':>8} {'INT8 ms':>8} {'speed-up':>8}  {'FP32 CPU':>8} {'INT8 CPU':>8} {'CPU ratio':>9}  {'FP32 img/s':>10} {'INT8 img/s':>10}  {'params':>8} {'GFLOPs':>7}  aims (<=1 pt, >=1.8x wall/CPU)")
for kind, name in (("cls", "fashion small-cnn-fc"), ("det", "fm5 fcos-lite")):
    rows = json.load(open(f"{out}/{kind}-bench.json"))
    f, q = rows
    lost = (f["metric_value"] - q["metric_value"]) * 100
    ratio = f["latency_ms"] / q["latency_ms"]
    cpu = f["cpu_ms"] / q["cpu_ms"] if f.get("cpu_ms") and q.get("cpu_ms") else float("nan")
    ok = ("yes" if lost <= 1 else "NO") + "/" + ("yes" if ratio >= 1.8 else "NO") + "/" + ("yes" if cpu >= 1.8 else "NO")
    print(f"{name:<22} {f['metric']:<6} {f['metric_value']:>8.4f} {q['metric_value']:>8.4f} {lost:>6.2f}p  {f['latency_ms']:>8.3f} {q['latency_ms']:>8.3f} {ratio:>7.2f}x  {f.get('cpu_ms') or float('nan'):>8.3f} {q.get('cpu_ms') or float('nan'):>8.3f} {cpu:>8.2f}x  {f['throughput']:>10.1f} {q['throughput']:>10.1f}  {f['parameters']/1e6:>7.3f}M {f['gflops']:>7.3f}  {ok}")
print(f"threads: {rows[0]['threads']} (batch-1 and batch-N runs); FP32 and INT8 interleaved in one process")
PY
