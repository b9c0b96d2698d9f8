"""Checks on the book's sources: toc, twins, exercises, the reader's view.

They run in seconds and catch what a build would only show later (or not at
all): a `.md` edited without `make notebooks`, a twin that carries outputs or
points Colab at the wrong repository, a section missing from the toc, build
plumbing or over-long lines in visible code. Sections and notebooks are
discovered from `_toc.yml` and `chapters/`, so adding a section needs no edit
here (see conftest.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

import _book
import notebooks  # tools/notebooks.py, the twin generator

MAX_LINE = 79
MARKS = ("★★★ ", "★★ ", "★ ")


def cell_key(cell) -> tuple:
    meta = {k: v for k, v in cell.get("metadata", {}).items()
            if k not in ("execution", "id")}
    return cell["cell_type"], cell["source"].strip(), json.dumps(meta, sort_keys=True)


# --- twins -------------------------------------------------------------------

def test_there_are_notebook_chapters(book_root):
    assert len(_book.notebook_sources(book_root)) >= 6


def test_twin_is_its_source_plus_the_generated_colab_cell(notebook):
    twin = notebook.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} is missing: run `make notebooks`"
    from_twin = jupytext.read(twin).cells
    assert from_twin[0]["source"] == notebooks.setup_cell()["source"], (
        f"{twin.name}: the first cell is not the generated Colab cell: "
        "run `make notebooks`")
    assert [cell_key(c) for c in from_twin[1:]] == \
        [cell_key(c) for c in jupytext.read(notebook).cells], (
        f"{twin.name} is out of sync with {notebook.name} (sources, tags or "
        "metadata): run `make notebooks`")


def test_twin_is_output_free(notebook):
    nb = json.loads(notebook.with_suffix(".ipynb").read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} of {notebook.stem} holds outputs"
            assert cell.get("execution_count") is None, f"cell {i} was executed"


def test_sources_do_not_carry_a_colab_cell(notebook):
    assert "google.colab" not in notebook.read_text(), (
        f"{notebook.name}: the Colab cell is generated into the twin only")


def test_colab_cell_installs_from_the_configured_repository(book_root):
    url, branch = notebooks.repository(book_root)
    config = _book.config(book_root)["repository"]
    assert url == config["url"].rstrip("/") and url.startswith("https://")
    source = notebooks.setup_cell(book_root)["source"]
    assert f"git+{url}@{branch}" in source and "google.colab" in source
    assert "remove-cell" in notebooks.setup_cell(book_root)["metadata"]["tags"]


COLAB_SIMULATION = """
import subprocess, sys, types
calls = []
sys.modules["google.colab"] = types.ModuleType("google.colab")
subprocess.run = lambda *args, **kwargs: calls.append(args)
exec(compile(sys.argv[1], "colab-cell", "exec"))
assert calls and "pip" in calls[0][0], calls
"""


def test_on_colab_the_cell_installs_d2lutils_and_elsewhere_does_nothing():
    source = notebooks.setup_cell()["source"]
    on_colab = subprocess.run([sys.executable, "-c", COLAB_SIMULATION, source],
                              capture_output=True, text=True, timeout=60)
    assert on_colab.returncode == 0, on_colab.stderr
    elsewhere = subprocess.run([sys.executable, "-c", source],
                               capture_output=True, text=True, timeout=60)
    assert elsewhere.returncode == 0 and not elsewhere.stdout


# --- toc ------------------------------------------------------------------------

def test_every_toc_entry_exists(book_root):
    for entry in _book.toc_files(book_root):
        candidates = [book_root / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml names {entry}"


def test_every_chapter_file_is_in_the_toc(book_root):
    listed = set(_book.toc_files(book_root))
    for md in (book_root / "chapters").glob("*.md"):
        assert f"chapters/{md.stem}" in listed, f"{md.name} is not in _toc.yml"


def test_launch_buttons_are_configured(book_root):
    config = _book.config(book_root)
    assert config["launch_buttons"]["colab_url"].startswith(
        "https://colab.research.google.com")
    assert config["execute"]["allow_errors"] is False


# --- sections -------------------------------------------------------------------

def test_section_has_goals_summary_and_five_exercises_with_solutions(section):
    text, name = section.read_text(), section.stem
    assert re.search(r"^\(sec-[\w-]+\)=$", text, re.M), f"{name}: no section label"
    assert re.search(r"learning goals", text, re.I), f"{name}: no learning goals"
    assert re.search(r"^#+ Summary", text, re.M), f"{name}: no summary"
    exercises = re.findall(r"^:label: (ex-[\w-]+)$", text, re.M)
    assert len(exercises) >= 5, f"{name}: {len(exercises)} exercises"
    assert all(label.startswith(f"ex-{name}-") for label in exercises), exercises
    solved = set(re.findall(r"^````\{solution-start\} (ex-[\w-]+)$", text, re.M))
    assert set(exercises) <= solved, set(exercises) - solved
    assert text.count("{solution-start}") == text.count("{solution-end}")
    assert "{glue" in text, f"{name}: numbers in the prose must be glued"
    assert re.search(r"\$\$\s*\((eq-[\w-]+)\)", text), f"{name}: no labelled equation"


def test_every_exercise_carries_a_difficulty_mark(section):
    titles = re.findall(r"^````\{exercise\}(.*)$", section.read_text(), re.M)
    assert titles
    for title in titles:
        assert title.strip().startswith(MARKS) and len(title.strip()) > 4, (
            f"{section.name}: exercise title {title!r} must start with ★, ★★ or ★★★ "
            "and a short title")


def test_headings_are_at_most_three_levels_deep(notebook):
    prose = _book.prose(notebook)
    deep = re.findall(r"^#### .*$", prose, re.M)
    assert not deep, f"{notebook.name}: headings deeper than three levels: {deep}"


def test_bibliography_keys_cited_exist(book_root):
    bib = (book_root / "chapters" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for md in (book_root / "chapters").glob("*.md"):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", md.read_text()):
            for key in group.split(","):
                assert key.strip() in keys, f"{md.name} cites {key.strip()}"


# --- the reader's view ------------------------------------------------------

def test_visible_code_lines_fit_in_79_characters(notebook):
    long = [(i, line) for i, source in _book.shown_code(notebook)
            for line in source.splitlines() if len(line) > MAX_LINE]
    assert not long, (f"{notebook.name}: {len(long)} visible code lines over "
                      f"{MAX_LINE} characters, e.g. cell {long[0][0]}: {long[0][1]!r}")


def test_no_build_plumbing_in_visible_code(notebook):
    for i, source in _book.shown_code(notebook, folded=False):
        assert not re.search(r"\bglue\(", source), (
            f"{notebook.name}, cell {i}: a visible glue call; move it to a "
            "hidden (remove-cell) cell")
        assert "myst_nb" not in source, f"{notebook.name}, cell {i}: imports myst_nb"
        assert not re.search(r"#.*\beq-[\w-]+", source), (
            f"{notebook.name}, cell {i}: a comment cites an internal label")


def test_no_chapter_imports_myst_nb(notebook):
    assert "from myst_nb import" not in notebook.read_text()


def _names_the_sections_use(root: Path) -> set[str]:
    used: set[str] = set()
    for path in sorted((root / "chapters").glob("*.md")):
        if path.stem == "api":  # the appendix lists every name by construction
            continue
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bd2lutils\.(\w+)", text))
        for group, line in re.findall(r"from d2lutils(?:\.\w+)? import "
                                      r"(?:\(([^)]*)\)|([^\n]*))", text):
            names = (group or line).split("#")[0].replace("\n", ",").split(",")
            used |= {n.split(" as ")[0].strip() for n in names if n.strip()}
    return used


def test_the_package_exports_what_the_sections_use_plus_what_the_readme_documents(
        book_root):
    import d2lutils

    readme = (book_root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- public-beyond-sections -->(.*?)<!-- /public-beyond-sections -->",
                      readme, re.S)
    assert block, "README.md lost its list of public names beyond the sections"
    documented = set(re.findall(r"`(\w+)`", block.group(1)))
    modules = {name for name in dir(d2lutils) if not name.startswith("_")
               and type(getattr(d2lutils, name)).__name__ == "module"}
    used = _names_the_sections_use(book_root) - modules
    exported = set(d2lutils.__all__)
    assert used - exported == set(), "the sections use names the package does not export"
    assert exported - used - documented == set(), \
        "exported names that no section uses and the README does not document"
    assert documented & used == set(), "the README lists names a section uses anyway"
    assert documented - exported == set(), "the README documents names that are not public"
    assert len(exported) == len(d2lutils.__all__), "__all__ lists a name twice"
