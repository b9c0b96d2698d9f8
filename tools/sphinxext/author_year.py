"""Sphinx extension: the bibliography labelled by author and year, as the text cites.

Registered in `_config.yml` (`sphinx.local_extensions`), which selects the style
with `bibtex_default_style: authoryear`. The text cites "(LeCun et al., 1998)"
(`bibtex_reference_style: author_year`); with this pybtex style the list on the
Bibliography page, in the HTML and the PDF, is labelled the same way
("[LeCun et al., 1998]") instead of pybtex's alpha labels ("[LBBH98]"), and is
sorted by author, year and title. Same labels get a, b, ... ("2016a").
"""

from __future__ import annotations

import codecs
from collections import Counter

import latexcodec  # noqa: F401  (registers the "ulatex" codec; a pybtex dependency)
from pybtex.plugin import register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle


def _plain(text: str) -> str:
    """LaTeX in a name ("L{\\'e}on", "A{\\"a}ron") as plain text."""
    return codecs.decode(text, "ulatex").replace("{", "").replace("}", "")


def _surname(person) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def label(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = _plain(entry.fields.get("title", entry.key)).split(":")[0]
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [label(e) for e in sorted_entries]
        counts, seen = Counter(labels), Counter()
        for text in labels:
            if counts[text] > 1:
                seen[text] += 1
                text += "abcdefghijklmnopqrstuvwxyz"[seen[text] - 1]
            yield text


class AuthorYearStyle(AlphaStyle):
    default_label_style = "authoryear"


def setup(app):
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
