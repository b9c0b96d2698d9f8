# The book's two commands: `make book` builds the HTML, `make test` runs every test.
# Both set themselves up (virtual environment, packages, data) and are quick the
# second time: pip is skipped when nothing changed and cell outputs are cached.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
FMNIST := /usr/share/datasets/fashion-mnist
CHAPTERS_MD := $(shell grep -l '^kernelspec:' chapters/*.md)

.PHONY: help setup data book test notebooks clean

help:
	@echo "make book       build the HTML book into _build/html (cell errors and warnings fail it)"
	@echo "make test       build the book, then run unit tests, chapter checks and nbval"
	@echo "make notebooks  regenerate the .ipynb twin of every chapter from its .md"
	@echo "make clean      remove _build (keeps .venv)"

# --- set-up ---------------------------------------------------------------

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt -c constraints.txt
	@touch $@

setup: $(STAMP) data

data:
	@if [ -d "$(FMNIST)" ]; then \
		echo "Fashion-MNIST: using the Debian package files in $(FMNIST)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Fashion-MNIST: installing the Debian package dataset-fashion-mnist"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; \
	else \
		echo "Fashion-MNIST: $(FMNIST) is missing and apt-get is not usable here;"; \
		echo "  d2lutils will look in \$$D2LUTILS_DATA and its cache, then let torchvision download it on first use."; \
	fi

# --- the book -------------------------------------------------------------

book: setup
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# --- tests ----------------------------------------------------------------

test: book
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env

# --- maintenance ------------------------------------------------------------

notebooks: $(STAMP)
	$(BIN)/jupytext --update --to ipynb $(CHAPTERS_MD)

clean:
	rm -rf _build
