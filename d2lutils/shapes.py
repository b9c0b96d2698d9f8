"""Shape arithmetic: how big a convolution's output is, and how much input one unit sees.

Both follow PyTorch's conventions, and the tests compare them with ``nn.Conv2d``.
"""

from __future__ import annotations

from typing import Sequence

from . import _checks as _c

__all__ = ["conv_output_shape", "receptive_field"]

IntOrPair = int | Sequence[int]


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
    n, k, p, s, d = (_c.pair(name, value, low) for name, (value, low) in args.items())
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
        k, s = _c.integer("kernel_size", layer[0], 1), _c.integer("stride", layer[1], 1)
        size += (k - 1) * jump
        jump *= s
    return size
