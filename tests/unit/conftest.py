"""Shared fixtures for the d2lutils tests.

- Figures are drawn with the non-interactive Agg backend and closed after every test.
- ``fmnist`` is one Fashion-MNIST data module for the whole session (a second one would cost
  only a copy of the decoded tensors, about 15 ms, thanks to :mod:`d2lutils._files`'s cache).
- Under pytest-xdist each worker gets its share of the CPU cores as torch threads, so that
  ``-n 2`` on a 2-core machine does not run 4 busy threads (small ops then stall for ms).
- ``offline_data`` points every place :mod:`d2lutils._files` looks at into a temporary folder and
  makes torchvision's download fail, so a test controls exactly where the files come from.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports pyplot

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import d2lutils  # noqa: E402
from d2lutils import _files as files  # noqa: E402

if os.environ.get("PYTEST_XDIST_WORKER"):
    _workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // _workers))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def fmnist():
    """The real Fashion-MNIST (found by the normal resolution order), batch size 256."""
    return d2lutils.FashionMNIST(batch_size=256)


class _Offline:
    """What ``offline_data`` hands a test: its folders, the download log, and ``use(...)``
    to point the data module at other folders (or another download) for the rest of it."""

    def __init__(self, tmp_path, stack):
        self.cache = tmp_path / "cache"
        self.debian = tmp_path / "debian"
        self.root = tmp_path / "root"
        self.downloads: list = []
        self._stack = stack

    def record(self, folder) -> None:
        """Note the root a download was for (it fills a ``.download-*`` folder inside it)."""
        folder = Path(folder)
        self.downloads.append(folder.parent if folder.name.startswith(".download-")
                              else folder)

    def use(self, **changes) -> None:
        """E.g. ``use(debian=folder)`` or ``use(download=fake)``, until the test ends."""
        self._stack.enter_context(files.sources(**changes))


@pytest.fixture
def offline_data(tmp_path, monkeypatch):
    """Isolate the data resolution: cache, env var, Debian folder and download all controlled.

    The cache is a temporary folder; the Debian folder starts as the real one (a test may
    ``use(debian=...)`` another); the download raises ``OSError`` and records the root it
    was asked to fill. Nothing in the data module is patched: the folders are passed in.
    """
    monkeypatch.delenv(files.ENV_VAR, raising=False)

    def no_network(root):
        env.record(root)
        raise OSError("no network in this test")

    with contextlib.ExitStack() as stack:
        env = _Offline(tmp_path, stack)
        env.use(cache=env.cache, download=no_network)
        files.forget_decoded()
        yield env
    files.forget_decoded()
