"""Tests for d2lutils.train (the Trainer, History, accuracy) and its speed-ups in d2lutils._fast.

Everything runs on small synthetic data (no Fashion-MNIST), so the file takes seconds.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
from torch import nn

from _toy import Blobs, tiny_cnn
from d2lutils.models import count_parameters, init_cnn
from d2lutils.train import (
    History, Trainer, accuracy, default_device, evaluate_accuracy, set_seed,
)


def fit(net, data=None, epochs=3, **kwargs):
    kwargs.setdefault("board", False)
    kwargs.setdefault("lr", 0.1)
    return Trainer(epochs, **kwargs).fit(net, data or Blobs())


# --- training ----------------------------------------------------------------


def test_tiny_cnn_learns_well_above_chance():
    torch.manual_seed(0)
    net = tiny_cnn()
    net.apply(init_cnn)
    history = fit(net, epochs=4, lr=0.2)
    # chance is 0.25; the noisy patterns are separable enough for > 0.9
    assert history.final_val_acc > 0.9
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_loss[-1] < history.val_loss[0]
    assert evaluate_accuracy(net, Blobs().val_dataloader()) == history.final_val_acc  # exactly


def test_history_is_complete_and_consistent():
    data = Blobs(n_train=500, batch_size=32)  # 16 batches, the last one short
    history = fit(tiny_cnn(), data, epochs=3)
    assert isinstance(history, History)
    assert history.epochs == 3
    for name in ("train_loss", "train_acc", "val_loss", "val_acc"):
        values = getattr(history, name)
        assert len(values) == 3, name
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), name
    assert all(0 <= a <= 1 for a in history.train_acc + history.val_acc)
    assert history.final_val_acc == history.val_acc[-1]
    xs = [x for x, _ in history.train_loss_points]
    assert len(xs) == 12 and xs == sorted(xs) and xs[-1] == pytest.approx(3.0)
    # the quarter-epoch means average back (weighted) to about the epoch mean
    first_epoch = [v for x, v in history.train_loss_points if x <= 1]
    assert np.mean(first_epoch) == pytest.approx(history.train_loss[0], rel=0.2)
    assert history.seconds > 0
    assert history.examples_per_sec == pytest.approx(3 * 500 / history.seconds)
    assert history.device == "cpu" or default_device().type != "cpu"


def test_device_none_trains_on_the_default_device():
    net = tiny_cnn()
    history = fit(net, epochs=1, device=None)
    assert history.device == str(default_device())
    assert next(net.parameters()).device.type == default_device().type
    assert not net.training  # left in evaluation mode after the last validation


def test_explicit_cpu_device_and_model_moved():
    history = fit(tiny_cnn(), epochs=1, device="cpu")
    assert history.device == "cpu"


def test_channels_last_gives_the_same_training_and_the_layout_is_restored(monkeypatch):
    import d2lutils._fast as speedups

    def run():
        torch.manual_seed(0)
        net = tiny_cnn()
        return net, fit(net, epochs=2, device="cpu", seed=0)

    net, fast = run()
    assert net[0].weight.is_contiguous()  # handed back in the usual layout
    monkeypatch.setattr(speedups, "CHANNELS_LAST", False)
    _, plain = run()
    torch.testing.assert_close(torch.tensor(fast.train_loss), torch.tensor(plain.train_loss),
                               rtol=1e-4, atol=1e-5)
    assert fast.val_acc == pytest.approx(plain.val_acc, abs=2 / 256)


def test_seed_makes_runs_identical_and_different_seeds_differ():
    def run(seed):
        torch.manual_seed(0)
        net = tiny_cnn()
        net.apply(init_cnn)
        return fit(net, Blobs(), epochs=2, seed=seed)

    a, b, c = run(7), run(7), run(8)
    assert a.train_loss == b.train_loss and a.val_acc == b.val_acc
    assert a.train_loss != c.train_loss


def test_seed_is_passed_to_the_data_module():
    data = Blobs(seed=0)
    fit(tiny_cnn(), data, epochs=1, seed=42)
    assert data.seed == 42


def test_optimizer_factory_is_used_with_lr():
    calls = []

    def adam(params, lr):
        calls.append(lr)
        return torch.optim.Adam(params, lr=lr)

    torch.manual_seed(0)
    history = fit(tiny_cnn(), epochs=2, lr=0.01, optimizer=adam)
    assert calls == [0.01]
    assert history.final_val_acc > 0.5


def test_optimizer_factory_must_return_an_optimizer():
    with pytest.raises(TypeError, match="optimizer"):
        fit(tiny_cnn(), epochs=1, optimizer=lambda params, lr: "sgd")


def test_lazy_layers_are_initialised_before_the_optimizer():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(4))
    history = fit(net, epochs=3, lr=0.1)
    assert count_parameters(net) == 64 * 32 + 32 + 32 * 4 + 4
    assert history.final_val_acc > 0.5


def test_works_with_a_torch_dataloader():
    blobs = Blobs()

    class Loaders:
        def train_dataloader(self):
            ds = torch.utils.data.TensorDataset(blobs.X_train, blobs.y_train)
            return torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

        def val_dataloader(self):
            ds = torch.utils.data.TensorDataset(blobs.X_val, blobs.y_val)
            return torch.utils.data.DataLoader(ds, batch_size=64)

    history = fit(tiny_cnn(), Loaders(), epochs=2)
    assert history.examples_per_sec == pytest.approx(2 * 512 / history.seconds)


def test_one_shot_iterators_are_requested_again_each_epoch():
    blobs = Blobs()

    class Generators:
        def train_dataloader(self):
            return iter(blobs.train_dataloader())

        def val_dataloader(self):
            return (batch for batch in blobs.val_dataloader())

    history = fit(tiny_cnn(), Generators(), epochs=3)
    assert len(history.train_loss_points) == 12
    assert history.examples_per_sec == pytest.approx(3 * 512 / history.seconds)
    assert all(math.isfinite(v) for v in history.val_acc)


def test_missing_validation_loader_gives_nan_validation_entries():
    class TrainOnly(Blobs):
        def val_dataloader(self):
            return None

    history = fit(tiny_cnn(), TrainOnly(), epochs=2)
    assert len(history.val_acc) == 2 and all(math.isnan(v) for v in history.val_acc)
    assert len(history.train_loss) == 2


# --- divergence ----------------------------------------------------------------


def test_huge_lr_raises_naming_epoch_batch_and_smaller_lr():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64),
                        nn.ReLU(), nn.Linear(64, 4))
    with pytest.raises(FloatingPointError, match=r"epoch \d+, batch \d+") as info:
        fit(net, epochs=5, lr=1e12)
    message = str(info.value)
    assert "smaller learning rate" in message and "lr=1e+11" in message


class PoisonedBatch(Blobs):
    """Blobs whose training batch ``batch`` (1-based) of epoch ``epoch`` holds a NaN."""

    def __init__(self, epoch, batch, value=float("nan")):
        super().__init__()
        self.poison = (epoch, batch, value)

    def train_dataloader(self):
        batches = super().train_dataloader()
        epoch, batch, value = self.poison
        if self._calls == epoch:
            X, y = batches[batch - 1]
            X = X.clone()
            X[0, 0, 0, 0] = value
            batches[batch - 1] = (X, y)
        return batches


@pytest.mark.parametrize("epoch, batch", [(1, 1), (1, 16), (2, 5)])
def test_nan_error_names_the_exact_epoch_and_batch(epoch, batch, monkeypatch):
    import d2lutils.train as train

    monkeypatch.setattr(train, "NAN_CHECK_EVERY", 4)  # the batch is found inside a window too
    data = PoisonedBatch(epoch, batch)

    class EachEpoch:
        def train_dataloader(self):
            return iter(data.train_dataloader())

        def val_dataloader(self):
            return data.val_dataloader()

    with pytest.raises(FloatingPointError, match=f"epoch {epoch}, batch {batch} "):
        fit(tiny_cnn(), EachEpoch(), epochs=3)


def test_inf_input_is_reported_too():
    data = PoisonedBatch(1, 3, value=float("inf"))
    with pytest.raises(FloatingPointError, match="epoch 1, batch 3 "):
        Trainer(1, board=False).fit(tiny_cnn(), data)


# --- argument checks -------------------------------------------------------------


@pytest.mark.parametrize("max_epochs", [0, -1, 1.5, "3", True, None])
def test_bad_max_epochs(max_epochs):
    with pytest.raises(ValueError, match="max_epochs"):
        Trainer(max_epochs)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        Trainer(1, lr=lr)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"device": "no-such-device"}, ValueError, "device"),
    ({"device": 3.5}, TypeError, "device"),
    ({"board": "yes"}, TypeError, "board"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, ValueError, "seed"),
    ({"optimizer": "sgd"}, TypeError, "optimizer"),
])
def test_bad_trainer_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        Trainer(1, **kwargs)


def test_fit_rejects_a_model_that_is_not_a_module():
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        Trainer(1, board=False).fit(lambda X: X, Blobs())


def test_fit_rejects_data_without_loaders():
    with pytest.raises(TypeError, match="train_dataloader"):
        Trainer(1, board=False).fit(tiny_cnn(), [(torch.zeros(1, 1, 8, 8), torch.zeros(1))])


def test_fit_rejects_empty_training_data():
    class Empty(Blobs):
        def train_dataloader(self):
            return []

    with pytest.raises(ValueError, match="no batches"):
        fit(tiny_cnn(), Empty(), epochs=1)


# --- helpers ------------------------------------------------------------------------


def test_accuracy_on_scores_and_labels():
    y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    y = torch.tensor([1, 0, 0, 0])
    assert accuracy(y_hat, y) == 0.75
    assert accuracy(torch.tensor([1, 0, 1, 0]), y) == 0.75


@pytest.mark.parametrize("y_hat, y, error", [
    ([[0.1, 0.9]], torch.tensor([1]), TypeError),
    (torch.zeros(3, 2), torch.zeros(2, dtype=torch.long), ValueError),
    (torch.zeros(2, 2, 2), torch.zeros(2, dtype=torch.long), ValueError),
    (torch.zeros(0, 2), torch.zeros(0, dtype=torch.long), ValueError),
])
def test_accuracy_rejects_bad_input(y_hat, y, error):
    with pytest.raises(error, match="y_hat"):
        accuracy(y_hat, y)


def test_evaluate_accuracy_matches_a_manual_count_and_restores_mode():
    torch.manual_seed(0)
    net = tiny_cnn()
    data = Blobs(n_val=1500, batch_size=100)  # chunks of >= 1024 span several batches
    X, y = data.X_val, data.y_val
    expected = (net(X).argmax(1) == y).float().mean().item()
    net.train()
    assert evaluate_accuracy(net, data.val_dataloader()) == pytest.approx(expected)
    assert net.training
    assert evaluate_accuracy(net, iter(data.val_dataloader()), device="cpu") == \
        pytest.approx(expected)


def test_evaluate_accuracy_rejects_bad_input():
    with pytest.raises(TypeError, match="net"):
        evaluate_accuracy("net", [])
    with pytest.raises(TypeError, match="data_iter"):
        evaluate_accuracy(tiny_cnn(), 3)
    with pytest.raises(ValueError, match="no examples"):
        evaluate_accuracy(tiny_cnn(), [])


def test_default_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert default_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert default_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert default_device() == torch.device("cuda")


def test_set_seed_repeats_python_numpy_and_torch():
    set_seed(3)
    first = (random.random(), np.random.rand(), torch.rand(2))
    set_seed(3)
    second = (random.random(), np.random.rand(), torch.rand(2))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="seed"):
            set_seed(bad)


# --- thread probe ----------------------------------------------------------------------


def _run_probe(monkeypatch, candidates, step_seconds):
    """Drive a ThreadProbe with a fake clock; returns (thread counts set, probe)."""
    import d2lutils._fast as fast

    calls, now = [], [0.0]
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    monkeypatch.setattr(fast.time, "perf_counter", lambda: now[0])
    probe = fast.ThreadProbe(candidates)
    plan = list(probe.plan)
    for i in range(len(plan) + 3):
        probe.before(i)
        if 1 <= i <= len(probe.plan):
            now[0] += step_seconds[plan[i - 1]]
        probe.after(i)
    return calls, probe


def test_thread_probe_keeps_the_faster_thread_count(monkeypatch):
    import d2lutils._fast as fast

    calls, probe = _run_probe(monkeypatch, [1, 4], {1: 3.0, 4: 2.0})  # 4 threads win
    n = fast.PROBE_BATCHES
    assert calls == [1] * n + [4] * n + [4]  # each probed step ran with its planned count
    assert probe.times == {1: [3.0] * n, 4: [2.0] * n}


def test_thread_probe_drops_a_much_slower_candidate_after_one_step(monkeypatch):
    import d2lutils._fast as fast

    calls, probe = _run_probe(monkeypatch, [1, 4], {1: 1.0, 4: 30.0})  # a busy machine
    n = fast.PROBE_BATCHES
    assert calls == [1] * n + [4] + [1]  # one slow step, then back to one thread
    assert probe.times == {1: [1.0] * n, 4: [30.0]}


def test_thread_probe_only_when_it_can_pay():
    import d2lutils._fast as fast

    long_epoch, short_epoch = [None] * 100, [None] * 10
    cpu = torch.device("cpu")
    assert fast.thread_probe(cpu, long_epoch, 2).plan == [1] * fast.PROBE_BATCHES \
        + [2] * fast.PROBE_BATCHES
    assert fast.thread_probe(cpu, short_epoch, 2) is None
    assert fast.thread_probe(cpu, iter(long_epoch), 2) is None  # no len
    assert fast.thread_probe(torch.device("meta"), long_epoch, 2) is None
    assert fast.thread_probe(cpu, long_epoch, 1) is None


def test_every_epoch_probes_again_after_one_thread_won(monkeypatch):
    import d2lutils.train as train

    offered = []

    class OneThreadWins:
        def __init__(self, threads):
            offered.append(threads)

        def before(self, i):
            pass

        def after(self, i):
            torch.set_num_threads(1)  # as the real probe does when one thread is faster

    monkeypatch.setattr(train, "thread_probe", lambda device, batches, threads:
                        OneThreadWins(threads))
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        history = fit(tiny_cnn(), epochs=3)
        assert offered == [2, 2, 2]  # not [2, 1, 1]: one thread must win again each epoch
        assert history.threads == 1 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_fit_restores_the_thread_count_and_records_the_one_used():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        history = fit(tiny_cnn(), Blobs(n_train=1600, batch_size=32), epochs=2)  # 50 batches
        assert torch.get_num_threads() == 2
        assert history.threads in (1, 2)
    finally:
        torch.set_num_threads(before)
