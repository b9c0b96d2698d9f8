# `make book` builds the HTML, `make test` runs every test, `make check` is the quick loop.
# Each sets itself up and is quick the second time. The work is done by tools/ (see
# tools/README.md); this file only says what depends on what.

PYTHON   ?= python3
JOBS     ?= 2
BIN      := .venv/bin
STAMP    := .venv/.installed
CACHE    := _build/.jupyter_cache
DOCTREES := _build/.doctrees
TWINS    := $(patsubst %.md,%.ipynb,$(shell grep -l '^kernelspec:' chapters/*.md))

.PHONY: help setup data assets browser book pdf test check notebooks linkcheck lab clean
help:
	@sed -n 's/^## //p' Makefile

## make book       build the HTML book into _build/html (cell errors and warnings fail it)
## make pdf        the whole book as one PDF in _build/pdf (XeLaTeX; same execution cache)
## make test       build the book and the PDF, then run every test
## make check      unit and source checks only, under a minute: the contributor's loop
## make notebooks  regenerate the .ipynb twins (also done by book/test when needed)
## make lab        open the chapters in JupyterLab (installed on first use)
## make linkcheck  list the book's external links; check them when there is a network
## make clean      remove _build (keeps .venv)

$(STAMP): requirements.txt constraints.txt pyproject.toml tools/venv.py
	@$(PYTHON) tools/venv.py .venv $@
setup: $(STAMP) data assets
data:
	@$(PYTHON) tools/apt.py Fashion-MNIST /usr/share/datasets/fashion-mnist dataset-fashion-mnist
assets:
	@$(PYTHON) tools/assets.py
browser:
	@$(PYTHON) tools/apt.py "Browser checks" $${CHROMIUM:-chromium,chromium-browser,google-chrome} chromium

# A twin is its .md plus the generated Colab cell (tools/notebooks.py).
chapters/%.ipynb: chapters/%.md _config.yml tools/notebooks.py | $(STAMP)
	@$(BIN)/python tools/notebooks.py $<
notebooks: $(TWINS)

# Outputs are cached by notebook content, so a d2lutils change alone would leave stale
# outputs: it drops the execution cache and Sphinx's environment.
_build/.d2lutils-stamp: $(wildcard d2lutils/*.py d2lutils/results/*)
	@mkdir -p _build && { test ! -d $(CACHE) || { echo "d2lutils changed: re-executing every chapter"; rm -rf $(CACHE) $(DOCTREES); }; } && touch $@

# A failed build forgets Sphinx's environment (or the next run would skip the pages that
# warned) and no failure report of an earlier build survives into a good one.
book: setup _build/.d2lutils-stamp $(TWINS)
	@rm -rf _build/html/reports && $(BIN)/jupyter-book build . -W -n --keep-going || { rm -rf $(DOCTREES); echo "make book failed: see the warnings and the notebook named above"; exit 1; }
	@touch _build/html/.book-built && echo "The book is at file://$(CURDIR)/_build/html/index.html"

pdf: book
	@$(BIN)/python tools/pdf/build.py

# One torch thread per xdist worker (and per notebook kernel) on a 2-core machine.
test: book browser pdf
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env
check: $(STAMP) data $(TWINS)
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadscope -m "not slow" tests/unit tests/sources

linkcheck: book
	@$(BIN)/python tools/links.py _build/linkcheck/external-links.txt
lab: $(STAMP) data
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || $(BIN)/python -m pip install --quiet jupyterlab -c constraints.txt; $(BIN)/jupyter lab chapters/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)
clean:
	rm -rf _build
