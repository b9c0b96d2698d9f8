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

# Offline assets: what a page would otherwise load from a CDN, served by the book itself.
# `make book` fetches these pinned npm packages once into $(NPM_CACHE) and unpacks them
# into $(OFFLINE), which _config.yml names in `html_extra_path`: Sphinx copies it into
# _build/html, and every page loads them from _static/offline/ by a relative URL.
MATHJAX_VERSION      := 3.2.2
REQUIREJS_VERSION    := 2.3.8
HTML_MANAGER_VERSION := 1.0.15
NPM_CACHE := _build/.npm-cache
OFFLINE   := _build/offline
VENDOR    := $(OFFLINE)/_static/offline
STAGE     := $(OFFLINE).new/_static/offline
ASSETS    := mathjax@$(MATHJAX_VERSION) requirejs@$(REQUIREJS_VERSION) @jupyter-widgets/html-manager@$(HTML_MANAGER_VERSION)
# MathJax's other combined bundles: never loaded by tex-mml-chtml.js, so not shipped.
MATHJAX_UNUSED := mml-chtml.js mml-svg.js node-main.js tex-chtml.js tex-chtml-full.js \
	tex-chtml-full-speech.js tex-mml-svg.js tex-svg.js tex-svg-full.js
# The browser for tests/test_html.py (Debian's package; a Chromium or Chrome on PATH will do).
CHROMIUM := $(firstword $(foreach b,chromium chromium-browser google-chrome,$(shell command -v $(b) 2>/dev/null)))

# Loaded on pages with widgets, between RequireJS and the widget manager (see _config.yml).
define WIDGETS_SETUP_JS
/* Written by `make book` (Makefile: WIDGETS_SETUP_JS). Runs on pages with widgets, after
   RequireJS and before the ipywidgets HTML manager:
   1. RequireJS resolves the manager's modules, and so its icon fonts, in the folder named
      below (next to this file, or the CDN without npm) instead of next to the page;
   2. the manager typesets widget labels with MathJax 2's MathJax.Hub.Queue, which
      MathJax 3 lacks: map it onto MathJax 3's typesetPromise. */
(function () {
  var here = document.currentScript.src;
  window.require.config({paths: {"@jupyter-widgets/html-manager/dist": $(WIDGETS_DIST)}});
  function hub() {
    var M = window.MathJax;
    if (!M || M.Hub) return;
    M.Hub = {Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        var mj = window.MathJax;
        if (Array.isArray(job) && job[0] === "Typeset" && mj.startup) {
          mj.startup.promise.then(function () { return mj.typesetPromise([job[2]]); });
        }
      });
    }};
  }
  hub();
  document.addEventListener("DOMContentLoaded", hub);
  window.addEventListener("load", hub);
})();
endef
export WIDGETS_SETUP_JS
assets-from-npm: WIDGETS_DIST = new URL("html-manager/dist", here).href
assets-fallback: WIDGETS_DIST = "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@$(HTML_MANAGER_VERSION)/dist"

.PHONY: help setup data assets assets-from-npm assets-fallback browser book test linkcheck notebooks lab clean

help:
	@echo "make book       build the HTML book into _build/html (cell errors and warnings fail it)"
	@echo "make test       build the book, then run unit tests, chapter checks, nbval and browser checks"
	@echo "make notebooks  regenerate the .ipynb twin of every chapter from its .md"
	@echo "make lab        open the chapters as notebooks in JupyterLab (installed on first use)"
	@echo "make linkcheck  list the book's external links; check them when there is a network"
	@echo "make clean      remove _build (keeps .venv)"

# --- set-up ---------------------------------------------------------------

# tools/venv.py: refuses a Python older than 3.11 in one line, creates the venv, and runs
# pip only when the installed versions do not already satisfy the pins.
$(STAMP): requirements.txt constraints.txt pyproject.toml tools/venv.py
	@$(PYTHON) tools/venv.py $(VENV) $@

setup: $(STAMP) data assets

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

