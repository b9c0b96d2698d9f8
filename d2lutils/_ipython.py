"""Where the code runs: inside a Jupyter kernel or not, and what it can display."""

from __future__ import annotations

import io
import sys
from typing import Any


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, classic, VS Code, Colab, nbclient...)."""
    if "IPython" not in sys.modules:  # never imported: certainly no kernel
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def displayable(fig: Any) -> Any:
    """``fig`` itself if IPython can render it as an image, else a PNG rendering of it."""
    from IPython import get_ipython
    from IPython.display import Image

    shell = get_ipython()
    formatters = shell.display_formatter.formatters if shell is not None else {}
    for mime in ("image/png", "image/svg+xml"):
        formatter = formatters.get(mime)
        if formatter is not None and formatter.enabled:
            try:
                formatter.lookup(fig)
                return fig
            except KeyError:
                pass
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Image(data=buffer.getvalue(), format="png")
