"""The book as a reader sees it: the built HTML in headless Chromium, with no network.

``make test`` builds the book first (``make book``; cell execution is cached), so these
checks always look at what readers get. Run directly with pytest they skip, with the
reason, when ``_build/html`` is missing or older than the sources, when ``make book``
could not fetch the offline assets (no npm), or when Chromium or Playwright is missing;
in CI (``CI=true``) each of those reasons fails the checks instead, so that a green CI
always means the pages were checked.

Two kinds of checks:

* static, on the HTML files (BeautifulSoup): internal links and anchors resolve, every
  image has real alt text, figures have captions, nothing is loaded from a network,
  section pages offer ``.ipynb`` and ``.md`` downloads;
* in the browser (Playwright driving the system's Chromium; every request that is not
  ``file://`` is blocked and recorded): every page loads without script errors or missing
  files, math is typeset by the local MathJax, animation players show working controls,
  embedded widgets render, no error output, headings in order, every code cell has a
  working copy button, text is legible in the light and the dark theme, and search works
  from ``file://``. Every page is screenshot in both themes into ``_build/screenshots/``
  (with ``report.json``, what was checked per page).

The browser is launched once for the module and loads each page once (light theme, then
switched to dark in place); the tests then assert on what it recorded, each listing every
page that fails. Known, harmless upstream script errors are listed in KNOWN_JS_ERRORS
together with the check that proves their cause.

The external links of the built book are listed by ``make linkcheck``
(``tools/links.py``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
VENDOR_VERSIONS = HTML / "_static" / "offline" / "VERSIONS"
MAKE_STAMP = HTML / ".book-built"  # touched by `make book` after a successful build
SEARCH_TERM = "convolution"
VIEWPORT = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 20_000
CONDITION_TIMEOUT_MS = 5_000  # how long a click may take to show its effect (slider, clipboard)
MIN_CONTRAST = 4.5  # WCAG AA for body text
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--no-pings",
    # belt and braces: no host name resolves (only the loopback server of one search test)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL_SCHEMES = ("file", "data", "blob", "about")
# Script errors that are known, harmless and not ours, each with the check that proves the cause.
# (sphinx-thebe's doubled inline script, which threw "Identifier 'THEBE_JS_URL' has already
# been declared" on every page, is gone: tools/sphinxext/html_fixes.py, and
# test_no_script_is_included_twice.)
KNOWN_JS_ERRORS: dict = {}
SKIP_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript", "ftp"}

pytestmark = pytest.mark.html


# --- what is built, and is it current? ---------------------------------------------


def source_files() -> list[Path]:
    """The files a build of the HTML depends on (cell outputs are cached by content)."""
    files = [ROOT / "_config.yml", ROOT / "_toc.yml"]
    files += sorted((ROOT / "chapters").glob("*.md")) + sorted((ROOT / "chapters").glob("*.bib"))
    return [f for f in files if f.exists()]


def html_pages() -> list[Path]:
    """Every HTML page of the built book (not the theme's or the vendored assets)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(p for p in HTML.rglob("*.html") if not skip & set(p.relative_to(HTML).parts))


REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)


def redirect_target(page: Path) -> str | None:
    """The URL a redirect stub (Jupyter Book's root index.html) sends the reader to."""
    head = page.read_text(encoding="utf-8", errors="replace")[:500]
    m = REFRESH.search(head) if "<body" not in head else None
    return m.group(1) if m else None


def build_problem() -> str | None:
    """Why the built HTML cannot be checked, or None when it can."""
    if not (HTML / "index.html").exists():
        return f"{HTML.relative_to(ROOT)}/index.html does not exist: run `make book` first"
    built = max([p.stat().st_mtime for p in html_pages()]
                + ([MAKE_STAMP.stat().st_mtime] if MAKE_STAMP.exists() else []))
    newer = [f.relative_to(ROOT).as_posix() for f in source_files() if f.stat().st_mtime > built]
    if newer:
        return (f"the HTML in {HTML.relative_to(ROOT)} is older than {', '.join(newer[:5])}"
                f"{' ...' if len(newer) > 5 else ''}: run `make book` (or `make test`)")
    return None


def assets_problem() -> str | None:
    """Why the pages cannot render offline (MathJax and widget manager not vendored)."""
    if not VENDOR_VERSIONS.exists():
        return (f"{VENDOR_VERSIONS.relative_to(ROOT)} is missing: the book was built without "
                "`make book`, which unpacks MathJax and the widget manager for offline reading")
    first = VENDOR_VERSIONS.read_text().splitlines()[0]
    if not first.startswith("offline "):
        return (f"`make book` could not fetch the offline assets with npm ({first!r}), so pages "
                "load MathJax and widgets from a CDN: install Node.js/npm and run `make book`")
    return None


def find_chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM, Debian's binary, or a chromium/chrome on PATH."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def unavailable(why: str) -> None:
    """Skip, saying why; in CI (CI=true) fail instead: a skipped check is no check."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"in CI this check must run: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def book() -> Path:
    problem = build_problem()
    if problem:
        unavailable(problem)
    return HTML


@pytest.fixture(scope="module")
def offline_book(book) -> Path:
    problem = assets_problem()
    if problem:
        unavailable(problem)
    return book


# --- static checks on the HTML files -----------------------------------------------


def parse(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class Parsed(dict):
    """Page path -> parsed HTML; short repr so that a failing test's report stays readable."""

    def __repr__(self) -> str:
        return f"<{len(self)} parsed pages of {HTML.relative_to(ROOT)}>"


@pytest.fixture(scope="module")
def soups(book) -> Parsed:
    return Parsed((p, parse(p)) for p in html_pages())


def rel(path: Path) -> str:
    return path.relative_to(HTML).as_posix()


def ids_of(path: Path, cache: dict, soups: dict) -> set[str]:
    if path not in cache:
        soup = soups.get(path) or parse(path)
        cache[path] = {t["id"] for t in soup.find_all(id=True)} | {
            t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return cache[path]


LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src",
              "source": "src", "iframe": "src", "video": "src", "audio": "src"}


