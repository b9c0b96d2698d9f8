"""Checks on the book's sources: toc, chapter twins, Colab cells, exercises.

These run in a second and catch what a build would only show later (or not at
all): a `.md` edited without `make notebooks`, a twin that carries outputs, a
chapter missing from the toc, a Colab cell pointing at the wrong repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_files() -> list[str]:
    """Every file named in `_toc.yml`, root first, in reading order."""
    found = [TOC["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(TOC.get("parts", []))
    walk(TOC.get("chapters", []))
    return found


def section_files() -> list[str]:
    """The six numbered sections (the children of the chapter intro)."""
    chapter = TOC["parts"][0]["chapters"][0]
    return [entry["file"] for entry in chapter["sections"]]


NOTEBOOK_MDS = sorted(
    p for p in CHAPTERS.glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M)
)


def cell_key(cell) -> tuple:
    tags = tuple(cell.get("metadata", {}).get("tags", []))
    return cell["cell_type"], cell["source"].strip(), tags


def test_there_are_notebook_chapters():
    assert len(NOTEBOOK_MDS) >= 6, [p.name for p in NOTEBOOK_MDS]


@pytest.mark.parametrize("md", NOTEBOOK_MDS, ids=lambda p: p.name)
def test_twin_exists_and_matches_md(md: Path):
    twin = md.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} is missing: run `make notebooks`"
    from_md = jupytext.read(md)
    from_ipynb = jupytext.read(twin)
    md_cells = [cell_key(c) for c in from_md.cells]
    nb_cells = [cell_key(c) for c in from_ipynb.cells]
    assert md_cells == nb_cells, f"{twin.name} is out of sync with {md.name}: run `make notebooks`"


@pytest.mark.parametrize("md", NOTEBOOK_MDS, ids=lambda p: p.name)
def test_twin_is_output_free(md: Path):
    nb = json.loads(md.with_suffix(".ipynb").read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} of {md.stem}.ipynb holds outputs"
            assert cell.get("execution_count") is None, f"cell {i} of {md.stem}.ipynb was executed"


def test_every_toc_entry_exists():
    for entry in toc_files():
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml names {entry}, which does not exist"


def test_every_chapter_file_is_in_the_toc():
    listed = set(toc_files())
    for md in CHAPTERS.glob("*.md"):
        assert f"chapters/{md.stem}" in listed, f"{md.name} is not in _toc.yml"


def test_toc_has_the_six_sections_in_order():
    assert section_files() == [
        "chapters/why-conv",
        "chapters/conv-layer",
        "chapters/padding-and-strides",
        "chapters/channels",
        "chapters/pooling",
        "chapters/lenet",
    ]


COLAB_URL = re.compile(r'REPOSITORY_URL = "([^"]+)"')


@pytest.mark.parametrize("md", NOTEBOOK_MDS, ids=lambda p: p.name)
def test_first_cell_is_the_colab_setup_with_the_configured_url(md: Path):
    first = jupytext.read(md).cells[0]
    assert first["cell_type"] == "code"
    assert "remove-cell" in first["metadata"].get("tags", []), "the Colab cell must be hidden"
    assert "google.colab" in first["source"], "the set-up must only act on Colab"
    match = COLAB_URL.search(first["source"])
    assert match, "the Colab cell must name REPOSITORY_URL"
    assert match.group(1) == CONFIG["repository"]["url"], (
        f"{md.name}: Colab installs from {match.group(1)}, "
        f"but _config.yml says {CONFIG['repository']['url']}"
    )


COLAB_SIMULATION = """
import subprocess, sys, types

class NoMystNb:  # Colab has no myst_nb: make importing it fail here too
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] == "myst_nb":
            raise ImportError("no myst_nb on Colab")

sys.meta_path.insert(0, NoMystNb)
sys.modules["google.colab"] = types.ModuleType("google.colab")
subprocess.run = lambda *args, **kwargs: None  # no pip install of d2lutils here
exec(compile(sys.argv[1], "colab-cell", "exec"))
from myst_nb import glue
glue("answer", 42, display=False)
"""


@pytest.mark.parametrize("md", NOTEBOOK_MDS, ids=lambda p: p.name)
def test_on_colab_the_first_cell_lets_the_chapter_import_glue(md: Path):
    source = jupytext.read(md).cells[0]["source"]
    uses_glue = "from myst_nb import glue" in md.read_text()
    run = subprocess.run([sys.executable, "-c", COLAB_SIMULATION, source],
                         capture_output=True, text=True, timeout=60)
    if uses_glue:
        assert run.returncode == 0, f"{md.name}: on Colab, importing glue fails:\n{run.stderr}"


def test_launch_buttons_are_configured():
    launch = CONFIG["launch_buttons"]
    assert launch["binderhub_url"].startswith("https://")
    assert launch["colab_url"].startswith("https://colab.research.google.com")
    assert CONFIG["execute"]["allow_errors"] is False


@pytest.mark.parametrize("entry", section_files(), ids=lambda e: e.split("/")[-1])
def test_section_has_goals_summary_and_five_exercises_with_solutions(entry: str):
    text = (ROOT / f"{entry}.md").read_text()
    name = entry.split("/")[-1]
    assert re.search(r"^\(sec-[\w-]+\)=$", text, re.M), f"{name}: no section label"
    assert re.search(r"learning goals", text, re.I), f"{name}: no learning goals"
    assert re.search(r"^#+ Summary", text, re.M), f"{name}: no summary"
    exercises = re.findall(r"^:label: (ex-[\w-]+)$", text, re.M)
    assert len(exercises) >= 5, f"{name}: {len(exercises)} exercises, expected at least 5"
    assert all(label.startswith(f"ex-{name}-") for label in exercises), exercises
    solved = set(re.findall(r"^````\{solution-start\} (ex-[\w-]+)$", text, re.M))
    assert set(exercises) <= solved, f"{name}: exercises without a solution: {set(exercises) - solved}"
    assert text.count("{solution-start}") == text.count("{solution-end}")
    assert "{glue" in text, f"{name}: numbers in the prose must be glued from the code"
    assert re.search(r"\$\$\s*\((eq-[\w-]+)\)", text), f"{name}: no labelled equation"


def test_bibliography_keys_cited_exist():
    bib = (CHAPTERS / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for md in CHAPTERS.glob("*.md"):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", md.read_text()):
            for key in group.split(","):
                assert key.strip() in keys, f"{md.name} cites {key.strip()}, missing from references.bib"
