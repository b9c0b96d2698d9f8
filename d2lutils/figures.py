"""Figures: the book's defaults, quick line plots and image grids.

Nothing here changes matplotlib's settings unless you call :func:`set_figsize` or
:func:`use_book_style`. Matrix diagrams are in :mod:`d2lutils.diagrams`, training curves
and the live progress board in :mod:`d2lutils.progress`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import Tensor

from . import _checks as _c
from ._ipython import in_notebook

__all__ = ["plot", "set_figsize", "show_images", "use_book_style"]

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


def set_figsize(figsize: Sequence[float] = (3.5, 2.5)) -> None:
    """Set matplotlib's default figure size (width, height) in inches.

    Introduced in {ref}`sec-conv-layer`.
    """
    plt.rcParams["figure.figsize"] = _c.figsize("figsize", figsize)


def use_book_style() -> None:
    """Apply the book's figure defaults: small fonts, light grid, no top/right spines, and,
    in a Jupyter kernel, SVG output (crisp in the HTML at any zoom) with a PDF twin that
    the PDF edition prints (vector too; the HTML ignores it).

    Introduced in {ref}`sec-conv-layer`.
    """
    plt.rcParams.update(BOOK_RC)
    if in_notebook():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", "pdf")


def _complex(value: Any) -> bool:
    if isinstance(value, complex):
        return True
    try:
        return bool(np.iscomplexobj(value))
    except ValueError:  # ragged: its parts are checked one by one
        return False


def _series(value: Any, name: str) -> list[np.ndarray]:
    """A 1-D sequence, a 2-D array or a list of 1-D sequences -> list of 1-D float arrays."""
    value = _c.as_numpy(value)
    if _complex(value) or (isinstance(value, Sequence) and not isinstance(value, str)
                           and any(_complex(_c.as_numpy(v)) for v in value)):
        raise TypeError(f"{name} must hold real numbers, got complex values "
                        "(plot their .real, .imag or abs() instead)")
    if isinstance(value, Sequence) and not isinstance(value, str):  # 0-d tensors are numbers
        value = [v.item() if hasattr(v, "detach") and v.dim() == 0 else v for v in value]
    if isinstance(value, np.ndarray):
        arrays = [value] if value.ndim == 1 else list(value) if value.ndim == 2 else None
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) > 0:
        if all(isinstance(v, numbers.Real) for v in value):
            arrays = [np.asarray(value, dtype=float)]
        else:
            arrays = [np.asarray(_c.as_numpy(v), dtype=float) for v in value]
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
    limits = [None if lim is None else _c.real_pair(name, lim)
              for name, lim in (("xlim", xlim), ("ylim", ylim))]
    if axes is None:
        size = None if figsize is None else _c.figsize("figsize", figsize)
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


def show_images(imgs: Tensor | Sequence[Any], nrows: int, ncols: int,
                titles: Sequence[str] | None = None, scale: float | None = None) -> Any:
    """Draw images on an ``nrows x ncols`` grid in grayscale, axes off, with optional titles.

    Args:
        imgs: ``(N, H, W)`` or ``(N, 1, H, W)`` tensor or array, or a sequence of ``(H, W)``
            images. uint8 images are drawn on 0..255, others scaled to their own range.
        nrows, ncols: the grid; the first ``nrows * ncols`` images are drawn.
        titles: one title per drawn image.
        scale: inches per grid cell; by default 1.5, or less so that the grid fits the
            book's 7-inch column, where the titles stay at 9 pt (12 CSS px).

    Returns:
        The matplotlib Figure. A notebook shows it by itself, so end the line with ``;`` or
        assign the result, or it is shown twice; in a script, call ``plt.show()``.

    Introduced in {ref}`sec-lenet`.
    """
    import matplotlib.pyplot as plt

    _c.integer("nrows", nrows, 1, 100)
    _c.integer("ncols", ncols, 1, 100)
    scale = min(1.5, 7 / ncols) if scale is None else _c.real("scale", scale, positive=True)
    if max(nrows, ncols) * scale > 50:
        raise ValueError(f"scale={scale!r} makes a {ncols * scale:g} x {nrows * scale:g} "
                         "inch figure; the limit is 50 inches a side")
    if not isinstance(imgs, Tensor) and hasattr(imgs, "shape"):  # a NumPy array
        imgs = torch.as_tensor(imgs)
    if isinstance(imgs, Tensor):
        if imgs.dim() == 4 and imgs.shape[1] == 1:
            imgs = imgs[:, 0]
        if imgs.dim() != 3:
            raise ValueError(f"imgs must have shape (N, H, W) or (N, 1, H, W), got {tuple(imgs.shape)}")
    elif not isinstance(imgs, Sequence):
        raise TypeError(f"imgs must be a tensor or a sequence of images, got {type(imgs).__name__}")
    shown = min(len(imgs), nrows * ncols)
    if titles is not None and len(titles) < shown:
        raise ValueError(f"titles must have at least {shown} entries, got {len(titles)}")
    pictures = [_as_image(imgs[i]) for i in range(shown)]
    # room for the titles: about 0.28 inch per line of 9-pt text, in every row
    title_in = 0 if titles is None else 0.28 * max(
        str(t).count("\n") + 1 for t in list(titles)[:max(shown, 1)])
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * scale, nrows * (scale + title_in)),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= shown:
            continue
        img = pictures[i]
        limits = {"vmin": 0, "vmax": 255} if img.dtype == np.uint8 else {}
        ax.imshow(img, cmap="gray", **limits)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    return fig


def _as_image(img: Any) -> np.ndarray:
    """One image of :func:`show_images` as a 2-d NumPy array (a leading channel of 1 dropped)."""
    img = _c.as_numpy(img)  # a tensor as NumPy (bfloat16 and half as float32)
    try:
        img = np.asarray(img)
    except ValueError as err:  # e.g. ragged nested lists
        raise ValueError(f"imgs must hold (H, W) images, got one NumPy cannot read: {err}") from None
    if img.ndim == 3 and img.shape[0] == 1:
        img = img[0]
    if img.ndim != 2:
        raise ValueError(f"imgs must hold (H, W) images, got one of shape {img.shape}")
    if img.dtype.kind not in "biuf":
        raise TypeError(f"imgs must hold numeric images, got dtype {img.dtype}")
    return img
