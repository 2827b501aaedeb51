"""Draw the application icon: a white leaf with a green tick on a green rounded square.

    python packaging/make_icon.py [--out resources/icons]

Writes ``greenmeasures.png`` (256 × 256) and ``greenmeasures.ico`` (16, 20, 24, 32, 40, 48, 64, 128
and 256 px; each size drawn on its own, not scaled from the large one, so the small ones stay
sharp). Needs only Qt (QPainter, offscreen); the ICO container is written here because Qt's own
ICO writer stores a single size. The icons are committed; run this again after changing the drawing.
"""
from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_FROM = 256          # sizes from this up are stored as PNG inside the ICO, smaller ones as DIB

GREEN_LIGHT = "#3fae6a"
GREEN_DARK = "#17703c"
TICK = "#1f8a4c"


def draw(size: int):
    """The icon at ``size`` × ``size`` pixels as a QImage (ARGB32, not premultiplied)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)           # drawn on a 256-unit grid

    # The tile: a rounded square with a light-to-dark green gradient.
    margin = 8 if size >= 32 else 4
    tile = QRectF(margin, margin, 256 - 2 * margin, 256 - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0, QColor(GREEN_LIGHT))
    gradient.setColorAt(1, QColor(GREEN_DARK))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(gradient))
    p.drawRoundedRect(tile, 52, 52)

    # The leaf: two arcs from the stem (lower left) to the tip (upper right).
    stem, tip = QPointF(62, 196), QPointF(204, 52)
    leaf = QPainterPath(stem)
    leaf.cubicTo(QPointF(40, 110), QPointF(110, 44), tip)
    leaf.cubicTo(QPointF(214, 150), QPointF(140, 216), stem)
    p.setBrush(QColor("white"))
    p.drawPath(leaf)
    # A short stalk below the leaf.
    stalk = QPen(QColor("white"), 14, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(stalk)
    p.drawLine(stem, QPointF(44, 214))

    # The tick inside the leaf: the measure the company qualifies for.
    tick = QPen(QColor(TICK), 22 if size >= 32 else 28, Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(tick)
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(92, 132))
    path.lineTo(QPointF(120, 160))
    path.lineTo(QPointF(168, 98))
    p.drawPath(path)
    p.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def dib_bytes(image) -> bytes:
    """A 32-bit BGRA device-independent bitmap as an ICO entry stores it: the header says twice the
    height (colour rows, then the 1-bit AND mask), rows bottom-up."""
    size = image.width()
    stride = size * 4
    bits = bytes(image.constBits())          # Format_ARGB32 is B, G, R, A in memory on x86
    rows = [bits[y * image.bytesPerLine(): y * image.bytesPerLine() + stride] for y in range(size)]
    mask_stride = ((size + 31) // 32) * 4
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0,
                         stride * size + mask_stride * size, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + bytes(mask_stride * size)


def ico_bytes(images: list) -> bytes:
    """An ICO file holding one image per size (ICONDIR, ICONDIRENTRY × n, then the images)."""
    blobs = [png_bytes(im) if im.width() >= PNG_FROM else dib_bytes(im) for im in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() if image.width() < 256 else 0      # 0 means 256
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return out + b"".join(blobs)


def write_icons(folder: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - QImage needs it
    images = [draw(size) for size in SIZES]
    folder.mkdir(parents=True, exist_ok=True)
    png, ico = folder / "greenmeasures.png", folder / "greenmeasures.ico"
    png.write_bytes(png_bytes(images[-1]))
    ico.write_bytes(ico_bytes(images))
    return [png, ico]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "icons",
                        help="folder to write greenmeasures.png and greenmeasures.ico "
                             "(default: resources/icons)")
    args = parser.parse_args(argv)
    for path in write_icons(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
