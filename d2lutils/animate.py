"""Sliding-window animations that play in a static HTML page, with no kernel and no network.

Each function draws one frame per output element with matplotlib and returns a
:class:`WindowAnimation`: matplotlib's ``to_jshtml`` player with the frames embedded as
small palette PNGs, the icon-font link (a CDN) removed and the button icons drawn as inline
SVG, so the player works offline in the built book and in Jupyter or Colab alike.
"""

from __future__ import annotations

import torch
from IPython.display import HTML
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle

from . import _checks as _c
from ._player import COLUMN_PX, CSS_DPI, player
from .conv import corr2d_multi_in, pool2d
from .diagrams import KERNEL, OUTPUT, WINDOW
from .shapes import conv_output_shape

__all__ = ["WindowAnimation", "animate_corr2d", "animate_multi_in", "animate_pool2d"]

# Frames are drawn at DPI = 2 x CSS_DPI and shown at CSS_DPI: sharp on HiDPI screens, and
# at 1x a font of F points renders at F * CSS_DPI / 72 CSS px (MIN_PT = 8 -> 11.1 px) as long
# as the player fits the content column (COLUMN_PX); `WindowAnimation.min_text_px` says so.
MIN_PT = 8
MAX_SIDE, MAX_FRAMES, MAX_CHANNELS = 8, 16, 3  # animations are for small teaching examples
# One colour per role, as in the figures (d2lutils.diagrams): window blue, kernel orange,
# output green, each with light tints for filled cells.
BLUE, ORANGE, GREEN = WINDOW, KERNEL, OUTPUT
LIGHT_BLUE, DARK_BLUE, LIGHT_ORANGE = "#d6e6f7", "#9ec5ea", "#fde9d0"
LIGHT_GREEN, PAD, GRAY = "#dff2df", "#ececec", "#888888"
class WindowAnimation(HTML):
    """A playable animation: displays as HTML and keeps what a chapter or a test checks.

    Attributes:
        html: the self-contained player HTML (no external links).
        frames: the number of frames, one per output element.
        output: the tensor the animation computes, ``Y: (h', w')``.
        nbytes: the size of ``html`` in bytes.
        png: the still form for print and the PDF, ``image/png`` in the MIME bundle next to
            the player's ``text/html``: the first and the last (finished) frame.
        width_px: the player's width in CSS pixels at 1x.
        min_text_px: the smallest text in a frame, in CSS pixels, as shown in the column.

    Introduced in {ref}`sec-conv-layer`.
    """

    def __init__(self, html: str, frames: int, output: torch.Tensor, png: bytes = b"",
                 width_px: float = 0.0):
        super().__init__(html)
        self.html, self.frames, self.output, self.nbytes = html, frames, output, len(html.encode())
        self.png, self.width_px = png, width_px
        scale = min(1.0, COLUMN_PX / width_px) if width_px else 0.0
        self.min_text_px = MIN_PT * CSS_DPI / 72 * scale

    def _repr_png_(self) -> bytes | None:
        return self.png or None


def _matrix(name: str, X: object, ndim: int, shape: str) -> torch.Tensor:
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {shape}, got {type(X).__name__}")
    if X.dim() != ndim or X.numel() == 0:
        raise ValueError(f"{name} must be a non-empty tensor of shape {shape}, "
                         f"got shape {tuple(X.shape)}")
    if X.is_complex() or X.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    if not torch.isfinite(X).all():
        raise ValueError(f"{name} must hold finite values, got inf or nan")
    return X.detach().cpu().to(torch.float64)


def _starts(hw: tuple, k: tuple, p: tuple, s: tuple) -> tuple[list[int], list[int]]:
    """Window start rows and columns in the padded input; checks the animation stays small."""
    if max(hw[0] + 2 * p[0], hw[1] + 2 * p[1]) > MAX_SIDE:
        raise ValueError(f"the padded input is {hw[0] + 2 * p[0]}x{hw[1] + 2 * p[1]}; animations "
                         f"are for small teaching examples, at most {MAX_SIDE}x{MAX_SIDE}")
    oh, ow = conv_output_shape(hw, k, padding=p, stride=s)  # raises if the window does not fit
    if oh * ow > MAX_FRAMES:
        raise ValueError(f"the output has {oh}x{ow} = {oh * ow} elements, one frame each; "
                         f"at most {MAX_FRAMES} keep the animation short")
    return [i * s[0] for i in range(oh)], [j * s[1] for j in range(ow)]


def _fmt(v: float) -> str:
    if v == float("-inf"):
        return "−∞"
    text = f"{v:.2f}".rstrip("0").rstrip(".")  # at most two decimals: 2, 0.5, -1.25
    return "0" if text == "-0" else text.replace("-", "−")


