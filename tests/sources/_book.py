"""Reading the book's sources for the source checks: toc, chapters, cells.

Every function takes the repository root, so a check can be pointed at any
checkout (the fixtures in conftest.py pass pytest's rootdir).
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import yaml

# Tags that keep a cell's source off the page; `hide-input` folds it behind a toggle.
REMOVED = {"remove-cell", "remove-input"}
FOLDED = {"hide-input"}
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})([^\n]*)\n(.*?)^\1[ \t]*$", re.S | re.M)


def toc(root: Path) -> dict:
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def toc_files(root: Path) -> list[str]:
    """Every file named in `_toc.yml`, root first, in reading order."""
    tree = toc(root)
    found = [tree["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(tree.get("parts", []))
    walk(tree.get("chapters", []))
    return found


def section_files(root: Path) -> list[str]:
    """The numbered sections: every `sections:` entry under a numbered part."""
    found = []

    def walk(entries):
        for entry in entries:
            for section in entry.get("sections", []):
                found.append(section["file"])
                walk([section])

    for part in toc(root).get("parts", []):
        if part.get("numbered"):
            walk(part.get("chapters", []))
    return found


def notebook_sources(root: Path) -> list[Path]:
    """The chapter sources that are notebooks (a jupytext header with a kernel)."""
    return sorted(p for p in (root / "chapters").glob("*.md")
                  if re.search(r"^kernelspec:", p.read_text(encoding="utf-8"), re.M))


def cells(md: Path) -> list[dict]:
    return jupytext.read(md).cells


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def shown_code(md: Path, folded: bool = True) -> list[tuple[int, str]]:
    """(cell index, source) of code a reader can see.

    Code cells not tagged remove-cell/remove-input (with `folded=False`, not
    hide-input either), plus the literal code blocks in the Markdown cells.
    """
    hidden = REMOVED if folded else REMOVED | FOLDED
    out = []
    for i, cell in enumerate(cells(md)):
        if cell["cell_type"] == "code" and not tags(cell) & hidden:
            out.append((i, cell["source"]))
        elif cell["cell_type"] == "markdown":
            for _, info, body in FENCE.findall(cell["source"]):
                info = info.strip()
                if not info.startswith("{") or info.startswith("{code-block}"):
                    out.append((i, "\n".join(line for line in body.splitlines()
                                             if not line.startswith(":"))))
    return out


def prose(md: Path) -> str:
    """The Markdown cells without their literal code blocks (directives kept)."""
    text = "\n\n".join(c["source"] for c in cells(md) if c["cell_type"] == "markdown")
    return FENCE.sub(lambda m: m.group(0) if m.group(2).strip().startswith("{")
                     and not m.group(2).strip().startswith("{code-block}") else "", text)