# MathJax 3, RequireJS and the ipywidgets HTML manager from npm (pinned above). Without npm
# the build still succeeds: small loaders then fetch the same versions from a CDN at reading
# time (math and widgets need a network) and tests/test_html.py skips, saying why.
assets:
	@if [ "$$(head -n 1 $(VENDOR)/VERSIONS 2>/dev/null)" = "offline $(ASSETS)" ]; then \
		echo "Offline assets: $(ASSETS) (in $(OFFLINE))"; \
	elif command -v npm >/dev/null 2>&1 && $(MAKE) --no-print-directory assets-from-npm; then \
		echo "Offline assets: fetched $(ASSETS) from npm into $(OFFLINE)"; \
	else \
		$(MAKE) --no-print-directory assets-fallback; \
	fi

assets-from-npm:
	@rm -rf $(OFFLINE).new
	@mkdir -p $(NPM_CACHE) $(STAGE)/mathjax $(STAGE)/html-manager
	@cd $(NPM_CACHE) && for pkg in $(ASSETS); do \
		tgz=$$(echo "$$pkg" | sed 's|^@||; s|/|-|; s|@|-|').tgz; \
		test -s "$$tgz" || npm pack --silent "$$pkg" >/dev/null || exit 1; \
	done
	@tar -xzf $(NPM_CACHE)/mathjax-$(MATHJAX_VERSION).tgz -C $(STAGE)/mathjax \
		--strip-components=2 $(addprefix --exclude=package/es5/,$(MATHJAX_UNUSED)) package/es5
	@tar -xzf $(NPM_CACHE)/mathjax-$(MATHJAX_VERSION).tgz -O package/LICENSE > $(STAGE)/mathjax/LICENSE
	@tar -xzf $(NPM_CACHE)/requirejs-$(REQUIREJS_VERSION).tgz -O package/require.js > $(STAGE)/require.js
	@tar -xzf $(NPM_CACHE)/jupyter-widgets-html-manager-$(HTML_MANAGER_VERSION).tgz \
		-C $(STAGE)/html-manager --strip-components=1 \
		--wildcards 'package/package.json' 'package/dist/embed-amd.js' 'package/dist/embed.js.LICENSE.txt' \
		'package/dist/*.woff' 'package/dist/*.woff2' 'package/dist/*.ttf' 'package/dist/*.eot' 'package/dist/*.svg'
	@printf '%s\n' "$$WIDGETS_SETUP_JS" > $(STAGE)/widgets-setup.js
	@test -s $(STAGE)/mathjax/tex-mml-chtml.js
	@test -s $(STAGE)/html-manager/dist/embed-amd.js
	@{ echo "offline $(ASSETS)"; \
	   echo "Third-party files served with the book so that it reads offline, unpacked by"; \
	   echo "'make book' from the npm packages named on the first line. Licences: MathJax"; \
	   echo "Apache-2.0 (mathjax/LICENSE), RequireJS MIT (header of require.js), ipywidgets"; \
	   echo "HTML manager BSD-3-Clause (html-manager/package.json, dist/embed.js.LICENSE.txt)."; \
	 } > $(STAGE)/VERSIONS
	@rm -rf $(OFFLINE) && mv $(OFFLINE).new $(OFFLINE)

assets-fallback:
	@echo "WARNING: npm is missing or could not fetch $(ASSETS)."
	@echo "  The book still builds, but its pages will load MathJax and the widget manager from a"
	@echo "  CDN (math and widgets then need a network), and tests/test_html.py will skip."
	@echo "  Install Node.js/npm and run 'make book' again to serve them from the book itself."
	@rm -rf $(OFFLINE) && mkdir -p $(VENDOR)/mathjax $(VENDOR)/html-manager/dist
	@echo '/* Written by make book without npm: loads MathJax from a CDN (needs a network). */' > $(VENDOR)/mathjax/tex-mml-chtml.js
	@echo '(function () { var s = document.createElement("script"); s.async = true; s.src = "https://cdn.jsdelivr.net/npm/mathjax@$(MATHJAX_VERSION)/es5/tex-mml-chtml.js"; document.head.appendChild(s); })();' >> $(VENDOR)/mathjax/tex-mml-chtml.js
	@echo '/* Written by make book without npm: loads RequireJS from a CDN (needs a network). */' > $(VENDOR)/require.js
	@echo 'document.write("<script src=\"https://cdn.jsdelivr.net/npm/requirejs@$(REQUIREJS_VERSION)/require.js\"></" + "script>");' >> $(VENDOR)/require.js
	@echo '/* Written by make book without npm: loads the widget manager from a CDN (needs a network). */' > $(VENDOR)/html-manager/dist/embed-amd.js
	@echo 'document.write("<script src=\"https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@$(HTML_MANAGER_VERSION)/dist/embed-amd.js\"></" + "script>");' >> $(VENDOR)/html-manager/dist/embed-amd.js
	@printf '%s\n' "$$WIDGETS_SETUP_JS" > $(VENDOR)/widgets-setup.js
	@echo "cdn-fallback $(ASSETS)" > $(VENDOR)/VERSIONS

