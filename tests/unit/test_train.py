"""Tests for d2lutils.train (the Trainer, History, accuracy) and its speed-ups in d2lutils._fast.

Everything runs on small synthetic data (no Fashion-MNIST), so the file takes seconds.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import d2lutils._fast as speedups
import d2lutils.train as train
from _toy import Blobs, PoisonedBatch, tiny_cnn
from d2lutils.models import count_parameters, init_cnn
from d2lutils.metrics import accuracy, evaluate_accuracy
from d2lutils.progress import History
from d2lutils.train import Trainer, default_device, set_seed


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


def _record_training_losses(monkeypatch):
    """Record (loss, batch size) of every training step's F.cross_entropy call."""
    steps, cross_entropy = [], F.cross_entropy

    def recording(y_hat, y, *args, **kwargs):
        loss = cross_entropy(y_hat, y, *args, **kwargs)
        if torch.is_grad_enabled() and kwargs.get("reduction", "mean") == "mean":
            steps.append((loss.item(), len(y)))
        return loss

    monkeypatch.setattr(train.F, "cross_entropy", recording)
    return steps


def _weighted_mean(steps):
    return sum(loss * n for loss, n in steps) / sum(n for _, n in steps)


def test_history_is_complete_and_consistent(monkeypatch):
    steps = _record_training_losses(monkeypatch)
    data = Blobs(n_train=500, batch_size=32)  # 16 batches, the last one short (20)
    torch.manual_seed(0)
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
    assert xs == pytest.approx([e + q / 4 for e in range(3) for q in range(1, 5)])
    # each quarter (4 batches) and each epoch: the mean over its examples, i.e. the
    # batch losses weighted by the batch sizes (the last batch holds 20, not 32)
    assert [n for _, n in steps] == ([32] * 15 + [20]) * 3
    for epoch in range(3):
        batches = steps[16 * epoch:16 * (epoch + 1)]
        expected = [_weighted_mean(batches[q:q + 4]) for q in range(0, 16, 4)]
        got = [v for _, v in history.train_loss_points[4 * epoch:4 * (epoch + 1)]]
        assert got == pytest.approx(expected, rel=1e-6), epoch
        assert history.train_loss[epoch] == pytest.approx(_weighted_mean(batches), rel=1e-6)
    assert history.seconds > 0
    assert history.examples_per_sec == pytest.approx(3 * 500 / history.seconds)
    assert history.device == str(default_device())


def test_device_none_trains_on_the_default_device():
    net = tiny_cnn()
    history = fit(net, epochs=1, device=None)
    assert history.device == str(default_device())
    assert next(net.parameters()).device.type == default_device().type
    assert not net.training  # left in evaluation mode after the last validation


def test_explicit_cpu_device_moves_the_model_there():
    net = tiny_cnn()
    moves = []
    to = net.to

    def recording_to(*args, **kwargs):
        moves.append((args, kwargs))
        return to(*args, **kwargs)

    net.to = recording_to  # an instance attribute: fit's model.to(...) calls land here
    history = fit(net, epochs=1, device="cpu")
    assert history.device == "cpu"
    devices = [torch.device(args[0]) for args, _ in moves if args]
    assert devices == [torch.device("cpu")]  # fit asked for the cpu, once
    assert all(p.device == torch.device("cpu") for p in net.parameters())


