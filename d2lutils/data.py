"""Fashion-MNIST as a small data module: found offline, verified, served as tensor batches.

Where the files come from, first hit wins:

1. the ``root`` argument, then ``$D2LUTILS_DATA``, then :data:`CACHE_DIR`, each in
   torchvision's layout ``<root>/FashionMNIST/raw/*-ubyte``;
2. the Debian/Ubuntu package ``dataset-fashion-mnist`` (:data:`DEBIAN_DIR`), whose ``.gz``
   files are decompressed into the first of those roots (into the cache if that root
   cannot be written);
3. torchvision's download into that root.

Every file is checked against the upstream md5 of the decompressed file before use. A
corrupt copy is skipped with a warning when a later root holds a valid one; otherwise the
first corrupt copy is replaced from the Debian files or the download, or refused. Decoded
tensors are kept in memory, so a second data module in the same process reads no file; each
load hands out its own copy of the images, which the caller may change in place.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import warnings
import zlib
from collections.abc import Iterable
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from .plot import _numpy

__all__ = ["TEXT_LABELS", "FashionMNIST", "load_fashion_mnist", "show_images"]

TEXT_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]
ENV_VAR = "D2LUTILS_DATA"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT = 60  # seconds without an answer before a download gives up


def _default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/d2lutils``, by default ``~/.cache/d2lutils``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "d2lutils"


CACHE_DIR = _default_cache_dir()  # read once at import; tests and users may reassign it

# file name -> (md5 of the decompressed file, shape of the array it holds)
_FILES = {
    "train-images-idx3-ubyte": ("f4a8712d7a061bf5bd6d2ca38dc4d50a", (60000, 28, 28)),
    "train-labels-idx1-ubyte": ("9018921c3c673c538a1fc5bad174d6f9", (60000,)),
    "t10k-images-idx3-ubyte": ("8181f5470baa50b63fa0f6fddb340f0a", (10000, 28, 28)),
    "t10k-labels-idx1-ubyte": ("15d484375f8d13e6eb1aabb0c3f46965", (10000,)),
}
_SPLITS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
           "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_DECODED: dict[tuple[str, int, int], Tensor] = {}  # (path, size, mtime_ns) -> tensor


class _Corrupt(Exception):
    """A file that exists but does not hold what it should."""


def _decode(path: Path) -> Tensor:
    """Read one idx file, verify its md5, size and header, and return it as a uint8 tensor."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _DECODED:
        return _DECODED[key]
    md5, shape = _FILES[path.name]
    header = 4 + 4 * len(shape)
    buf = bytearray(stat.st_size)
    with open(path, "rb") as f:
        f.readinto(buf)
    digest = hashlib.md5(buf).hexdigest()
    expected = header + math.prod(shape)
    if len(buf) != expected or digest != md5:
        raise _Corrupt(f"{path} is corrupt or truncated: {len(buf):,} bytes with md5 {digest}, "
                       f"expected {expected:,} bytes with md5 {md5}")
    magic = int.from_bytes(buf[:4], "big")
    dims = tuple(int.from_bytes(buf[4 + 4 * i:8 + 4 * i], "big") for i in range(len(shape)))
    if magic != 0x0800 + len(shape) or dims != shape:  # 0x08 = unsigned byte
        raise _Corrupt(f"{path} has idx header {magic:#x} {dims}, expected "
                       f"{0x0800 + len(shape):#x} {shape}")
    tensor = torch.frombuffer(buf, dtype=torch.uint8, offset=header).reshape(shape)
    _DECODED[key] = tensor
    return tensor


def _roots(root: str | os.PathLike | None) -> list[Path]:
    roots = [Path(root).expanduser()] if root is not None else []
    if os.environ.get(ENV_VAR):
        roots.append(Path(os.environ[ENV_VAR]).expanduser())
    return roots + [Path(CACHE_DIR)]


