"""The PDF edition (`make pdf`): opened with poppler-utils and checked.

Skips, saying why, when the PDF has not been built; in CI (CI=true) that
fails instead, since `make test` builds it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "sources"))
import _book  # noqa: E402  (the toc reader of the source checks)

PDF = ROOT / "_build" / "pdf" / "book.pdf"
OVERFULL = ROOT / "_build" / "pdf" / "overfull.txt"
# how far a line may stick into the margin before it counts as clipped
TOLERANCE_PT = 5.0


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"in CI the PDF must be checked: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def text() -> str:
    if not PDF.exists():
        _missing(f"{PDF.relative_to(ROOT)} is missing: run `make pdf`")
    if shutil.which("pdftotext") is None:
        _missing("pdftotext is missing: apt-get install poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout


def _titles() -> list[str]:
    """The title (first `# ` heading) of every page in _toc.yml, in reading order."""
    titles = []
    for f in _book.toc_files(ROOT):
        m = re.search(r"^# (.+)$", (ROOT / f"{f}.md").read_text(), re.M)
        if m:
            titles.append(re.sub(r"[`*]", "", m.group(1)).strip())
    return titles


def test_page_count_is_sane(text):
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 60 <= pages <= 600, pages


def test_every_page_title_appears_in_reading_order(text):
    flat = " ".join(text.split())
    position = 0
    for title in _titles():
        words = " ".join(title.split())
        found = flat.find(words, position)
        assert found >= 0, f"{title!r} is missing from the PDF (or out of order)"
        position = found + len(words)


def test_no_unresolved_references(text):
    assert "??" not in text, "an unresolved reference (??) in the PDF"


def test_the_bibliography_is_present(text):
    assert "LeCun" in text and "Gradient-based learning" in text


def test_figures_are_embedded():
    if not PDF.exists():
        _missing("no PDF")
    images = subprocess.run(["pdfimages", "-list", str(PDF)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    # the animations' and explorers' stills are raster images
    assert len(images) >= 8, f"only {len(images)} raster images in the PDF"


def test_plotted_figures_are_embedded_as_vector_graphics():
    """Each figure cell's SVG has a PDF twin that LaTeX includes."""
    tex = (ROOT / "_build" / "latex" / "book.tex")
    if not tex.exists():
        _missing("no LaTeX source: run `make pdf`")
    figures = tex.read_text(encoding="utf-8").count("includegraphics")
    # every captioned figure cell of the sources is drawn in the PDF
    promised = sum(md.read_text().count("\n  figure:\n")
                   for md in (ROOT / "chapters").glob("*.md"))
    assert promised >= 20 and figures >= promised, (figures, promised)


def test_no_code_line_runs_into_the_margin():
    if not OVERFULL.exists():
        _missing("no LaTeX log summary: run `make pdf`")
    widths = [float(w) for w in OVERFULL.read_text().split()]
    wide = [w for w in widths if w > TOLERANCE_PT]
    assert not wide, f"{len(wide)} lines stick out of the margin by more than " \
                     f"{TOLERANCE_PT} pt (largest {max(wide)} pt)"


def test_no_raw_tex_or_html_leaks_into_the_text(text):
    for leak in ("\\begin{", "\\frac", "<div", "<script", "{glue:"):
        assert leak not in text, f"{leak!r} printed verbatim in the PDF"


def _html_numbers() -> dict[str, list[str]]:
    """The figure, exercise and equation numbers the built HTML shows, in reading order."""
    from bs4 import BeautifulSoup

    html = ROOT / "_build" / "html"
    found: dict[str, list[str]] = {"figure": [], "exercise": [], "equation": []}
    for f in _book.toc_files(ROOT):
        page = html / f"{f}.html"
        if not page.exists():
            _missing(f"{page.relative_to(ROOT)} is missing: run `make book`")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for kind, css, pattern in (
                ("figure", "figure figcaption span.caption-number", r"Fig\. ([\d.]+)"),
                ("exercise", "div.exercise p.admonition-title span.caption-number",
                 r"Exercise ([\d.]+)"),
                ("equation", "div.math span.eqno", r"\(([\d.]+)\)")):
            for el in soup.select(css):
                m = re.match(pattern, el.get_text(" ", strip=True))
                if m:
                    found[kind].append(m.group(1).rstrip("."))
    return found


def test_numbers_are_per_section_as_in_the_html(text):
    """Figures, exercises and equations carry the HTML's numbers (Fig. 1.2.3, Exercise
    1.3.2, (1.5.1)): LaTeX counts them itself, so the two could drift apart."""
    html = _html_numbers()
    pdf = {
        "figure": re.findall(r"^\s*Fig\. ([\d.]*\d):", text, re.M),
        "exercise": [n for n in re.findall(r"^\s*Exercise ([\d.]*\d) \(", text, re.M)],
        "equation": re.findall(r"\((\d+\.\d+\.\d+)\)\s*$", text, re.M),
    }
    assert any(re.fullmatch(r"1\.\d\.\d+", n) for n in pdf["figure"]), pdf["figure"][:5]
    for kind in ("figure", "exercise"):
        assert pdf[kind] == html[kind], (kind, pdf[kind][:8], html[kind][:8])
    # an equation's number is printed beside it (and pdftotext may merge it with a line)
    assert set(html["equation"]) <= set(pdf["equation"]) | set(
        re.findall(r"\((\d+\.\d+\.\d+)\)", text)), set(html["equation"]) - set(pdf["equation"])
    assert len(html["exercise"]) >= 30 and len(html["equation"]) >= 10, html
