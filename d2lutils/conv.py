"""Cross-correlation and pooling written from scratch.

``corr2d`` is the plain double loop the book teaches with; the other functions compute
the same things with tensor operations, fast enough to reuse. Every function checks its
arguments and explains what it expected when they are wrong. The tests compare each one
with PyTorch's ``F.conv2d``, ``F.max_pool2d``, ``F.avg_pool2d`` and ``nn.Conv2d``.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import Tensor, nn

from . import _checks as _c

__all__ = ["corr2d", "corr2d_fast", "corr2d_multi_in", "corr2d_multi_in_out",
           "corr2d_multi_in_out_1x1", "pool2d", "Conv2D"]

IntOrPair = int | Sequence[int]


def _check_2d(X: object, K: object) -> None:
    _c.tensor("X", X, (2,), "(h, w)")
    _c.tensor("K", K, (2,), "(kh, kw)")
    if 0 in K.shape:
        raise ValueError(f"K must not be empty, got shape {tuple(K.shape)}")
    _c.same_device(X, K)
    _c.fits(X, K.shape)


def corr2d(X: Tensor, K: Tensor) -> Tensor:
    """Two-dimensional cross-correlation, one output element at a time.

    Slides ``K`` over ``X`` and sums the elementwise product at every position:
    ``Y[i, j] = sum(X[i:i+kh, j:j+kw] * K)``. No padding, stride 1.

    Args:
        X: input, shape ``(h, w)``.
        K: kernel, shape ``(kh, kw)``, with ``kh <= h`` and ``kw <= w``.

    Returns:
        Y of shape ``(h - kh + 1, w - kw + 1)``; integers are summed exactly, in int64.

    Introduced in {ref}`sec-conv-layer`.
    """
    _check_2d(X, K)
    dtype = _c.exact_dtype(X, K)
    X, K = X.to(dtype), K.to(dtype)
    kh, kw = K.shape
    Y = torch.zeros(X.shape[0] - kh + 1, X.shape[1] - kw + 1, dtype=dtype,
                    device=X.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + kh, j:j + kw] * K).sum()
    return Y


def corr2d_fast(X: Tensor, K: Tensor) -> Tensor:
    """The same cross-correlation as :func:`corr2d`, computed as one matrix-vector product.

    ``X.unfold`` lists every ``(kh, kw)`` window of ``X`` as a row (no copying until the
    reshape); multiplying that matrix by the flattened kernel gives all outputs at once.

    Args:
        X: input, shape ``(h, w)``.
        K: kernel, shape ``(kh, kw)``.

    Returns:
        Y of shape ``(h - kh + 1, w - kw + 1)``.

    Introduced in {ref}`sec-conv-layer`.
    """
    _check_2d(X, K)
    dtype = _c.exact_dtype(X, K)
    kh, kw = K.shape
    _c.memory("X", (X.shape[0] - kh + 1) * (X.shape[1] - kw + 1) * kh * kw,
              torch.empty((), dtype=dtype).element_size(), "listing every window")
    windows = X.to(dtype).unfold(0, kh, 1).unfold(1, kw, 1)  # (h', w', kh, kw)
    h_out, w_out = windows.shape[:2]
    return (windows.reshape(h_out * w_out, kh * kw) @ K.to(dtype).reshape(-1)).reshape(h_out, w_out)


def _channels(X: Tensor, K: Tensor, k_shape: str) -> None:
    _c.tensor("X", X, (3,), "(c_i, h, w)")
    _c.tensor("K", K, (len(k_shape.split(",")),), k_shape)
    if 0 in K.shape:
        raise ValueError(f"K must not be empty, got shape {tuple(K.shape)}")
    _c.same_device(X, K)
    if K.shape[-3] != X.shape[0]:
        raise ValueError(f"K has c_i={K.shape[-3]} input channels (shape {tuple(K.shape)}) but "
                         f"X has {X.shape[0]} (shape {tuple(X.shape)}); they must match")
    _c.fits(X, K.shape[-2:])


def corr2d_multi_in(X: Tensor, K: Tensor) -> Tensor:
    """Cross-correlation over several input channels: one 2-D result per channel, summed.

    Args:
        X: input, shape ``(c_i, h, w)``.
        K: kernel with one slice per input channel, shape ``(c_i, kh, kw)``.

    Returns:
        Y of shape ``(h - kh + 1, w - kw + 1)``.

    Introduced in {ref}`sec-channels`.
    """
    _channels(X, K, "(c_i, kh, kw)")
    return sum(corr2d_fast(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X: Tensor, K: Tensor) -> Tensor:
    """Several output channels: one :func:`corr2d_multi_in` per output kernel, stacked.

    Args:
        X: input, shape ``(c_i, h, w)``.
        K: kernels, shape ``(c_o, c_i, kh, kw)``.

    Returns:
        Y of shape ``(c_o, h - kh + 1, w - kw + 1)``.

    Introduced in {ref}`sec-channels`.
    """
    _channels(X, K, "(c_o, c_i, kh, kw)")
    return torch.stack([corr2d_multi_in(X, k) for k in K])


def corr2d_multi_in_out_1x1(X: Tensor, K: Tensor) -> Tensor:
    """A 1x1 convolution as a single matrix product: it mixes channels at every pixel.

    Each pixel's channel vector ``X[:, i, j]`` is multiplied by the ``(c_o, c_i)`` matrix
    ``K[:, :, 0, 0]``, so all pixels together are ``K (c_o, c_i) @ X (c_i, h*w)``.

    Args:
        X: input, shape ``(c_i, h, w)``.
        K: kernels, shape ``(c_o, c_i, 1, 1)``.

    Returns:
        Y of shape ``(c_o, h, w)``, equal to ``corr2d_multi_in_out(X, K)``.

    Introduced in {ref}`sec-channels`.
    """
    _channels(X, K, "(c_o, c_i, 1, 1)")
    if K.shape[-2:] != (1, 1):
        raise ValueError(f"K must have shape (c_o, c_i, 1, 1), got {tuple(K.shape)}")
    c_i, h, w = X.shape
    dtype = _c.exact_dtype(X, K)
    Y = K.to(dtype).reshape(K.shape[0], c_i) @ X.to(dtype).reshape(c_i, h * w)
    return Y.reshape(K.shape[0], h, w)


def pool2d(X: Tensor, pool_size: IntOrPair, mode: str = "max", stride: IntOrPair | None = 1,
           padding: IntOrPair = 0) -> Tensor:
    """Maximum or average pooling over ``pool_size`` windows, channel by channel.

    Matches ``F.max_pool2d`` / ``F.avg_pool2d`` (padding counts as ``-inf`` for the maximum
    and as zeros for the average, i.e. ``count_include_pad=True``), gradients included: when
    several entries of a window tie for the maximum, the first in reading order gets the
    gradient. Integer inputs are pooled as float32.

    Args:
        X: input, shape ``(h, w)`` or ``(c, h, w)``.
        pool_size: window size, an int or a pair ``(ph, pw)``.
        mode: ``"max"`` or ``"avg"``.
        stride: step between windows, an int or a pair; ``None`` means the window size.
            The default 1 moves one pixel at a time (``nn.MaxPool2d`` defaults to the window).
        padding: pixels added on each side, an int or a pair, at most half the window.

    Returns:
        Y of shape ``([c,] (h + 2*padh - ph) // sh + 1, (w + 2*padw - pw) // sw + 1)``.

    Introduced in {ref}`sec-pooling`.
    """
    _c.tensor("X", X, (2, 3), "(h, w) or (c, h, w)")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    ph, pw = _c.pair("pool_size", pool_size, 1)
    sh, sw = (ph, pw) if stride is None else _c.pair("stride", stride, 1)
    pad_h, pad_w = _c.pair("padding", padding, 0)
    if pad_h > ph // 2 or pad_w > pw // 2:
        raise ValueError(f"padding must be at most half of pool_size {(ph, pw)}, "
                         f"got {(pad_h, pad_w)}")
    if X.numel() == 0:
        raise ValueError(f"X must not be empty, got shape {tuple(X.shape)}")
    X = X if X.is_floating_point() else X.float()
    Xp = nn.functional.pad(X, (pad_w, pad_w, pad_h, pad_h),
                           value=-math.inf if mode == "max" else 0.0)
    _c.fits(Xp, (ph, pw), "pool_size", "padded input X")
    rows, cols = X.dim() - 2, X.dim() - 1  # unfold appends the window dimension at the end
    # a stride beyond the padded input gives one window either way; clamping keeps unfold's
    # arithmetic in range for absurdly large strides
    sh, sw = min(sh, Xp.shape[rows]), min(sw, Xp.shape[cols])
    n_windows = ((Xp.shape[rows] - ph) // sh + 1) * ((Xp.shape[cols] - pw) // sw + 1)
    _c.memory("X", n_windows * ph * pw * (X.shape[0] if X.dim() == 3 else 1),
              X.element_size(), "listing every window")
    windows = Xp.unfold(rows, ph, sh).unfold(cols, pw, sw)  # ([c,] h', w', ph, pw)
    if mode == "avg":
        return windows.mean(dim=(-2, -1))
    # max over the flattened window: on ties the gradient goes to the first maximum, as in
    # F.max_pool2d (amax would share it among the tied entries)
    return windows.flatten(-2).max(dim=-1).values


class Conv2D(nn.Module):
    """A single-channel convolutional layer built on :func:`corr2d`: ``corr2d(X, weight) + bias``.

    Args:
        kernel_size: ``(kh, kw)`` or an int for a square kernel.

    Attributes:
        weight: the kernel, shape ``(kh, kw)``, uniform in ``[-1/sqrt(kh*kw), 1/sqrt(kh*kw)]``.
        bias: a scalar, initially 0.

    Introduced in {ref}`sec-conv-layer`.
    """

    def __init__(self, kernel_size: IntOrPair):
        super().__init__()
        self.kernel_size = _c.pair("kernel_size", kernel_size, 1)
        _c.memory("kernel_size", self.kernel_size[0] * self.kernel_size[1], 4, "the weight")
        bound = 1 / math.sqrt(self.kernel_size[0] * self.kernel_size[1])
        self.weight = nn.Parameter(torch.empty(self.kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, X: Tensor) -> Tensor:
        """X: ``(h, w)`` -> ``(h - kh + 1, w - kw + 1)``."""
        return corr2d(X, self.weight) + self.bias

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}"
