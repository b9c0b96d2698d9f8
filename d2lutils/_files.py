"""Finding the Fashion-MNIST files offline, verifying them, and decoding them.

Where the files come from, first hit wins:

1. the ``root`` argument, then ``$D2LUTILS_DATA``, then :data:`CACHE_DIR`, each in
   torchvision's layout ``<root>/FashionMNIST/raw/*-ubyte``;
2. the Debian/Ubuntu package ``dataset-fashion-mnist`` (:data:`DEBIAN_DIR`), whose ``.gz``
   files are decoded in memory and then written into the first of those roots (into the
   cache if that root cannot be written; kept in memory only if neither can);
3. torchvision's download, into a temporary folder beside the first root, moved into
   place once it is verified.

Every file's size is checked before it is read and its md5 after. A file or folder that
cannot be read, or a corrupt copy, is skipped with a warning naming it when a later source
holds a valid copy; a corrupt copy is replaced only once a good one is in hand. Writes go
through unique temporary names and atomic renames, so concurrent loads (threads or
processes) never see half a file. Decoded tensors are kept in memory by path, size and
modification time, so a second load in the same process reads no file.

The places looked in and the download are one :class:`Sources` record; ``sources(...)``
swaps in other folders for a block (the tests use it instead of patching this module).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import math
import os
import shutil
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import Tensor

ENV_VAR = "D2LUTILS_DATA"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT = 60  # seconds without an answer before a download gives up


def _default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/d2lutils``, by default ``~/.cache/d2lutils``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "d2lutils"


CACHE_DIR = _default_cache_dir()  # read once at import; users may reassign it

# file name -> (md5 of the decompressed file, shape of the array it holds)
FILES = {
    "train-images-idx3-ubyte": ("f4a8712d7a061bf5bd6d2ca38dc4d50a", (60000, 28, 28)),
    "train-labels-idx1-ubyte": ("9018921c3c673c538a1fc5bad174d6f9", (60000,)),
    "t10k-images-idx3-ubyte": ("8181f5470baa50b63fa0f6fddb340f0a", (10000, 28, 28)),
    "t10k-labels-idx1-ubyte": ("15d484375f8d13e6eb1aabb0c3f46965", (10000,)),
}
_DECODED: dict[tuple, Tensor] = {}  # (path, size, mtime_ns) or (gz path, ...) -> tensor


class _Corrupt(Exception):
    """A file that exists but does not hold what it should."""


def _expected_size(name: str) -> int:
    shape = FILES[name][1]
    return 4 + 4 * len(shape) + math.prod(shape)


def _decode_bytes(buf: bytearray, name: str, where: str) -> Tensor:
    """Verify one idx file's bytes (size, md5, header) and return them as a uint8 tensor."""
    md5, shape = FILES[name]
    expected = _expected_size(name)
    digest = hashlib.md5(buf).hexdigest()
    if len(buf) != expected or digest != md5:
        raise _Corrupt(f"{where} is corrupt or truncated: {len(buf):,} bytes with md5 "
                       f"{digest}, expected {expected:,} bytes with md5 {md5}")
    magic = int.from_bytes(buf[:4], "big")
    dims = tuple(int.from_bytes(buf[4 + 4 * i:8 + 4 * i], "big") for i in range(len(shape)))
    if magic != 0x0800 + len(shape) or dims != shape:  # 0x08 = unsigned byte
        raise _Corrupt(f"{where} has idx header {magic:#x} {dims}, expected "
                       f"{0x0800 + len(shape):#x} {shape}")
    header = 4 + 4 * len(shape)
    return torch.frombuffer(buf, dtype=torch.uint8, offset=header).reshape(shape)


def _decode(path: Path) -> Tensor:
    """Read and verify one idx file; its size is checked before a byte is read."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _DECODED:
        return _DECODED[key]
    expected = _expected_size(path.name)
    if stat.st_size != expected:  # never read a file of the wrong size (it may be huge)
        raise _Corrupt(f"{path} is corrupt or truncated: {stat.st_size:,} bytes, "
                       f"expected {expected:,}")
    buf = bytearray(expected)
    with open(path, "rb") as f:
        f.readinto(buf)
    _DECODED[key] = tensor = _decode_bytes(buf, path.name, str(path))
    return tensor


def roots(root: str | os.PathLike | None) -> list[Path]:
    """The folders searched, in order: ``root`` (made absolute), ``$D2LUTILS_DATA``, cache."""
    found = []
    if root is not None:
        given = Path(root).expanduser()
        found.append(given if given.is_absolute() else Path.cwd() / given)
    if os.environ.get(ENV_VAR):
        found.append(Path(os.environ[ENV_VAR]).expanduser().absolute())
    return found + [current().cache]


def _write(data: bytes | bytearray, dest: Path) -> None:
    """Write ``dest`` through a unique temporary file and an atomic rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _from_debian(gz: Path, name: str) -> Tensor:
    """Decompress and verify one Debian file in memory (at most the expected size + 1)."""
    stat = gz.stat()
    key = (str(gz), stat.st_size, stat.st_mtime_ns)
    if key in _DECODED:
        return _DECODED[key]
    with gzip.open(gz, "rb") as src:
        buf = bytearray(src.read(_expected_size(name) + 1))
    _DECODED[key] = tensor = _decode_bytes(buf, name, f"{gz} (decompressed)")
    return tensor


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


