"""Build the PDF edition: `python tools/pdf/build.py` (run by `make pdf`).

1. Installs the Debian TeX Live packages it needs when XeLaTeX is missing and
   `make` runs as root (tools/apt.py; the set is PACKAGES below).
2. Runs Jupyter Book's LaTeX builder (`--builder pdflatex`, with XeLaTeX as
   the engine, see `latex:` in `_config.yml`). Cell outputs come from the
   same execution cache as the HTML (`_build/.jupyter_cache`), so nothing is
   trained twice; animations and explorers print their still PNG forms.
3. Copies the PDF to `_build/pdf/book.pdf` and writes the LaTeX log's
   overfull code lines next to it (`_build/pdf/overfull.txt`).
4. When the HTML exists, builds it again (nothing is re-executed; only the pages
   are rewritten) so that the site carries the PDF as `downloads/cnn-book.pdf`
   and every page's Downloads line links it (tools/sphinxext/downloads.py).

The layout of the PDF (parts, per-section numbers, the LaTeX class) is set by
the Sphinx extension tools/sphinxext/pdf_edition.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["texlive-xetex", "texlive-latex-recommended", "texlive-latex-extra",
            "texlive-fonts-recommended", "fonts-freefont-otf", "latexmk", "poppler-utils"]
LATEX = ROOT / "_build" / "latex"
OUT = ROOT / "_build" / "pdf"


def main() -> int:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "apt.py"), "PDF edition",
                    "xelatex", *PACKAGES], check=False)
    if shutil.which("xelatex") is None or shutil.which("latexmk") is None:
        print("make pdf: XeLaTeX/latexmk are missing; install: apt-get install "
              + " ".join(PACKAGES))
        return 1
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jb), "build", str(ROOT), "--builder", "pdflatex",
                          "--keep-going"], cwd=ROOT)
    pdf = LATEX / "book.pdf"
    if run.returncode != 0 or not pdf.is_file():
        print(f"make pdf failed (exit {run.returncode}); the LaTeX log is "
              f"{LATEX / 'book.log'}")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, OUT / "book.pdf")
    html = ROOT / "_build" / "html"
    if (html / "index.html").exists():
        # the same build as `make book`; the downloads extension now finds the PDF
        again = subprocess.run([str(jb), "build", str(ROOT), "-W", "-n", "--keep-going"],
                               cwd=ROOT, capture_output=True, text=True)
        if again.returncode != 0 or not (html / "downloads" / "cnn-book.pdf").is_file():
            print(again.stdout[-3000:] + again.stderr[-3000:])
            print("make pdf: the HTML build that adds the PDF to the site failed")
            return 1
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    # overfull lines set in the monospace font: code running into the margin
    boxes = re.findall(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*\n([^\n]*)",
                       log, re.M)
    overfull = [width for width, line in boxes if re.search(r"Mono|/tt|txtt|cmtt", line)]
    (OUT / "overfull.txt").write_text("\n".join(overfull) + "\n")
    print(f"The PDF is at {OUT / 'book.pdf'} ({time.perf_counter() - start:.0f} s; "
          f"{len(overfull)} overfull code lines, {len(boxes)} overfull boxes in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
