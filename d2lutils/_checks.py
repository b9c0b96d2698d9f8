"""Argument checks shared by every public function of d2lutils.

Each public function validates what it is given at the door, in a line or three, with
these helpers; each raises ``TypeError`` (wrong kind) or ``ValueError`` (right kind,
wrong value) naming the argument and what was expected, never a silent wrong answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any


import torch
from torch import Tensor

# The most memory one helper may ask for at once (windows listed by unfold, a kernel,
# resized images): far above what the book needs, far below what would swap or crash.
MAX_BYTES = 2 * 2**30


def integer(name: str, value: Any, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """An int (not a bool) within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def positive_int(name: str, value: Any) -> int:
    """An int of at least 1."""
    return integer(name, value, 1)


def pair(name: str, value: Any, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints -> a pair of ints, each at least ``minimum``."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return integer(name, value[0], minimum), integer(name, value[1], minimum)
    return (integer(name, value, minimum),) * 2


def real(name: str, value: Any, positive: bool = False, finite: bool = True) -> float:
    """A real number (one-element tensors and NumPy scalars too), as a float; finite
    unless ``finite=False``."""
    if isinstance(value, (bool, str, bytes)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got "
                        f"{type(value).__name__} {value!r}") from None
    if not isinstance(value, Real) and getattr(value, "dtype", None) is not None:
        if "complex" in str(value.dtype):
            raise TypeError(f"{name} must be a real number, got dtype {value.dtype}")
    if (finite and not math.isfinite(number)) or (positive and number <= 0):
        kind = "a positive finite number" if positive else "a finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return number


def real_pair(name: str, value: Any, positive: bool = False) -> tuple[float, float]:
    """A pair of finite (optionally positive) numbers, e.g. a figure size."""
    ok = (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
          and all(isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
                  for v in value))
    if not ok or (positive and min(value) <= 0):
        kind = "positive finite numbers" if positive else "finite numbers"
        raise ValueError(f"{name} must be a pair of {kind} such as (3.5, 2.5), got {value!r}")
    return float(value[0]), float(value[1])


MAX_INCHES = 50  # a figure side; matplotlib would try to draw a poster


def figsize(name: str, value: Any) -> tuple[float, float]:
    """A figure size (width, height) in inches: positive, at most MAX_INCHES each."""
    width, height = real_pair(name, value, positive=True)
    if max(width, height) > MAX_INCHES:
        raise ValueError(f"{name} must be at most {MAX_INCHES} inches a side, got {value!r}")
    return width, height


def tensor(name: str, X: Any, ndims: Sequence[int], shape: str) -> Tensor:
    """A real-valued tensor with one of the numbers of dimensions ``ndims``."""
    if not isinstance(X, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {shape}, "
                        f"got {type(X).__name__}")
    if X.dim() not in ndims:
        raise ValueError(f"{name} must have shape {shape}, "
                         f"got {X.dim()}-D shape {tuple(X.shape)}")
    if X.dtype == torch.bool or X.is_complex():
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    return X


def same_device(X: Tensor, K: Tensor) -> None:
    if X.device != K.device:
        raise ValueError(f"X is on {X.device} but K is on {K.device}; "
                         "move both to one device")


def fits(X: Tensor, kernel: Sequence[int], what: str = "kernel K",
         where: str = "input X") -> None:
    """The window fits inside the input (else the output would be empty)."""
    if X.shape[-2] < kernel[0] or X.shape[-1] < kernel[1]:
        raise ValueError(f"{what} of size {tuple(kernel)} is larger than the {where} of "
                         f"size {tuple(X.shape[-2:])}; the output would be empty")


def memory(name: str, n_elements: int, bytes_each: int, what: str) -> None:
    """Refuse a request for more than MAX_BYTES, saying how much it would take."""
    need = n_elements * bytes_each
    if need > MAX_BYTES:
        raise ValueError(f"{name} is too large: {what} would take {need / 2**30:,.1f} GiB "
                         f"(the limit is {MAX_BYTES / 2**30:.0f} GiB); use smaller sizes "
                         "or PyTorch's own layers")


def exact_dtype(X: Tensor, K: Tensor) -> torch.dtype:
    """The dtype to compute in: floats as PyTorch promotes them; integers as int64, so
    that sums of products of uint8 or int8 values cannot wrap around."""
    dtype = torch.result_type(X, K)
    return dtype if dtype.is_floating_point else torch.int64


def as_numpy(value: Any) -> Any:
    """A torch tensor as a NumPy array (bfloat16 and half as float32); anything else as is."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        return (value.float() if value.is_floating_point() else value).numpy()
    return value
