#!/usr/bin/env bash
# Build catdog-gui for Linux from this checkout: a one-folder bundle made by PyInstaller, and from it a
# .tar.gz and a .deb, all in dist/. Needs python3 (3.10 or newer, with venv and pip), dpkg-deb, tar and
# gzip; everything else is installed into a fresh virtual environment under build/.
#
#   packaging/build.sh                 build everything (then run packaging/smoke_test.sh)
#
# Environment:
#   CATDOG_BUILD_VENV=DIR   use this existing virtual environment instead of a fresh one (faster when
#                           iterating; PyInstaller is added to it if missing)
#   CATDOG_FLAVOUR=cpu      build with PyTorch's CPU-only wheels from its own package index (needs that
#                           index to be reachable): no CUDA libraries, a much smaller bundle
#   CATDOG_DEB_COMPRESSION  dpkg-deb's compressor and level (default "-Zzstd -z3")
#   CATDOG_MAINTAINER       the .deb's Maintainer field
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
APP=catdog-gui
FLAVOUR=${CATDOG_FLAVOUR:-cuda}
BUILD=$ROOT/build/packaging
DIST=$ROOT/dist
TORCH_PINS=(torch==2.14.1 torchvision==0.29.1)
CPU_INDEX=https://download.pytorch.org/whl/cpu
DEB_COMPRESSION=${CATDOG_DEB_COMPRESSION:--Zzstd -z3}
MAINTAINER=${CATDOG_MAINTAINER:-catdog-gui maintainers <catdog-gui@localhost>}

say() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }
fail() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

for tool in python3 dpkg-deb tar gzip; do
    command -v "$tool" >/dev/null || fail "$tool is needed but not installed"
done
case $FLAVOUR in cuda | cpu) ;; *) fail "CATDOG_FLAVOUR must be cuda or cpu, not '$FLAVOUR'" ;; esac

# ---- the build environment
if [[ -n ${CATDOG_BUILD_VENV:-} ]]; then
    VENV=$CATDOG_BUILD_VENV
    [[ -x $VENV/bin/python ]] || fail "CATDOG_BUILD_VENV=$VENV is not a virtual environment"
    say "using the existing environment $VENV"
    "$VENV/bin/python" -c 'import PyInstaller' 2>/dev/null || "$VENV/bin/pip" install -q -r packaging/requirements-build.txt
    # An editable install already is this checkout; anything else is replaced by it.
    if [[ $("$VENV/bin/python" -c 'import catdog_gui, os; print(os.path.dirname(os.path.dirname(catdog_gui.__file__)))' 2>/dev/null) != "$ROOT" ]]; then
        "$VENV/bin/pip" install -q --no-deps --force-reinstall "$ROOT"
    fi
else
    VENV=$BUILD/venv
    say "making a fresh build environment in $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    if [[ $FLAVOUR == cpu ]]; then
        "$VENV/bin/pip" install -q --index-url "$CPU_INDEX" "${TORCH_PINS[@]}"
    else
        "$VENV/bin/pip" install -q "${TORCH_PINS[@]}"
    fi
    "$VENV/bin/pip" install -q "$ROOT" -r packaging/requirements-build.txt
fi
PY=$VENV/bin/python
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("catdog-gui"))')
SUFFIX=$([[ $FLAVOUR == cpu ]] && echo "-cpu" || true)
say "catdog-gui $VERSION ($FLAVOUR), torch $("$PY" -c 'import torch; print(torch.__version__)')"

# ---- the bundle
say "freezing with PyInstaller"
rm -rf "$DIST/$APP"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --workpath "$BUILD/pyinstaller" --distpath "$DIST" packaging/catdog-gui.spec
BUNDLE=$DIST/$APP
[[ -x $BUNDLE/$APP ]] || fail "PyInstaller made no $BUNDLE/$APP"

# ---- icons for the desktop
rm -rf "$BUILD/icons"
"$PY" packaging/render_icons.py hicolor "$BUILD/icons/hicolor"

# ---- .tar.gz: the bundle in a folder named after the version
TARBALL=$DIST/$APP-$VERSION-linux-x86_64$SUFFIX.tar.gz
say "writing $TARBALL"
tar -C "$DIST" --transform "s,^$APP,$APP-$VERSION," --owner=0 --group=0 -cf - "$APP" | gzip -6 >"$TARBALL.part"
mv "$TARBALL.part" "$TARBALL"

# ---- .deb: the bundle under /opt, a command on the PATH, a menu entry and icons
DEB_VERSION=$VERSION$([[ $FLAVOUR == cpu ]] && echo "+cpu" || true)
DEB=$DIST/${APP}_${DEB_VERSION}_amd64.deb
PKG=$BUILD/deb
say "writing $DEB"
rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" "$PKG/usr/share/icons" \
    "$PKG/usr/share/doc/$APP"
cp -al "$BUNDLE" "$PKG/opt/$APP" 2>/dev/null || cp -a "$BUNDLE" "$PKG/opt/$APP"  # hard links: no second 4 GB copy
ln -s "../../opt/$APP/$APP" "$PKG/usr/bin/$APP"  # relative, so an unpacked copy works where it lies too
install -m 644 packaging/linux/$APP.desktop "$PKG/usr/share/applications/$APP.desktop"
cp -r "$BUILD/icons/hicolor" "$PKG/usr/share/icons/"
printf 'catdog-gui %s\nLicense: Apache-2.0\nBundles PyTorch, NVIDIA CUDA libraries, Qt (LGPLv3) and other\nthird-party software under their own licenses (see /opt/catdog-gui/_internal/*.dist-info).\n' \
    "$VERSION" >"$PKG/usr/share/doc/$APP/copyright"
chmod -R u+rwX,go+rX,go-w "$PKG"
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
cat >"$PKG/DEBIAN/control" <<EOF
Package: $APP
Version: $DEB_VERSION
Architecture: amd64
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_KB
Depends: libc6 (>= 2.35), libstdc++6 (>= 11), libexpat1, libgl1, libegl1, libxcb1, libxcb-icccm4, libxcb-keysyms1
Recommends: fonts-dejavu-core | fonts-liberation2
Section: science
Priority: optional
Description: train an image classifier on your own photos by point and click
 catdog-gui teaches the computer to tell photos apart (cats from dogs, to
 begin with): choose a folder of photos, pick one of five training
 strategies, watch it learn, check how well it does, and classify new photos.
 It works offline: a pretrained network (EfficientNet-Lite0) is built in.
 An NVIDIA GPU is used when there is one; otherwise it trains on the CPU.
EOF
rm -f "$DEB"
# shellcheck disable=SC2086  # the compression setting is two words on purpose
dpkg-deb --root-owner-group $DEB_COMPRESSION --build "$PKG" "$DEB" >/dev/null
rm -rf "$PKG"

say "done"
du -sh "$BUNDLE" "$TARBALL" "$DEB" >&2