def test_internal_links_and_anchors_resolve(soups):
    """Every relative href/src points at a file of the book, and every #fragment at an id."""
    ids: dict[Path, set[str]] = {}
    broken, checked = [], 0
    for page, soup in soups.items():
        urls = [el[attr].strip() for tag, attr in LINK_ATTRS.items()
                for el in soup.find_all(tag, attrs={attr: True})]
        urls += [redirect] if (redirect := redirect_target(page)) else []
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES or url in ("", "#") or url.startswith("//"):
                continue
            checked += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if HTML.resolve() not in target.parents:
                broken.append(f"{rel(page)}: {url} points outside the book")
            elif not target.exists():
                broken.append(f"{rel(page)}: {url} -> missing file")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in ids_of(target, ids, soups):
                    broken.append(f"{rel(page)}: {url} -> no id {parts.fragment!r}")
    assert checked > 10 * len(soups), f"only {checked} internal links found in {len(soups)} pages"
    assert not broken, f"{len(broken)} of {checked} internal links broken:\n" + "\n".join(broken)


FILE_NAME_ALT = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$", re.I)


def test_every_image_has_alt_text(soups):
    """Alt text present, not empty, and not just the file name myst-nb puts there by default."""
    bad, checked = [], 0
    for page, soup in soups.items():
        for img in soup.find_all("img"):
            checked += 1
            alt = (img.get("alt") or "").strip()
            where = img.get("src", "")[:60] or f"id={img.get('id')}"
            if "alt" not in img.attrs:
                bad.append(f"{rel(page)}: <img {where}> has no alt attribute")
            elif not alt:
                bad.append(f"{rel(page)}: <img {where}> has an empty alt")
            elif FILE_NAME_ALT.search(alt) or alt == img.get("src"):
                bad.append(f"{rel(page)}: <img {where}> alt is a file name ({alt[:60]!r})")
    assert checked, "no images at all in the book"
    assert not bad, "images without real alt text (use mystnb image.alt / figure metadata):\n" + (
        "\n".join(bad))


def test_figures_have_captions(soups):
    """Every <figure> has a non-empty caption, and every plotted output is such a figure."""
    bad = []
    for page, soup in soups.items():
        for fig in soup.find_all("figure"):
            cap = fig.find("figcaption")
            if cap is None or not cap.get_text(strip=True):
                bad.append(f"{rel(page)}: figure {fig.get('id', '')} has no caption")
        for img in soup.select("div.cell_output img"):
            # players and explorers are controls, described by their alt text
            if img.find_parent("figure") is None and img.find_parent(
                    class_=("animation", "d2l-explorer")) is None:
                bad.append(f"{rel(page)}: output image {img.get('src', '')[:50]} is not in a "
                           "captioned figure (mystnb figure.caption)")
    assert not bad, "\n".join(bad)


def _section_number(soup) -> str | None:
    """A section page's number as its title shows it ("1.2"), or None (chapter, front)."""
    h1 = soup.select_one("main h1 span.section-number, article h1 span.section-number")
    number = h1.get_text(strip=True).rstrip(".") if h1 else ""
    return number if re.fullmatch(r"\d+\.\d+", number) else None


def test_numbering_is_per_section(soups):
    """Figures, equations and exercises are numbered within their section, as d2l does.

    In section 1.2 the captions read "Fig. 1.2.M" and "Exercise 1.2.M", the equation
    numbers "(1.2.M)", each counting from 1, and a reference in the text to a figure reads
    the caption number of the figure it points to (`numfig_secnum_depth: 2` in _config.yml).
    """
    bad, sections, figure_refs = [], 0, []
    counted = {"figure": 0, "exercise": 0, "equation": 0}
    for page, soup in soups.items():
        number = _section_number(soup)
        if number is None:
            continue
        sections += 1
        pattern = re.escape(number) + r"\.(\d+)"
        kinds = {
            "figure": [c.get_text(" ", strip=True) for c in
                       soup.select("figure figcaption span.caption-number")],
            "exercise": [c.get_text(" ", strip=True) for c in
                         soup.select("div.exercise p.admonition-title span.caption-number")],
            "equation": [c.get_text(strip=True) for c in soup.select("div.math span.eqno")],
        }
        for kind, labels in kinds.items():
            counted[kind] += len(labels)
            prefix = {"figure": r"Fig\. ", "exercise": r"Exercise ", "equation": r"\("}[kind]
            seen = [re.match(prefix + pattern, label) for label in labels]
            if not all(seen):
                bad.append(f"{rel(page)}: {kind} numbers not of the form {number}.M: "
                           f"{[lb for lb, m in zip(labels, seen) if not m][:3]}")
            elif [int(m.group(1)) for m in seen] != list(range(1, len(seen) + 1)):
                bad.append(f"{rel(page)}: {kind} numbers do not count 1, 2, ...: {labels}")
        figure_refs += [(page, r.parent.get("href", ""), r.get_text(strip=True)) for r in
                        soup.select("a.reference.internal span.std-numref")
                        if r.get_text(strip=True).startswith("Fig.")]
    assert sections >= 6, f"only {sections} numbered section pages found"
    assert counted["figure"] and counted["equation"], counted
    assert counted["exercise"] >= 5 * sections, counted
    per_section = [text for _, _, text in figure_refs
                   if re.fullmatch(r"Fig\. \d+\.\d+\.\d+", text)]
    assert per_section, ("no figure reference in the text reads 'Fig. 1.N.M': "
                         f"{[t for _, _, t in figure_refs][:5]}")
    # each reference reads as the caption of the figure it points to
    for page, href, text in figure_refs:
        parts = urlsplit(href)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        soup = soups.get(target) or parse(target)
        figure = soup.find(id=unquote(parts.fragment)) if parts.fragment else None
        number = figure.select_one("figcaption span.caption-number") if figure else None
        shown = number.get_text(" ", strip=True) if number else None
        if shown != text:
            bad.append(f"{rel(page)}: reference {text!r} to {href} whose caption reads {shown!r}")
    assert not bad, "\n".join(bad)


