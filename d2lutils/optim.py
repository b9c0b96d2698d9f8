"""Optimiser factories for :class:`d2lutils.Trainer`.

The Trainer takes the optimiser as a factory ``(params, lr) -> Optimizer``,
so a section can swap plain SGD for another optimiser, or add a learning-rate
schedule, without writing its own training loop.
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch

from . import _checks as _c

__all__ = ["one_cycle_adam"]


def one_cycle_adam(total_steps: int) -> Callable[[Iterable, float], torch.optim.Optimizer]:
    """A factory for Adam whose learning rate follows a one-cycle schedule.

    The rate rises from ``lr / 25`` to its peak ``lr`` over the first 30% of
    ``total_steps`` optimiser steps and then falls to almost zero; the schedule
    advances after every step of the optimiser.

    Args:
        total_steps: optimiser steps of the whole run (epochs x batches per epoch).

    Returns:
        ``factory(params, lr) -> torch.optim.Adam``, for ``Trainer(optimizer=...)``.

    Introduced in {ref}`sec-lenet`.
    """
    _c.integer("total_steps", total_steps, 1)

    def factory(params: Iterable, lr: float) -> torch.optim.Optimizer:
        optimizer = torch.optim.Adam(params, lr=lr)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=lr, total_steps=total_steps)

        def advance(*_: object) -> None:
            # OneCycleLR raises past its last step; a run may take one step more
            # than planned (e.g. a dry run), so stop at the end instead
            if schedule.last_epoch < total_steps:
                schedule.step()

        optimizer.register_step_post_hook(advance)
        return optimizer

    return factory
