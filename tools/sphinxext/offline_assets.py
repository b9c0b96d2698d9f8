"""Sphinx extension: serve the vendored MathJax, RequireJS and widget manager.

Registered in `_config.yml` (`sphinx.local_extensions`). Before a build it
vendors the files when they are missing (tools/assets.py); after every HTML
build it copies them into the output, so that a plain `jupyter-book build .`
gives a book that reads offline. (Sphinx's `html_extra_path` copies only when
some page changed, which left stale or missing assets after a no-op build.)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import assets  # noqa: E402


def _vendor(app) -> None:
    if app.builder.format == "html":
        if not (assets.OFFLINE / "_static" / "offline" / "VERSIONS").is_file():
            assets.main()


def _copy(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "offline"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(assets.OFFLINE / "_static" / "offline", target)


def setup(app):
    app.connect("builder-inited", _vendor)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