def test_no_script_is_included_twice(soups):
    """No page's head loads the same script file, or runs the same inline script, twice.

    (Cell outputs may repeat one: each animation player carries its own copy of
    matplotlib's function declarations, which may be declared again.)
    """
    bad = []
    for page, soup in soups.items():
        seen = [s.get("src") or s.get_text(strip=True)
                for s in (soup.head or soup).find_all("script")]
        doubled = sorted({k[:60] for k in seen if k and seen.count(k) > 1})
        if doubled:
            bad.append(f"{rel(page)}: {doubled}")
    assert not bad, "scripts included twice:\n" + "\n".join(bad)


def test_bibliography_is_author_year_with_a_link_for_every_entry(soups):
    """Each entry is labelled as the text cites it ("LeCun et al., 1998") and carries a DOI
    or URL (tools/sphinxext/author_year.py; chapters/references.bib)."""
    page = HTML / "chapters" / "bibliography.html"
    entries = soups[page].select("div.citation")
    assert len(entries) >= 10, f"only {len(entries)} entries on {rel(page)}"
    bad = []
    for entry in entries:
        label = entry.select_one("span.label").get_text("", strip=True).strip("[]")
        if not re.fullmatch(r"[^\W\d][\w'’ .-]*(?: and [\w'’ .-]+| et al\.)?, \d{4}[a-z]?",
                            label):
            bad.append(f"label {label!r} is not author-year")
        links = [a["href"] for a in entry.select("a.reference.external[href]")]
        if not any(h.startswith(("https://doi.org/", "https://", "http://")) for h in links):
            bad.append(f"{label}: no DOI or URL")
    assert not bad, "\n".join(bad)


def test_no_empty_index_page(book, soups):
    """The book has an index page with entries, or none at all (and no page links one)."""
    index = book / "genindex.html"
    if index.exists():
        entries = parse(index).select("table.indextable a")
        assert entries, "genindex.html is empty"
    else:
        linked = [rel(p) for p, soup in soups.items()
                  if soup.find(href=re.compile(r"(^|/)genindex\.html"))]
        assert not linked, f"pages link the missing index: {linked}"


def test_search_index_titles_have_no_raw_tex(book):
    """Headings with math are listed by search as text ("1 × 1 ..."), not as TeX."""
    raw = (book / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1:raw.rindex(")")])
    titles = list(index["titles"]) + list(index["alltitles"])
    assert titles, "the search index lists no titles"
    tex = [t for t in titles if re.search(r"\\[A-Za-z]|\$", t)]
    assert not tex, f"search titles with raw TeX: {tex}"
    bare = [t for t in titles if t.startswith(" (")]
    assert not bare, f"exercises listed without 'Exercise N.M.K': {bare[:3]}"
    assert any(re.match(r"Exercise \d+\.\d+\.\d+ \(", t) for t in titles), titles[:5]


def test_nothing_is_loaded_from_a_network(soups):
    """No script, stylesheet, image, font or frame URL in the HTML points off the book."""
    remote = []
    for page, soup in soups.items():
        for tag, attr in LINK_ATTRS.items():
            if tag == "a":
                continue
            for el in soup.find_all(tag, attrs={attr: True}):
                url = el[attr].strip()
                if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(
                        el.get("rel") or []):
                    continue
                if urlsplit(url).scheme in ("http", "https") or url.startswith("//"):
                    remote.append(f"{rel(page)}: <{tag} {attr}={url}>")
        for style in soup.find_all("style"):
            remote += [f"{rel(page)}: <style> {u}" for u in
                       re.findall(r"url\(['\"]?((?:https?:)?//[^'\")]+)", style.get_text())]
    assert not remote, "pages load assets from the network:\n" + "\n".join(remote)