def _signed(v: float) -> str:
    return f"({_fmt(v)})" if v < 0 else _fmt(v)


def _pp(t: tuple) -> str:
    return str(t[0]) if t[0] == t[1] else f"({t[0]}, {t[1]})"


def _shape_line(hw: tuple, k: tuple, p: tuple, s: tuple) -> str:
    """The output size, per dimension, as the formula with the numbers filled in."""
    def one(n: int, k: int, p: int, s: int) -> str:
        o = (n + 2 * p - k) // s + 1
        if (p, s) == (0, 1):
            return f"{n} − {k} + 1 = {o}"
        return f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {o}"
    return f"output: rows {one(hw[0], k[0], p[0], s[0])},  columns {one(hw[1], k[1], p[1], s[1])}"


def _grid(ax, x0: float, y0: float, M, faces=None, face="white", label=None, gray=None) -> None:
    """Draw matrix M (2-D tensor or list of rows) with its top-left corner at (x0, y0)."""
    rows = M.tolist() if isinstance(M, torch.Tensor) else M
    cells = [Rectangle((x0 + j, y0 + i), 1, 1)
             for i, row in enumerate(rows) for j in range(len(row))]
    colors = [f for row in faces for f in row] if faces else face
    ax.add_collection(PatchCollection(cells, facecolors=colors, edgecolors="#555", linewidths=0.8))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            text = v if isinstance(v, str) else _fmt(v)
            ax.text(x0 + j + .5, y0 + i + .5, text, ha="center", va="center",
                    fontsize=max(MIN_PT, 9.5 - max(0, len(text) - 4) * 0.9),
                    color="#777" if gray and gray[i][j] else "k")
    if label:
        ax.text(x0 + len(rows[0]) / 2, y0 - .3, label, ha="center", va="bottom", fontsize=9)


def _box(ax, x: float, y: float, w: float, h: float, color: str = BLUE) -> None:
    ax.add_patch(Rectangle((x, y), w, h, fill=False, ec=color, lw=2.5, zorder=5))


def _slide(Xp, is_pad, k, s, starts, Y, lines, exprs, K=None, best=None,
           parts=None) -> tuple[str, bytes, float]:
    """The frames shared by all animations: the window on every channel of the padded input
    ``Xp: (c, H, W)``, the kernels ``K: (c, kh, kw)`` if any, the per-channel sums
    ``parts: (c, h', w')`` if given, and the output ``Y`` filled up to the current element.
    ``exprs[t]`` explains frame t's value; ``best[t]`` is the window cell to emphasise."""
    (c_i, H, W), (oh, ow), (rows, cols) = Xp.shape, Y.shape, starts
    B = max(H, k[0]) + (1.2 if c_i > 1 else 0)  # height of one channel's block
    G, strided = max(c_i * B, oh), s != (1, 1)
    xk = 0.5 + W + 1.5
    xo = xk + 0.5 if K is None else xk + k[1] + (3.5 if c_i > 1 else 1.5)
    texts = [f"Y[{t // ow}, {t % ow}] = {e} = {_fmt(v)}" for t, (e, v) in
             enumerate(zip(exprs, Y.flatten().tolist()))]
    width = max(xo + ow + 0.5, 0.16 * max(map(len, lines + texts)) + 1)
    height = 2.8 + G + (2.2 if strided else 1.4)
    y_in = lambda q, n: 2.8 + (G - c_i * B) / 2 + q * B + (B - n) / 2  # noqa: E731
    anchors = [(a, b) for a in range(H - k[0] + 1) for b in range(W - k[1] + 1)]
    name = "input (padded)" if any(map(any, is_pad)) else "X"

    def draw(ax, t: int) -> None:
        (i, j), yo = divmod(t, ow), 2.8 + (G - oh) / 2
        r, c = rows[i], cols[j]
        faces = [[LIGHT_BLUE if r <= a < r + k[0] and c <= b < c + k[1] else
                  PAD if is_pad[a][b] else "white" for b in range(W)] for a in range(H)]
        if best:
            faces[r + best[t][0]][c + best[t][1]] = DARK_BLUE
        for n, line in enumerate(lines):
            ax.text(0.5, 0.5 + 0.9 * n, line, va="top", fontsize=MIN_PT)
        for q in range(c_i):
            _grid(ax, 0.5, y_in(q, H), Xp[q], faces, label=f"X[{q}]" if c_i > 1 else name,
                  gray=is_pad)
            _box(ax, 0.5 + c, y_in(q, H) + r, k[1], k[0])
            if K is not None:
                _grid(ax, xk, y_in(q, k[0]), K[q], face=LIGHT_ORANGE,
                      label=f"K[{q}]" if c_i > 1 else "K")
                _box(ax, xk, y_in(q, k[0]), k[1], k[0], ORANGE)
                ax.text(xk - 0.75, y_in(q, 0), "⋆", ha="center", va="center", fontsize=20)
            if parts is not None:
                ax.text(xk + k[1] + 0.3, y_in(q, 0), f"= {_fmt(parts[q, i, j].item())}",
                        va="center", fontsize=9, color=BLUE)
        ax.text(xo - 0.75, 2.8 + G / 2, "→" if K is None else "Σ =" if c_i > 1 else "=",
                ha="right" if c_i > 1 else "center", va="center", fontsize=13)
        done = [[a * ow + b <= t for b in range(ow)] for a in range(oh)]
        vals = [[_fmt(v) if d else "" for v, d in zip(vr, dr)] for vr, dr in zip(Y.tolist(), done)]
        _grid(ax, xo, yo, vals, [[LIGHT_GREEN if d else "white" for d in dr] for dr in done],
              label=f"Y ({oh}×{ow})")
        _box(ax, xo + j, yo + i, 1, 1, GREEN)
        ax.text(0.5, 3.4 + G, texts[t], fontsize=MIN_PT, va="top")
        if strided:  # mark every window position: used by the stride, or skipped
            for on, mark in ((True, "o"), (False, "x")):
                pts = [(0.5 + b + .17, y_in(0, H) + a + .2) for a, b in anchors
                       if (a in rows and b in cols) == on]
                ax.plot(*zip(*pts), mark, ms=3.5, color=BLUE if on else GRAY, zorder=6)
            legend = ((0.5, "●", BLUE, "window positions used"),
                      (6.0, "×", GRAY, f"positions skipped by stride {_pp(s)}"))
            for x, mark, color, text in legend:
                ax.text(x, 4.3 + G, mark, fontsize=MIN_PT, va="top", color=color)
                ax.text(x + 0.5, 4.3 + G, text, fontsize=MIN_PT, va="top", color="#444")

    return player(width, height, oh * ow, draw, alt="Animation of a sliding window: " + lines[0])


