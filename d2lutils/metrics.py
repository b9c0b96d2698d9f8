"""Measuring a classifier: accuracy of scores, and of a model over a data loader.

Evaluation runs without autograd, in large chunks and in the layout the Trainer trains
in (:mod:`d2lutils._fast`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ._fast import chunks, has_lazy, layout, shape_lazy_layers

__all__ = ["accuracy", "evaluate_accuracy"]


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of correct predictions.

    Args:
        y_hat: (n, q) scores (the predicted class is the largest) or (n,) predicted labels.
        y: (n,) true labels.

    Introduced in {ref}`sec-lenet`.
    """
    for name, t in (("y_hat", y_hat), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if y_hat.dim() not in (1, 2) or y.dim() != 1:
        raise ValueError(f"expected y_hat of shape (n, q) or (n,) and y of shape (n,), "
                         f"got y_hat {tuple(y_hat.shape)} and y {tuple(y.shape)}")
    if y_hat.shape[0] != y.shape[0] or y.shape[0] == 0:
        raise ValueError(f"y_hat and y must hold the same positive number of examples, "
                         f"got {y_hat.shape[0]} and {y.shape[0]}")
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y_hat.is_complex():
        raise TypeError(f"y_hat must hold real scores or integer labels, got {y_hat.dtype}")
    if y_hat.dim() == 1 and y_hat.is_floating_point() and bool(
            (y_hat != y_hat.round()).any()):
        raise ValueError("a 1-D y_hat must hold predicted labels (whole numbers), got "
                         "fractions; pass the (n, q) scores to compare their argmax")
    if y_hat.is_floating_point() and bool(torch.isnan(y_hat).any()):
        raise ValueError("y_hat holds NaN scores; the model's output is not a number "
                         "(did training diverge?)")
    preds = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (preds.to(y.dtype) == y).float().mean().item()


def as_device(device: Any) -> torch.device:
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be None, a str or a torch.device, got {device!r}")
    try:
        return torch.device(device)
    except RuntimeError as e:
        raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', "
                         f"got {device!r}") from e


def model_device(net: nn.Module) -> torch.device:
    param = next(net.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def evaluate(net: nn.Module, batches: Iterable, device: torch.device,
              fmt: torch.memory_format | None = None) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``net`` on ``batches`` (no autograd)."""
    was_training = net.training
    net.eval()
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    n = 0
    with torch.inference_mode():
        for X, y in chunks(batches, device, fmt=fmt):
            y_hat = net(X)
            loss_sum += F.cross_entropy(y_hat, y, reduction="sum")
            correct += (y_hat.argmax(dim=1) == y).sum()
            n += len(y)
    net.train(was_training)
    if n == 0:
        raise ValueError("the validation data yielded no examples")
    return loss_sum.item() / n, correct.item() / n


def evaluate_accuracy(net: nn.Module, data_iter: Iterable, device: Any = None) -> float:
    """Accuracy of ``net`` on every (X, y) batch of ``data_iter``, in evaluation mode.

    ``device=None`` uses the device that holds the model's parameters.

    Introduced in {ref}`sec-lenet`.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    if not isinstance(data_iter, Iterable):
        raise TypeError(f"data_iter must be an iterable of (X, y) batches, "
                        f"got {type(data_iter).__name__}")
    device = model_device(net) if device is None else as_device(device)
    if has_lazy(net):
        # shape the lazy layers on the first batch, then evaluate every batch
        batches = iter(data_iter)
        first = next(batches, None)
        if first is None:
            raise ValueError("data_iter yielded no batches")
        shape_lazy_layers(net, [first], device)
        data_iter = itertools.chain([first], batches)
    if device.type != model_device(net).type:
        raise ValueError(f"device is {device} but net's parameters are on "
                         f"{model_device(net)}; move the net first (net.to(device))")
    with layout(net, device) as fmt:  # the layout Trainer.fit validates with
        return evaluate(net, data_iter, device, fmt)[1]