def test_offline_assets_are_vendored(offline_book, soups):
    """MathJax and the widget manager are served from _static/offline by relative URLs.

    Every page with math loads the vendored MathJax by a path relative to its own depth
    (chapters/x.html -> ../_static/offline/...), and that path is a real file.
    """
    vendor = offline_book / "_static" / "offline"
    for needed in ("mathjax/tex-mml-chtml.js", "mathjax/LICENSE",
                   "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
                   "mathjax/input/tex/extensions/boldsymbol.js", "require.js",
                   "widgets-setup.js", "html-manager/dist/embed-amd.js"):
        assert (vendor / needed).stat().st_size > 0, needed
    with_math = 0
    for page, soup in soups.items():
        if not soup.select("span.math, div.math"):
            continue
        with_math += 1
        srcs = [s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"]]
        prefix = "../" * rel(page).count("/") + "_static/offline/mathjax/tex-mml-chtml.js"
        assert len(srcs) == 1 and srcs[0].split("?")[0] == prefix, (rel(page), srcs)
        assert (page.parent / prefix).resolve() == (vendor / "mathjax/tex-mml-chtml.js").resolve()
    assert with_math, "no page has math, so the MathJax set-up is untested"


def test_section_pages_offer_ipynb_and_md_downloads(soups):
    """Each notebook section links its .md source and its executed .ipynb, and both exist."""
    sections = [p for p in sorted((ROOT / "chapters").glob("*.md"))
                if "\nkernelspec:" in p.read_text(encoding="utf-8")[:2000]]
    assert sections, "no notebook sections found in chapters/"
    missing = []
    for md in sections:
        page = HTML / "chapters" / f"{md.stem}.html"
        if page not in soups:
            missing.append(f"{md.name}: no page {rel(page)}")
            continue
        for suffix in (".ipynb", ".md"):
            links = [a["href"] for a in soups[page].select("div.dropdown-download-buttons a[href]")
                     if a["href"].split("?")[0].endswith(f"/{md.stem}{suffix}")]
            if not links:
                missing.append(f"{rel(page)}: no {suffix} download in the download menu")
                continue
            target = (page.parent / links[0]).resolve()
            if not target.exists():
                missing.append(f"{rel(page)}: {links[0]} does not exist")
            elif suffix == ".md" and target.read_text(encoding="utf-8") != md.read_text(
                    encoding="utf-8"):
                missing.append(f"{rel(page)}: {links[0]} differs from chapters/{md.name}")
            elif suffix == ".ipynb":
                nb = json.loads(target.read_text(encoding="utf-8"))
                code = [c for c in nb["cells"] if c["cell_type"] == "code"]
                if nb.get("nbformat") != 4 or not code:
                    missing.append(f"{rel(page)}: {links[0]} is not a notebook with code cells")
    assert not missing, "\n".join(missing)


WARNING_OR_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*Warning: .{0,60}")


def test_no_error_output_in_pages(soups):
    """No traceback, stderr or warning output, docutils error or unresolved reference.

    A cell tagged ``raises-exception`` shows its error on purpose and is not counted.
    """
    found = []
    selectors = ["div.output.traceback", "div.output.stderr", "div.output.error",
                 ".system-message", ".problematic", "div.highlight-ipythontb"]

    def deliberate(el) -> bool:
        return el.find_parent("div", class_="tag_raises-exception") is not None

    for page, soup in soups.items():
        for sel in selectors:
            found += [f"{rel(page)}: {sel}: {el.get_text(' ', strip=True)[:120]}"
                      for el in soup.select(sel) if not deliberate(el)]
        for out in soup.select("div.cell_output"):  # stderr merged into stdout lands here
            if deliberate(out):
                continue
            text = out.get_text(" ")
            for m in WARNING_OR_TRACEBACK.finditer(text):
                found.append(f"{rel(page)}: a cell output shows {m.group(0)!r}")
    assert not found, "error output in the book:\n" + "\n".join(found)


# --- in the browser ------------------------------------------------------------------


@dataclass
class PageResult:
    """What the browser saw on one page in one theme."""

    page: str
    theme: str
    title: str = ""
    load_ms: float = 0.0
    remote_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    animations: list[dict] = field(default_factory=list)
    copy: list[dict] = field(default_factory=list)
    screenshot: str = ""


# Collected in one evaluate() per page: math, widgets, copy buttons, headings.
PAGE_FACTS_JS = r"""
async () => {
  const out = {};
  const visible = el => el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
  // math: every .math element the page has is typeset by MathJax, without TeX errors
  const maths = [...document.querySelectorAll('article span.math, article div.math')];
  if (maths.length && window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try { await MathJax.startup.promise; } catch (e) { out.mathjaxError = String(e); }
  }
  out.math = maths.length;
  out.mathTypeset = maths.filter(m => m.querySelector('mjx-container')).length;
  out.mathErrors = [...document.querySelectorAll('mjx-merror')].map(e => e.textContent).slice(0, 5);
  out.mathRaw = maths.filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.slice(0, 60)).slice(0, 5);
  out.mathjaxVersion = window.MathJax && MathJax.version || null;
  out.mathFonts = [...document.fonts].filter(f => f.family.replace(/"/g, '').startsWith('MJX'))
      .map(f => f.family.replace(/"/g, '') + ':' + f.status);
  const mathHidden = maths.filter(m => m.querySelector('mjx-container') &&
      m.querySelector('mjx-container').getBoundingClientRect().width === 0 && visible(m)).length;
  out.mathZeroWidth = mathHidden;
  // widgets: each embedded widget view is rendered by the local widget manager
  out.widgetViews = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length;
  // explorers: in the static page each one is a .d2l-explorer (its HTML form)
  out.explorers = document.querySelectorAll('.d2l-explorer').length;
  out.widgetsRendered = document.querySelectorAll('.jupyter-widgets.widget-inline-hbox, ' +
      '.jupyter-widgets.widget-box, .jupyter-widgets.widget-inline-vbox, ' +
      '.jupyter-widgets.widget-html, .jupyter-widgets.widget-output, ' +
      '.jupyter-widgets.widget-label, .jupyter-widgets.widget-button').length;
  // images that scripts added (widgets) need alt text too
  out.imagesWithoutAlt = [...document.querySelectorAll('article img')]
      .filter(i => !(i.getAttribute('alt') || '').trim())
      .map(i => (i.closest('.jupyter-widgets') ? 'widget ' : '') +
           (i.id || (i.getAttribute('src') || '').slice(0, 40)));
  // code cells: each has a copy button
  const codes = [...document.querySelectorAll('article div.cell_input div.highlight, ' +
      'article div.highlight-ipython3 div.highlight, article div.highlight-python div.highlight')];
  out.codeBlocks = codes.length;
  out.codeWithoutCopy = codes.filter(c => !c.querySelector('button.copybtn'))
      .map(c => c.textContent.trim().slice(0, 60));
  // headings as a screen reader meets them (rendered ones only)
  out.headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(visible).map(h => [Number(h.tagName[1]), h.textContent.replace('#', '').trim()]);
  out.theme = document.documentElement.dataset.theme || null;
  out.textLength = (document.querySelector('article') || document.body).innerText.length;
  return out;
}
"""

# Legibility in the current theme: the lowest contrast ratio of each kind of text against
# the background it is drawn on (WCAG formula), over the rendered elements of that kind.
THEME_FACTS_JS = r"""
() => {
  const out = {};
  const visible = el => el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; }
      return [255, 255, 255]; };  // nothing opaque up to <html>: the canvas is white
  const ratio = el => { const a = lum(rgb(getComputedStyle(el).color)), b = lum(bgOf(el));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const samples = {
    'body text': 'article p', 'heading': 'article h1, article h2', 'link': 'article p a',
    'code cell': 'article div.cell_input pre', 'output': 'article div.cell_output pre',
    'admonition': 'article .admonition p', 'sidebar': '.bd-sidebar-primary a.reference',
    'caption': 'article figcaption span', 'table': 'article table td',
    'inline code': 'article p code', 'widget code': 'article .jupyter-widgets code',
    'widget text': 'article .jupyter-widgets label, article .widget-html-content, ' +
      'article .widget-readout',
  };
  out.contrast = {};
  for (const [name, sel] of Object.entries(samples)) {
    const els = [...document.querySelectorAll(sel)].filter(visible).slice(0, 20);
    if (els.length) out.contrast[name] = Math.min(...els.map(ratio));
  }
  out.theme = document.documentElement.dataset.theme || null;
  return out;
}
"""

ANIMATION_JS = r"""
() => [...document.querySelectorAll('.animation')].map((a, i) => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const img = a.querySelector('img');
  const buttons = [...a.querySelectorAll('button')].map(b => {
    const icon = b.querySelector('svg, i, img');
    return {label: b.getAttribute('aria-label') || b.title || b.textContent.trim(),
            box: box(b), icon: icon ? box(icon) : null};
  });
  const slider = a.querySelector('input[type=range]');
  return {index: i, img: img ? [img.naturalWidth, img.naturalHeight] : null,
          imgAlt: img ? img.getAttribute('alt') : null, buttons,
          slider: slider ? {box: box(slider), value: slider.value, max: slider.max} : null};
})
"""


def _visit(context, page: Path, shots: Path) -> dict[str, PageResult]:
    """Open one page from file://, let it settle, record what it did and how it looks.

    The page is loaded once in the light theme, screenshot, switched to the dark theme the
    way the theme's own button does it (``data-mode``/``data-theme`` on <html>), checked
    and screenshot again, switched back, and only then clicked (animations, copy buttons),
    so that no click scrolls or focuses anything before a screenshot.
    """
    from playwright.sync_api import expect

    name = rel(page)
    res = PageResult(page=name, theme="light")
    dark = PageResult(page=name, theme="dark")
    p = context.new_page()
    p.on("pageerror", lambda e: res.js_errors.append(str(e).splitlines()[0][:200]))
    p.on("console", lambda m: m.type == "error" and res.console_errors.append(m.text[:200]))
    p.on("requestfailed", lambda r: r.url.startswith("file:") and res.failed_requests.append(
        f"{r.url.split('/_build/html/')[-1]} ({r.failure})"))
    p.on("websocket", lambda ws: res.remote_requests.append(f"websocket {ws.url}"))
    context.remote_log = res.remote_requests
    t0 = time.perf_counter()
    p.goto(page.as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)
    if p.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
        try:  # the widget manager renders after load
            p.wait_for_selector(".jupyter-widgets", timeout=10_000)
        except Exception:  # noqa: BLE001 - recorded as a failure below
            pass
    res.facts = p.evaluate(PAGE_FACTS_JS)
    res.load_ms = (time.perf_counter() - t0) * 1000
    res.title = dark.title = p.title()
    for r in (res, dark):
        if r is dark:
            p.evaluate(SET_THEME_JS, "dark")
        facts = p.evaluate(THEME_FACTS_JS)
        r.facts = {**res.facts, **facts} if r is res else facts
        out = shots / r.theme / (name.replace("/", "__").removesuffix(".html") + ".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(out), full_page=True)
        r.screenshot = out.relative_to(ROOT).as_posix()
    p.evaluate(SET_THEME_JS, "light")
    res.animations = p.evaluate(ANIMATION_JS)
    for anim in res.animations:
        a = p.locator(".animation").nth(anim["index"])
        img, slider = a.locator("img"), a.locator("input[type=range]")
        src0 = img.get_attribute("src")
        a.locator("button[aria-label='Next frame'], button[title='Next frame']").click()
        if anim["slider"] and int(anim["slider"]["max"] or 0) > 0:
            # wait until the player shows frame 1; one that never does is recorded as it is
            try:
                expect(slider).to_have_value("1", timeout=CONDITION_TIMEOUT_MS)
                expect(img).not_to_have_attribute("src", src0 or "", timeout=CONDITION_TIMEOUT_MS)
            except AssertionError:
                pass
        anim["after_next"] = {"value": slider.input_value(),
                              "img_changed": img.get_attribute("src") != src0}
    res.copy = _check_copy_buttons(p)
    p.close()
    return {"light": res, "dark": dark}


SET_THEME_JS = """
async (theme) => {
  document.documentElement.dataset.mode = theme;
  document.documentElement.dataset.theme = theme;
  try { localStorage.setItem('mode', theme); localStorage.setItem('theme', theme); } catch (e) {}
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
"""


# True once the clipboard holds ``want`` (trimmed). wait_for_function does not await a
# promise, so each poll starts a read when none is pending and looks at the last one that finished.
CLIPBOARD_HOLDS_JS = """
(want) => {
  const s = window.__clipboardPoll || (window.__clipboardPoll = {pending: false, text: null});
  if (!s.pending) {
    s.pending = true;
    navigator.clipboard.readText().then(t => { s.text = t; }, () => { s.text = null; })
        .finally(() => { s.pending = false; });
  }
  return s.text !== null && s.text.trim() === want;
}
"""


def _check_copy_buttons(p) -> list[dict]:
    """Click the copy button of up to three code cells; the clipboard gets the cell's code."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    results = []
    cells = p.locator("article div.cell_input div.highlight:visible")
    for i in range(min(cells.count(), 3)):
        cell = cells.nth(i)
        code = cell.locator("pre").inner_text()
        cell.hover()
        p.evaluate("delete window.__clipboardPoll")
        cell.locator("button.copybtn").click()
        try:  # until the clipboard holds the code; if it never does, what it holds is recorded
            p.wait_for_function(CLIPBOARD_HOLDS_JS, arg=code.strip(), polling=20,
                                timeout=CONDITION_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            pass
        copied = p.evaluate("navigator.clipboard.readText()")
        results.append({"cell": i, "ok": copied.strip() == code.strip(),
                        "code": code.strip()[:60], "copied": copied.strip()[:60]})
    return results


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        unavailable("no Chromium found (Debian: apt-get install chromium; or set $CHROMIUM); "
                    "`make test` installs it when run as root")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed: "
                    "pip install -r requirements.txt -c constraints.txt")
    return path


@pytest.fixture(scope="module")
def visits(offline_book, chromium):
    """Every page, light and dark theme, plus the search page: what the browser saw."""
    from playwright.sync_api import sync_playwright

    pages = [p for p in html_pages() if not redirect_target(p)]
    shutil.rmtree(SHOTS, ignore_errors=True)
    results: dict[str, dict[str, PageResult]] = {}
    search: dict = {}
    t0 = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT, color_scheme="light",
                                          reduced_motion="reduce")
            context.grant_permissions(["clipboard-read", "clipboard-write"])

            def block(route, request):
                if urlsplit(request.url).scheme in LOCAL_SCHEMES:
                    route.continue_()
                else:
                    context.remote_log.append(f"{request.resource_type} {request.url}")
                    route.abort("internetdisconnected")

            context.remote_log = []
            context.route("**/*", block)
            context.set_default_timeout(5_000)
            for page in pages:
                try:
                    results[rel(page)] = _visit(context, page, SHOTS)
                except Exception as e:  # noqa: BLE001 - one broken page must not hide the rest
                    res = PageResult(page=rel(page), theme="light",
                                     js_errors=[f"visit failed: {str(e).splitlines()[0]}"])
                    res.facts = {"math": 0, "widgetViews": 0, "codeBlocks": 0, "headings": [],
                                 "codeWithoutCopy": [], "contrast": {}, "theme": None}
                    results[rel(page)] = {"light": res}
            search = _search(context, SEARCH_TERM)
            context.close()
            search["auto_dark"] = _theme_follows_the_system(browser)
            try:
                search["http"] = _search_over_http(browser, SEARCH_TERM)
            except Exception as e:  # noqa: BLE001 - reported by its own test
                search["http"] = {"snippets": [], "remote_requests": [],
                                  "js_errors": [f"search over http failed: {e}"]}
        finally:
            browser.close()
    elapsed = time.perf_counter() - t0
    _write_report(results, search, elapsed)
    return Visits(pages=results, search=search, seconds=elapsed)


class Visits(dict):
    """What the browser saw: {"pages": {page: {theme: PageResult}}, "search": ..., "seconds"}."""

    def __repr__(self) -> str:
        return f"<browser visits of {len(self['pages'])} pages in {self['seconds']:.0f} s>"


def _theme_follows_the_system(browser) -> str | None:
    """The theme a first-time reader gets when the system prefers dark (mode "auto")."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    context.route("**/*", lambda route, request: route.continue_()
                  if urlsplit(request.url).scheme in LOCAL_SCHEMES else route.abort())
    try:
        p = context.new_page()
        p.goto((HTML / "search.html").as_uri(), wait_until="load")
        return p.evaluate("document.documentElement.dataset.theme || null")
    finally:
        context.close()


def _search(context, term: str) -> dict:
    """Query the built-in search from file:// and collect the results it lists."""
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e).splitlines()[0][:200]))
    context.remote_log = []
    out = {"term": term}
    for q, key in ((term, "hits"), ("zzqxjv", "misses")):
        p.goto((HTML / "search.html").as_uri() + f"?q={q}", wait_until="load")
        _wait_for_search(p, summaries=key == "hits")
        out[key] = p.locator("#search-results ul.search li a").evaluate_all(
            "els => els.map(a => a.getAttribute('href'))")
        out[key + "_titles"] = p.locator("#search-results ul.search li a").all_inner_texts()
        out[key + "_snippets"] = p.locator(
            "#search-results ul.search li p.context").all_inner_texts()
        out[key + "_summary"] = p.locator("#search-results").inner_text()[:300]
        if key == "hits":
            shot = SHOTS / "light" / "search__results.png"
            p.screenshot(path=str(shot), full_page=True)
            out["screenshot"] = shot.relative_to(ROOT).as_posix()
    out["js_errors"] = errors
    out["remote_requests"] = list(context.remote_log)
    p.close()
    return out


def _wait_for_search(p, summaries: bool = False) -> None:
    """Wait until search has listed every hit (and, if asked, every hit's snippet)."""
    js = """(summaries) => {
      const done = document.querySelector('#search-results p.search-summary');
      if (!done || !done.textContent.trim()) return false;
      const hits = document.querySelectorAll('#search-results ul.search li');
      return !summaries || [...hits].every(li => li.querySelector('p.context'));
    }"""
    try:
        p.wait_for_function(js, arg=summaries, timeout=10_000)
    except Exception:  # noqa: BLE001 - an incomplete result is asserted on by the test
        pass


def _search_over_http(browser, term: str) -> dict:
    """The same search with the book served on 127.0.0.1: results then carry text snippets.

    Browsers refuse fetch() between file:// pages, so from file:// the results are listed
    by title only (each snippet fetch fails); a hosted copy shows snippets. Only this
    loopback server is reachable from the page.
    """
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(HTML)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    context = browser.new_context(viewport=VIEWPORT)
    remote: list[str] = []

    def block(route, request):
        if request.url.startswith(origin + "/"):
            route.continue_()
        else:
            remote.append(request.url)
            route.abort("internetdisconnected")

    context.route("**/*", block)
    errors: list[str] = []
    try:
        p = context.new_page()
        p.on("pageerror", lambda e: errors.append(str(e).splitlines()[0][:200]))
        p.goto(f"{origin}/search.html?q={term}", wait_until="load")
        _wait_for_search(p, summaries=True)
        snippets = p.locator("#search-results ul.search li p.context").all_inner_texts()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    return {"snippets": snippets, "js_errors": errors, "remote_requests": remote}


def _write_report(results, search, elapsed) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = {"seconds": round(elapsed, 1), "search": search,
              "pages": {page: {theme: r.__dict__ for theme, r in by_theme.items()}
                        for page, by_theme in results.items()}}
    (SHOTS / "report.json").write_text(json.dumps(report, indent=1, default=str))


# --- what the chapter sources promise the browser will show ----------------------------

FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})([^\n]*)\n(.*?)^\1[ \t]*$", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?^---[ \t]*$", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]+`")
# A cell that ends its call as a bare expression displays it: d2lutils.animate_*(...) a jshtml
# player, d2lutils.*_explorer(...) an ipywidgets explorer.
ANIMATION_CALL = re.compile(r"^(?:anim = )?d2lutils\.animate_\w+\(", re.M)
WIDGET_CALL = re.compile(r"^d2lutils\.\w+_explorer\(", re.M)
PROSE_MATH = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\{math\}`")