def _decompress(gz: Path, dest: Path) -> None:
    """Decompress ``gz`` into ``dest`` through a temporary file, so readers never see half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.part")
    try:
        with gzip.open(gz, "rb") as src, open(tmp, "wb") as out:
            while chunk := src.read(1 << 22):
                out.write(chunk)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _torchvision_download(root: Path) -> None:
    """Let torchvision download all four files into ``root/FashionMNIST/raw``.

    Says what it fetches first, and gives up on a server that stops answering
    after :data:`DOWNLOAD_TIMEOUT` seconds instead of waiting forever.
    """
    import socket

    import torchvision

    print(f"Fashion-MNIST: downloading 4 files (about 30 MB) from torchvision's "
          f"mirrors into {root} (timeout {DOWNLOAD_TIMEOUT} s per request)", flush=True)
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
    try:
        torchvision.datasets.FashionMNIST(root=str(root), train=True, download=True)
    finally:
        socket.setdefaulttimeout(previous)


def _find(name: str, roots: list[Path]) -> Tensor:
    """Decoded contents of the file ``name``, fetched by the resolution order above."""
    problems: list[str] = []
    target = roots[0] / "FashionMNIST" / "raw" / name
    for r in roots:  # 1. a copy already in one of the roots
        path = r / "FashionMNIST" / "raw" / name
        if path.is_file():
            try:
                tensor = _decode(path)
            except _Corrupt as err:
                if not problems:
                    target = path  # repair the first broken copy where it is, if nothing else helps
                problems.append(str(err))
                continue
            if problems:
                warnings.warn(f"{'; '.join(problems)}; used the valid copy {path} instead",
                              stacklevel=4)
            return tensor
    corrupt = problems[0] if problems else None
    gz = DEBIAN_DIR / f"{name}.gz"
    if gz.is_file():  # 2. the Debian package, into the target or else the cache
        for dest in dict.fromkeys([target, Path(CACHE_DIR) / "FashionMNIST" / "raw" / name]):
            try:
                _decompress(gz, dest)
                tensor = _decode(dest)
            except (OSError, EOFError, zlib.error, _Corrupt) as err:
                problems.append(f"decompressing {gz} into {dest} failed: {err}")
            else:
                if corrupt:
                    warnings.warn(f"{corrupt}; replaced it with a copy from {gz}", stacklevel=4)
                return tensor
    else:
        problems.append(f"{gz} does not exist")
    try:  # 3. torchvision's download
        if target.is_file():
            target.unlink()  # torchvision would keep a corrupt file that merely exists
        _torchvision_download(target.parent.parent.parent)
        tensor = _decode(target)
    except Exception as err:  # noqa: BLE001 -- any failure here ends in the error below
        problems.append(f"torchvision could not download it: {type(err).__name__}: {err}")
    else:
        if corrupt:
            warnings.warn(f"{corrupt}; replaced it with a fresh download", stacklevel=4)
        return tensor
    searched = ", ".join(str(r / "FashionMNIST" / "raw") for r in roots)
    raise FileNotFoundError(
        f"Fashion-MNIST file {name!r} is not available ({'; '.join(problems)}).\n"
        f"Three ways to get the data:\n"
        f"  1. put the raw files (torchvision layout FashionMNIST/raw/*-ubyte) under the root= "
        f"argument, ${ENV_VAR} or {CACHE_DIR} (searched: {searched});\n"
        f"  2. install the Debian/Ubuntu package: sudo apt-get install dataset-fashion-mnist "
        f"(it puts the files in {DEBIAN_DIR});\n"
        f"  3. connect to the internet, so that torchvision can download them.")


def load_fashion_mnist(split: str = "train", root: str | os.PathLike | None = None
                       ) -> tuple[Tensor, Tensor]:
    """Load one split of Fashion-MNIST as tensors, finding the files as the module explains.

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
    images_name, labels_name = _SPLITS[split]
    roots = _roots(root)
    # copies, so that in-place changes cannot reach the cache (.long() of uint8 copies already)
    return _find(images_name, roots).clone(), _find(labels_name, roots).long()


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


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
        _check_positive_int("batch_size", batch_size)
        if resize is not None:
            pair = (resize, resize) if isinstance(resize, int) else resize
            if not isinstance(pair, Sequence) or len(pair) != 2:
                raise TypeError(f"resize must be None, an int or an (h, w) pair, got {resize!r}")
            for v in pair:
                _check_positive_int("resize", v)
            resize = (pair[0], pair[1])
        _check_positive_int("val_size", val_size)
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
        _check_positive_int("batch_size", batch_size)
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
        return show_images(X, nrows, ncols, titles=titles)


