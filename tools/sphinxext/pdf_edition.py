"""Sphinx extension: the layout of the PDF edition (`make pdf`, tools/pdf/build.py).

Registered in `_config.yml` (`sphinx.local_extensions`); it changes nothing in
the HTML. Jupyter Book's sphinx-jupyterbook-latex (`use_jupyterbook_latex`)
arranges the book: the front page (chapters/index.md) becomes the opening
pages rather than five chapters of its own, and the toc's captions become
parts. This extension keeps Sphinx's standard LaTeX class instead of that
package's `jupyterBook.cls`, which needs TeX Live's large fonts-extra set
(bbm.sty) for nothing the book uses, and numbers figures, equations and
exercises per section as the HTML does.
"""

from __future__ import annotations

from sphinx.writers.latex import LaTeXTranslator


# 1. The environments sphinx-jupyterbook-latex wraps code cells' inputs and outputs in,
#    which jupyterBook.cls would define: inputs on grey, outputs on a paler grey.
# 2. The references follow the heading of the Bibliography page (chapters/bibliography.md,
#    the last page) instead of opening a second, unnumbered chapter of the same name.
PREAMBLE = r"""
\definecolor{d2lInputBack}{RGB}{245,245,245}
\definecolor{d2lOutputBack}{RGB}{252,252,252}
\definecolor{d2lOutputFrame}{RGB}{225,225,225}
\newenvironment{sphinxVerbatimInput}
  {\colorlet{VerbatimColor}{d2lInputBack}}{}
\newenvironment{sphinxVerbatimOutput}
  {\colorlet{VerbatimColor}{d2lOutputBack}\colorlet{VerbatimBorderColor}{d2lOutputFrame}}{}
\renewenvironment{sphinxthebibliography}[1]
  {\def\chapter*##1{}\begin{thebibliography}{#1}}{\end{thebibliography}}
"""


def _standard_class(app, config) -> None:
    # runs after sphinx-jupyterbook-latex's own config-inited handler (priority 500)
    config.latex_theme = "manual"
    elements = config.latex_elements
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    elements.setdefault("printindex", "")  # no index entries, no empty index
    # a chapter or part starts on the next page, not the next right-hand one: no blank
    # pages (which carried running heads) in a book that is mostly read on screen
    elements.setdefault("extraclassoptions", "openany")
    # the opening pages' running footer names the book, not the table of contents
    elements.setdefault("tableofcontents",
                        r"\sphinxtableofcontents\makeatletter\markboth{\@title}{\@title}"
                        r"\makeatother")


class PerSectionNumbers(LaTeXTranslator):
    """Sphinx's LaTeX writer, numbering figures and equations per section under parts.

    With the toc's captions as parts, Sphinx counts `numfig_secnum_depth` from the
    part, so its 2 (Fig. 1.2.3 in the HTML) resets the counters per chapter in LaTeX
    (Fig. 1.3). Counted one level deeper they reset per section, as in the HTML, and a
    figure of the chapter's own page before its first section still reads Fig. 1.M.
    """

    def __init__(self, document, builder, theme) -> None:
        config = builder.config
        deeper = config.numfig and config.latex_toplevel_sectioning == "part"
        config.numfig_secnum_depth += deeper
        try:
            super().__init__(document, builder, theme)
        finally:
            config.numfig_secnum_depth -= deeper


def setup(app):
    app.connect("config-inited", _standard_class, priority=900)
    app.set_translator("latex", PerSectionNumbers, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
