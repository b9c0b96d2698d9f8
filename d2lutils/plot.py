"""Figures: the book's defaults, quick line plots, matrix diagrams, training curves and a
progress board.

Nothing here changes matplotlib's settings unless you call :func:`set_figsize` or
:func:`use_book_style`. The :class:`ProgressBoard` adapts to where the code runs:
one figure redrawn in place in a Jupyter notebook (so an executed notebook, and the
HTML built from it, keeps exactly one final figure), one text line per epoch in a
terminal.
"""

from __future__ import annotations

import io
import math
import numbers
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

__all__ = ["ProgressBoard", "draw_matrix", "plot", "plot_history", "set_figsize", "use_book_style"]

BOOK_RC = {
    "figure.figsize": (3.5, 2.5),
    "figure.dpi": 100,
    "font.size": 10,
    "axes.labelsize": 10,
    "axes.titlesize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.5,
    "savefig.bbox": "tight",
}
SCALES = ("linear", "log", "symlog", "logit")


def _check_pair(name: str, value: Any, positive: bool = False) -> tuple[float, float]:
    ok = (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
          and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
                  for v in value))
    if not ok or (positive and min(value) <= 0):
        kind = "positive finite numbers" if positive else "finite numbers"
        raise ValueError(f"{name} must be a pair of {kind} such as (3.5, 2.5), got {value!r}")
    return float(value[0]), float(value[1])


def set_figsize(figsize: Sequence[float] = (3.5, 2.5)) -> None:
    """Set matplotlib's default figure size (width, height) in inches.

    Introduced in {ref}`sec-conv-layer`.
    """
    plt.rcParams["figure.figsize"] = _check_pair("figsize", figsize, positive=True)


def use_book_style() -> None:
    """Apply the book's figure defaults: small fonts, light grid, no top/right spines, and,
    in a Jupyter kernel, SVG output (crisp in the HTML at any zoom) with a PDF twin that
    the PDF edition prints (vector too; the HTML ignores it).

    Introduced in {ref}`sec-conv-layer`.
    """
    plt.rcParams.update(BOOK_RC)
    if _in_notebook():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", "pdf")


