#!/usr/bin/env bash
# Regenerate every Tauri 2 bundle icon from icon.svg (the single source of truth).
# Usage: ./make-icons.sh   (safe to run repeatedly; output is overwritten in place)
set -euo pipefail

cd "$(dirname "$0")"
SRC=icon.svg
[ -f "$SRC" ] || { echo "make-icons.sh: $SRC not found" >&2; exit 1; }

# --- tools: install only what is missing -------------------------------------
need_pkgs=()
command -v rsvg-convert >/dev/null 2>&1 || need_pkgs+=(librsvg2-bin)
command -v convert      >/dev/null 2>&1 || need_pkgs+=(imagemagick)
command -v png2icns     >/dev/null 2>&1 || need_pkgs+=(icnsutils)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing: ${need_pkgs[*]}"
  $SUDO apt-get install -y "${need_pkgs[@]}" \
    || { $SUDO apt-get update && $SUDO apt-get install -y "${need_pkgs[@]}"; } \
    || echo "make-icons.sh: could not install ${need_pkgs[*]}; will use fallbacks where possible" >&2
fi
command -v rsvg-convert >/dev/null 2>&1 || { echo "make-icons.sh: rsvg-convert is required" >&2; exit 1; }
command -v convert      >/dev/null 2>&1 || { echo "make-icons.sh: ImageMagick convert is required" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# render SIZE OUT: rasterise the SVG at SIZE x SIZE to an 8-bit RGBA PNG
render() {
  rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio "$SRC" -o "$TMP/raw.png"
  # force 8-bit RGBA (colour type 6) and drop timestamp chunks for reproducible output
  convert "$TMP/raw.png" -strip -depth 8 -define png:color-type=6 PNG32:"$2"
}

# --- PNGs used by Tauri on Linux/macOS/Windows --------------------------------
render 32  32x32.png
render 64  64x64.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png

# --- Windows Store / AppX logos -----------------------------------------------
for s in 30 44 71 89 107 142 150 284 310; do
  render "$s" "Square${s}x${s}Logo.png"
done
render 50 StoreLogo.png

# --- Windows .ico (16, 24, 32, 48, 64, 256) -----------------------------------
ico_parts=()
for s in 16 24 32 48 64 256; do
  render "$s" "$TMP/ico-$s.png"
  ico_parts+=("$TMP/ico-$s.png")
done
convert "${ico_parts[@]}" -strip icon.ico

# --- macOS .icns (ic07 128, ic08 256, ic09 512, ic10 1024) --------------------
for s in 128 256 512 1024; do render "$s" "$TMP/icns-$s.png"; done
rm -f icon.icns
if command -v png2icns >/dev/null 2>&1 \
   && png2icns icon.icns "$TMP/icns-128.png" "$TMP/icns-256.png" "$TMP/icns-512.png" "$TMP/icns-1024.png" >/dev/null \
   && [ -s icon.icns ]; then
  :
else
  echo "png2icns unavailable or failed; writing ICNS with Python" >&2
  python3 - "$TMP" <<'PY'
import struct, sys
tmp = sys.argv[1]
entries = b""
for kind, size in ((b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024)):
    with open(f"{tmp}/icns-{size}.png", "rb") as f:
        png = f.read()
    entries += kind + struct.pack(">I", 8 + len(png)) + png
with open("icon.icns", "wb") as f:
    f.write(b"icns" + struct.pack(">I", 8 + len(entries)) + entries)
PY
fi

echo "Icons written to $(pwd):"
ls -l -- *.png icon.ico icon.icns