def _padded(Xd: torch.Tensor, p: tuple, value: float = 0.0) -> tuple[torch.Tensor, list]:
    """Pad the last two dimensions of Xd; also return the (H, W) mask of padding cells."""
    h, w = Xd.shape[-2:]
    Xp = torch.nn.functional.pad(Xd, (p[1], p[1], p[0], p[0]), value=value)
    return Xp, [[not (p[0] <= a < p[0] + h and p[1] <= b < p[1] + w)
                 for b in range(Xp.shape[-1])] for a in range(Xp.shape[-2])]


def _result(player: tuple[str, bytes, float], Y: torch.Tensor,
            X: torch.Tensor) -> WindowAnimation:
    dtype = X.dtype if X.is_floating_point() else torch.float32
    html, png, width_px = player
    return WindowAnimation(html, Y.numel(), Y.to(dtype), png=png, width_px=width_px)


def animate_corr2d(X: torch.Tensor, K: torch.Tensor, padding=0, stride=1) -> WindowAnimation:
    """Animate 2-D cross-correlation: the kernel's window slides over the (padded) input.

    Each frame highlights one window, writes its sum of products into the output cell and
    states the output size; with stride > 1 it marks which window positions the stride
    skips. ``output`` equals ``F.conv2d`` with the same padding and stride.

    Args:
        X: input, shape ``(h, w)``. K: kernel, shape ``(kh, kw)``.
        padding: zeros added on each side, an int or a pair ``(p_h, p_w)``.
        stride: step of the window, an int or a pair ``(s_h, s_w)``.

    Returns:
        A :class:`WindowAnimation` with one frame per output element and ``output: (h', w')``.

    Introduced in {ref}`sec-conv-layer`; padding and stride in {ref}`sec-padding`.
    """
    Xd, Kd = _matrix("X", X, 2, "(h, w)"), _matrix("K", K, 2, "(kh, kw)")
    p, s, k = _c.pair("padding", padding, 0), _c.pair("stride", stride, 1), tuple(Kd.shape)
    starts = _starts(tuple(Xd.shape), k, p, s)
    Xp, is_pad = _padded(Xd, p)
    windows = [Xp[r:r + k[0], c:c + k[1]] for r in starts[0] for c in starts[1]]
    Y = torch.tensor([(Wi * Kd).sum().item() for Wi in windows]).reshape(*map(len, starts))
    times = lambda a, b: f"{_fmt(a)}×{_signed(b)}"  # noqa: E731
    exprs = [" + ".join(map(times, Wi.flatten().tolist(), Kd.flatten().tolist()))
             if Kd.numel() <= 9 else f"sum of {Kd.numel()} products" for Wi in windows]
    lines = [f"input {Xd.shape[0]}×{Xd.shape[1]}, kernel {k[0]}×{k[1]}, padding {_pp(p)}, "
             f"stride {_pp(s)}", _shape_line(tuple(Xd.shape), k, p, s)]
    return _result(_slide(Xp[None], is_pad, k, s, starts, Y, lines, exprs, K=Kd[None]), Y, X)