# Headless Chromium for the browser tests: installed with apt-get when missing and we are
# root; otherwise tests/test_html.py skips, saying so.
browser:
	@if [ -n "$(CHROMIUM)" ]; then \
		echo "Browser tests: using $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Browser tests: installing the Debian package chromium"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
			|| echo "Browser tests: apt-get could not install chromium; tests/test_html.py will skip."; \
	else \
		echo "Browser tests: no Chromium found and apt-get is not usable here;"; \
		echo "  tests/test_html.py will skip (install chromium, or set CHROMIUM=/path/to/chrome)."; \
	fi

# --- the book -------------------------------------------------------------

# Cell outputs are cached by notebook content and Sphinx re-reads only changed sources, so a
# change to d2lutils alone would leave stale outputs in the book: when any d2lutils module is
# newer than the last build, drop both the execution cache and Sphinx's environment.
EXEC_CACHE := _build/.jupyter_cache
DOCTREES   := _build/.doctrees
_build/.d2lutils-stamp: $(wildcard d2lutils/*.py)
	@mkdir -p _build
	@if [ -d $(EXEC_CACHE) ]; then echo "d2lutils changed: re-executing every chapter"; \
		rm -rf $(EXEC_CACHE) $(DOCTREES); fi
	@touch $@

# A failed build forgets Sphinx's environment: otherwise the next run would skip the pages
# that warned (their sources did not change) and pass without anything being fixed.
book: setup _build/.d2lutils-stamp $(TWINS)
	@$(BIN)/jupyter-book build . -W -n --keep-going || { rm -rf $(DOCTREES); \
		echo "make book failed: see the warnings and the notebook named above"; exit 1; }
	@# Sphinx copies html_extra_path only when some page changed: mirror the assets anyway.
	@rm -rf _build/html/_static/offline && cp -R $(OFFLINE)/. _build/html/
	@touch _build/html/.book-built
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# --- tests ----------------------------------------------------------------

# Each xdist worker (and each notebook kernel it starts) gets one torch thread: with
# two workers on two cores, more threads would stall small operations for milliseconds.
test: book browser
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env

# External links cannot be checked offline: list them (with the pages that hold them) in
# _build/linkcheck/external-links.txt, and run Sphinx's linkcheck builder when the network
# answers (probe: $(LINKCHECK_PROBE), a host:port).
LINKCHECK_PROBE ?= github.com:443
linkcheck: book
	@$(BIN)/python tests/test_html.py --list-external-links _build/linkcheck/external-links.txt
	@if $(BIN)/python -c "import socket,sys; h,p='$(LINKCHECK_PROBE)'.rsplit(':',1); socket.create_connection((h,int(p)),timeout=5).close()" 2>/dev/null; then \
		$(BIN)/jupyter-book build . --builder linkcheck; \
	else \
		echo "No network ($(LINKCHECK_PROBE) does not answer): external links listed, not checked."; \
	fi

# --- maintenance ------------------------------------------------------------

# Each .ipynb twin is generated from its .md (plus a hidden Colab set-up cell built from
# _config.yml's repository URL): regenerated whenever its source changes.
TWINS := $(CHAPTERS_MD:.md=.ipynb)
chapters/%.ipynb: chapters/%.md _config.yml tools/notebooks.py | $(STAMP)
	@$(BIN)/python tools/notebooks.py $<
notebooks: $(TWINS)

# JupyterLab is for reading and editing, not for building or testing, so it is installed
# only when asked for (version pinned in constraints.txt).
lab: $(STAMP) data
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check jupyterlab -c constraints.txt
	$(BIN)/jupyter lab chapters/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

clean:
	rm -rf _build
