"""The site's downloads: the notebook bundle and the PDF, and the links to them.

`make book` (any HTML build: tools/sphinxext/downloads.py) writes
`_build/html/downloads/cnn-notebooks.zip`; `make pdf` adds
`_build/html/downloads/cnn-book.pdf`. These checks open the zip (running
nothing in it) and follow the Downloads line of the front page and of every
section. Without a built site they skip, saying why; in CI (CI=true) they fail.
The PDF link is required when the PDF has been built (`make test` builds it).
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
BUNDLE = HTML / "downloads" / "cnn-notebooks.zip"
SITE_PDF = HTML / "downloads" / "cnn-book.pdf"
BUILT_PDF = ROOT / "_build" / "pdf" / "book.pdf"
TOP = "cnn-notebooks/"
sys.path.insert(0, str(ROOT / "tests" / "sources"))
import _book  # noqa: E402  (the toc reader of the source checks)

pytestmark = pytest.mark.html


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"in CI the downloads must be checked: {why}")
    pytest.skip(why)


def twins() -> list[Path]:
    """The .ipynb twins of the pages in _toc.yml, in reading order."""
    return [ROOT / f"{f}.ipynb" for f in _book.toc_files(ROOT) if (ROOT / f"{f}.ipynb").exists()]


@pytest.fixture(scope="module")
def bundle() -> zipfile.ZipFile:
    if not (HTML / "index.html").exists():
        _missing("_build/html is missing: run `make book`")
    if not BUNDLE.exists():
        _missing(f"{BUNDLE.relative_to(ROOT)} is missing: run `make book`")
    with zipfile.ZipFile(BUNDLE) as zf:
        yield zf


def test_bundle_holds_every_twin_in_reading_order(bundle):
    names = bundle.namelist()
    assert all(n.startswith(TOP) for n in names), names[:5]
    notebooks = [n[len(TOP):] for n in names if n.endswith(".ipynb")]
    expected = [nb.name for nb in twins()]
    assert len(expected) >= 7, expected
    assert notebooks == expected, (notebooks, expected)
    for nb in twins():
        packed = bundle.read(TOP + nb.name)
        assert packed == nb.read_bytes(), f"{nb.name} in the zip differs from chapters/{nb.name}"
        cells = json.loads(packed)["cells"]
        assert any(c["cell_type"] == "code" for c in cells), nb.name


def test_bundle_holds_what_the_notebooks_need(bundle):
    names = set(bundle.namelist())
    package = ROOT / "d2lutils"
    needed = [p for p in package.rglob("*.py")] + list((package / "results").glob("*.json"))
    assert any(p.suffix == ".json" for p in needed), "d2lutils/results/*.json not found"
    for p in needed:
        name = TOP + p.relative_to(ROOT).as_posix()
        assert name in names, f"{name} is missing from the zip"
        assert bundle.read(name) == p.read_bytes(), f"{name} differs from the repository's"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    requirements = bundle.read(TOP + "requirements.txt").decode()
    required = {re.split(r"[\s<>=#\[]", line.strip())[0].lower()
                for line in requirements.splitlines() if line.strip() and line[0] != "#"}
    imported = set()
    for nb in twins():
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                imported |= set(re.findall(r"^\s*(?:import|from) (torch|torchvision|numpy|"
                                           r"matplotlib|ipywidgets)\b", "".join(cell["source"]),
                                           re.M))
    assert imported, "no third-party import found in the twins"
    assert imported <= required, f"requirements.txt lacks {imported - required}"
    assert {"torch", "torchvision", "matplotlib", "ipywidgets"} <= required, required


def test_bundle_readme_says_how_to_run_them_and_where_the_data_comes_from(bundle):
    readme = bundle.read(TOP + "README.txt").decode()
    for needed in ("pip install -r requirements.txt", "jupyter lab", "D2LUTILS_DATA",
                   "dataset-fashion-mnist", "internet"):
        assert needed in readme, f"README.txt does not mention {needed!r}"
    for nb in twins():
        assert nb.name in readme, f"README.txt does not list {nb.name}"
    assert max(len(line) for line in readme.splitlines()) <= 79


def _download_links(page: Path) -> dict[str, Path]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    line = soup.select_one("article p.d2l-downloads, main p.d2l-downloads")
    if line is None:
        return {}
    return {a.get_text(strip=True): (page.parent / unquote(a["href"])).resolve()
            for a in line.find_all("a", href=True)}


def test_front_page_and_every_section_link_the_downloads(bundle):
    pages = [HTML / f"{f}.html" for f in _book.toc_files(ROOT)]
    pdf_built = BUILT_PDF.exists()
    if os.environ.get("CI") == "true" and not pdf_built:
        pytest.fail("in CI the PDF must be built (make pdf) and linked")
    bad = []
    for page in pages:
        links = _download_links(page)
        targets = set(links.values())
        if BUNDLE.resolve() not in targets:
            bad.append(f"{page.relative_to(HTML)}: no link to the notebook zip ({links})")
        if pdf_built and SITE_PDF.resolve() not in targets:
            bad.append(f"{page.relative_to(HTML)}: no link to the PDF ({links})")
        bad += [f"{page.relative_to(HTML)}: {text!r} -> missing {t}" for text, t in links.items()
                if not t.is_file()]
    assert len(pages) >= 8, pages
    assert not bad, "\n".join(bad)
    if pdf_built:
        assert SITE_PDF.read_bytes() == BUILT_PDF.read_bytes(), "the site's PDF is stale"