class RGBBlobs(Blobs):
    """Blobs with 3 input channels: for a conv with c_in > 1 (unlike tiny_cnn's c_in = 1)
    the channels-last and the contiguous strides of the weight differ."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        g = torch.Generator().manual_seed(5)
        for name in ("X_train", "X_val"):
            X = getattr(self, name)
            setattr(self, name, X.repeat(1, 3, 1, 1) + 0.3 * torch.randn(
                len(X), 3, 8, 8, generator=g))


def rgb_cnn(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(64, 4))


def _is_channels_last(weight):
    return weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()


def test_layout_is_channels_last_inside_and_restored_after():
    cpu = torch.device("cpu")
    net = rgb_cnn()
    assert net[0].weight.is_contiguous()
    with speedups.layout(net, cpu) as fmt:
        assert fmt is torch.channels_last
        assert _is_channels_last(net[0].weight)
    assert net[0].weight.is_contiguous()  # the usual layout again


def test_layout_keeps_a_channels_last_model_channels_last():
    net = rgb_cnn().to(memory_format=torch.channels_last)
    assert _is_channels_last(net[0].weight)
    with speedups.layout(net, torch.device("cpu")):
        assert _is_channels_last(net[0].weight)
    assert _is_channels_last(net[0].weight)  # not turned contiguous


def test_layout_restores_each_conv_even_when_the_first_cannot_tell():
    import d2lutils._fast as speedups

    # a conv with one input channel looks contiguous in either layout, as LeNet's first does
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Conv2d(4, 4, 3)).to(memory_format=torch.channels_last)
    with speedups.layout(net, torch.device("cpu")):
        pass
    assert not net[1].weight.is_contiguous()  # still channels-last, as before the block


def test_channels_last_gives_the_same_training_and_the_layout_is_restored(monkeypatch):
    def run(before=torch.contiguous_format):
        net = rgb_cnn().to(memory_format=before)
        seen = []  # the conv weight's layout at each training step
        net[0].register_forward_pre_hook(
            lambda m, args: seen.append(_is_channels_last(m.weight)) if m.training else None)
        return net, seen, fit(net, RGBBlobs(), epochs=2, device="cpu", seed=0)

    net, seen, fast = run()
    assert seen and all(seen)  # trained in channels-last ...
    assert net[0].weight.is_contiguous()  # ... and handed back in the usual layout
    net, seen, _ = run(before=torch.channels_last)
    assert all(seen) and _is_channels_last(net[0].weight)  # kept as it was given
    monkeypatch.setattr(speedups, "CHANNELS_LAST", False)
    net, seen, plain = run()
    assert seen and not any(seen) and net[0].weight.is_contiguous()
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

    torch.manual_seed(0)
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


@pytest.mark.parametrize("epoch, batch", [(1, 1), (1, 16), (2, 5)])
def test_nan_error_names_the_exact_epoch_and_batch(epoch, batch, monkeypatch):
    monkeypatch.setattr(train, "NAN_CHECK_EVERY", 4)  # the batch is found inside a window too
    with pytest.raises(FloatingPointError, match=f"epoch {epoch}, batch {batch} "):
        fit(tiny_cnn(), PoisonedBatch(epoch, batch), epochs=3)


def test_inf_input_is_reported_too():
    data = PoisonedBatch(1, 3, value=float("inf"))
    with pytest.raises(FloatingPointError, match="epoch 1, batch 3 "):
        Trainer(1, board=False).fit(tiny_cnn(), data)


# --- argument checks -------------------------------------------------------------


@pytest.mark.parametrize("max_epochs, error", [
    (0, ValueError), (-1, ValueError), (10**9, ValueError), (1.5, TypeError),
    ("3", TypeError), (True, TypeError), (None, TypeError)])
def test_bad_max_epochs(max_epochs, error):
    with pytest.raises(error, match="max_epochs"):
        Trainer(max_epochs)


@pytest.mark.parametrize("lr, error", [
    (0, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
    (float("inf"), ValueError), ("0.1", TypeError), (None, TypeError), (True, TypeError)])
def test_bad_lr(lr, error):
    with pytest.raises(error, match="lr"):
        Trainer(1, lr=lr)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"device": "no-such-device"}, ValueError, "device"),
    ({"device": 3.5}, TypeError, "device"),
    ({"board": "yes"}, TypeError, "board"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"seed": 2**63}, ValueError, "seed"),
    ({"device": "cuda:7"}, ValueError, "device"),
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


def test_evaluate_accuracy_refuses_a_net_on_another_device():
    with pytest.raises(ValueError, match=r"move the net first \(net\.to\(device\)\)"):
        evaluate_accuracy(tiny_cnn().to("meta"), [], device="cpu")


def test_history_numbers_equal_a_direct_computation_when_weights_stay_fixed():
    data = Blobs(n_train=500, batch_size=128)  # batches of 128, 128, 128 and 116
    assert [len(y) for _, y in data.train_dataloader()] == [128, 128, 128, 116]
    torch.manual_seed(0)
    net = tiny_cnn()
    weights = [p.detach().clone() for p in net.parameters()]
    history = fit(net, data, epochs=1, optimizer=lambda params, lr: torch.optim.SGD(params, lr=0.0))
    assert all(torch.equal(w, p) for w, p in zip(weights, net.parameters()))  # lr 0: unchanged
    with torch.no_grad():
        for X, y, loss, acc in [(data.X_train, data.y_train, history.train_loss[0],
                                 history.train_acc[0]),
                                (data.X_val, data.y_val, history.val_loss[0], history.val_acc[0])]:
            y_hat = net(X)
            assert loss == pytest.approx(F.cross_entropy(y_hat, y).item(), rel=1e-5)
            assert acc == pytest.approx((y_hat.argmax(1) == y).sum().item() / len(y), rel=1e-5)


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
    for bad, error in ((-1, ValueError), (2**63, ValueError), (1.5, TypeError),
                       ("3", TypeError), (True, TypeError)):
        with pytest.raises(error, match="seed"):
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


@pytest.mark.parametrize("faster", [1, 2])
def test_fit_restores_the_thread_count_and_records_the_one_used(faster, monkeypatch):
    """A fake clock makes ``faster`` threads win the real probe; history.threads is that
    count, the one the last training steps ran with, and fit restores torch's count."""
    now = [0.0]

    def clock():  # a step ends 0.1 s after it began with `faster` threads, else 1 s
        now[0] += 0.1 if torch.get_num_threads() == faster else 1.0
        return now[0]

    monkeypatch.setattr(speedups.time, "perf_counter", clock)
    net = tiny_cnn()
    used = []
    net.register_forward_pre_hook(
        lambda m, args: used.append(torch.get_num_threads()) if m.training else None)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        history = fit(net, Blobs(n_train=1600, batch_size=32), epochs=2)  # 50 batches
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert set(used) == {1, 2}  # both counts were probed
    assert used[-1] == faster
    assert history.threads == faster