def promised_by_sources() -> dict[str, dict[str, int]]:
    """Page -> how many animations, widget explorers and math spans its chapter source has.

    Counted in the .md sources, not the HTML, so that a build or a theme that silently drops
    them fails the browser tests instead of leaving them nothing to check. Code cells tagged
    remove-cell are not shown and not counted; an animation cell tagged remove-output is
    shown by the captioned ``{glue:figure}`` that pastes it.
    """
    out = {}
    for md in sorted((ROOT / "chapters").glob("*.md")):
        text = FRONT_MATTER.sub("", md.read_text(encoding="utf-8"))
        cells = [body for _, head, body in FENCE.findall(text) if head.startswith("{code-cell}")
                 and not re.search(r"^:tags:.*\bremove-cell\b", body, re.M)]
        shown = [b for b in cells if not re.search(r"^:tags:.*\bremove-output\b", b, re.M)]
        # an animation whose output is removed is shown by the {glue:figure} that captions it
        glued = len(re.findall(r"^```\{glue:figure\} anim_", text, re.M))
        # prose: without code (cells, plain fences, inline); directives ({note}, ...) kept
        prose = INLINE_CODE.sub("", FENCE.sub(
            lambda m: m.group(0) if m.group(2).startswith("{") and "{code-cell}" not in m.group(2)
            else "", text))
        removed = sum(len(ANIMATION_CALL.findall(b)) for b in cells if b not in shown)
        assert removed == glued, f"{md.name}: {removed} hidden animations, {glued} glued"
        counts = {"animations": sum(len(ANIMATION_CALL.findall(b)) for b in cells),
                  "widgets": sum(len(WIDGET_CALL.findall(b)) for b in shown),
                  "math": len(PROSE_MATH.findall(prose))}
        out[f"chapters/{md.stem}.html"] = counts
    return out


