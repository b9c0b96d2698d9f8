"""Cross-correlation, pooling and shape arithmetic written from scratch.

``corr2d`` is the plain double loop the book teaches with; the other functions compute
the same things with tensor operations, fast enough to reuse. Every function checks its
arguments and explains what it expected when they are wrong. The tests compare each one
with PyTorch's ``F.conv2d``, ``F.max_pool2d``, ``F.avg_pool2d`` and ``nn.Conv2d``.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Sequence

import torch
from torch import Tensor, nn

__all__ = ["corr2d", "corr2d_fast", "corr2d_multi_in", "corr2d_multi_in_out",
           "corr2d_multi_in_out_1x1", "pool2d", "conv_output_shape", "receptive_field", "Conv2D"]

IntOrPair = int | Sequence[int]


def _tensor(name: str, X: object, ndims: Sequence[int], shape: str) -> Tensor:
    if not isinstance(X, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {shape}, got {type(X).__name__}")
    if X.dim() not in ndims:
        raise ValueError(f"{name} must have shape {shape}, got {X.dim()}-D shape {tuple(X.shape)}")
    if X.dtype == torch.bool or X.is_complex():
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    return X


def _same_device(X: Tensor, K: Tensor) -> None:
    if X.device != K.device:
        raise ValueError(f"X is on {X.device} but K is on {K.device}; move both to one device")


def _int(name: str, v: object, minimum: int) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral):
        raise TypeError(f"{name} must be an int, got {type(v).__name__} {v!r}")
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")
    return int(v)


def _pair(name: str, v: object, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints -> a pair of ints, each at least ``minimum``."""
    if isinstance(v, Sequence) and not isinstance(v, str):
        if len(v) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
        return _int(name, v[0], minimum), _int(name, v[1], minimum)
    return (_int(name, v, minimum),) * 2


def _fits(X: Tensor, kernel: Sequence[int], what: str = "kernel K", where: str = "input X") -> None:
    if X.shape[-2] < kernel[0] or X.shape[-1] < kernel[1]:
        raise ValueError(f"{what} of size {tuple(kernel)} is larger than the {where} of "
                         f"size {tuple(X.shape[-2:])}; the output would be empty")


def _check_2d(X: object, K: object) -> None:
    _tensor("X", X, (2,), "(h, w)")
    _tensor("K", K, (2,), "(kh, kw)")
    if 0 in K.shape:
        raise ValueError(f"K must not be empty, got shape {tuple(K.shape)}")
    _same_device(X, K)
    _fits(X, K.shape)


def corr2d(X: Tensor, K: Tensor) -> Tensor:
    """Two-dimensional cross-correlation, one output element at a time.

    Slides ``K`` over ``X`` and sums the elementwise product at every position:
    ``Y[i, j] = sum(X[i:i+kh, j:j+kw] * K)``. No padding, stride 1.

    Args:
        X: input, shape ``(h, w)``.
        K: kernel, shape ``(kh, kw)``, with ``kh <= h`` and ``kw <= w``.

    Returns:
        Y of shape ``(h - kh + 1, w - kw + 1)``.

    Introduced in {ref}`sec-conv-layer`.
    """
    _check_2d(X, K)
    kh, kw = K.shape
    Y = torch.zeros(X.shape[0] - kh + 1, X.shape[1] - kw + 1,
                    dtype=torch.result_type(X, K), device=X.device)
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
    dtype = torch.result_type(X, K)
    kh, kw = K.shape
    windows = X.to(dtype).unfold(0, kh, 1).unfold(1, kw, 1)  # (h', w', kh, kw)
    h_out, w_out = windows.shape[:2]
    return (windows.reshape(h_out * w_out, kh * kw) @ K.to(dtype).reshape(-1)).reshape(h_out, w_out)


