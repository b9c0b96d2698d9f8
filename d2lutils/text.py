"""Numbers for the book's prose: record them for the text and format them for readers.

A chapter computes a number, formats it with :func:`sci`, :func:`pct` or
:func:`num`, and records it with :func:`glue` so that the prose quotes the
measured value instead of a typed one. Outside a Jupyter Book build (Colab, a
plain notebook, a script) there is nothing to record into, and :func:`glue`
does nothing.
"""

from __future__ import annotations

import math
from typing import Any

from . import _checks as _c

__all__ = ["glue", "sci", "pct", "num"]

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074"
                             "\u2075\u2076\u2077\u2078\u2079")
MINUS = "\u2212"


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name``, for myst-nb's ``glue:text`` role in the prose.

    Uses myst-nb's ``glue`` when myst-nb is installed (the book's build);
    elsewhere, e.g. on Colab, it does nothing, so notebooks run unchanged.
    ``display=False`` keeps the value out of the cell's visible output.

    Introduced in {ref}`sec-why-conv`.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like str, got {name!r}")
    if not isinstance(display, bool):
        raise TypeError(f"display must be a bool, got {type(display).__name__}")
    try:
        from myst_nb import glue as _myst_glue
    except ImportError:
        return
    _myst_glue(name, value, display=display)


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def num(x: Any, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals, thousands separated and a true minus:
    ``num(-12345.678) == "−12,345.68"``. Introduced in {ref}`sec-why-conv`."""
    x, digits = _c.real("x", x, finite=False), _c.integer("digits", digits, 0, 15)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x}")
    return _minus(f"{x:,.{digits}f}")


def sci(x: Any, digits: int = 1) -> str:
    """``x`` in scientific notation for reading: ``sci(2.5e-13) == "2.5 × 10⁻¹³"``.

    ``digits`` is the number of decimals of the mantissa. Numbers from 0.01 to
    10,000 are written plainly (``sci(3.14159) == "3.1"``).

    Introduced in {ref}`sec-why-conv`.
    """
    x, digits = _c.real("x", x, finite=False), _c.integer("digits", digits, 0, 15)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x}")
    if x == 0 or 1e-2 <= abs(x) < 1e4:
        return _minus(f"{x:.{digits}f}")
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return f"{_minus(mantissa)} \u00d7 {power}"


def pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``pct(0.905) == "90.5%"``.

    Introduced in {ref}`sec-why-conv`.
    """
    x, digits = _c.real("x", x, finite=False), _c.integer("digits", digits, 0, 15)
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x}")
    return _minus(f"{100 * x:.{digits}f}%")