# --- lazy layers and interruptions ---------------------------------------------------

def _lazy_cnn(kind: str) -> nn.Module:
    if kind == "lazy conv":
        return nn.Sequential(nn.LazyConv2d(4, kernel_size=3, padding=1), nn.ReLU(),
                             nn.Flatten(), nn.Linear(4 * 8 * 8, 4))
    return nn.Sequential(nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(),
                         nn.Flatten(), nn.LazyLinear(4))


@pytest.mark.parametrize("kind", ["lazy conv", "lazy linear after a conv"])
def test_fit_and_evaluate_accuracy_shape_lazy_layers_first(kind):
    # channels-last used to be applied before the dry run: uninitialised weights crashed
    data = Blobs()
    net = _lazy_cnn(kind)
    history = Trainer(max_epochs=2, lr=0.1, seed=0, board=False).fit(net, data)
    assert history.epochs == 2 and history.final_val_acc > 0.5
    assert not any(isinstance(p, nn.parameter.UninitializedParameter)
                   for p in net.parameters())
    fresh = _lazy_cnn(kind)
    # a one-shot iterator: the batch used for shaping must still be counted
    acc = evaluate_accuracy(fresh, iter(data.val_dataloader()))
    assert 0.0 <= acc <= 1.0
    n_val = len(data.y_val)
    with torch.no_grad():
        expected = (fresh(data.X_val).argmax(1) == data.y_val).float().mean().item()
    assert acc == pytest.approx(expected, abs=0.5 / n_val)


def test_evaluate_accuracy_names_empty_data_of_a_lazy_model():
    with pytest.raises(ValueError, match="no batches"):
        evaluate_accuracy(_lazy_cnn("lazy conv"), [])


class _StopAfter:
    """A data module that raises KeyboardInterrupt in epoch `epoch` (1-based)."""

    def __init__(self, epoch):
        self.data, self.epoch, self.calls = Blobs(), epoch, 0

    def train_dataloader(self):
        self.calls += 1
        batches = self.data.train_dataloader()
        if self.calls < self.epoch:
            return iter(batches)  # one-shot: the Trainer asks again every epoch

        def interrupted():
            yield batches[0]
            raise KeyboardInterrupt
        return interrupted()

    def val_dataloader(self):
        return self.data.val_dataloader()


def test_ctrl_c_keeps_the_finished_epochs_and_says_so(capsys):
    net = tiny_cnn()
    trainer = Trainer(max_epochs=5, lr=0.1, seed=0, board=False)
    history = trainer.fit(net, _StopAfter(epoch=3))
    assert history is trainer.history
    assert history.epochs == 2
    assert len(history.train_loss) == len(history.train_acc) == 2
    assert len(history.val_acc) == len(history.val_loss) == 2
    assert all(t <= 2 for t, _ in history.train_loss_points)
    assert "interrupted" in capsys.readouterr().out
    assert not net.training  # the state is restored as after a normal fit
    assert all(not m.weight.is_contiguous(memory_format=torch.channels_last)
               or m.weight.is_contiguous()
               for m in net.modules() if isinstance(m, nn.Conv2d))
