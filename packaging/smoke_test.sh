#!/usr/bin/env bash
# Check what packaging/build.sh made, as a user would get it, with no network and an empty home:
#   1. the bundle: --self-test (window offscreen, training through the worker, a dropped photo), then the
#      command line: train with the built-in EfficientNet-Lite0 weights, predict, export ONNX and TorchScript,
#      and train with the built-in Lite1 and Lite2 weights;
#      torch's CUDA libraries all resolve inside the bundle;
#   2. the .deb, unpacked with dpkg-deb -x into a fresh folder: its files, and --self-test through the
#      launcher on the PATH (usr/bin/catdog-gui);
#   3. the .tar.gz, unpacked: the app starts.
# Exit status 0 only if all of it worked.
#
#   packaging/smoke_test.sh            (after packaging/build.sh; same CATDOG_BUILD_VENV / CATDOG_FLAVOUR)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
APP=catdog-gui
DIST=$ROOT/dist
BUNDLE=$DIST/$APP
FLAVOUR=${CATDOG_FLAVOUR:-cuda}
VENV=${CATDOG_BUILD_VENV:-$ROOT/build/packaging/venv}
PY=$VENV/bin/python  # only to make test photos and to read the exported ONNX file
SUFFIX=$([[ $FLAVOUR == cpu ]] && echo "-cpu" || true)

say() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }
fail() { printf 'smoke_test.sh: FAILED: %s\n' "$*" >&2; exit 1; }

[[ -x $BUNDLE/$APP ]] || fail "no bundle at $BUNDLE: run packaging/build.sh first"
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("catdog-gui"))')
DEB=$(ls "$DIST/${APP}_${VERSION}"*_amd64.deb | head -1)
TARBALL=$DIST/$APP-$VERSION-linux-x86_64$SUFFIX.tar.gz
[[ -f $DEB && -f $TARBALL ]] || fail "no .deb or .tar.gz for $VERSION in $DIST"

WORK=$(mktemp -d /tmp/catdog-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# A first run: an empty home (no caches, no downloaded weights) and no way to reach the network.
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/home/.cache TORCH_HOME=$WORK/home/.cache/torch
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
export QT_QPA_PLATFORM=offscreen CATDOG_GUI_RUNS=$WORK/runs
mkdir -p "$HOME"

say "bundle: --version and --self-test"
[[ $("$BUNDLE/$APP" --version) == "catdog-gui $VERSION" ]] || fail "--version does not say $VERSION"
"$BUNDLE/$APP" --self-test || fail "the bundle's --self-test"

if [[ $FLAVOUR == cuda ]]; then
    say "bundle: torch's CUDA libraries resolve inside the bundle"
    for lib in libtorch_cuda.so libtorch_cuda_linalg.so libc10_cuda.so; do
        linked=$(ldd "$BUNDLE/_internal/torch/lib/$lib")
        missing=$(grep 'not found' <<<"$linked" || true)
        [[ -z $missing ]] || fail "$lib: $missing"
        outside=$(grep -E 'lib(cu|nv|nccl)' <<<"$linked" | grep -v "$BUNDLE/_internal/" || true)
        [[ -z $outside ]] || fail "$lib takes CUDA libraries from outside the bundle: $outside"
    done
fi

say "bundle: the command line (train with the built-in Lite0 weights, predict, export)"
"$PY" -c 'import sys; from pathlib import Path; from catdog_gui.gui.selftest import write_images; write_images(Path(sys.argv[1]), size=64)' "$WORK/photos"
"$BUNDLE/$APP" train "$WORK/photos" --strategy feature-extraction --backbone efficientnet-lite0 --epochs 1 \
    --batch-size 8 --json >"$WORK/train.json" || fail "training with the built-in weights"
MODEL=$("$PY" -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["model"])' "$WORK/train.json")
[[ -f $MODEL ]] || fail "training wrote no model file"
"$BUNDLE/$APP" predict "$MODEL" "$WORK/photos/test/dogs" --json >"$WORK/predict.json" || fail "predict"
"$PY" - "$WORK/predict.json" <<'EOF' || fail "predict's answers"
import json, sys
predictions = json.loads(open(sys.argv[1]).read().splitlines()[-1])["predictions"]
assert len(predictions) == 4 and all(p["label"] in ("cats", "dogs") for p in predictions), predictions
EOF
"$BUNDLE/$APP" export "$MODEL" --format onnx "$WORK/model.onnx" || fail "ONNX export"
"$BUNDLE/$APP" export "$MODEL" --format torchscript "$WORK/model.pt" || fail "TorchScript export"
"$PY" - "$WORK/model.onnx" "$WORK/model.pt" <<'EOF' || fail "the exported files"
import json, sys, zipfile
import onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model)
metadata = {p.key: p.value for p in model.metadata_props}
assert json.loads(metadata["classes"]) == ["cats", "dogs"], metadata
assert any(name.endswith("extra/metadata.json") for name in zipfile.ZipFile(sys.argv[2]).namelist())
EOF
for lite in efficientnet-lite1 efficientnet-lite2; do
    say "bundle: training with the built-in $lite weights"
    "$BUNDLE/$APP" train "$WORK/photos" --strategy feature-extraction --backbone $lite --epochs 1 --image-size 64 \
        --batch-size 8 --runs-dir "$WORK/runs-$lite" --json >/dev/null || fail "training with the built-in $lite weights"
done
[[ -z $(ls -A "$TORCH_HOME" 2>/dev/null) ]] || fail "something was downloaded into $TORCH_HOME"

say "deb: unpack into a fresh folder"
dpkg-deb --field "$DEB" Package Version Architecture Depends >&2
dpkg-deb -x "$DEB" "$WORK/root"
for path in opt/$APP/$APP usr/share/applications/$APP.desktop usr/share/icons/hicolor/scalable/apps/$APP.svg \
    usr/share/icons/hicolor/48x48/apps/$APP.png usr/share/icons/hicolor/512x512/apps/$APP.png; do
    [[ -e $WORK/root/$path ]] || fail "the .deb has no /$path"
done
[[ $(readlink -f "$WORK/root/usr/bin/$APP") == "$WORK/root/opt/$APP/$APP" ]] \
    || fail "/usr/bin/$APP does not point at /opt/$APP/$APP"
grep -qx "Exec=$APP" "$WORK/root/usr/share/applications/$APP.desktop" || fail "the desktop entry does not run $APP"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$WORK/root/usr/share/applications/$APP.desktop" || fail "the desktop entry"
fi
say "deb: --self-test through the launcher on the PATH"
PATH=$WORK/root/usr/bin:$PATH "$APP" --self-test || fail "the unpacked .deb's --self-test"
rm -rf "$WORK/root"

say "tar.gz: unpack and start"
mkdir "$WORK/tar"
tar -C "$WORK/tar" -xzf "$TARBALL"
[[ $("$WORK/tar/$APP-$VERSION/$APP" --version) == "catdog-gui $VERSION" ]] || fail "the unpacked .tar.gz does not start"

say "all packaging checks passed"
