"""Sphinx extension: the book's downloads, and a line on every page that links them.

Registered in `_config.yml` (`sphinx.local_extensions`), so a plain
`jupyter-book build .` does all of this, as `make book` does:

- after every HTML build it writes `downloads/cnn-notebooks.zip` into the site:
  every section's `.ipynb` twin (chapters/*.ipynb, in reading order), the
  `d2lutils` package they import (with its `results/*.json`), a
  `requirements.txt` and a `README.txt` on how to run them offline;
- it copies the PDF edition (`make pdf` writes `_build/pdf/book.pdf`) to
  `downloads/cnn-book.pdf` when it has been built;
- under the title of the front page and of every page in the toc it puts a
  "Downloads" line that links the zip and, when it exists, the PDF.

Whether the PDF exists is a config value that rebuilds the HTML pages when it
changes, so the build after `make pdf` (tools/pdf/build.py runs it) links it
on every page. The zip is written with fixed timestamps: the same sources give
the same bytes.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
FOLDER = "downloads"
ZIP_NAME = "cnn-notebooks.zip"
PDF_NAME = "cnn-book.pdf"
TOP = "cnn-notebooks"  # the folder the zip unpacks into
# what the notebooks import beyond the standard library, and what runs them
RUNTIME = ["torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "jupyterlab"]
EPOCH = (2026, 1, 1, 0, 0, 0)  # every member's timestamp: reproducible bytes

README = """\
{title}: the notebooks
{underline}

One Jupyter notebook per page of the book, in reading order:

{listing}

together with what they need to run: the helper package d2lutils/ (with
its results/*.json, measured ahead of time and read by the LeNet section)
and requirements.txt. The book itself, with every output, is the HTML
site or its PDF edition ({pdf});
its sources are at {repository}.

How to run them
---------------
1. Python 3.11 or newer. In this folder:
       python3 -m venv .venv
       . .venv/bin/activate          (Windows: .venv\\Scripts\\activate)
       pip install -r requirements.txt
   (requirements.txt names the versions the book was built with.)
2. Start Jupyter in this folder, so that `import d2lutils` finds the
   d2lutils/ folder next to the notebooks:
       jupyter lab
3. Open a notebook and run all its cells (Run > Run All Cells). Each one
   stands on its own. A GPU is used when there is one (CUDA or Apple's
   MPS) and never needed; lenet.ipynb, which trains three networks, is the
   one that takes longest.

Data, also without the internet
-------------------------------
The sections that train on Fashion-MNIST look for it in this order and use
the first copy they find; nothing else is downloaded:
  1. the folder in the environment variable D2LUTILS_DATA, then
     ~/.cache/d2lutils, each in torchvision's layout
     FashionMNIST/raw/*-ubyte;
  2. Debian's or Ubuntu's package dataset-fashion-mnist
     (sudo apt-get install dataset-fashion-mnist), unpacked into the cache;
  3. a download through torchvision, which needs the internet.
To work offline, use 2, or copy the four *-ubyte files into
$D2LUTILS_DATA/FashionMNIST/raw/ on a machine that has them. Every file is
checked against the published checksums before it is used.
"""


def _pdf_present(app, config) -> None:
    config.d2l_pdf_download = PDF.is_file()


def _title(md: Path) -> str:
    m = re.search(r"^# (.+)$", md.read_text(encoding="utf-8"), re.M)
    return re.sub(r"[`*]", "", m.group(1)).strip() if m else md.stem


def twins(app) -> list[Path]:
    """The .ipynb twins of the toc's pages, in reading order."""
    srcdir = Path(app.srcdir)
    order = [app.config.root_doc] + [d for d in _reading_order(app.env)
                                     if d != app.config.root_doc]
    return [srcdir / f"{doc}.ipynb" for doc in order if (srcdir / f"{doc}.ipynb").is_file()]


def _reading_order(env) -> list[str]:
    """Every document reachable from the root's toctrees, depth first."""
    seen: list[str] = []

    def walk(doc: str) -> None:
        if doc in seen:
            return
        seen.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return seen


def _requirements() -> str:
    tested = {}
    constraints = ROOT / "constraints.txt"
    if constraints.is_file():
        for line in constraints.read_text().splitlines():
            name, _, version = line.partition("==")
            tested[name.strip().lower()] = version.strip()
    lines = ["# What the notebooks need: pip install -r requirements.txt",
             "# (each line names the version the book was built and tested with)"]
    for name in RUNTIME:
        lines.append(f"{name}  # tested with {tested[name]}" if name in tested else name)
    return "\n".join(lines) + "\n"


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def write_bundle(app, target: Path) -> None:
    notebooks = twins(app)
    listing = "\n".join(f"  {nb.name:<26} {_title(nb.with_suffix('.md'))}" for nb in notebooks)
    title = app.config.html_title or app.config.project
    readme = README.format(title=title, underline="=" * (len(title) + 15), listing=listing,
                           pdf=f"{PDF_NAME}, next to this zip on the site",
                           repository=app.config.html_theme_options.get(
                               "repository_url", "the book's repository"))
    package = ROOT / "d2lutils"
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json"))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as zf:
        _add(zf, "README.txt", readme.encode())
        _add(zf, "requirements.txt", _requirements().encode())
        for nb in notebooks:
            _add(zf, nb.name, nb.read_bytes())
        for f in files:
            _add(zf, f.relative_to(ROOT).as_posix(), f.read_bytes())
    partial.replace(target)


def _downloads_line(app, pagename, templatename, context, doctree) -> None:
    """Put the Downloads line under the title of the front page and every toc page."""
    if doctree is None or "body" not in context or pagename not in _reading_order(app.env):
        return
    up = "../" * pagename.count("/") + f"{FOLDER}/"
    links = [f'<a class="reference download" href="{up}{ZIP_NAME}" download>'
             "all notebooks (zip)</a>"]
    if app.config.d2l_pdf_download:
        links.insert(0, f'<a class="reference download" href="{up}{PDF_NAME}" download>'
                        "the book as PDF</a>")
    line = ('<p class="d2l-downloads">Downloads: ' + " · ".join(links) + "</p>")
    body = context["body"]
    end = body.find("</h1>")
    if end >= 0:
        context["body"] = body[:end + 5] + "\n" + line + body[end + 5:]


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / FOLDER
    write_bundle(app, out / ZIP_NAME)
    if PDF.is_file():
        shutil.copy2(PDF, out / PDF_NAME)


def setup(app):
    app.add_config_value("d2l_pdf_download", False, "html")
    app.connect("config-inited", _pdf_present)
    app.connect("html-page-context", _downloads_line)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
