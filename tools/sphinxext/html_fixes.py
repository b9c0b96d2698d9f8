"""Sphinx extension: small repairs to what upstream packages put into every page.

Registered in `_config.yml` (`sphinx.local_extensions`).

- sphinx-thebe 0.3.1 registers its inline configuration script twice (once
  with the file name None and once with ''), so every page declared
  `const THEBE_JS_URL` twice and the second declaration threw a script
  error. Each page keeps the first copy of any script.
- With `html_use_index: false` (the book has no index entries) an index page
  left by an earlier build is removed, so no empty genindex.html lingers.
"""

from __future__ import annotations

from pathlib import Path


def _key(js) -> tuple:
    return (getattr(js, "filename", js) or "", *sorted(getattr(js, "attributes", {}).items()))


def _one_copy_of_each_script(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        if _key(js) not in seen:
            seen.add(_key(js))
            kept.append(js)
    scripts[:] = kept  # in place: the builder restores its own list before the next page


def _no_stale_index(app, exception) -> None:
    if exception is None and app.builder.format == "html" and not app.config.html_use_index:
        (Path(app.outdir) / "genindex.html").unlink(missing_ok=True)


def setup(app):
    # late, after every other handler has added its page's scripts
    app.connect("html-page-context", _one_copy_of_each_script, priority=900)
    app.connect("build-finished", _no_stale_index)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
