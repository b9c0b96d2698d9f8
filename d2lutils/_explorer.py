"""What the explorers share: a widget box that carries its static forms, and PNG helpers.

Each explorer is a pure function that computes what to show (tested on its own) plus thin
widget wiring. In a live kernel the widgets react (drawings are matplotlib PNGs inside an
``HTML`` widget). Each explorer also carries forms for readers without a kernel, in its
MIME bundle next to the widget view: ``text/html`` for the static book and ``image/png``
for print and the PDF. The book's HTML build prefers ``text/html`` to the widget view
(``nb_mime_priority_overrides`` in ``_config.yml``), so that no page shows controls that
move while nothing else does.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
from matplotlib.figure import Figure


class Explorer(widgets.VBox):
    """An explorer's widgets, plus its forms for readers without a kernel.

    Attributes:
        static_html: ``text/html`` for the static book (works, or says it needs a kernel).
        png: ``image/png`` bytes of the initial state, for print and the PDF.
    """

    static_html: str = ""
    png: bytes = b""

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
        bundle.update({"text/html": self.static_html,
                       "image/png": base64.b64encode(self.png).decode()})
        return bundle


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200)
    return buffer.getvalue()


def img(png: bytes, alt: str) -> str:
    """An <img> shown at half its pixel size: 1x layout, sharp on HiDPI screens."""
    data = base64.b64encode(png).decode()
    width = int.from_bytes(png[16:20], "big") // 2  # the PNG header's width
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'width="{width}" style="max-width: 100%; height: auto">')


def png(fig: Figure, alt: str) -> str:
    return img(png_bytes(fig), alt)
