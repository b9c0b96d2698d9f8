"""Tests for d2lutils.models: Xavier initialisation, parameter counts, layer summaries."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from d2lutils.models import LayerRow, count_parameters, init_cnn, layer_summary


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def test_init_cnn_xavier_bounds_and_zero_bias():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 5), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(32, 10))
    nn.init.constant_(net[0].bias, 1.0)
    net.apply(init_cnn)
    for layer, fan_in, fan_out in ((net[0], 3 * 25, 8 * 25), (net[3], 32, 10)):
        bound = math.sqrt(6 / (fan_in + fan_out))
        assert layer.weight.abs().max() <= bound
        assert layer.weight.abs().max() > 0.8 * bound  # uniform over the whole range
        assert torch.count_nonzero(layer.bias) == 0
    assert torch.equal(net[1].weight, torch.ones(8))  # other layers untouched


def test_init_cnn_rejects_bad_input():
    with pytest.raises(TypeError, match="module"):
        init_cnn("conv")
    with pytest.raises(ValueError, match="forward pass"):
        nn.Sequential(nn.LazyConv2d(4, 3)).apply(init_cnn)


def test_count_parameters_of_lenet_and_shared_weights():
    expected = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) \
        + (84 * 10 + 10)
    assert count_parameters(lenet()) == expected
    shared = nn.Linear(5, 5)
    assert count_parameters(nn.Sequential(shared, nn.ReLU(), shared)) == 30
    with pytest.raises(TypeError, match="net"):
        count_parameters([shared])
    with pytest.raises(ValueError, match="lazy"):
        count_parameters(nn.LazyLinear(3))


def test_layer_summary_of_lenet(capsys):
    net = lenet()
    net.train()
    rows = layer_summary(net, (1, 1, 28, 28))
    shapes = [r.output_shape for r in rows]
    assert shapes == [(1, 6, 28, 28), (1, 6, 28, 28), (1, 6, 14, 14), (1, 16, 10, 10),
                      (1, 16, 10, 10), (1, 16, 5, 5), (1, 400), (1, 120), (1, 120), (1, 84),
                      (1, 84), (1, 10)]
    assert all(isinstance(r, LayerRow) for r in rows)
    assert rows[0] == ("0 (Conv2d)", (1, 6, 28, 28), 156)
    assert sum(r.params for r in rows) == count_parameters(net)
    assert net.training  # mode restored
    table = capsys.readouterr().out
    assert "0 (Conv2d)" in table and "(1, 16, 5, 5)" in table
    assert f"total parameters: {count_parameters(net):,}" in table


def test_layer_summary_hooks_leaves_of_a_custom_module_and_can_stay_quiet(capsys):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU())
            self.head = nn.Linear(4 * 6 * 6, 2)

        def forward(self, X):
            return self.head(self.features(X).flatten(1))

    rows = layer_summary(Net(), (2, 1, 8, 8), print_table=False)
    assert [r.name for r in rows] == ["features.0 (Conv2d)", "features.1 (ReLU)",
                                      "head (Linear)"]
    assert rows[0].params == 4 * 9 + 4  # the lazy layer was initialised by the dummy pass
    assert rows[-1].output_shape == (2, 2)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("shape", [(), (1, 1, -28, 28), (1, 1.5), "1,1,28,28", 28, (True, 1)])
def test_layer_summary_rejects_bad_input_shapes(shape):
    with pytest.raises(ValueError, match="input_shape"):
        layer_summary(lenet(), shape)


def test_layer_summary_reports_a_shape_that_does_not_fit():
    with pytest.raises(ValueError, match=r"input_shape \(1, 3, 28, 28\)"):
        layer_summary(lenet(), (1, 3, 28, 28))
    with pytest.raises(TypeError, match="net"):
        layer_summary("lenet", (1, 1, 28, 28))


def test_layer_summary_restores_the_mode_of_every_module():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Sequential(nn.Dropout()))
    net.train()
    net[1].eval()
    modes = [m.training for m in net.modules()]
    layer_summary(net, (1, 1, 5, 5), print_table=False)
    assert [m.training for m in net.modules()] == modes
    net.eval()
    net[2][0].train()
    modes = [m.training for m in net.modules()]
    layer_summary(net, (1, 1, 5, 5), print_table=False)
    assert [m.training for m in net.modules()] == modes


@pytest.mark.parametrize("shape", [(10**7, 10**7), (10**30,), (2**62, 4)])
def test_layer_summary_leaves_no_hooks_when_the_input_cannot_be_made(shape):
    net = nn.Sequential(nn.Flatten(), nn.Linear(3, 4))
    for _ in range(2):
        with pytest.raises(ValueError, match="input_shape"):
            layer_summary(net, shape, print_table=False)
        assert all(not m._forward_hooks for m in net.modules())


def test_layer_summary_leaves_no_hooks_when_the_forward_pass_fails():
    net = nn.Sequential(nn.Flatten(), nn.Linear(3, 4))
    with pytest.raises(ValueError, match="input_shape"):
        layer_summary(net, (1, 5), print_table=False)
    assert all(not m._forward_hooks for m in net.modules())


def test_layer_summary_of_a_single_layer_lists_the_layer_itself(capsys):
    rows = layer_summary(nn.Linear(3, 4), (1, 3))
    assert rows == [("(Linear)", (1, 4), 3 * 4 + 4)]
    table = capsys.readouterr().out
    assert "(Linear)" in table and "(1, 4)" in table and "total parameters: 16" in table
    assert layer_summary(nn.Sequential(), (2, 3), print_table=False) == [
        ("(Sequential)", (2, 3), 0)]


def test_layer_summary_records_nested_outputs_of_an_lstm():
    rows = layer_summary(nn.LSTM(3, 4, batch_first=True), (1, 5, 3), print_table=False)
    assert rows == [("(LSTM)", ((1, 5, 4), ((1, 1, 4), (1, 1, 4))), 4 * 4 * (3 + 4 + 2))]


def test_layer_summary_records_none_dict_and_mixed_outputs(capsys):
    class Nothing(nn.Module):
        def forward(self, X):
            return None

    class Split(nn.Module):
        def forward(self, X):
            return {"all": X, "first": X[:, :1]}

    class Mixed(nn.Module):
        def forward(self, X):
            return [X, "label", (X.sum(),)]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.log, self.split, self.mixed = Nothing(), Split(), Mixed()

        def forward(self, X):
            self.log(X)
            self.mixed(X)
            return self.split(X)["first"]

    rows = layer_summary(Net(), (2, 3))
    assert rows == [("log (Nothing)", None, 0), ("mixed (Mixed)", ((2, 3), None, ((),)), 0),
                    ("split (Split)", {"all": (2, 3), "first": (2, 1)}, 0)]
    assert "{'all': (2, 3), 'first': (2, 1)}" in capsys.readouterr().out


def test_layer_summary_lists_parameters_owned_by_no_listed_layer(capsys):
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 4)
            self.unused = nn.Linear(4, 4)  # never runs, so it gets no row
            self.w = nn.Parameter(torch.ones(4))

        def forward(self, X):
            return self.lin(X) * self.w

    net = Scaled()
    rows = layer_summary(net, (1, 3))
    assert rows == [("lin (Linear)", (1, 4), 16),
                    ("(parameters of no listed layer)", None, 4 + 20)]
    assert sum(r.params for r in rows) == count_parameters(net)
    assert "(parameters of no listed layer)" in capsys.readouterr().out
    # a Sequential's children own all its parameters: no extra row
    assert len(layer_summary(nn.Sequential(Scaled()), (1, 3), print_table=False)) == 1


def test_layer_summary_rejects_a_non_bool_print_table():
    with pytest.raises(TypeError, match="print_table"):
        layer_summary(nn.Linear(3, 4), (1, 3), print_table="no")