def test_sources_promise_animations_widgets_and_math():
    """The counting above finds what the chapters are known to embed (guards the regexes)."""
    promised = promised_by_sources()
    for page in ("conv-layer", "padding-and-strides", "channels", "pooling"):
        assert promised[f"chapters/{page}.html"]["animations"] >= 1, (page, promised)
    for page in ("conv-layer", "padding-and-strides"):
        assert promised[f"chapters/{page}.html"]["widgets"] >= 1, (page, promised)
    assert sum(c["math"] > 0 for c in promised.values()) >= 5, promised
    assert promised["chapters/bibliography.html"] == {"animations": 0, "widgets": 0, "math": 0}


def _each(visits, theme="light"):
    for page, by_theme in visits["pages"].items():
        if theme in by_theme:
            yield page, by_theme[theme]


def test_every_page_loads_offline_without_errors(visits):
    """Each page loads from file://, has a title and text, no script error, no missing file."""
    bad = []
    for page, r in _each(visits):
        if not r.title or r.facts.get("textLength", 0) < 5:
            bad.append(f"{page}: empty page (title {r.title!r})")
        html = (HTML / page).read_text(encoding="utf-8")
        bad += [f"{page}: script error: {e}" for e in r.js_errors
                if not (e in KNOWN_JS_ERRORS and KNOWN_JS_ERRORS[e](html))]
        bad += [f"{page}: missing file: {e}" for e in r.failed_requests]
        bad += [f"{page}: console error: {e}" for e in r.console_errors
                if "ERR_FILE_NOT_FOUND" not in e]  # already listed as a missing file
    assert len(visits["pages"]) == len([p for p in html_pages() if not redirect_target(p)])
    assert not bad, "\n".join(bad)