def _numpy(value: Any) -> Any:
    """A torch tensor as a NumPy array (bfloat16 and half as float32); anything else as is."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        return (value.float() if value.is_floating_point() else value).numpy()
    return value


def _series(value: Any, name: str) -> list[np.ndarray]:
    """A 1-D sequence, a 2-D array or a list of 1-D sequences -> list of 1-D float arrays."""
    value = _numpy(value)
    if isinstance(value, Sequence) and not isinstance(value, str):  # 0-d tensors are numbers
        value = [v.item() if hasattr(v, "detach") and v.dim() == 0 else v for v in value]
    if isinstance(value, np.ndarray):
        arrays = [value] if value.ndim == 1 else list(value) if value.ndim == 2 else None
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) > 0:
        if all(isinstance(v, numbers.Real) for v in value):
            arrays = [np.asarray(value, dtype=float)]
        else:
            arrays = [np.asarray(_numpy(v), dtype=float) for v in value]
    else:
        arrays = None
    if not arrays or any(a.ndim != 1 or a.size == 0 for a in arrays):
        raise ValueError(f"{name} must be a non-empty 1-D sequence, a 2-D array or a list of "
                         f"1-D sequences, got {type(value).__name__}")
    return [np.asarray(a, dtype=float) for a in arrays]


def plot(X: Any, Y: Any = None, xlabel: str | None = None, ylabel: str | None = None,
         legend: Sequence[str] | None = None, xlim: Sequence[float] | None = None,
         ylim: Sequence[float] | None = None, xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), figsize: Sequence[float] | None = None,
         axes: Axes | None = None) -> Axes:
    """Plot one or several curves in one call.

    ``X`` and ``Y`` are each a 1-D sequence, a 2-D array (one curve per row) or a list of
    1-D sequences. With ``Y=None`` the values in ``X`` are plotted against 0, 1, 2, ...
    One ``X`` may serve several ``Y`` curves. Formats cycle through ``fmts``.

    Returns:
        The axes drawn on (a new figure of size ``figsize`` unless ``axes`` is given).

    Introduced in {ref}`sec-conv-layer`.
    """
    Ys = _series(X if Y is None else Y, "Y" if Y is not None else "X")
    Xs = ([np.arange(len(y), dtype=float) for y in Ys] if Y is None else _series(X, "X"))
    if len(Xs) == 1 and len(Ys) > 1:
        Xs = Xs * len(Ys)
    if len(Xs) != len(Ys) or any(len(x) != len(y) for x, y in zip(Xs, Ys)):
        raise ValueError(f"X and Y must describe curves of matching lengths, got x lengths "
                         f"{[len(x) for x in Xs]} and y lengths {[len(y) for y in Ys]}")
    if legend is not None and (isinstance(legend, str) or len(legend) != len(Ys)):
        raise ValueError(f"legend must be a list with one label per curve ({len(Ys)}), "
                         f"got {legend!r}")
    for name, scale in (("xscale", xscale), ("yscale", yscale)):
        if scale not in SCALES:
            raise ValueError(f"{name} must be one of {SCALES}, got {scale!r}")
    if isinstance(fmts, str) or not fmts or not all(isinstance(f, str) for f in fmts):
        raise ValueError(f"fmts must be a non-empty list of format strings, got {fmts!r}")
    limits = [None if lim is None else _check_pair(name, lim)
              for name, lim in (("xlim", xlim), ("ylim", ylim))]
    if axes is None:
        size = None if figsize is None else _check_pair("figsize", figsize, positive=True)
        _, axes = plt.subplots(figsize=size)
        created = axes.figure
    elif not isinstance(axes, Axes):
        raise TypeError(f"axes must be a matplotlib Axes or None, got {type(axes).__name__}")
    else:
        created = None
    for i, (x, y) in enumerate(zip(Xs, Ys)):
        fmt = fmts[i % len(fmts)]
        try:
            axes.plot(x, y, fmt)
        except ValueError as err:
            if created is not None:
                plt.close(created)  # no empty figure left behind
            raise ValueError(f"fmts holds {fmt!r}, which is not a matplotlib format string "
                             f"such as 'r--' ({err})") from None
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if limits[0] is not None:
        axes.set_xlim(limits[0])
    if limits[1] is not None:
        axes.set_ylim(limits[1])
    axes.set_xlabel(xlabel or "")
    axes.set_ylabel(ylabel or "")
    if legend:
        axes.legend(legend)
    axes.grid(True, alpha=0.3)
    return axes


def _as_2d(name: str, M: Any) -> np.ndarray:
    M = _numpy(M)
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
                box_color: str = "tab:orange", hatch: Any = None, fmt: str | None = "{:g}",
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
        box_color: colour of ``box``.
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
    x0, y0 = _check_pair("origin", origin)
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
                ax.text(x + 0.5, y + 0.5, fmt.format(values[i, j]), ha="center",
                        va="center", fontsize=fontsize)
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


def _check_history(history: Any) -> int:
    names = ("train_loss", "train_acc", "val_loss", "val_acc")
    if not all(isinstance(getattr(history, n, None), list) for n in names):
        raise TypeError(f"history must be a d2lutils History (lists {', '.join(names)}), "
                        f"got {type(history).__name__}")
    n = len(history.train_loss)
    if n == 0:
        raise ValueError("history holds no epochs yet")
    lengths = {name: len(getattr(history, name)) for name in names}
    if lengths["train_acc"] != n or lengths["val_loss"] != lengths["val_acc"] \
            or lengths["val_acc"] not in (0, n):
        raise ValueError(f"history's lists must hold one entry per epoch (the two validation "
                         f"lists may both be empty), got lengths {lengths}")
    return n


def _check_max_epochs(max_epochs: Any) -> None:
    if max_epochs is not None and (isinstance(max_epochs, bool) or
                                   not isinstance(max_epochs, numbers.Integral)
                                   or max_epochs <= 0):
        raise ValueError(f"max_epochs must be None or a positive int, got {max_epochs!r}")


def _draw_history(fig: Figure, history: Any, max_epochs: int | None = None) -> None:
    """Loss (left) and accuracy (right) against epochs, into ``fig`` (cleared first)."""
    n = _check_history(history)
    fig.clear()
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = np.arange(1, n + 1)
    points = getattr(history, "train_loss_points", None) or list(zip(epochs, history.train_loss))
    ax_loss.plot(*zip(*points), "-", color="C0", label="train")
    ax_acc.plot(epochs, history.train_acc, "-", color="C0", label="train")
    if history.val_acc and not np.all(np.isnan(history.val_acc)):
        ax_loss.plot(epochs, history.val_loss, "o--", color="C1", ms=3, label="validation")
        ax_acc.plot(epochs, history.val_acc, "o--", color="C1", ms=3, label="validation")
    for ax, ylabel in ((ax_loss, "cross-entropy loss"), (ax_acc, "accuracy")):
        ax.set_xlim(0, max(max_epochs or n, n))
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend()


def plot_history(history: Any) -> Figure:
    """Training curves of a :class:`~d2lutils.train.History`: loss and accuracy per epoch.

    The training loss is drawn every quarter epoch when the history has those points.
    In a notebook, assign the result (``fig = plot_history(h)``) or end the line with
    ``;`` so the figure appears once.

    Introduced in {ref}`sec-lenet`.
    """
    _check_history(history)
    fig = plt.figure(figsize=(6.5, 2.6), layout="constrained")
    _draw_history(fig, history)
    return fig


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, classic, VS Code, Colab, nbclient...)."""
    if "IPython" not in sys.modules:  # never imported: certainly no kernel
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _displayable(fig: Figure) -> Any:
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


