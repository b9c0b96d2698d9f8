"""Sphinx extension: search results that read well from file:// too.

Registered in `_config.yml` (`sphinx.local_extensions`). After every HTML build:

- Snippets offline. Sphinx's search fetches each hit's page to show a snippet
  under its title, and browsers refuse fetch() between file:// pages, so a book
  opened from disk listed bare titles with gaps under them. This writes the
  text of every page (section by section, without markup, scripts or images)
  into `_static/d2l-search-text.js`; on the search page only,
  `tools/theme/d2l-search.js` answers those fetches from it when the book is
  read from file:// (served over http, the pages are fetched as usual).
- Titles without TeX. A heading with math ("$1 \\times 1$ convolutional
  layers") was listed with its raw TeX; `searchindex.js` now carries it as
  text ("1 × 1 convolutional layers"), and exercises with their numbers
  ("Exercise 1.4.7 (★ By hand)" rather than " (★ By hand)").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

TEXT_FILE = "d2l-search-text.js"
LOADER = "d2l-search.js"  # in tools/theme/ (html_static_path)
TEX = {r"\times": "×", r"\cdot": "·", r"\star": "⋆", r"\ast": "∗", r"\leq": "≤",
       r"\le": "≤", r"\geq": "≥", r"\ge": "≥", r"\to": "→", r"\approx": "≈",
       r"\infty": "∞", r"\ldots": "…", r"\dots": "…", r"\pm": "±", r"\in": "∈",
       r"\sum": "∑", r"\int": "∫", r"\sqrt": "√", r"\prime": "′", r"\Delta": "Δ",
       r"\delta": "δ", r"\sigma": "σ", r"\mu": "μ", r"\lambda": "λ", r"\eta": "η",
       r"\theta": "θ", r"\epsilon": "ε", r"\pi": "π", r"\alpha": "α", r"\beta": "β"}
COMMAND = re.compile(r"\\[A-Za-z]+")


def tex_to_text(title: str, scripts: bool = False) -> str:
    """Plain text for the TeX left in a title by its math ("1 \\times 1" -> "1 × 1").

    Sub- and superscript marks are dropped, or kept with `scripts` ("R^d").
    """
    if "\\" not in title and "$" not in title:
        return title
    out = COMMAND.sub(lambda m: TEX.get(m.group(0), ""), title.replace("$", ""))
    out = re.sub(r"\\.", "", out).replace("{", "").replace("}", "")
    if not scripts:
        out = out.replace("^", "").replace("_", "")
    return re.sub(r"\s+", " ", out).strip()


def _section_html(section) -> str:
    """The section's text as bare nested <section id> elements (htmlToText needs the ids)."""
    from html import escape

    parts = []
    for child in section.children:
        if getattr(child, "name", None) == "section":
            parts.append(_section_html(child))
        elif getattr(child, "get_text", None):
            parts.append(escape(child.get_text(" ", strip=True)))
        elif str(child).strip():
            parts.append(escape(str(child).strip()))
    sid = section.get("id")
    attr = f' id="{escape(sid)}"' if sid else ""
    return f"<section{attr}>{' '.join(p for p in parts if p)}</section>"


def page_text(path: Path) -> str | None:
    """A page's main content as text in minimal HTML, or None when it has none."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('[role="main"] article') or soup.select_one('[role="main"]')
    if main is None:
        return None
    for junk in main.select("script, style, img, svg, .headerlink, .d2l-downloads, "
                            "div.cell_input, .copybtn, .toggle-button, div.math"):
        junk.decompose()
    for math in main.select("span.math"):  # inline math as text: \(h \times w\) -> h × w
        tex = math.get_text().strip().removeprefix("\\(").removesuffix("\\)")
        math.replace_with(tex_to_text(tex, scripts=True))
    sections = main.find_all("section", recursive=False) or [main]
    return '<div role="main">' + "".join(_section_html(s) for s in sections) + "</div>"


def write_page_texts(app, out: Path) -> None:
    pages = {}
    for doc in sorted(app.env.found_docs):
        path = out / f"{doc}.html"
        if path.is_file():
            text = page_text(path)
            if text:
                pages[doc] = text
    body = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    (out / "_static" / TEXT_FILE).write_text(
        "// Written by tools/sphinxext/offline_search.py: each page's text for the search\n"
        f"// snippets when the book is read from file://.\nwindow.D2L_SEARCH_PAGES = {body};\n",
        encoding="utf-8")


def _exercise_title(env, docnames: list[str], title: str, where: list) -> str:
    """ " (★ By hand)" -> "Exercise 1.4.7 (★ By hand)": sphinx-exercise indexes exercises
    by their title alone, which search listed with a leading blank and no number."""
    if not title.startswith(" (") or len(where) != 1:
        return title
    doc_index, anchor = where[0]
    number = env.toc_fignumbers.get(docnames[doc_index], {}).get("exercise", {}).get(anchor)
    return f"Exercise {'.'.join(map(str, number))}{title}" if number else title


def untex_search_index(app, out: Path) -> None:
    path = out / "searchindex.js"
    if not path.is_file():
        return
    raw = path.read_text(encoding="utf-8")
    start, end = raw.index("(") + 1, raw.rindex(")")
    index = json.loads(raw[start:end])
    index["titles"] = [tex_to_text(t) for t in index.get("titles", [])]
    alltitles = {}
    for title, where in index.get("alltitles", {}).items():
        title = _exercise_title(app.env, index.get("docnames", []), title, where)
        alltitles.setdefault(tex_to_text(title), []).extend(where)
    index["alltitles"] = alltitles
    path.write_text(raw[:start] + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
                    + raw[end:], encoding="utf-8")


def _scripts_for_search_page(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(TEXT_FILE)
        app.add_js_file(LOADER)


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    write_page_texts(app, out)
    untex_search_index(app, out)


def setup(app):
    app.connect("html-page-context", _scripts_for_search_page)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