def test_no_page_requests_anything_from_the_network(visits):
    """The browser had every non-file request blocked; there must have been none."""
    tried = sorted({f"{page}: {u}" for page, by_theme in visits["pages"].items()
                    for r in by_theme.values() for u in r.remote_requests}
                   | {f"search.html: {u}" for u in visits["search"]["remote_requests"]})
    assert not tried, "pages tried to reach the network:\n" + "\n".join(tried)


def test_math_is_typeset_offline(visits):
    """Every math element on every page is rendered by the local MathJax, with no TeX error."""
    pages = [(p, r.facts) for p, r in _each(visits) if r.facts["math"]]
    expected = [p for p, c in promised_by_sources().items() if c["math"]]
    assert expected, "no chapter source has math: the counting in promised_by_sources broke"
    shown = {p for p, _ in pages}
    bad = [f"{p}: its source has math, the page shows none" for p in expected if p not in shown]
    for page, f in pages:
        if f["mathTypeset"] != f["math"]:
            bad.append(f"{page}: {f['math'] - f['mathTypeset']} of {f['math']} math elements not "
                       f"typeset (MathJax {f['mathjaxVersion']}; raw: {f['mathRaw']})")
        if f["mathErrors"]:
            bad.append(f"{page}: TeX errors {f['mathErrors']}")
        if f["mathZeroWidth"]:
            bad.append(f"{page}: {f['mathZeroWidth']} typeset formulas have zero width")
        if f.get("mathjaxError"):
            bad.append(f"{page}: MathJax failed: {f['mathjaxError']}")
        if not any(x.endswith(":loaded") for x in f["mathFonts"]):
            bad.append(f"{page}: no MathJax font loaded ({f['mathFonts']})")
    assert not bad, "\n".join(bad)


def test_animation_players_show_working_controls(visits):
    """Each jshtml player shows its frame, visible buttons with icons and a slider that moves."""
    anims = [(p, a) for p, r in _each(visits) for a in r.animations]
    expected = {p: c["animations"] for p, c in promised_by_sources().items() if c["animations"]}
    assert expected, "no chapter source shows an animation: promised_by_sources broke"
    found = defaultdict(int)
    for p, _ in anims:
        found[p] += 1
    bad = [f"{p}: its source displays {n} animation(s), the page shows {found[p]} player(s)"
           for p, n in expected.items() if found[p] < n]
    for page, a in anims:
        where = f"{page} animation {a['index']}"
        if not a["img"] or min(a["img"]) == 0:
            bad.append(f"{where}: the frame image did not load")
        if len(a["buttons"]) < 5:
            bad.append(f"{where}: only {len(a['buttons'])} buttons")
        for b in a["buttons"]:
            if min(b["box"]) < 8:
                bad.append(f"{where}: button {b['label']!r} is not visible ({b['box']})")
            if b["icon"] is None or min(b["icon"]) < 4:
                bad.append(f"{where}: button {b['label']!r} shows no icon ({b['icon']})")
        if not a["slider"] or min(a["slider"]["box"]) < 4:
            bad.append(f"{where}: no visible slider")
            continue
        nxt = a.get("after_next", {})
        if int(a["slider"]["max"] or 0) > 0 and (nxt.get("value") != "1"
                                                 or not nxt.get("img_changed")):
            bad.append(f"{where}: 'Next frame' did not advance the player ({nxt})")
    assert not bad, "\n".join(bad)


