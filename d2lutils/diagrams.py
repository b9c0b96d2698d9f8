"""Matrix diagrams: a grid of cells with its entries written in, windows outlined.

The book draws inputs, kernels and outputs with :func:`draw_matrix`, in the role colours
below, which the animations (:mod:`d2lutils.animate`) share.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from . import _checks as _c

__all__ = ["draw_matrix"]

# One colour per role in every figure and animation: the window (and the input it reads)
# blue, the kernel orange, the output green (matplotlib's C0, C1, C2).
WINDOW, KERNEL, OUTPUT = "#1f77b4", "#ff7f0e", "#2ca02c"
MINUS = "\u2212"


def _as_2d(name: str, M: Any) -> np.ndarray:
    M = _c.as_numpy(M)
    try:
        array = np.asarray(M)
    except (TypeError, ValueError):  # ragged lists
        array = None
    if array is None or array.ndim != 2 or array.size == 0:
        shape = getattr(array, "shape", None)
        raise ValueError(f"{name} must be a non-empty 2-D matrix (tensor, array or list of "
                         f"equal-length rows), got {type(M).__name__} of shape {shape}")
    return array


def _cell_colours(fill: Any, shape: tuple[int, int], color: str) -> dict[tuple[int, int], str]:
    """``fill`` (set of cells, dict cell -> colour, or boolean mask) -> dict cell -> colour."""
    if fill is None:
        return {}
    if isinstance(fill, dict):
        cells = dict(fill)
    elif isinstance(fill, (set, frozenset)):
        cells = dict.fromkeys(fill, color)
    else:
        mask = _as_2d("fill", fill)
        if mask.shape != shape or mask.dtype != bool:
            raise ValueError(f"a fill mask must be a boolean matrix of the matrix's shape "
                             f"{shape}, got {mask.dtype} of shape {mask.shape}")
        cells = {(int(i), int(j)): color for i, j in zip(*np.nonzero(mask))}
    for cell in cells:
        if not (isinstance(cell, tuple) and len(cell) == 2
                and all(isinstance(v, numbers.Integral) for v in cell)
                and 0 <= cell[0] < shape[0] and 0 <= cell[1] < shape[1]):
            raise ValueError(f"fill names cell {cell!r}, but cells are (row, column) pairs "
                             f"inside the {shape[0]} x {shape[1]} matrix")
    return cells


def draw_matrix(ax: Axes, M: Any, origin: Sequence[float] = (0.0, 0.0), title: str | None = None,
                *, fill: Any = None, color: str = "#9ecae1", box: Sequence[int] | None = None,
                box_color: str = WINDOW, hatch: Any = None, fmt: str | None = "{:g}",
                fontsize: float = 11, fit: bool = False) -> Axes:
    """Draw the matrix ``M`` as a grid of cells with its entries written in.

    Entry ``(i, j)`` is the unit square whose top-left corner is at
    ``(origin[0] + j, origin[1] - i)``: rows go down the page, as in print, on axes whose
    y-axis points up. Several matrices can share one axes this way, side by side.

    Args:
        ax: the matplotlib axes to draw on.
        M: the matrix, ``(h, w)``: a tensor, an array or a list of rows.
        origin: ``(x, y)`` of the matrix's top-left corner in data coordinates.
        title: text above the matrix (the axes title when ``fit`` is true).
        fill: cells to colour: a set of ``(i, j)`` pairs (coloured ``color``), a dict from
            ``(i, j)`` to a colour, or a boolean ``(h, w)`` mask (coloured ``color``).
        color: colour of the cells in a set or mask ``fill``.
        box: ``(row, col, height, width)``: a translucent rectangle with a thick edge over
            these cells, e.g. the window a kernel covers.
        box_color: colour of ``box``; by default the window's blue (use :data:`KERNEL`
            orange for a kernel, :data:`OUTPUT` green for an output element).
        hatch: boolean ``(h, w)`` mask of cells to hatch in red (e.g. cells never read).
        fmt: format of the entries (``"{:.1f}"``...); ``None`` or ``""`` writes none.
        fontsize: size of the entries and of the title.
        fit: frame the axes around this matrix alone: equal scales, no axis lines.

    Returns:
        ``ax``.

    Introduced in {ref}`sec-conv-layer`.
    """
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    values = _as_2d("M", M)
    h, w = values.shape
    x0, y0 = _c.real_pair("origin", origin)
    faces = _cell_colours(fill, (h, w), color)
    hatched = None if hatch is None else _as_2d("hatch", hatch)
    if hatched is not None and (hatched.shape != (h, w) or hatched.dtype != bool):
        raise ValueError(f"hatch must be a boolean matrix of the matrix's shape {(h, w)}, got "
                         f"{hatched.dtype} of shape {hatched.shape}")
    if box is not None:
        ok = (isinstance(box, Sequence) and len(box) == 4
              and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in box))
        if not ok or box[2] <= 0 or box[3] <= 0 or box[0] < 0 or box[1] < 0 \
                or box[0] + box[2] > h or box[1] + box[3] > w:
            raise ValueError(f"box must be (row, col, height, width) of a block inside the "
                             f"{h} x {w} matrix, got {box!r}")
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:g}}' or None, got "
                        f"{type(fmt).__name__}")
    if fmt:
        try:
            fmt.format(values.flat[0])
        except (IndexError, KeyError, ValueError, TypeError) as err:
            raise ValueError(f"fmt {fmt!r} cannot format the entries of M (e.g. "
                             f"{values.flat[0]!r} of type {values.dtype}): {err}") from None
    for i in range(h):
        for j in range(w):
            x, y = x0 + j, y0 - i - 1  # lower-left corner of cell (i, j)
            ax.add_patch(Rectangle((x, y), 1, 1, facecolor=faces.get((i, j), "white"),
                                   edgecolor="0.3", linewidth=1))
            if hatched is not None and hatched[i, j]:
                ax.add_patch(Rectangle((x, y), 1, 1, fill=False, hatch="///",
                                       edgecolor="tab:red", linewidth=0))
            if fmt:
                text = fmt.format(values[i, j]).replace("-", MINUS)  # a true minus
                ax.text(x + 0.5, y + 0.5, text, ha="center", va="center",
                        fontsize=fontsize)
    if box is not None:
        r, c, bh, bw = box
        ax.add_patch(Rectangle((x0 + c, y0 - r - bh), bw, bh, facecolor=box_color, alpha=0.3,
                               edgecolor=box_color, linewidth=3))
    if fit:
        ax.set_xlim(x0 - 0.1, x0 + w + 0.1)
        ax.set_ylim(y0 - h - 0.1, y0 + 0.1)
        ax.set_aspect("equal")
        ax.axis("off")
        if title:
            ax.set_title(title, fontsize=fontsize)
    elif title:
        ax.text(x0 + w / 2, y0 + 0.25, title, ha="center", va="bottom", fontsize=fontsize)
    return ax
