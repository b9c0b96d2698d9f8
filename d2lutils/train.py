"""Training a classifier: the ``Trainer``.

The training loop is written for speed on a laptop CPU as much as for clarity: the
loss and the number of correct predictions are accumulated as tensors (no
``.item()`` per batch), gradients are reset with ``set_to_none``, and validation runs
without autograd. The CPU-specific speed-ups (channels-last layout, validation in
large chunks, choosing between one thread and several each epoch) live in
:mod:`d2lutils._fast`, which explains them. ``benchmarks/lenet.py`` measures all this;
``benchmarks/README.md`` has the figures.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import _checks as _c
from ._fast import has_lazy, layout, shape_lazy_layers, thread_probe, to_device
from .metrics import as_device, evaluate
from .progress import History, ProgressBoard

__all__ = ["Trainer", "default_device", "set_seed"]

MAX_SEED = 2**63 - 1  # torch.manual_seed's range
IGNORE_INDEX = -100  # F.cross_entropy's label for "no label"
NAN_CHECK_EVERY = 50  # batches between the (cheap, batched) checks for a non-finite loss


def default_device() -> torch.device:
    """The fastest device available: CUDA, then Apple's MPS, then the CPU.

    Introduced in {ref}`sec-lenet`.
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random number generators (all devices).

    Introduced in {ref}`sec-lenet`.
    """
    _c.integer("seed", seed, 0, MAX_SEED)
    random.seed(int(seed))
    torch.manual_seed(int(seed))
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with matplotlib
        return
    np.random.seed(int(seed) % 2**32)


def _available(device: torch.device) -> torch.device:
    """``device`` if this machine has it, else a ValueError saying what it has."""
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device is {device!r}, but this machine has no CUDA GPU; use "
                         f"device=None (picks {default_device()}) or 'cpu'")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"device is {device!r}, but this machine has "
                         f"{torch.cuda.device_count()} CUDA device(s)")
    mps = getattr(torch.backends, "mps", None)
    if device.type == "mps" and not (mps is not None and mps.is_available()):
        raise ValueError(f"device is {device!r}, but MPS is not available here")
    return device


def _check_batch(model: nn.Module, X: Any, y: Any) -> None:
    """The first training batch suits the model: float images of its dtype, int64 labels."""
    if not (isinstance(X, torch.Tensor) and isinstance(y, torch.Tensor)):
        raise TypeError("each batch must be a pair (X, y) of tensors, got "
                        f"({type(X).__name__}, {type(y).__name__})")
    param = next((p for p in model.parameters() if p.is_floating_point()), None)
    if param is not None and X.dtype != param.dtype:
        raise TypeError(f"the batches hold {X.dtype} inputs but the model's parameters are "
                        f"{param.dtype}; convert one of them (e.g. model.float())")
    if y.dtype != torch.long:
        raise TypeError(f"the labels y must be int64 class indices (torch.long), got "
                        f"{y.dtype}; convert them with y.long()")
    if y.dim() != 1 or len(y) != len(X):
        raise ValueError(f"the labels y must have shape (batch,) = ({len(X)},), "
                         f"got {tuple(y.shape)}")


def _check_labels(y: torch.Tensor, y_hat: torch.Tensor) -> None:
    """Labels in 0..q-1 (or the ignore label -100), checked once, on the first batch."""
    q = y_hat.shape[-1]
    bad = ((y < 0) & (y != IGNORE_INDEX)) | (y >= q)
    if bool(bad.any()):
        raise ValueError(f"label {int(y[bad][0])} is out of range: the model gives {q} "
                         f"scores, so labels must be in 0..{q - 1} (or {IGNORE_INDEX}, "
                         "ignored)")


def _sgd(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)


class Trainer:
    """Trains a classifier with minibatch SGD (or any optimiser) and cross-entropy loss.

    Args:
        max_epochs: number of passes over the training data, a positive int.
        lr: learning rate, a positive number.
        device: where to train; ``None`` picks :func:`default_device`.
        board: ``True`` shows a :class:`~d2lutils.progress.ProgressBoard` (a live figure in
            a notebook, one line per epoch in a terminal), ``False`` trains silently; a
            board instance may be passed too.
        seed: if given, seeds every generator (:func:`set_seed`) and the data module's
            shuffling (its ``seed`` attribute), so that a run can be repeated (bit for bit
            on the same machine with the same thread count).
        optimizer: factory ``(params, lr) -> torch.optim.Optimizer``; default plain SGD.

    On the CPU, ``fit`` trains conv nets in the channels-last layout (the model gets its
    layout back afterwards) and may run an epoch on one thread when that is faster (see
    :mod:`d2lutils._fast`); neither changes what is computed beyond float rounding. A loss
    that becomes nan or inf stops training with a ``FloatingPointError`` naming the epoch
    and batch.

    Introduced in {ref}`sec-lenet`.
    """

    def __init__(self, max_epochs: int, lr: float = 0.1, device: Any = None,
                 board: bool | ProgressBoard = True, seed: int | None = None,
                 optimizer: Callable[..., torch.optim.Optimizer] | None = None) -> None:
        _c.integer("max_epochs", max_epochs, 1, 10**6)
        _c.real("lr", lr, positive=True)
        if not isinstance(board, (bool, ProgressBoard)):
            raise TypeError(f"board must be True, False or a ProgressBoard, got {board!r}")
        if seed is not None:
            _c.integer("seed", seed, 0, MAX_SEED)
        if optimizer is not None and not callable(optimizer):
            raise TypeError("optimizer must be a callable (params, lr) -> torch.optim.Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.max_epochs, self.lr, self.seed = int(max_epochs), float(lr), seed
        self.device = None if device is None else _available(as_device(device))
        self.board, self.optimizer = board, optimizer or _sgd

    def fit(self, model: nn.Module, data: Any) -> History:
        """Train ``model`` on ``data`` and return the :class:`History`.

        ``data`` is anything with ``train_dataloader()`` and ``val_dataloader()`` methods
        returning iterables of (X, y) batches (``val_dataloader()`` may return ``None``).
        The model is moved to the device and left there, in evaluation mode.
        """
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        for method in ("train_dataloader", "val_dataloader"):
            if not callable(getattr(data, method, None)):
                raise TypeError(f"data must have a {method}() method (a data module such as "
                                f"d2lutils.FashionMNIST), got {type(data).__name__}")
        if self.seed is not None:
            set_seed(self.seed)
            if hasattr(data, "seed"):
                data.seed = self.seed
        device = default_device() if self.device is None else self.device
        model.to(device)
        board = (ProgressBoard(max_epochs=self.max_epochs) if self.board is True
                 else self.board or None)
        history = History(device=str(device))
        self.history = history  # also reachable after an interruption
        threads = torch.get_num_threads()  # the probe may change it; restored below
        try:
            # lazy layers get their shapes before the layout is chosen
            if has_lazy(model):
                shape_lazy_layers(model, data.train_dataloader(), device)
            with layout(model, device) as fmt:
                self._run(model, data, device, fmt, board, history, threads)
        except KeyboardInterrupt:
            history.keep_finished_epochs()
            print(f"Trainer.fit: interrupted; keeping the {history.epochs} finished "
                  f"epoch{'s' if history.epochs != 1 else ''} (trainer.history)")
        finally:
            torch.set_num_threads(threads)
            model.eval()
            if board is not None:
                board.finish()
        return history

    def _run(self, model, data, device, fmt, board, history, threads) -> None:
        """The epochs of :meth:`fit`: train, validate, record, show."""
        train_iter, val_iter = data.train_dataloader(), data.val_dataloader()
        # fit has shaped any lazy layers already, so every parameter exists now
        start, examples, optimizer = time.perf_counter(), 0, self._make_optimizer(model)
        for epoch in range(self.max_epochs):
            if epoch > 0 and isinstance(train_iter, Iterator):  # one-shot: ask again
                train_iter = data.train_dataloader()
            examples += self._train_epoch(model, train_iter, optimizer, device, fmt,
                                          epoch, history, threads)
            if val_iter is not None:
                if epoch > 0 and isinstance(val_iter, Iterator):
                    val_iter = data.val_dataloader()
                val_loss, val_acc = evaluate(model, val_iter, device, fmt)
            else:
                val_loss = val_acc = math.nan
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            history.epochs, history.threads = epoch + 1, torch.get_num_threads()
            history.seconds = time.perf_counter() - start
            history.examples_per_sec = examples / history.seconds
            if board is not None:
                board.update(history, self.max_epochs)

    def _make_optimizer(self, model) -> torch.optim.Optimizer:
        opt = self.optimizer(model.parameters(), self.lr)
        if not isinstance(opt, torch.optim.Optimizer):
            raise TypeError(f"optimizer factory must return a torch.optim.Optimizer, "
                            f"got {type(opt).__name__}")
        return opt

    def _train_epoch(self, model, train_iter, optimizer, device, fmt, epoch, history,
                     threads) -> int:
        """One pass over the training data; appends to ``history``, returns #examples."""
        model.train()
        losses: list[torch.Tensor] = []  # detached per-batch mean losses: no host sync
        labelled: list[torch.Tensor] = []  # labels not ignored, per batch (no host sync)
        sizes: list[int] = []
        correct = torch.zeros((), dtype=torch.long, device=device)
        checked = 0
        probe = thread_probe(device, train_iter, threads)
        for i, (X, y) in enumerate(train_iter):
            if probe:
                probe.before(i)
            if i == 0:
                _check_batch(model, X, y)
            X, y = to_device(X, device, fmt), y.to(device, non_blocking=True)
            y_hat = model(X)
            if i == 0:
                _check_labels(y, y_hat)
            labelled.append((y != IGNORE_INDEX).sum())
            loss = F.cross_entropy(y_hat, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if probe:
                probe.after(i)
            losses.append(loss.detach())
            sizes.append(len(y))
            correct += (y_hat.detach().argmax(dim=1) == y).sum()
            if len(losses) - checked >= NAN_CHECK_EVERY:
                self._check_finite(losses, checked, epoch, labelled)
                checked = len(losses)
        if not losses:
            raise ValueError("the training data yielded no batches")
        self._check_finite(losses, checked, epoch, labelled)
        batch_losses = torch.stack(losses).cpu()
        n = torch.tensor(sizes, dtype=batch_losses.dtype)
        total = int(n.sum())
        history.train_loss.append(float((batch_losses * n).sum()) / total)
        history.train_acc.append(correct.item() / total)
        quarters = torch.linspace(0, len(sizes), 5).round().long().tolist()
        for lo, hi in zip(quarters, quarters[1:]):
            if hi > lo:
                mean = float((batch_losses[lo:hi] * n[lo:hi]).sum() / n[lo:hi].sum())
                history.train_loss_points.append((epoch + hi / len(sizes), mean))
        return total

    def _check_finite(self, losses: list[torch.Tensor], start: int, epoch: int,
                      labelled: list[torch.Tensor]) -> None:
        """Raise if any loss in ``losses[start:]`` is nan or inf, naming the first such batch."""
        if start == len(losses):
            return
        recent = torch.stack(losses[start:])
        bad = ~torch.isfinite(recent)
        if bool(bad.any()):
            i = start + int(bad.nonzero()[0, 0])
            if int(labelled[i]) == 0:
                raise ValueError(f"every label of batch {i + 1} (epoch {epoch + 1}) is "
                                 f"{IGNORE_INDEX}, the ignored label, so its loss is "
                                 "undefined; check how the labels were made")
            raise FloatingPointError(
                f"training diverged: the loss became {losses[i].item()} at epoch {epoch + 1}, "
                f"batch {i + 1} (lr={self.lr:g}); try a smaller learning rate, "
                f"e.g. lr={self.lr / 10:g}")
