"""Fixtures of the source checks: the repository root, and one test per chapter.

`notebook` (a chapter source that is a notebook) and `section` (a numbered
section named in `_toc.yml`) parametrize any test that asks for them, so a new
section is checked without editing a test.
"""

from __future__ import annotations

from pathlib import Path

import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))  # notebooks.py, the twin generator

import _book  # noqa: E402


def pytest_generate_tests(metafunc):
    root = Path(metafunc.config.rootpath)
    if "notebook" in metafunc.fixturenames:
        mds = _book.notebook_sources(root)
        metafunc.parametrize("notebook", mds, ids=[p.stem for p in mds])
    if "section" in metafunc.fixturenames:
        files = _book.section_files(root)
        metafunc.parametrize("section", [root / f"{f}.md" for f in files],
                             ids=[f.split("/")[-1] for f in files])


@pytest.fixture(scope="session")
def book_root(pytestconfig) -> Path:
    """The repository whose sources are checked (pytest's rootdir)."""
    return Path(pytestconfig.rootpath)
