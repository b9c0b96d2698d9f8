"""The animation player: frames rendered once with matplotlib, played by its JavaScript.

Frames are drawn at DPI = 2 x CSS_DPI and shown at CSS_DPI: sharp on HiDPI screens. The
player is made offline and deterministic: matplotlib's icon font is replaced by inline
SVG icons, the frames are re-encoded with a 64-colour palette, and its random id becomes
a hash of the content. Each player also gets a still (the first and the last frame) for
print and the PDF.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Callable

import matplotlib as mpl
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from PIL import Image

CELL_IN, DPI, CSS_DPI, INTERVAL_MS = 0.38, 200, 100, 1200
COLUMN_PX = 672  # the book's content column at 1x
_ICONS = {  # matplotlib's Font Awesome 4 classes -> our own SVG paths on a 16 x 16 grid
    "fa fa-minus": "M2 7h12v2H2z", "fa fa-plus": "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
    "fa fa-fast-backward": "M2 2h2v12H2zM9 2v12L4 8zM14 2v12L9 8z",
    "fa fa-step-backward": "M3 2h2v12H3zM13 2v12L6 8z",
    "fa fa-play fa-flip-horizontal": "M12 2v12L3 8z", "fa fa-pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "fa fa-play": "M4 2v12l9-6z", "fa fa-step-forward": "M11 2h2v12h-2zM3 2v12l7-6z",
    "fa fa-fast-forward": "M12 2h2v12h-2zM2 2v12l5-6zM7 2v12l5-6z",
}


def quantize(match: re.Match) -> str:
    """Re-encode one embedded PNG frame with a 64-colour palette (about 3x smaller)."""
    image = Image.open(io.BytesIO(base64.b64decode(match.group(2).replace("\\\n", ""))))
    image = image.convert("RGB").quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    pal = image.getpalette()  # snap near-white entries to the page's white
    image.putpalette([255 if min(pal[i - i % 3:i - i % 3 + 3]) >= 250 else v
                      for i, v in enumerate(pal)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return f'{match.group(1)}{base64.b64encode(buffer.getvalue()).decode()}"'


def still(html: str, width: float) -> bytes:
    """The first and the last frame (the finished output), side by side when they fit."""
    data = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]*)"', html)
    first, last = (Image.open(io.BytesIO(base64.b64decode(data[i].replace("\\\n", ""))))
                   .convert("RGB") for i in (0, -1))
    (w, h), gap = first.size, DPI // 5
    side = 2 * width * CELL_IN * CSS_DPI + gap / 2 <= COLUMN_PX
    sheet = Image.new("RGB", (2 * w + gap, h) if side else (w, 2 * h + gap), "white")
    sheet.paste(first, (0, 0))
    sheet.paste(last, (w + gap, 0) if side else (0, h + gap))
    buffer = io.BytesIO()
    sheet.quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def player(width: float, height: float, n_frames: int, draw: Callable,
            alt: str) -> tuple[str, bytes, float]:
    """Render ``draw(ax, t)`` for each frame t into an offline, deterministic player; also
    return its still form (PNG) and its width in CSS pixels."""
    with mpl.rc_context({"font.family": "DejaVu Sans", "animation.embed_limit": 50}):
        fig = Figure(figsize=(width * CELL_IN, height * CELL_IN), dpi=DPI)  # never in pyplot

        def update(t: int) -> None:
            fig.clear()
            ax = fig.add_axes((0, 0, 1, 1), xlim=(0, width), ylim=(height, 0))
            ax.axis("off")
            draw(ax, t)

        anim = FuncAnimation(fig, update, frames=n_frames, interval=INTERVAL_MS, repeat=False)
        html = anim.to_jshtml(default_mode="once")
    html = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">\s*', "", html)
    for cls, path in _ICONS.items():
        html = html.replace(f'<i class="{cls}"></i>', f'<svg width="14" height="14" viewBox="0 0 '
                            f'16 16" fill="currentColor" aria-hidden="true" style="vertical-align:'
                            f'middle"><path d="{path}"/></svg>')
    html, n = re.subn(r'(frames\[\d+\] = "data:image/png;base64,)([^"]*)"', quantize, html)
    if "://" in html or 'class="fa' in html or n != n_frames:
        raise RuntimeError(f"matplotlib's player template changed: {n} of {n_frames} frames "
                           "found, or an external link or icon-font class is left")
    html = re.sub(r'<img id="(_anim_img\w+)">', lambda m: f'<img id="{m.group(1)}" alt="{alt}" '
                  f'style="width: {width * CELL_IN * CSS_DPI:.0f}px; max-width: 100%">', html)
    uid = re.search(r"_anim_img([0-9a-f]+)", html).group(1)  # random uuid -> content hash
    html = html.replace(uid, hashlib.sha256(html.replace(uid, "").encode()).hexdigest()[:32])
    return html, still(html, width), width * CELL_IN * CSS_DPI
