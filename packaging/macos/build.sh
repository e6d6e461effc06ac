#!/usr/bin/env bash
# Build dist/catdog-gui.app (and a .dmg) on macOS. Not run here: PyInstaller freezes for the system it
# runs on, and this needs a Mac with Apple silicon, macOS 14 or newer, Python 3.11 and Xcode's command
# line tools (iconutil, hdiutil). Run from anywhere; see packaging/macos/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD=$ROOT/build/packaging
VENV=${CATDOG_BUILD_VENV:-$BUILD/venv}

if [[ -z ${CATDOG_BUILD_VENV:-} ]]; then
    rm -rf "$VENV"
    python3.11 -m venv "$VENV"
    "$VENV/bin/pip" install -q torch==2.14.1 torchvision==0.29.1  # macOS wheels: CPU and Apple GPU (MPS)
    "$VENV/bin/pip" install -q . -r packaging/requirements-build.txt
fi
VERSION=$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("catdog-gui"))')

# The icon: PNGs of every size macOS wants, then iconutil turns the .iconset folder into an .icns file.
rm -rf "$BUILD/catdog-gui.iconset"
"$VENV/bin/python" packaging/render_icons.py iconset "$BUILD/catdog-gui.iconset"
iconutil -c icns "$BUILD/catdog-gui.iconset" -o "$BUILD/catdog-gui.icns"

# The spec's BUNDLE section makes dist/catdog-gui.app (Info.plist keys are set there).
CATDOG_ICON=$BUILD/catdog-gui.icns "$VENV/bin/pyinstaller" --noconfirm \
    --workpath "$BUILD/pyinstaller" --distpath dist packaging/catdog-gui.spec
dist/catdog-gui.app/Contents/MacOS/catdog-gui --self-test

# A disk image to download: the app and a link to /Applications to drag it onto.
rm -rf "$BUILD/dmg" "dist/catdog-gui-$VERSION-macos-arm64.dmg"
mkdir -p "$BUILD/dmg"
cp -R dist/catdog-gui.app "$BUILD/dmg/"
ln -s /Applications "$BUILD/dmg/Applications"
hdiutil create -volname "catdog-gui $VERSION" -srcfolder "$BUILD/dmg" -format UDZO \
    "dist/catdog-gui-$VERSION-macos-arm64.dmg"
echo "dist/catdog-gui.app and dist/catdog-gui-$VERSION-macos-arm64.dmg"