def animate_multi_in(X: torch.Tensor, K: torch.Tensor) -> WindowAnimation:
    """Animate cross-correlation over several input channels, summed into one output.

    Each frame shows the window on every input channel, each channel's own sum of products
    with its kernel slice, and their total written into the single output cell. ``output``
    equals ``corr2d_multi_in(X, K)`` and ``F.conv2d(X[None], K[None])[0, 0]``.

    Args:
        X: input, shape ``(c_i, h, w)``, at most 3 channels. K: kernel, shape ``(c_i, kh, kw)``.

    Returns:
        A :class:`WindowAnimation` with one frame per output element and ``output: (h', w')``.

    Introduced in {ref}`sec-channels`.
    """
    Xd, Kd = _matrix("X", X, 3, "(c_i, h, w)"), _matrix("K", K, 3, "(c_i, kh, kw)")
    if Xd.shape[0] != Kd.shape[0]:
        raise ValueError(f"X and K must have the same number of channels c_i, got X with "
                         f"{Xd.shape[0]} and K with {Kd.shape[0]}")
    if Xd.shape[0] > MAX_CHANNELS:
        raise ValueError(f"at most {MAX_CHANNELS} input channels fit in one animation, "
                         f"got X with {Xd.shape[0]}")
    (c_i, h, w), k = Xd.shape, tuple(Kd.shape[1:])
    starts = _starts((h, w), k, (0, 0), (1, 1))
    parts = torch.stack([corr2d_multi_in(x[None], kq[None]) for x, kq in zip(Xd, Kd)])
    Y = corr2d_multi_in(Xd, Kd)
    exprs = [" + ".join(map(_signed, parts[:, i, j].tolist())) for i in range(Y.shape[0])
             for j in range(Y.shape[1])]
    lines = [f"{c_i} input channels of {h}×{w}, one {k[0]}×{k[1]} kernel slice per channel",
             _shape_line((h, w), k, (0, 0), (1, 1)).replace("output:", "one output channel:")]
    is_pad = [[False] * w for _ in range(h)]
    html = _slide(Xd, is_pad, k, (1, 1), starts, Y, lines, exprs, K=Kd, parts=parts)
    return _result(html, Y, X)


def animate_pool2d(X: torch.Tensor, pool_size=2, mode: str = "max", stride=None,
                   padding=0) -> WindowAnimation:
    """Animate max or average pooling: a window without weights slides and reduces.

    Padding follows PyTorch: ``-inf`` for max pooling, zeros that count in the average for
    average pooling (``nn.AvgPool2d``'s default), at most half the window. For max pooling
    each frame emphasises the winning cell. ``output`` equals ``F.max_pool2d`` or
    ``F.avg_pool2d`` with the same arguments.

    Args:
        X: input, shape ``(h, w)``.
        pool_size: window size, an int or a pair.
        mode: ``"max"`` or ``"avg"``.
        stride: step, an int or a pair; ``None`` means the window size, as in ``nn.MaxPool2d``.
        padding: added on each side, an int or a pair.

    Returns:
        A :class:`WindowAnimation` with one frame per output element and ``output: (h', w')``.

    Introduced in {ref}`sec-pooling`.
    """
    Xd = _matrix("X", X, 2, "(h, w)")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    k, p = _c.pair("pool_size", pool_size, 1), _c.pair("padding", padding, 0)
    s = k if stride is None else _c.pair("stride", stride, 1)
    Y = pool2d(Xd, k, mode, stride=s, padding=p)  # validates padding <= half the window
    starts = _starts(tuple(Xd.shape), k, p, s)
    Xp, is_pad = _padded(Xd, p, float("-inf") if mode == "max" else 0.0)
    windows = [Xp[r:r + k[0], c:c + k[1]] for r in starts[0] for c in starts[1]]
    items = [list(map(_fmt, Wi.flatten().tolist())) for Wi in windows]
    exprs = ([f"max({', '.join(e)})" for e in items] if mode == "max" else
             [f"({' + '.join(e)}) / {k[0] * k[1]}" for e in items])
    best = [divmod(int(Wi.argmax()), k[1]) for Wi in windows] if mode == "max" else None
    lines = [f"{mode} pooling of a {Xd.shape[0]}×{Xd.shape[1]} input: window {k[0]}×{k[1]}, "
             f"stride {_pp(s)}, padding {_pp(p)}", _shape_line(tuple(Xd.shape), k, p, s)]
    return _result(_slide(Xp[None], is_pad, k, s, starts, Y, lines, exprs, best=best), Y, X)