def _channels(X: Tensor, K: Tensor, k_shape: str) -> None:
    _tensor("X", X, (3,), "(c_i, h, w)")
    _tensor("K", K, (len(k_shape.split(",")),), k_shape)
    if 0 in K.shape:
        raise ValueError(f"K must not be empty, got shape {tuple(K.shape)}")
    _same_device(X, K)
    if K.shape[-3] != X.shape[0]:
        raise ValueError(f"K has c_i={K.shape[-3]} input channels (shape {tuple(K.shape)}) but "
                         f"X has {X.shape[0]} (shape {tuple(X.shape)}); they must match")
    _fits(X, K.shape[-2:])


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
    dtype = torch.result_type(X, K)
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
    _tensor("X", X, (2, 3), "(h, w) or (c, h, w)")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    ph, pw = _pair("pool_size", pool_size, 1)
    sh, sw = (ph, pw) if stride is None else _pair("stride", stride, 1)
    pad_h, pad_w = _pair("padding", padding, 0)
    if pad_h > ph // 2 or pad_w > pw // 2:
        raise ValueError(f"padding must be at most half of pool_size {(ph, pw)}, "
                         f"got {(pad_h, pad_w)}")
    if X.numel() == 0:
        raise ValueError(f"X must not be empty, got shape {tuple(X.shape)}")
    X = X if X.is_floating_point() else X.float()
    Xp = nn.functional.pad(X, (pad_w, pad_w, pad_h, pad_h),
                           value=-math.inf if mode == "max" else 0.0)
    _fits(Xp, (ph, pw), "pool_size", "padded input X")
    rows, cols = X.dim() - 2, X.dim() - 1  # unfold appends the window dimension at the end
    # a stride beyond the padded input gives one window either way; clamping keeps unfold's
    # arithmetic in range for absurdly large strides
    sh, sw = min(sh, Xp.shape[rows]), min(sw, Xp.shape[cols])
    windows = Xp.unfold(rows, ph, sh).unfold(cols, pw, sw)  # ([c,] h', w', ph, pw)
    if mode == "avg":
        return windows.mean(dim=(-2, -1))
    # max over the flattened window: on ties the gradient goes to the first maximum, as in
    # F.max_pool2d (amax would share it among the tied entries)
    return windows.flatten(-2).max(dim=-1).values


def conv_output_shape(input_size: IntOrPair, kernel_size: IntOrPair, padding: IntOrPair | str = 0,
                      stride: IntOrPair = 1, dilation: IntOrPair = 1) -> int | tuple[int, int]:
    """Output size of a convolution (or pooling) layer, with PyTorch's arithmetic.

    Per dimension: ``floor((n + 2p - d(k - 1) - 1) / s) + 1``, where ``p`` is the padding on
    each side. ``padding="valid"`` means 0; ``padding="same"`` (stride 1 only) keeps ``n``.

    Args:
        input_size: ``n``, an int or a pair ``(h, w)``.
        kernel_size, padding, stride, dilation: ints or pairs, as for ``nn.Conv2d``.

    Returns:
        An int when every argument is an int, otherwise a pair ``(h_out, w_out)``.

    Introduced in {ref}`sec-padding`.
    """
    same = isinstance(padding, str) and padding == "same"
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
        padding = 0  # "same" pads d(k - 1) in total, so the formula below is not needed
    args = {"input_size": (input_size, 1), "kernel_size": (kernel_size, 1),
            "padding": (padding, 0), "stride": (stride, 1), "dilation": (dilation, 1)}
    n, k, p, s, d = (_pair(name, value, low) for name, (value, low) in args.items())
    if same and s != (1, 1):
        raise ValueError(f"padding='same' needs stride 1, got stride={stride!r}")
    out = []
    for n_i, k_i, p_i, s_i, d_i in zip(n, k, p, s, d):
        span = d_i * (k_i - 1) + 1  # input pixels the dilated kernel covers
        if span > n_i + 2 * p_i and not same:
            raise ValueError(f"kernel_size {k_i} (dilated span {span}) is larger than the padded "
                             f"input_size {n_i} + 2*{p_i}; the output would be empty")
        out.append(n_i if same else (n_i + 2 * p_i - span) // s_i + 1)
    pairs = any(isinstance(v, Sequence) for v, _ in args.values())
    return tuple(out) if pairs else out[0]


def receptive_field(layers: Sequence[tuple[int, int]]) -> int:
    """Side length of the input region that one output unit of the last layer depends on.

    Each layer ``(kernel_size, stride)`` widens the field by ``(kernel_size - 1)`` times the
    product of the strides of the layers before it; an empty stack sees one pixel.

    Args:
        layers: ``[(kernel_size, stride), ...]`` from the input upwards, positive ints.

    Returns:
        The receptive field size in input pixels.

    Introduced in {ref}`sec-conv-layer`.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a list of (kernel_size, stride) pairs, got {layers!r}")
    size, jump = 1, 1  # jump: input pixels between neighbouring units of the current layer
    for layer in layers:
        if not isinstance(layer, Sequence) or len(layer) != 2:
            raise ValueError(f"each entry of layers must be a (kernel_size, stride) pair, got {layer!r}")
        k, s = _int("kernel_size", layer[0], 1), _int("stride", layer[1], 1)
        size += (k - 1) * jump
        jump *= s
    return size


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
        self.kernel_size = _pair("kernel_size", kernel_size, 1)
        bound = 1 / math.sqrt(self.kernel_size[0] * self.kernel_size[1])
        self.weight = nn.Parameter(torch.empty(self.kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, X: Tensor) -> Tensor:
        """X: ``(h, w)`` -> ``(h - kh + 1, w - kw + 1)``."""
        return corr2d(X, self.weight) + self.bias

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}"
