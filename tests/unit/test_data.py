"""Tests for d2lutils.data: finding Fashion-MNIST offline, verifying it, and serving batches."""

from __future__ import annotations

import gzip
import hashlib
import math
import re
import threading
import time
from pathlib import Path

import matplotlib.figure
import pytest
import torch
import torch.nn.functional as F

from d2lutils import _files as files
from d2lutils import data as D
from d2lutils.figures import show_images

pytestmark = pytest.mark.data

VAL_FILES = ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def raw(root):
    return root / "FashionMNIST" / "raw"


def write_val_files(folder, fmnist):
    """Write valid val files into ``folder`` from the real data module's tensors."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in VAL_FILES:
        shape = files.FILES[name][1]
        tensor = fmnist.test_images if "images" in name else fmnist.test_labels.to(torch.uint8)
        header = (0x0800 + len(shape)).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in shape)
        (folder / name).write_bytes(header + tensor.numpy().tobytes())


# --- the real data --------------------------------------------------------------------------

def test_the_three_splits_have_their_sizes_dtypes_and_balanced_labels(fmnist):
    assert fmnist.train_images.shape == (50000, 28, 28)
    assert fmnist.val_images.shape == (10000, 28, 28)
    assert fmnist.test_images.shape == (10000, 28, 28)
    for images in (fmnist.train_images, fmnist.val_images, fmnist.test_images):
        assert images.dtype == torch.uint8
    for labels in (fmnist.train_labels, fmnist.val_labels, fmnist.test_labels):
        assert labels.dtype == torch.int64
    # train + validation are exactly the 60,000 training images, 6,000 a class
    both = torch.cat([fmnist.train_labels, fmnist.val_labels]).bincount()
    assert both.tolist() == [6000] * 10
    # a random hold-out of 10,000 is close to balanced (each class 1,000 +- 15%)
    assert fmnist.val_labels.bincount().sub(1000).abs().max() < 150
    assert fmnist.test_labels.bincount().tolist() == [1000] * 10
    assert fmnist.train_images.max() == 255 and fmnist.train_images.min() == 0


def test_validation_is_held_out_of_the_training_images(fmnist):
    all_images, all_labels = D.load_fashion_mnist("train")
    flat = all_images.reshape(60000, -1)
    rows = {bytes(r.numpy()) for r in fmnist.val_images.reshape(10000, -1)[:200]}
    train_rows = {bytes(r.numpy()) for r in fmnist.train_images.reshape(50000, -1)}
    # the held-out images come from the training file but are not trained on
    assert rows <= {bytes(r.numpy()) for r in flat}
    assert not rows & train_rows


def test_the_split_is_the_same_every_time_and_independent_of_the_shuffle_seed(fmnist):
    other = D.FashionMNIST(batch_size=256, seed=123)
    assert torch.equal(other.val_labels, fmnist.val_labels)
    assert torch.equal(other.val_images[:50], fmnist.val_images[:50])
    moved = D.FashionMNIST(batch_size=256, split_seed=1)
    assert not torch.equal(moved.val_labels, fmnist.val_labels)
    small = D.FashionMNIST(val_size=5000)
    assert len(small.val_labels) == 5000 and len(small.train_labels) == 55000


@pytest.mark.parametrize("kwargs, error", [
    ({"val_size": 0}, ValueError), ({"val_size": 60000}, ValueError),
    ({"val_size": -5}, ValueError), ({"val_size": 10.5}, TypeError),
    ({"split_seed": -1}, ValueError), ({"split_seed": "0"}, TypeError)])
def test_bad_split_arguments_are_named(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        D.FashionMNIST(**kwargs)


def test_load_fashion_mnist_refuses_val_and_says_where_it_went():
    with pytest.raises(ValueError, match="val_size"):
        D.load_fashion_mnist("val")


def test_load_fashion_mnist_test_gives_the_modules_test_split(fmnist):
    images, labels = D.load_fashion_mnist("test")
    assert torch.equal(images, fmnist.test_images) and torch.equal(labels, fmnist.test_labels)


def test_train_loader_yields_float_batches_in_unit_range_and_a_last_partial_batch(fmnist):
    loader = fmnist.train_dataloader(batch_size=7000)  # few large batches keep this test quick
    assert len(loader) == math.ceil(50000 / 7000) == 8
    assert len(fmnist.train_dataloader()) == math.ceil(50000 / 256)
    sizes, seen = [], torch.zeros(10, dtype=torch.int64)
    for X, y in loader:
        assert X.dtype == torch.float32 and X.shape[1:] == (1, 28, 28) and y.dtype == torch.int64
        assert 0.0 <= X.min() and X.max() <= 1.0
        sizes.append(len(y))
        seen += y.bincount(minlength=10)
    assert sizes == [7000] * 7 + [1000]
    # every training example exactly once per epoch
    assert seen.tolist() == fmnist.train_labels.bincount().tolist()


def test_val_loader_is_in_file_order_and_scaled_by_255(fmnist):
    X, y = next(iter(fmnist.test_dataloader()))
    torch.testing.assert_close(X[:, 0], fmnist.test_images[:256].float() / 255)
    assert torch.equal(y, fmnist.test_labels[:256])
    assert len(fmnist.test_dataloader()) == 40
    assert len(fmnist.test_dataloader(batch_size=10000)) == 1


@pytest.mark.parametrize("resize, shape", [(32, (32, 32)), ((14, 20), (14, 20)), ([64, 48], (64, 48))])
def test_resize_gives_bilinear_batches_of_the_requested_shape(resize, shape):
    data = D.FashionMNIST(batch_size=100, resize=resize)
    X, y = next(iter(data.test_dataloader()))
    assert X.shape == (100, 1, *shape) and y.shape == (100,)
    assert 0.0 <= X.min() and X.max() <= 1.0
    plain = data.test_images[:100].float().div(255).unsqueeze(1)
    torch.testing.assert_close(X, F.interpolate(plain, size=shape, mode="bilinear", antialias=False))


def test_shuffle_is_reproducible_with_a_seed_and_differs_across_epochs_and_seeds():
    def first_labels(data, epochs):
        return [next(iter(data.train_dataloader()))[1] for _ in range(epochs)]

    a = first_labels(D.FashionMNIST(batch_size=64, seed=3), 2)
    b = first_labels(D.FashionMNIST(batch_size=64, seed=3), 2)
    c = first_labels(D.FashionMNIST(batch_size=64, seed=4), 1)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], a[1])
    assert not torch.equal(a[0], c[0])
    loader = D.FashionMNIST(batch_size=64, seed=3).train_dataloader()
    again = [next(iter(loader))[1] for _ in range(2)]  # iterating one loader twice also reshuffles
    assert torch.equal(again[0], a[0]) and torch.equal(again[1], a[1])


def test_assigning_seed_restarts_the_shuffle_like_a_fresh_module():
    data = D.FashionMNIST(batch_size=64, seed=3)
    loader = data.train_dataloader()
    first = next(iter(loader))[1]
    next(iter(loader))
    data.seed = 3  # what Trainer(seed=3) does before training
    assert torch.equal(next(iter(loader))[1], first)
    with pytest.raises(TypeError, match="seed"):
        data.seed = 1.5


def test_second_data_module_reuses_the_decoded_tensors_without_reading_files(fmnist, monkeypatch):
    monkeypatch.setattr(files, "hashlib", None)  # any file read (md5 check) would now fail
    data = D.FashionMNIST()
    assert torch.equal(data.train_images, fmnist.train_images)
    assert data.train_images.data_ptr() != fmnist.train_images.data_ptr()  # its own copy


def test_changing_loaded_tensors_in_place_does_not_affect_later_loads(fmnist):
    X, y = D.load_fashion_mnist("test")
    X.zero_(), y.zero_()
    X, y = D.load_fashion_mnist("test")
    assert torch.equal(X, fmnist.test_images) and torch.equal(y, fmnist.test_labels)
    data = D.FashionMNIST()
    for t in [data.train_images, data.train_labels, data.test_images, data.test_labels]:
        t.zero_()
    again = D.FashionMNIST()
    assert torch.equal(again.train_images, fmnist.train_images)
    assert torch.equal(again.test_images, fmnist.test_images)
    assert torch.equal(again.train_labels, fmnist.train_labels)
    assert fmnist.test_images.any() and fmnist.train_labels.any()


def test_text_labels_names_classes():
    data_cls = D.FashionMNIST.__new__(D.FashionMNIST)  # text_labels needs no data
    assert data_cls.text_labels(torch.tensor([0, 9, 5])) == ["t-shirt", "ankle boot", "sandal"]
    assert data_cls.text_labels([8]) == ["bag"] and data_cls.text_labels(1) == ["trouser"]
    assert len(D.TEXT_LABELS) == 10


def test_visualize_draws_titled_grayscale_images_with_axes_off(fmnist):
    batch = next(iter(fmnist.test_dataloader()))
    fig = fmnist.visualize(batch, nrows=2, ncols=5)
    assert isinstance(fig, matplotlib.figure.Figure)
    axes = fig.axes
    assert len(axes) == 10 and not any(ax.axison for ax in axes)
    assert [ax.get_title() for ax in axes] == fmnist.text_labels(batch[1][:10])
    assert axes[0].images[0].get_cmap().name == "gray"
    fig = fmnist.visualize(batch, ncols=3, labels=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]


def test_show_images_accepts_arrays_and_lists_and_leaves_extra_cells_empty(fmnist):
    fig = show_images(fmnist.test_images[:3].numpy(), 1, 3, titles=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    imgs = [fmnist.test_images[0], fmnist.test_images[1].numpy()]
    fig = show_images(imgs, 2, 2, scale=1.0)
    assert [len(ax.images) for ax in fig.axes] == [1, 1, 0, 0]
    assert tuple(fig.get_size_inches()) == (2.0, 2.0)
    assert fig.axes[0].images[0].get_clim() == (0, 255)  # uint8 drawn on its full range


# --- finding, filling and repairing the files -------------------------------------------------

@pytest.fixture(scope="session")
def debian_val_files(tmp_path_factory, fmnist):
    """A folder laid out like dataset-fashion-mnist's, holding the gzipped val files.

    Written once from the real data module's tensors, so the decompressed files carry the
    upstream md5s; nothing writes into it (it is only ever a source to decompress from).
    """
    plain = tmp_path_factory.mktemp("plain-val")
    write_val_files(plain, fmnist)
    folder = tmp_path_factory.mktemp("fake-debian")
    for name in VAL_FILES:
        (folder / f"{name}.gz").write_bytes(gzip.compress((plain / name).read_bytes(), 1))
    return folder


@pytest.fixture
def fake_debian(offline_data, debian_val_files):
    """``offline_data`` with the fake Debian folder (val files only) as its Debian folder.

    ``offline_data.debian`` stays an empty, missing folder, for tests that take Debian away.
    """
    offline_data.use(debian=debian_val_files)
    return offline_data


def test_fake_debian_folder_holds_the_upstream_val_files(debian_val_files):
    for name in VAL_FILES:
        assert hashlib.md5(gzip.decompress((debian_val_files / f"{name}.gz").read_bytes())
                           ).hexdigest() == files.FILES[name][0]


def test_an_empty_root_is_filled_from_the_debian_files_and_verified(fake_debian):
    offline_data = fake_debian
    images, labels = D.load_fashion_mnist("test", root=offline_data.root)
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    for name in VAL_FILES:
        assert md5(raw(offline_data.root) / name) == files.FILES[name][0]
    assert not offline_data.cache.exists()  # root= wins; the cache is left alone
    assert offline_data.downloads == []


def test_env_var_then_cache_folder_are_filled_when_no_root_is_given(fake_debian, monkeypatch):
    offline_data = fake_debian
    monkeypatch.setenv(files.ENV_VAR, str(offline_data.root))
    D.load_fashion_mnist("test")
    assert sorted(p.name for p in raw(offline_data.root).iterdir()) == sorted(VAL_FILES)
    assert not offline_data.cache.exists()
    monkeypatch.delenv(files.ENV_VAR)
    D.load_fashion_mnist("test")
    assert sorted(p.name for p in raw(offline_data.cache).iterdir()) == sorted(VAL_FILES)


def test_an_unwritable_first_root_falls_back_to_the_cache(fake_debian, tmp_path):
    offline_data = fake_debian
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")  # so nothing can be created under it
    images, _ = D.load_fashion_mnist("test", root=blocker)
    assert images.shape == (10000, 28, 28)
    assert sorted(p.name for p in raw(offline_data.cache).iterdir()) == sorted(VAL_FILES)
    assert offline_data.downloads == []


def test_files_in_a_later_root_are_found_without_any_fallback(offline_data, monkeypatch, fmnist):
    offline_data.use(debian=offline_data.debian)  # empty: only the cache can help
    write_val_files(raw(offline_data.cache), fmnist)
    images, labels = D.load_fashion_mnist("test", root=offline_data.root)
    assert torch.equal(images, fmnist.test_images) and torch.equal(labels, fmnist.test_labels)
    assert not offline_data.root.exists() and offline_data.downloads == []


def test_a_corrupt_copy_in_an_earlier_root_does_not_hide_a_valid_later_one(offline_data, monkeypatch,
                                                                          fmnist):
    offline_data.use(debian=offline_data.debian)  # empty: only the cache can help
    write_val_files(raw(offline_data.cache), fmnist)
    junk = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    junk.parent.mkdir(parents=True)
    junk.write_bytes(b"junk")
    with pytest.warns(UserWarning, match=re.escape(str(junk)) + ".*corrupt"):
        images, _ = D.load_fashion_mnist("test", root=offline_data.root)
    assert torch.equal(images, fmnist.test_images) and offline_data.downloads == []
    assert junk.read_bytes() == b"junk"  # left alone; the user is told about it


def test_default_cache_is_under_xdg_cache_home_else_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert files._default_cache_dir() == tmp_path / "d2lutils"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert files._default_cache_dir() == tmp_path / "home" / ".cache" / "d2lutils"


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_corrupt_cached_file_is_detected_and_repaired_from_debian(fake_debian, damage):
    offline_data = fake_debian
    D.load_fashion_mnist("test", root=offline_data.root)
    path = raw(offline_data.root) / "t10k-labels-idx1-ubyte"
    good = path.read_bytes()
    bad = good[:-100] if damage == "truncate" else good[:5000] + bytes([good[5000] ^ 0xFF]) + good[5001:]
    path.write_bytes(bad)
    files.forget_decoded()
    with pytest.warns(UserWarning, match="corrupt or truncated"):
        _, labels = D.load_fashion_mnist("test", root=offline_data.root)
    assert path.read_bytes() == good and labels.bincount().tolist() == [1000] * 10


def test_a_corrupt_file_without_any_repair_is_refused(fake_debian, monkeypatch):
    offline_data = fake_debian
    D.load_fashion_mnist("test", root=offline_data.root)
    path = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    files.forget_decoded()
    offline_data.use(debian=offline_data.debian)
    with pytest.raises(FileNotFoundError, match="corrupt or truncated"):
        D.load_fashion_mnist("test", root=offline_data.root)
    assert offline_data.downloads == [offline_data.root]


def working_download(offline_data, monkeypatch, fmnist):
    """Make the download succeed like torchvision's: valid files in ``root/FashionMNIST/raw``.

    Like torchvision it does nothing when the files all exist already, valid or not (it only
    checks that they exist); it writes the val files, all that a val load needs.
    """
    def download(root):
        offline_data.record(root)
        if not all((raw(Path(root)) / name).is_file() for name in VAL_FILES):
            write_val_files(raw(Path(root)), fmnist)

    offline_data.use(download=download)
    offline_data.use(debian=offline_data.debian)  # missing: only the download helps


@pytest.mark.parametrize("given", ["root", "cache"])
def test_a_successful_download_fills_the_first_root_once(offline_data, monkeypatch, fmnist, given):
    working_download(offline_data, monkeypatch, fmnist)
    expected = offline_data.root if given == "root" else offline_data.cache
    images, labels = D.load_fashion_mnist("test", root=offline_data.root if given == "root" else None)
    assert torch.equal(images, fmnist.test_images) and torch.equal(labels, fmnist.test_labels)
    assert offline_data.downloads == [expected]  # once: the labels were then already there
    for name in VAL_FILES:
        assert md5(raw(expected) / name) == files.FILES[name][0]
    if given == "root":
        assert not offline_data.cache.exists()


def test_a_corrupt_copy_without_debian_files_is_replaced_by_the_download(offline_data, monkeypatch,
                                                                        fmnist):
    working_download(offline_data, monkeypatch, fmnist)
    write_val_files(raw(offline_data.root), fmnist)
    junk = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    junk.write_bytes(b"junk")  # the labels are valid, so only deleting the junk gets it replaced
    with pytest.warns(UserWarning, match="corrupt.*replaced it with a fresh download"):
        images, labels = D.load_fashion_mnist("test", root=offline_data.root)
    assert torch.equal(images, fmnist.test_images) and torch.equal(labels, fmnist.test_labels)
    assert offline_data.downloads == [offline_data.root]
    assert md5(junk) == files.FILES[junk.name][0]  # the corrupt file itself was replaced
    assert not offline_data.cache.exists()


def test_no_data_and_no_network_names_the_three_ways_out(offline_data, monkeypatch):
    offline_data.debian.mkdir()
    offline_data.use(debian=offline_data.debian)
    with pytest.raises(FileNotFoundError) as info:
        D.FashionMNIST(root=offline_data.root)
    message = str(info.value)
    for way in ["root=", "$D2LUTILS_DATA", str(offline_data.cache),  # 1. put the files somewhere
                "apt-get install dataset-fashion-mnist", str(offline_data.debian),  # 2. Debian
                "torchvision", "no network in this test"]:  # 3. the download, and why it failed
        assert way in message
    assert offline_data.downloads == [offline_data.root]


def test_a_broken_debian_file_is_reported(offline_data, monkeypatch):
    offline_data.debian.mkdir()
    for name in VAL_FILES:
        (offline_data.debian / f"{name}.gz").write_bytes(b"not gzip at all")
    offline_data.use(debian=offline_data.debian)
    with pytest.raises(FileNotFoundError, match="reading .*gz failed"):
        D.load_fashion_mnist("test", root=offline_data.root)
    assert not raw(offline_data.root).exists()  # nothing half-written left behind


def test_a_debian_file_with_a_broken_body_is_reported_and_the_download_tried(offline_data, monkeypatch):
    offline_data.debian.mkdir()
    header = gzip.compress(b"")[:10]
    for name in VAL_FILES:  # a valid gzip header, then a deflate block of the reserved type
        (offline_data.debian / f"{name}.gz").write_bytes(header + b"\xff" * 100)
    offline_data.use(debian=offline_data.debian)
    with pytest.raises(FileNotFoundError, match="reading .*gz failed.*torchvision"):
        D.load_fashion_mnist("test", root=offline_data.root)
    assert offline_data.downloads == [offline_data.root]
    assert list(offline_data.root.iterdir()) == []  # the download's temporary folder is gone


# --- bad arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, words", [
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 2.5}, TypeError, "batch_size"),
    ({"resize": (0, 28)}, ValueError, "resize"),
    ({"resize": (28, 28, 1)}, TypeError, "resize"),
    ({"resize": "big"}, TypeError, "resize"),
    ({"seed": "zero"}, TypeError, "seed"),
    ({"seed": 2**64}, ValueError, "seed"),
    ({"seed": -1}, ValueError, "seed"),
    ({"root": 7}, TypeError, "root"),
])
def test_data_module_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        D.FashionMNIST(**kwargs)


def test_functions_reject_bad_arguments(fmnist):
    with pytest.raises(ValueError, match="split"):
        D.load_fashion_mnist("training")
    with pytest.raises(TypeError, match="split"):
        D.load_fashion_mnist(["train"])
    with pytest.raises(ValueError, match="indices"):
        fmnist.text_labels([3, 10])
    with pytest.raises(TypeError, match="indices"):
        fmnist.text_labels(None)
    with pytest.raises(ValueError, match="batch_size"):
        fmnist.train_dataloader(batch_size=-1)
    with pytest.raises(TypeError, match="batch"):
        fmnist.visualize(fmnist.test_images[:8])
    with pytest.raises(ValueError, match="nrows"):
        show_images(fmnist.test_images[:4], 0, 2)
    with pytest.raises(ValueError, match="imgs"):
        show_images(fmnist.test_images[0], 1, 2)
    with pytest.raises(ValueError, match="titles"):
        show_images(fmnist.test_images[:4], 2, 2, titles=["one"])
    with pytest.raises(ValueError, match="scale"):
        show_images(fmnist.test_images[:4], 2, 2, scale=0)
    for scale in [float("nan"), float("inf"), -1.0]:
        with pytest.raises(ValueError, match="scale"):
            show_images(fmnist.test_images[:4], 2, 2, scale=scale)
    with pytest.raises(TypeError, match="scale"):
        show_images(fmnist.test_images[:4], 2, 2, scale="big")
    with pytest.raises(ValueError, match="imgs"):
        show_images([[1, 2, 3]], 1, 1)  # a 1-d "image"


def test_show_images_accepts_nested_lists_and_bfloat16():
    fig = show_images([[[0, 1], [1, 0]]], 1, 1)
    assert fig.axes[0].images[0].get_array().tolist() == [[0, 1], [1, 0]]
    fig = show_images(torch.rand(2, 1, 5, 5).to(torch.bfloat16), 1, 2)
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(5, 5), (5, 5)]


def test_the_download_says_what_it_fetches_and_cannot_hang(tmp_path, monkeypatch, capsys):
    import socket

    import torchvision

    seen = {}

    def fake_dataset(root, train, download):
        seen["timeout"] = socket.getdefaulttimeout()
        raise OSError("no network in this test")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", fake_dataset)
    before = socket.getdefaulttimeout()
    with pytest.raises(OSError):
        files._torchvision_download(tmp_path)
    assert seen["timeout"] == files.DOWNLOAD_TIMEOUT  # every socket gives up in time
    assert socket.getdefaulttimeout() == before  # and the default is restored
    out = capsys.readouterr().out
    assert "downloading" in out and str(tmp_path) in out and "MB" in out


# --- faults: unreadable, unwritable, oversized, concurrent, relative, kept until replaced --

def test_an_unreadable_copy_is_skipped_with_a_warning_naming_it(fake_debian, monkeypatch,
                                                               fmnist):
    offline_data = fake_debian
    write_val_files(raw(offline_data.cache), fmnist)  # a valid copy in a later root
    write_val_files(raw(offline_data.root), fmnist)
    locked = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    real_decode = files._decode

    def decode(path):  # root reads everything, so the permission error is simulated
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_decode(path)

    monkeypatch.setattr(files, "_decode", decode)
    with pytest.warns(UserWarning, match=f"cannot read {re.escape(str(locked))}.*valid copy"):
        images, _ = D.load_fashion_mnist("test", root=offline_data.root)
    assert torch.equal(images, fmnist.test_images)


def test_an_unwritable_cache_falls_back_to_decoding_in_memory(fake_debian, monkeypatch,
                                                              fmnist, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    fake_debian.use(cache=blocker / "cache")  # mkdir fails under a file
    with pytest.warns(UserWarning, match="could not write.*in memory"):
        images, labels = D.load_fashion_mnist("test")
    assert torch.equal(images, fmnist.test_images) and torch.equal(labels, fmnist.test_labels)


def test_an_oversized_file_is_refused_before_it_is_read(fake_debian, fmnist):
    offline_data = fake_debian
    write_val_files(raw(offline_data.root), fmnist)
    huge = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    with open(huge, "r+b") as f:
        f.truncate(6 * 2**30)  # sparse: 6 GiB on paper, nothing on disk
    start = time.perf_counter()
    with pytest.warns(UserWarning, match="corrupt or truncated.*replaced it"):
        images, _ = D.load_fashion_mnist("test", root=offline_data.root)
    assert time.perf_counter() - start < 5  # it was not read (that takes about a minute)
    assert torch.equal(images, fmnist.test_images)
    assert huge.stat().st_size == files._expected_size(huge.name)


def test_threads_loading_into_an_empty_cache_all_succeed(fake_debian, fmnist):
    offline_data = fake_debian
    results, errors = [], []

    def load():
        try:
            results.append(D.load_fashion_mnist("test", root=offline_data.root)[0])
        except Exception as err:  # noqa: BLE001 -- collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=load) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 12
    assert all(torch.equal(r, fmnist.test_images) for r in results)
    leftovers = [p.name for p in raw(offline_data.root).iterdir() if p.suffix == ".part"]
    assert leftovers == []


def test_a_relative_root_is_made_absolute_and_reported(fake_debian, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match=f"relative: using {re.escape(str(tmp_path))}"):
        D.load_fashion_mnist("test", root="data")
    assert (tmp_path / "data" / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()


def test_a_corrupt_copy_stays_until_a_good_one_is_in_hand(offline_data, monkeypatch, fmnist):
    write_val_files(raw(offline_data.root), fmnist)
    junk = raw(offline_data.root) / "t10k-images-idx3-ubyte"
    junk.write_bytes(b"junk")
    offline_data.use(debian=offline_data.debian)  # missing
    with pytest.raises(FileNotFoundError, match="corrupt or truncated"):
        D.load_fashion_mnist("test", root=offline_data.root)  # the download fails too
    assert junk.read_bytes() == b"junk"  # not deleted before a replacement existed