def test_every_explorer_has_its_static_form(visits):
    """Each explorer a source displays is on its page in its kernel-free form
    (a .d2l-explorer: working JavaScript, or disabled controls with a note);
    tests/html/test_site_reader_view.py checks that it follows its controls."""
    expected = {p: c["widgets"] for p, c in promised_by_sources().items() if c["widgets"]}
    assert expected, "no chapter source shows a widget explorer: promised_by_sources broke"
    facts = {p: r.facts for p, r in _each(visits)}
    bad = [f"{p}: its source displays {n} explorer(s), the page shows "
           f"{facts.get(p, {}).get('explorers', 0)}"
           for p, n in expected.items() if facts.get(p, {}).get("explorers", 0) < n]
    assert not bad, "\n".join(bad)


def test_code_cells_have_working_copy_buttons(visits):
    """Every code block has a copy button, and clicking it copies exactly the code."""
    total = sum(r.facts["codeBlocks"] for _, r in _each(visits))
    assert total > 0, "no code cells in the book"
    bad = [f"{p}: code without a copy button: {c!r}" for p, r in _each(visits)
           for c in r.facts["codeWithoutCopy"]]
    bad += [f"{p}: copy button of cell {c['cell']} copied {c['copied']!r}, not {c['code']!r}"
            for p, r in _each(visits) for c in r.copy if not c["ok"]]
    assert any(r.copy for _, r in _each(visits)), "no copy button was clicked"
    assert not bad, "\n".join(bad)


def test_headings_are_in_order(visits):
    """One h1 per page, first; no level skipped on the way down (h2 -> h4)."""
    bad = []
    for page, r in _each(visits):
        levels = [lvl for lvl, _ in r.facts["headings"]]
        if not levels or levels[0] != 1 or levels.count(1) != 1:
            bad.append(f"{page}: expected exactly one h1, first; got {r.facts['headings'][:4]}")
        for (a, _), (b, text) in zip(r.facts["headings"], r.facts["headings"][1:]):
            if b > a + 1:
                bad.append(f"{page}: h{a} followed by h{b} ({text!r})")
    assert not bad, "\n".join(bad)


def test_text_is_legible_in_light_and_dark_theme(visits):
    """Each theme is really applied, and text contrasts with its background (WCAG AA)."""
    bad = []
    for page, by_theme in visits["pages"].items():
        for theme, r in by_theme.items():
            if r.facts["theme"] != theme:
                bad.append(f"{page}: asked for the {theme} theme, got {r.facts['theme']!r}")
            for what, ratio in r.facts["contrast"].items():
                if ratio < MIN_CONTRAST:
                    bad.append(f"{page} ({theme}): {what} contrast {ratio:.2f} < {MIN_CONTRAST}")
            if not r.screenshot or not Path(ROOT / r.screenshot).stat().st_size:
                bad.append(f"{page} ({theme}): no screenshot")
    auto = visits["search"]["auto_dark"]
    assert auto == "dark", f"a reader whose system prefers dark gets the {auto!r} theme"
    assert not bad, "\n".join(bad)


def test_search_works_offline(visits):
    """search.html?q=... from file:// lists the matching pages, and only those, each with a
    snippet (tools/theme/d2l-search.js answers the page fetches browsers refuse there) and a
    title without raw TeX."""
    s = visits["search"]
    assert s["hits"], f"searching {s['term']!r} found nothing: {s['hits_summary']!r}"
    for href in s["hits"]:
        assert (HTML / href.split("#")[0].split("?")[0]).exists(), href
    assert not s["misses"], f"a nonsense query matched {s['misses']}"
    assert "did not match any documents" in s["misses_summary"], s["misses_summary"]
    html = (HTML / "search.html").read_text(encoding="utf-8")
    errors = [e for e in s["js_errors"] if not (e in KNOWN_JS_ERRORS and KNOWN_JS_ERRORS[e](html))]
    assert not errors, errors
    assert len(s["hits_snippets"]) == len(s["hits"]), (len(s["hits"]), s["hits_snippets"][:3])
    assert all(t.strip() for t in s["hits_snippets"]), "an empty snippet"
    assert sum(SEARCH_TERM[:6].lower() in t.lower() for t in s["hits_snippets"]) >= len(
        s["hits"]) // 2, s["hits_snippets"][:5]
    raw_tex = [t for t in s["hits_titles"] if "\\" in t or "$" in t]
    assert not raw_tex, f"search results titled with raw TeX: {raw_tex}"


def test_search_shows_snippets_when_served(visits):
    """Served over http (a hosted copy), search results also show a text snippet each."""
    h = visits["search"]["http"]
    assert not h["remote_requests"], h["remote_requests"]
    assert [e for e in h["js_errors"] if e not in KNOWN_JS_ERRORS] == []
    assert len(h["snippets"]) == len(visits["search"]["hits"]), h["snippets"]
    assert all(SEARCH_TERM[:6].lower() in t.lower() for t in h["snippets"]), h["snippets"]


def test_every_page_has_light_and_dark_screenshots(visits):
    """_build/screenshots/{light,dark}/ holds a full-page PNG of every page."""
    pages = {rel(p) for p in html_pages() if not redirect_target(p)}
    for theme in ("light", "dark"):
        shots = {f.name for f in (SHOTS / theme).glob("*.png")}
        missing = [p for p in pages
                   if p.replace("/", "__").removesuffix(".html") + ".png" not in shots]
        assert not missing, f"no {theme} screenshot of {missing}"
