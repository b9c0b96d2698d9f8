"""Toy data modules and a tiny CNN shared by test_train.py and test_plot.py.

Small synthetic data (no Fashion-MNIST), so the tests that use it take seconds.
"""

from __future__ import annotations

import torch
from torch import nn


class Blobs:
    """A 4-class toy image problem: each class is a fixed random 8x8 pattern plus noise.

    It behaves like a d2lutils data module: ``train_dataloader()`` reshuffles with a
    generator seeded by ``seed`` and the number of calls so far, ``val_dataloader()``
    serves the validation split in order.
    """

    def __init__(self, n_train=512, n_val=256, batch_size=32, noise=1.0, seed=0):
        g = torch.Generator().manual_seed(1234)
        centers = torch.randn(4, 1, 8, 8, generator=g)
        y = torch.randint(0, 4, (n_train + n_val,), generator=g)
        X = centers[y] + noise * torch.randn(len(y), 1, 8, 8, generator=g)
        self.X_train, self.y_train = X[:n_train], y[:n_train]
        self.X_val, self.y_val = X[n_train:], y[n_train:]
        self.batch_size, self.seed, self._calls = batch_size, seed, 0

    def train_dataloader(self):
        g = torch.Generator().manual_seed(self.seed + self._calls)
        self._calls += 1
        idx = torch.randperm(len(self.y_train), generator=g)
        b = self.batch_size
        return [(self.X_train[idx[i:i + b]], self.y_train[idx[i:i + b]])
                for i in range(0, len(idx), b)]

    def val_dataloader(self):
        b = self.batch_size
        return [(self.X_val[i:i + b], self.y_val[i:i + b]) for i in range(0, len(self.y_val), b)]


def tiny_cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(64, 4))


class PoisonedBatch(Blobs):
    """Blobs whose training batch ``batch`` (1-based) of epoch ``epoch`` holds ``value``
    (a NaN by default), so that training diverges exactly there.

    ``train_dataloader()`` returns a one-shot iterator, so the Trainer asks for it again
    each epoch (a list would be reused, poisoned or not, for every epoch)."""

    def __init__(self, epoch, batch, value=float("nan"), **kwargs):
        super().__init__(**kwargs)
        self.poison = (epoch, batch, value)

    def train_dataloader(self):
        batches = super().train_dataloader()
        epoch, batch, value = self.poison
        if self._calls == epoch:
            X, y = batches[batch - 1]
            X = X.clone()
            X[0, 0, 0, 0] = value
            batches[batch - 1] = (X, y)
        return iter(batches)
