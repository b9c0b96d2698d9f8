"""Speed-ups behind ``Trainer.fit`` and ``evaluate_accuracy`` on the CPU (internal).

- Conv nets run in the channels-last layout on the CPU: oneDNN's convolutions then need no
  reordering of every activation, and pooling vectorises (``CHANNELS_LAST``).
- Validation regroups batches into chunks of at least ``VAL_CHUNK`` examples.
- Each epoch starts by timing ``PROBE_BATCHES`` steps with torch's thread count and with
  one thread, and keeps the faster (``TUNE_THREADS``): small networks on a busy CPU can
  run many times faster on one thread, because OpenMP's barriers wait for a thread that
  the operating system has descheduled.

None of these changes what is computed beyond float rounding. ``benchmarks/lenet.py``
switches them off one at a time (``--no-channels-last``, ``--no-thread-tuning``);
``benchmarks/README.md`` has what each one buys.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterable

import torch
from torch import nn

CHANNELS_LAST = True  # on CPU, train conv nets in channels-last layout (see benchmarks/)
VAL_CHUNK = 1024  # validation forwards at least this many examples at once
TUNE_THREADS = True  # on CPU, try one thread against torch's default each epoch
PROBE_BATCHES = 8  # batches timed per candidate thread count


def channels_last_format(model: nn.Module, device: torch.device) -> torch.memory_format | None:
    """Channels-last layout for conv nets on the CPU, where it speeds up convolutions and
    pooling (see ``benchmarks/README.md``); ``None`` (keep the layout) elsewhere."""
    if CHANNELS_LAST and device.type == "cpu" and any(
            isinstance(m, nn.Conv2d) for m in model.modules()):
        return torch.channels_last
    return None


@contextlib.contextmanager
def layout(model: nn.Module, device: torch.device):
    """Within the block, ``model`` uses the fastest layout for ``device`` (yielded; ``None``
    for unchanged); afterwards each conv weight gets its previous layout back."""
    fmt = channels_last_format(model, device)
    was_cl = {m for m in model.modules() if isinstance(m, nn.Conv2d)
              and not isinstance(m.weight, nn.parameter.UninitializedParameter)
              and m.weight.is_contiguous(memory_format=torch.channels_last)
              and not m.weight.is_contiguous()}
    if fmt is not None:
        model.to(memory_format=fmt)
    try:
        yield fmt
    finally:
        if fmt is not None:
            for m in model.modules():
                if isinstance(m, nn.Conv2d) and m not in was_cl:
                    m.to(memory_format=torch.contiguous_format)


def to_device(X: torch.Tensor, device: torch.device, fmt: torch.memory_format | None) -> torch.Tensor:
    X = X.to(device, non_blocking=True)
    return X.contiguous(memory_format=fmt) if fmt is not None and X.dim() == 4 else X


def chunks(batches: Iterable, device: torch.device, size: int = VAL_CHUNK,
            fmt: torch.memory_format | None = None):
    """Regroup (X, y) batches into chunks of at least ``size`` examples on ``device``."""
    Xs, ys, n = [], [], 0
    for X, y in batches:
        Xs.append(X)
        ys.append(y)
        n += len(y)
        if n >= size:
            yield to_device(_cat(Xs), device, fmt), _cat(ys).to(device)
            Xs, ys, n = [], [], 0
    if Xs:
        yield to_device(_cat(Xs), device, fmt), _cat(ys).to(device)


def _cat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return tensors[0] if len(tensors) == 1 else torch.cat(tensors)


class ThreadProbe:
    """Times ``PROBE_BATCHES`` training steps with each candidate thread count (after one
    warm-up batch), then keeps the count with the smaller median step time. A candidate
    whose step takes over twice the first candidate's median is dropped at once, so a
    bad choice (many threads on a busy CPU) costs one slow step, not ``PROBE_BATCHES``."""

    def __init__(self, candidates: list[int]) -> None:
        self.plan = [c for c in candidates for _ in range(PROBE_BATCHES)]
        self.times: dict[int, list[float]] = {c: [] for c in candidates}

    def before(self, i: int) -> None:
        if 1 <= i <= len(self.plan):
            torch.set_num_threads(self.plan[i - 1])
            self.start = time.perf_counter()

    def after(self, i: int) -> None:
        if not 1 <= i <= len(self.plan):
            return
        threads, seconds = self.plan[i - 1], time.perf_counter() - self.start
        self.times[threads].append(seconds)
        first = self.times[self.plan[0]]
        if i == len(self.plan) or (threads != self.plan[0]
                                   and seconds > 2 * statistics.median(first)):
            self.plan = self.plan[:i]  # probing is over for this epoch
            tried = {c: t for c, t in self.times.items() if t}
            torch.set_num_threads(min(tried, key=lambda c: statistics.median(tried[c])))


def thread_probe(device: torch.device, batches: Iterable, threads: int) -> ThreadProbe | None:
    """A probe of one thread against ``threads`` when it can matter: CPU, ``threads`` > 1,
    and an epoch long enough to pay. ``threads`` is the count torch had when the fit
    started, so that an epoch after one that settled on one thread probes again."""
    n = len(batches) if hasattr(batches, "__len__") else 0
    if not TUNE_THREADS or device.type != "cpu" or threads == 1 or n < 6 * PROBE_BATCHES:
        return None
    return ThreadProbe([1, threads])


def has_lazy(net: nn.Module) -> bool:
    return any(isinstance(p, nn.parameter.UninitializedParameter)
               for p in net.parameters())


def shape_lazy_layers(net: nn.Module, batches: Iterable, device: torch.device) -> None:
    """Run one batch through ``net`` (no autograd) if it has uninitialised lazy layers."""
    if not has_lazy(net):
        return
    first = next(iter(batches), None)
    if first is None:
        raise ValueError("the data yielded no batches, so the lazy layers of the model "
                         "cannot get their shapes")
    was_training = net.training
    net.eval()
    with torch.no_grad():
        net(first[0].to(device))
    net.train(was_training)
