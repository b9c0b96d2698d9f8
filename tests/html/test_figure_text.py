"""Figures a reader can read at 1x: no text in a static figure below MIN_TEXT_PX.

The book's figures are matplotlib SVGs whose text is drawn as glyph outlines: each
text element is a ``<g id="text_N">`` whose glyphs are scaled by ``fontsize / 100``
(matplotlib's text-path units), in SVG user units of 1 pt. A figure is shown at its
natural width (1 pt = 4/3 CSS px) unless it is wider than the content column, where it
is scaled down to the column. So the size a reader sees, in CSS px, is

    fontsize (pt) × 4/3 × min(1, COLUMN_PX / natural width (px)),

computed here for every text element of every SVG that a page shows. Subscripts and
superscripts of math text are drawn at 70% of their label's size, as in print; the
label's own size is what is checked. Animations are checked in the browser
(tests/html/test_site_reader_view.py). This check needs only the built HTML.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
MIN_TEXT_PX = 11.0
# The content column of sphinx-book-theme at a 1280-px window (measured in Chromium:
# the width of `article.bd-article` minus its padding).
COLUMN_PX = 672
SVG_NS = "{http://www.w3.org/2000/svg}"
SCALE = re.compile(r"scale\(\s*([-\d.e]+)")

pytestmark = pytest.mark.html


def _pt(length: str) -> float:
    match = re.fullmatch(r"([\d.]+)(pt|px)?", length.strip())
    if not match:
        raise ValueError(f"unexpected SVG length {length!r}")
    value = float(match.group(1))
    return value if match.group(2) in (None, "pt") else value * 0.75


def text_sizes_pt(svg: Path) -> list[float]:
    """The font size (pt) of each text element in a matplotlib SVG, and its width (pt)."""
    root = ElementTree.parse(svg).getroot()
    sizes = []
    for group in root.iter(f"{SVG_NS}g"):
        if not group.get("id", "").startswith("text_"):
            continue
        for child in group.iter(f"{SVG_NS}g"):
            match = SCALE.search(child.get("transform", ""))
            if match:  # the first scaled group holds the label's glyphs
                sizes.append(abs(float(match.group(1))) * 100)
                break
    return sizes


def shown_sizes_px(svg: Path) -> tuple[float, list[float]]:
    """The natural width (CSS px) of a figure and its text sizes as shown (CSS px)."""
    root = ElementTree.parse(svg).getroot()
    width_px = _pt(root.get("width", "0")) * 4 / 3
    shrink = min(1.0, COLUMN_PX / width_px) if width_px else 1.0
    return width_px, [pt * 4 / 3 * shrink for pt in text_sizes_pt(svg)]


def _figures() -> dict[str, list[Path]]:
    """Every matplotlib SVG each chapter page shows, by page."""
    pages: dict[str, list[Path]] = {}
    for page in sorted((HTML / "chapters").glob("*.html")):
        found = re.findall(r'<img[^>]+src="\.\./(_images/[0-9a-f]{16,}\.svg)"',
                           page.read_text(encoding="utf-8"))
        if found:
            pages[page.stem] = [HTML / rel for rel in dict.fromkeys(found)]
    return pages


@pytest.fixture(scope="module")
def figures():
    if not (HTML / "chapters").is_dir():
        reason = "no built book in _build/html: run `make book` first"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return _figures()


def test_text_sizes_are_read_from_matplotlib_svgs(tmp_path):
    """The reader of sizes works on a figure made here: 9 pt and 12 pt text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(14, 2))  # 1344 px wide: shown at half size
    ax.set_axis_off()
    ax.text(0.1, 0.5, "nine", fontsize=9)
    ax.text(0.5, 0.5, r"$x^2$ twelve", fontsize=12)
    fig.savefig(tmp_path / "f.svg")
    plt.close(fig)
    assert sorted(text_sizes_pt(tmp_path / "f.svg")) == pytest.approx([9, 12])
    width, shown = shown_sizes_px(tmp_path / "f.svg")
    assert width == pytest.approx(1344)
    assert sorted(shown) == pytest.approx([6, 8])


def test_every_page_shows_its_figures(figures):
    assert len(figures) >= 5, f"pages with SVG figures: {sorted(figures)}"
    assert sum(map(len, figures.values())) >= 20


def test_no_figure_text_below_11px_in_the_column(figures):
    bad = []
    for page, svgs in figures.items():
        for svg in svgs:
            width, sizes = shown_sizes_px(svg)
            if sizes and min(sizes) < MIN_TEXT_PX - 0.05:
                bad.append(f"{page}: {svg.name[:12]} ({width:.0f} px wide) has text at "
                           f"{min(sizes):.1f} px")
    assert not bad, f"figure text below {MIN_TEXT_PX} px at 1x:\n" + "\n".join(bad)
