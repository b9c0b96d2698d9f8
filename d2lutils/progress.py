"""Training progress: the History a fit records, its curves, and a live board.

The :class:`ProgressBoard` adapts to where the code runs: one figure redrawn in place in
a Jupyter notebook (so an executed notebook, and the HTML built from it, keeps exactly
one final figure), one text line per epoch in a terminal.
"""

from __future__ import annotations

import numbers
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from . import _checks as _c
from ._ipython import displayable, in_notebook

__all__ = ["History", "ProgressBoard", "plot_history"]


@dataclass
class History:
    """What :meth:`Trainer.fit` measured, one list entry per epoch.

    Attributes:
        train_loss, train_acc: mean cross-entropy and accuracy over each epoch's training
            batches, measured on the fly while the weights change.
        val_loss, val_acc: the same on the validation data after each epoch (``nan``
            when the data module has no validation loader).
        train_loss_points: (epoch, loss) pairs, the mean loss over each quarter epoch,
            plotted at the quarter's end (e.g. 0.25, 0.5, ...).
        seconds: wall-clock time of the whole fit, validation included.
        examples_per_sec: training examples processed per second of ``seconds``.
        device: where the model was trained, e.g. ``"cpu"``.
        threads: CPU threads used in the last epoch (see :mod:`d2lutils._fast`).
        epochs: number of epochs run.

    Introduced in {ref}`sec-lenet`.
    """

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    train_loss_points: list[tuple[float, float]] = field(default_factory=list)
    seconds: float = 0.0
    examples_per_sec: float = 0.0
    device: str = "cpu"
    threads: int = 1
    epochs: int = 0

    def keep_finished_epochs(self) -> None:
        """Drop what an interrupted epoch left half-recorded (its training numbers)."""
        done = len(self.val_acc)
        self.epochs = done
        del self.train_loss[done:], self.train_acc[done:]
        self.train_loss_points[:] = [(t, v) for t, v in self.train_loss_points
                                     if t <= done]

    @property
    def final_val_acc(self) -> float:
        """Validation accuracy after the last epoch."""
        if not self.val_acc:
            raise ValueError("History holds no epochs yet")
        return self.val_acc[-1]


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
        if _c.real("min_interval", min_interval) < 0:
            raise ValueError(f"min_interval must be a non-negative number, got {min_interval!r}")
        self.max_epochs, self.figsize = max_epochs, _c.figsize("figsize", figsize)
        self.mode = ("notebook" if in_notebook() else "terminal") if mode == "auto" else mode
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
            self._handle = display(displayable(self.fig), display_id=True)
        else:
            self._handle.update(displayable(self.fig))
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
