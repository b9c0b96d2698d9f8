"""Fashion-MNIST as a small data module: train, validation and test splits as batches.

The files are found offline and verified by :mod:`d2lutils._files` (the lookup order is
in its docstring and in tools/README.md); this module splits them and serves minibatches.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable
from numbers import Integral
from pathlib import Path
from typing import Any, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from . import _checks as _c
from . import _files

__all__ = ["TEXT_LABELS", "FashionMNIST", "load_fashion_mnist"]

TEXT_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]
_SPLITS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
           "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
MAX_RESIZE = 1024  # pixels per side: a batch of 256 such images is already 1 GiB


def load_fashion_mnist(split: str = "train", root: str | os.PathLike | None = None
                       ) -> tuple[Tensor, Tensor]:
    """Load one split of Fashion-MNIST as tensors, finding the files as :mod:`d2lutils._files` explains.

    Args:
        split: ``"train"`` (the 60,000 training images) or ``"test"`` (the 10,000
            official test images).
        root: folder holding ``FashionMNIST/raw``; searched before ``$D2LUTILS_DATA`` and the cache.

    Returns:
        ``(images, labels)``: images uint8 ``(N, 28, 28)``, labels int64 ``(N,)`` in 0..9; both
        are fresh copies, safe to change in place.

    Introduced in {ref}`sec-lenet`.
    """
    if not isinstance(split, str):
        raise TypeError(f"split must be a str, 'train' or 'test', got {type(split).__name__}")
    if split == "val":
        raise ValueError("split must be 'train' or 'test', got 'val': the validation "
                         "images are held out of 'train' by FashionMNIST(val_size=...)")
    if split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if root is not None and not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path or None, got {type(root).__name__}")
    if root is not None and not Path(root).expanduser().is_absolute():
        warnings.warn(f"root={str(root)!r} is relative: using {Path.cwd() / root}",
                      stacklevel=2)
    images_name, labels_name = _SPLITS[split]
    roots = _files.roots(root)
    # copies, so that in-place changes cannot reach the cache (.long() of uint8 copies already)
    return _files.find(images_name, roots).clone(), _files.find(labels_name, roots).long()


class _Loader:
    """Iterates over ``(X, y)`` minibatches sliced from in-memory tensors; ``len()`` is the batch count."""

    def __init__(self, images: Tensor, labels: Tensor, batch_size: int,
                 generator: torch.Generator | None, resize: tuple[int, int] | None):
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.generator, self.resize = generator, resize

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        n, bs = len(self.labels), self.batch_size
        order = None if self.generator is None else torch.randperm(n, generator=self.generator)
        for start in range(0, n, bs):
            if order is None:
                X, y = self.images[start:start + bs], self.labels[start:start + bs]
            else:
                idx = order[start:start + bs]  # index_select is several times faster than X[idx]
                X, y = self.images.index_select(0, idx), self.labels.index_select(0, idx)
            X = X.unsqueeze(1).float().div_(255)
            if self.resize is not None:
                X = F.interpolate(X, size=self.resize, mode="bilinear", antialias=False)
            yield X, y


class FashionMNIST:
    """Fashion-MNIST as a data module: train, validation and test splits in memory.

    The validation images are held out of the 60,000 training images by a fixed,
    seeded permutation (``split_seed``), so every module with the same ``val_size``
    and ``split_seed`` holds out the same images, whatever its shuffling ``seed``.
    The 10,000 official test images stay apart, for the final numbers only.

    Attributes:
        train_images: uint8 ``(60000 - val_size, 28, 28)``; ``train_labels`` int64.
        val_images: uint8 ``(val_size, 28, 28)``; ``val_labels`` int64.
        test_images: uint8 ``(10000, 28, 28)``; ``test_labels`` int64.

    Args:
        batch_size: examples per minibatch (the last batch of an epoch may be smaller).
        resize: ``None``, an int or an ``(h, w)`` pair; batches are resized bilinearly.
        root: folder to look in first (see :func:`load_fashion_mnist`).
        seed: seeds the shuffling of the training set; ``None`` picks a fresh seed.
        val_size: training images held out for validation, in 1..59999.
        split_seed: seeds the choice of the held-out images.

    Introduced in {ref}`sec-lenet`.
    """

    def __init__(self, batch_size: int = 64, resize: int | Sequence[int] | None = None,
                 root: str | os.PathLike | None = None, seed: int | None = 0,
                 val_size: int = 10_000, split_seed: int = 0):
        _c.positive_int("batch_size", batch_size)
        if resize is not None:
            pair = (resize, resize) if isinstance(resize, int) else resize
            if not isinstance(pair, Sequence) or len(pair) != 2:
                raise TypeError(f"resize must be None, an int or an (h, w) pair, got {resize!r}")
            for v in pair:
                _c.integer("resize", v, 1, MAX_RESIZE)
            resize = (pair[0], pair[1])
        _c.positive_int("val_size", val_size)
        if val_size >= 60_000:
            raise ValueError(f"val_size must be in 1..59999 (the training split has "
                             f"60000 images and needs some left to train on), got {val_size}")
        if isinstance(split_seed, bool) or not isinstance(split_seed, Integral):
            raise TypeError(f"split_seed must be an int, got {type(split_seed).__name__} "
                            f"{split_seed!r}")
        if not 0 <= split_seed < 2**63:
            raise ValueError(f"split_seed must be an int in 0..2**63 - 1, got {split_seed!r}")
        self._generator = torch.Generator()
        self.seed = seed  # validated and applied by the setter below
        self.batch_size, self.resize, self.root = batch_size, resize, root
        self.val_size, self.split_seed = int(val_size), int(split_seed)
        images, labels = load_fashion_mnist("train", root)
        order = torch.randperm(len(labels),
                               generator=torch.Generator().manual_seed(self.split_seed))
        val_idx, train_idx = order[:self.val_size], order[self.val_size:]
        self.train_images, self.train_labels = images[train_idx], labels[train_idx]
        self.val_images, self.val_labels = images[val_idx], labels[val_idx]
        self.test_images, self.test_labels = load_fashion_mnist("test", root)

    @property
    def seed(self) -> int | None:
        """Seed of the shuffling; assigning it (as ``Trainer(seed=...)`` does) restarts the order."""
        return self._seed

    @seed.setter
    def seed(self, seed: int | None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral)):
            raise TypeError(f"seed must be an int or None, got {type(seed).__name__} {seed!r}")
        if seed is not None and not 0 <= seed < 2**63:
            raise ValueError(f"seed must be None or an int in 0..2**63 - 1, got {seed!r}")
        seed = None if seed is None else int(seed)
        self._seed = seed
        self._generator.seed() if seed is None else self._generator.manual_seed(seed)

    def __repr__(self) -> str:
        return (f"FashionMNIST(train={len(self.train_labels)}, val={len(self.val_labels)}, "
                f"test={len(self.test_labels)}, batch_size={self.batch_size}, "
                f"resize={self.resize}, seed={self.seed})")

    def _loader(self, split: str, batch_size: int | None) -> _Loader:
        batch_size = self.batch_size if batch_size is None else batch_size
        _c.positive_int("batch_size", batch_size)
        if split == "train":
            return _Loader(self.train_images, self.train_labels, batch_size, self._generator, self.resize)
        if split == "val":
            return _Loader(self.val_images, self.val_labels, batch_size, None, self.resize)
        return _Loader(self.test_images, self.test_labels, batch_size, None, self.resize)

    def train_dataloader(self, batch_size: int | None = None) -> _Loader:
        """Shuffled minibatches ``(X (B, 1, H, W) float32 in [0, 1], y (B,) int64)``.

        Every pass draws a new order from the module's seeded generator: epochs differ, and
        two modules with the same seed give the same epochs. ``batch_size`` overrides the module's.
        """
        return self._loader("train", batch_size)

    def val_dataloader(self, batch_size: int | None = None) -> _Loader:
        """Minibatches of the held-out validation images, in a fixed order, shaped like
        :meth:`train_dataloader`'s: for model and learning-rate choice."""
        return self._loader("val", batch_size)

    def test_dataloader(self, batch_size: int | None = None) -> _Loader:
        """Minibatches of the 10,000 official test images in file order: use them once,
        for the final numbers, after every choice was made on validation."""
        return self._loader("test", batch_size)

    def text_labels(self, indices: Tensor | Sequence[int] | int) -> list[str]:
        """Names of the classes ``indices`` (ints in 0..9), e.g. ``[9] -> ["ankle boot"]``."""
        if isinstance(indices, Tensor):
            indices = indices.reshape(-1).tolist()
        elif isinstance(indices, Integral):
            indices = [indices]
        elif not isinstance(indices, Iterable):
            raise TypeError(f"indices must be an int, a tensor or a sequence of ints, "
                            f"got {type(indices).__name__}")
        out = []
        for i in indices:
            if isinstance(i, bool) or not isinstance(i, Integral) or not 0 <= i < len(TEXT_LABELS):
                raise ValueError(f"indices must be class numbers in 0..9, got {i!r}")
            out.append(TEXT_LABELS[i])
        return out

    def visualize(self, batch: tuple[Tensor, Tensor], nrows: int = 1, ncols: int = 8,
                  labels: Sequence[str] | None = None) -> Any:
        """Show the first ``nrows * ncols`` images of a batch ``(X, y)``, titled by class name.

        Returns:
            the matplotlib Figure.
        """
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"batch must be a pair (X, y) from a data loader, got {type(batch).__name__}")
        X, y = batch
        titles = self.text_labels(y) if labels is None else list(labels)
        from .figures import show_images

        return show_images(X, nrows, ncols, titles=titles)
