#!/usr/bin/env bash
# The issue-17 detection check, as a user runs it: real handwritten digits 0-4 (Debian opencv-doc's digits.png, 20x20
# cells; columns 0-59 train, 60-79 validation, 80-99 test, so writers are disjoint) pasted on real photos (darknet's
# and python3-skimage's; the test set's photos are not used for train/val), then `seer train --task detect --time T`
# with no other settings and `seer model eval` on the test set.
# Needs: apt-get install opencv-doc darknet python3-skimage python3-pil.  Usage: digits-detect.sh [WORKDIR] [MINUTES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/seer-digits}"; minutes="${2:-20}"
mkdir -p "$work"; export SEER_HOME="${SEER_HOME:-$work/home}"
/usr/bin/python3 - "$work" <<'PY'
import os, sys, shutil
from PIL import Image
work = sys.argv[1]
sheet = Image.open('/usr/share/doc/opencv-doc/examples/data/digits.png').convert('L')
splits = {'train': range(0, 60), 'val': range(60, 80), 'test': range(80, 100)}
for split, cols in splits.items():
    for digit in range(5):
        d = os.path.join(work, 'digits', split, str(digit)); os.makedirs(d, exist_ok=True)
        for r in range(digit * 5, digit * 5 + 5):
            for c in cols:
                sheet.crop((c * 20, r * 20, c * 20 + 20, r * 20 + 20)).save(os.path.join(d, f'{r:02d}_{c:02d}.png'))
sk = '/usr/lib/python3/dist-packages/skimage/data'
bg = {'bg-train': ['/usr/share/darknet/data/' + f for f in
                   ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg', 'kite.jpg', 'person.jpg', 'scream.jpg']] +
                  [os.path.join(sk, f) for f in ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg', 'motorcycle_left.png']],
      'bg-test': [os.path.join(sk, f) for f in ['camera.png', 'coins.png', 'moon.png', 'brick.png', 'grass.png',
                                                'gravel.png', 'hubble_deep_field.jpg', 'retina.jpg']]}
for name, files in bg.items():
    d = os.path.join(work, name); os.makedirs(d, exist_ok=True)
    for f in files: shutil.copy(f, d)
PY
seer="$root/seer"
for s in train val test; do "$seer" dataset import "$work/digits/$s" --format folders --name "digits-$s" >/dev/null; done
G="--size 320x320 --min-size 16 --max-size 72 --min-objects 2 --max-objects 5"
"$seer" dataset synth dd-train --items digits-train --backgrounds "$work/bg-train" $G --count 800 --seed 11 >/dev/null
"$seer" dataset synth dd-val   --items digits-val   --backgrounds "$work/bg-train" $G --count 100 --seed 12 >/dev/null
"$seer" dataset synth dd-test  --items digits-test  --backgrounds "$work/bg-test"  $G --count 200 --seed 13 >/dev/null
"$seer" train --task detect --train dd-train --val dd-val --time "$minutes" --json > "$work/train.json"
model=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['model'])" "$work/train.json")
"$seer" model eval "$model" dd-test --json > "$work/test.json"
/usr/bin/python3 - "$work/test.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); print(f"test AP50 {r['AP50']:.3f}  AP {r['AP']:.3f}  AR100 {r['AR100']:.3f}")
PY
