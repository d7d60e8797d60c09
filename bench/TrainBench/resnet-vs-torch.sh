#!/usr/bin/env bash
# ResNet-18 training throughput, Seer vs PyTorch 1.13 (same run, same threads). Installs Debian's python3-torch when
# missing, then: dotnet run -c Release --project bench/TrainBench -- resnet-vs-torch [threads=N steps=N warmup=N rounds=N]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends python3-torch
fi
[ -f .data/fashion-mnist/train-images-idx3-ubyte.gz ] || scripts/fetch-data.sh fashion-mnist
exec dotnet run -c Release --project bench/TrainBench -- resnet-vs-torch "$@"