@dataclasses.dataclass(frozen=True)
class Sources:
    """Where the files are looked for and written, and how they are downloaded."""

    cache: Path
    debian: Path
    download: Callable[[Path], None]


_OVERRIDE: list[Sources] = []


def current() -> Sources:
    """The sources in force: the innermost ``sources(...)`` block, else the defaults."""
    if _OVERRIDE:
        return _OVERRIDE[-1]
    return Sources(Path(CACHE_DIR), Path(DEBIAN_DIR), _torchvision_download)


@contextmanager
def sources(**changes) -> Iterator[Sources]:
    """Use other folders (``cache=``, ``debian=``) or another ``download=`` for a block."""
    _OVERRIDE.append(dataclasses.replace(current(), **changes))
    try:
        yield _OVERRIDE[-1]
    finally:
        _OVERRIDE.pop()


def forget_decoded() -> None:
    """Drop the decoded tensors kept in memory, so the next load reads the files again."""
    _DECODED.clear()


def _download(name: str, target: Path) -> Tensor:
    """Download into a temporary folder beside the target; move the file in once verified."""
    base = target.parent.parent.parent
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".download-", dir=base))
    try:
        current().download(tmp)
        got = tmp / "FashionMNIST" / "raw" / name
        tensor = _decode(got)
        target.parent.mkdir(parents=True, exist_ok=True)
        for other in got.parent.glob("*-ubyte"):  # keep every verified file of the download
            os.replace(other, target.parent / other.name)
        return _decode(target) if target.is_file() else tensor
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def find(name: str, searched: list[Path]) -> Tensor:
    """Decoded contents of the file ``name``, fetched by the resolution order above."""
    problems: list[str] = []
    skipped: list[str] = []
    target = searched[0] / "FashionMNIST" / "raw" / name
    corrupt = None
    for r in searched:  # 1. a copy already in one of the roots
        path = r / "FashionMNIST" / "raw" / name
        try:
            if not path.is_file():
                continue
            tensor = _decode(path)
        except PermissionError as err:
            skipped.append(f"cannot read {err.filename or path} ({err.strerror})")
            continue
        except _Corrupt as err:
            if corrupt is None:
                target, corrupt = path, str(err)  # repair the first broken copy in place
            problems.append(str(err))
            continue
        if problems or skipped:
            warnings.warn(f"{'; '.join(skipped + problems)}; used the valid copy {path} "
                          "instead", stacklevel=4)
        return tensor
    src = current()
    gz = src.debian / f"{name}.gz"
    try:  # 2. the Debian package: decoded in memory, then written where it can be
        tensor = _from_debian(gz, name)
    except FileNotFoundError:
        problems.append(f"{gz} does not exist")
    except (OSError, EOFError, zlib.error, _Corrupt) as err:
        problems.append(f"reading {gz} failed: {err}")
    else:
        return _keep(tensor, name, target, gz, corrupt, skipped)
    try:  # 3. torchvision's download
        tensor = _download(name, target)
    except Exception as err:  # noqa: BLE001 -- any failure here ends in the error below
        problems.append(f"torchvision could not download it: {type(err).__name__}: {err}")
    else:
        if corrupt:
            warnings.warn(f"{corrupt}; replaced it with a fresh download", stacklevel=4)
        return tensor
    where = ", ".join(str(r / "FashionMNIST" / "raw") for r in searched)
    raise FileNotFoundError(
        f"Fashion-MNIST file {name!r} is not available ({'; '.join(skipped + problems)}).\n"
        f"Three ways to get the data:\n"
        f"  1. put the raw files (torchvision layout FashionMNIST/raw/*-ubyte) under the "
        f"root= argument, ${ENV_VAR} or {src.cache} (searched: {where});\n"
        f"  2. install the Debian/Ubuntu package: sudo apt-get install "
        f"dataset-fashion-mnist (it puts the files in {src.debian});\n"
        f"  3. connect to the internet, so that torchvision can download them.")


def _keep(tensor: Tensor, name: str, target: Path, gz: Path, corrupt: str | None,
          skipped: list[str]) -> Tensor:
    """Write a verified Debian copy into the target (else the cache); warn about what was
    replaced or could not be read; keep it in memory only if nothing can be written."""
    data = bytearray(tensor.numpy().tobytes())
    shape = FILES[name][1]
    header = (0x0800 + len(shape)).to_bytes(4, "big") + b"".join(
        d.to_bytes(4, "big") for d in shape)
    failed = []
    for dest in dict.fromkeys([target, current().cache / "FashionMNIST" / "raw" / name]):
        try:
            _write(header + data, dest)
        except OSError as err:
            failed.append(f"{dest.parent}: {err.strerror or err}")
            continue
        notes = skipped + ([f"{corrupt}; replaced it with a copy from {gz}"] if corrupt else [])
        if notes:
            warnings.warn("; ".join(notes), stacklevel=5)
        return tensor
    warnings.warn(f"could not write Fashion-MNIST into {'; '.join(failed)}; decoded {gz} "
                  "in memory instead (it is read again in the next session)", stacklevel=5)
    return tensor