def show_images(imgs: Tensor | Sequence[Any], nrows: int, ncols: int,
                titles: Sequence[str] | None = None, scale: float = 1.5) -> Any:
    """Draw images on an ``nrows x ncols`` grid in grayscale, axes off, with optional titles.

    Args:
        imgs: ``(N, H, W)`` or ``(N, 1, H, W)`` tensor or array, or a sequence of ``(H, W)``
            images. uint8 images are drawn on 0..255, others scaled to their own range.
        nrows, ncols: the grid; the first ``nrows * ncols`` images are drawn.
        titles: one title per drawn image.
        scale: inches per grid cell.

    Returns:
        The matplotlib Figure. A notebook shows it by itself, so end the line with ``;`` or
        assign the result, or it is shown twice; in a script, call ``plt.show()``.

    Introduced in {ref}`sec-lenet`.
    """
    import matplotlib.pyplot as plt

    _check_positive_int("nrows", nrows)
    _check_positive_int("ncols", ncols)
    if isinstance(scale, bool) or not isinstance(scale, Real):
        raise TypeError(f"scale must be a positive number, got {type(scale).__name__} {scale!r}")
    if not 0 < scale < math.inf:  # also refuses NaN
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    if not isinstance(imgs, Tensor) and hasattr(imgs, "shape"):  # a NumPy array
        imgs = torch.as_tensor(imgs)
    if isinstance(imgs, Tensor):
        if imgs.dim() == 4 and imgs.shape[1] == 1:
            imgs = imgs[:, 0]
        if imgs.dim() != 3:
            raise ValueError(f"imgs must have shape (N, H, W) or (N, 1, H, W), got {tuple(imgs.shape)}")
    elif not isinstance(imgs, Sequence):
        raise TypeError(f"imgs must be a tensor or a sequence of images, got {type(imgs).__name__}")
    shown = min(len(imgs), nrows * ncols)
    if titles is not None and len(titles) < shown:
        raise ValueError(f"titles must have at least {shown} entries, got {len(titles)}")
    pictures = [_as_image(imgs[i]) for i in range(shown)]
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * scale, nrows * scale),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= shown:
            continue
        img = pictures[i]
        limits = {"vmin": 0, "vmax": 255} if img.dtype == np.uint8 else {}
        ax.imshow(img, cmap="gray", **limits)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    return fig


def _as_image(img: Any) -> np.ndarray:
    """One image of :func:`show_images` as a 2-d NumPy array (a leading channel of 1 dropped)."""
    img = _numpy(img)  # a tensor as NumPy (bfloat16 and half as float32)
    try:
        img = np.asarray(img)
    except ValueError as err:  # e.g. ragged nested lists
        raise ValueError(f"imgs must hold (H, W) images, got one NumPy cannot read: {err}") from None
    if img.ndim == 3 and img.shape[0] == 1:
        img = img[0]
    if img.ndim != 2:
        raise ValueError(f"imgs must hold (H, W) images, got one of shape {img.shape}")
    if img.dtype.kind not in "biuf":
        raise TypeError(f"imgs must hold numeric images, got dtype {img.dtype}")
    return img