class ProgressBoard:
    """Shows training progress: a live figure in a notebook, a line per epoch in a terminal.

    In a Jupyter kernel the board displays one figure and replaces it in place after
    each epoch through an IPython display handle, so an executed notebook (nbclient,
    Jupyter Book, nbval) keeps exactly one figure, the final one. The figure is closed
    when training ends, so matplotlib's inline backend shows no second copy. Elsewhere
    it prints one line per epoch.

    Args:
        max_epochs: the x-axis runs from 0 to this (the Trainer passes its own).
        mode: ``"auto"`` (notebook if in a Jupyter kernel, else terminal), ``"notebook"``,
            ``"terminal"`` or ``"none"``.
        figsize: (width, height) of the figure in inches.
        stream: where terminal lines go; default ``sys.stdout`` at the time of printing.
        min_interval: in a notebook, redraw at most once per this many seconds (the last
            state is always drawn).

    Introduced in {ref}`sec-lenet`.
    """

    MODES = ("auto", "notebook", "terminal", "none")

    def __init__(self, max_epochs: int | None = None, mode: str = "auto",
                 figsize: Sequence[float] = (6.5, 2.6), stream: TextIO | None = None,
                 min_interval: float = 0.5) -> None:
        _check_max_epochs(max_epochs)
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}, got {mode!r}")
        if not isinstance(min_interval, numbers.Real) or min_interval < 0:
            raise ValueError(f"min_interval must be a non-negative number, got {min_interval!r}")
        self.max_epochs, self.figsize = max_epochs, _check_pair("figsize", figsize, positive=True)
        self.mode = ("notebook" if _in_notebook() else "terminal") if mode == "auto" else mode
        self.stream, self.min_interval = stream, float(min_interval)
        self.fig: Figure | None = None
        self._handle: Any = None
        self._history: Any = None
        self._last_draw = -float("inf")

    def update(self, history: Any, max_epochs: int | None = None) -> None:
        """Show the state of ``history`` after its latest epoch."""
        n = _check_history(history)
        _check_max_epochs(max_epochs)
        total = max_epochs or self.max_epochs
        if self.mode == "terminal":
            self._print_line(history, n, total)
        elif self.mode == "notebook":
            self._history, self._total = history, total
            if time.perf_counter() - self._last_draw >= self.min_interval:
                self._redraw()

    def finish(self) -> None:
        """Draw the final state (notebook), close the figure and forget the display handle."""
        if self.mode == "notebook" and self._history is not None:
            self._redraw()
        if self.fig is not None:
            plt.close(self.fig)
        self.fig, self._handle, self._history = None, None, None
        self._last_draw = -float("inf")

    def _redraw(self) -> None:
        from IPython.display import display

        if self.fig is None:
            self.fig = plt.figure(figsize=self.figsize, layout="constrained")
        _draw_history(self.fig, self._history, self._total)
        if self._handle is None:
            self._handle = display(_displayable(self.fig), display_id=True)
        else:
            self._handle.update(_displayable(self.fig))
        self._history = None  # drawn: nothing pending
        self._last_draw = time.perf_counter()

    def _print_line(self, history: Any, n: int, total: int | None) -> None:
        parts = [f"epoch {n:>{len(str(total or n))}}/{total}" if total else f"epoch {n}",
                 f"train loss {history.train_loss[-1]:.4f}",
                 f"train acc {history.train_acc[-1]:.3f}"]
        if history.val_acc and not np.isnan(history.val_acc[-1]):
            parts += [f"val loss {history.val_loss[-1]:.4f}", f"val acc {history.val_acc[-1]:.3f}"]
        if getattr(history, "examples_per_sec", 0):
            parts += [f"{history.examples_per_sec:,.0f} examples/s",
                      f"{history.seconds:.1f} s"]
        print("  ".join(parts), file=self.stream or sys.stdout, flush=True)
