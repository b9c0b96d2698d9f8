"""Tests for d2lutils.conv: every function equals PyTorch's own, and bad input is refused clearly."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from d2lutils.conv import (Conv2D, corr2d, corr2d_fast, corr2d_multi_in,
                           corr2d_multi_in_out, corr2d_multi_in_out_1x1, pool2d)
from d2lutils.shapes import conv_output_shape, receptive_field

SETTINGS = settings(max_examples=40, deadline=None)


def rand(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@st.composite
def image_and_kernel(draw, max_side=12):
    """Sizes (h, w, kh, kw) with the kernel no larger than the image, and a seed."""
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    return h, w, draw(st.integers(1, h)), draw(st.integers(1, w)), draw(st.integers(0, 2**31))


# --- cross-correlation ---------------------------------------------------------------------------

@SETTINGS
@given(image_and_kernel())
def test_corr2d_loop_and_fast_equal_f_conv2d(sizes):
    h, w, kh, kw, seed = sizes
    X, K = rand(h, w, seed=seed), rand(kh, kw, seed=seed + 1)
    expected = F.conv2d(X[None, None], K[None, None])[0, 0]
    torch.testing.assert_close(corr2d(X, K), expected)
    torch.testing.assert_close(corr2d_fast(X, K), expected)


@SETTINGS
@given(image_and_kernel(max_side=10), st.integers(1, 4), st.integers(1, 4))
def test_multi_channel_versions_equal_f_conv2d(sizes, c_i, c_o):
    h, w, kh, kw, seed = sizes
    X, K = rand(c_i, h, w, seed=seed), rand(c_o, c_i, kh, kw, seed=seed + 1)
    expected = F.conv2d(X[None], K)[0]
    torch.testing.assert_close(corr2d_multi_in_out(X, K), expected)
    torch.testing.assert_close(corr2d_multi_in(X, K[0]), expected[0])


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 9), st.integers(1, 9), st.integers(0, 99))
def test_1x1_matrix_product_equals_f_conv2d_and_the_general_version(c_i, c_o, h, w, seed):
    X, K = rand(c_i, h, w, seed=seed), rand(c_o, c_i, 1, 1, seed=seed + 1)
    Y = corr2d_multi_in_out_1x1(X, K)
    torch.testing.assert_close(Y, F.conv2d(X[None], K)[0])
    torch.testing.assert_close(Y, corr2d_multi_in_out(X, K))


def test_corr2d_detects_the_vertical_edges_of_a_stripe():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1, -1  # white-to-black, then black-to-white
    assert torch.equal(Y, expected)


def test_integer_inputs_stay_integers_and_float32_stays_float32():
    X, K = torch.arange(12).reshape(3, 4), torch.tensor([[1, 0], [0, -1]])
    Y = corr2d(X, K)
    assert Y.dtype == torch.int64 and torch.equal(Y, corr2d_fast(X, K))
    assert torch.equal(Y, torch.full((2, 3), -5))  # X[i, j] - X[i+1, j+1] = -5 everywhere
    assert corr2d_fast(X.float(), K.float()).dtype == torch.float32


def test_gradients_through_corr2d_fast_match_f_conv2d():
    X, K = rand(7, 6, seed=0).requires_grad_(), rand(3, 2, seed=1).requires_grad_()
    corr2d_fast(X, K).square().sum().backward()
    grads = X.grad.clone(), K.grad.clone()
    X.grad, K.grad = None, None
    F.conv2d(X[None, None], K[None, None]).square().sum().backward()
    torch.testing.assert_close(grads, (X.grad, K.grad))


# --- pooling -------------------------------------------------------------------------------------

@st.composite
def pooling_case(draw):
    ph, pw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    pad = (draw(st.integers(0, ph // 2)), draw(st.integers(0, pw // 2)))
    h = draw(st.integers(max(1, ph - 2 * pad[0]), 11))
    w = draw(st.integers(max(1, pw - 2 * pad[1]), 11))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    channels = draw(st.sampled_from([None, 1, 3]))
    return (h, w), (ph, pw), stride, pad, channels, draw(st.integers(0, 2**31))


@SETTINGS
@given(pooling_case(), st.sampled_from(["max", "avg"]))
def test_pool2d_equals_f_max_pool2d_and_f_avg_pool2d(case, mode):
    (h, w), window, stride, pad, channels, seed = case
    X = rand(*((channels,) if channels else ()), h, w, seed=seed)
    reference = F.max_pool2d if mode == "max" else F.avg_pool2d
    batched = X if channels else X[None]
    expected = reference(batched, window, stride, pad)
    expected = expected if channels else expected[0]
    torch.testing.assert_close(pool2d(X, window, mode, stride, pad), expected)
    assert expected.shape[-2:] == conv_output_shape((h, w), window, pad, stride)


def test_pool2d_defaults_and_integer_input():
    X = torch.arange(9).reshape(3, 3)
    assert torch.equal(pool2d(X, 2), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(pool2d(X, 2, "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))
    X = rand(2, 8, 8, seed=3)
    assert torch.equal(pool2d(X, 2, stride=None), F.max_pool2d(X, 2))  # None: stride = window
    assert torch.equal(pool2d(X, (3, 1), padding=(1, 0)), F.max_pool2d(X, (3, 1), 1, (1, 0)))


@pytest.mark.parametrize("X", [torch.zeros(1, 5, 5), torch.randint(
    0, 3, (2, 6, 7), generator=torch.Generator().manual_seed(0)).float()], ids=["all-tied", "many-ties"])
@pytest.mark.parametrize("size, stride, padding", [(2, 1, 0), (2, 2, 0), (3, 2, 1), ((2, 3), 1, (1, 1))])
def test_max_pool2d_gradients_match_pytorch_even_when_values_tie(X, size, stride, padding):
    grads = []
    for pool in (lambda t: pool2d(t, size, "max", stride=stride, padding=padding),
                 lambda t: F.max_pool2d(t, size, stride, padding)):
        t = X.clone().requires_grad_()
        pool(t).pow(2).add(pool(t)).sum().backward()  # an upstream gradient that is not constant
        grads.append(t.grad)
    torch.testing.assert_close(grads[0], grads[1])


def test_a_stride_beyond_the_input_gives_one_window():
    X = torch.arange(16.0).reshape(4, 4)
    # PyTorch takes no stride beyond int64, but any stride >= the input gives the same windows
    expected_max = F.max_pool2d(X[None], 2, 4)[0]
    assert expected_max.tolist() == [[5.0]]  # the top-left window only
    torch.testing.assert_close(pool2d(X, 2, stride=4), expected_max)
    torch.testing.assert_close(pool2d(X, 2, stride=10**30), expected_max)
    expected_avg = F.avg_pool2d(X[None], 2, (4, 1))[0]
    assert expected_avg.tolist() == [[2.5, 3.5, 4.5]]  # one row of windows, three columns
    torch.testing.assert_close(pool2d(X, 2, "avg", stride=(10**30, 1)), expected_avg)


def test_max_pooling_pads_with_minus_infinity_not_zero():
    X = -torch.ones(1, 2, 2)
    assert torch.equal(pool2d(X, 2, padding=1), -torch.ones(1, 3, 3))
    assert torch.equal(pool2d(X, 2, "avg", padding=1), F.avg_pool2d(X, 2, 1, 1))


# --- shape arithmetic ----------------------------------------------------------------------------

def test_conv_output_shape_equals_nn_conv2d_for_many_combinations():
    checked = refused = 0
    for n, k, p, s, d in itertools.product([1, 4, 5, 8, 28, 31], [1, 2, 3, 5], [0, 1, 2],
                                           [1, 2, 3], [1, 2]):
        conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
        try:
            expected = conv(torch.zeros(1, 1, n, n)).shape[-1]
        except RuntimeError:  # PyTorch refuses a kernel larger than the padded input
            with pytest.raises(ValueError, match="kernel_size"):
                conv_output_shape(n, k, p, s, d)
            refused += 1
            continue
        assert conv_output_shape(n, k, p, s, d) == expected, (n, k, p, s, d)
        checked += 1
    assert checked > 300 and refused > 20


@SETTINGS
@given(st.tuples(st.integers(6, 20), st.integers(6, 20)), st.tuples(st.integers(1, 3), st.integers(1, 3)),
       st.tuples(st.integers(0, 2), st.integers(0, 2)), st.tuples(st.integers(1, 3), st.integers(1, 3)),
       st.tuples(st.integers(1, 2), st.integers(1, 2)))
def test_conv_output_shape_pairs_equal_nn_conv2d(n, k, p, s, d):
    conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    assert conv_output_shape(n, k, p, s, d) == tuple(conv(torch.zeros(1, 1, *n)).shape[-2:])


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("k, d", [(1, 1), (3, 1), (4, 1), (5, 2), ((3, 5), (1, 2))])
def test_conv_output_shape_same_and_valid_padding_match_nn_conv2d(k, d):
    for padding in ["same", "valid"]:
        conv = nn.Conv2d(1, 1, k, padding=padding, dilation=d, bias=False)
        assert conv_output_shape((13, 17), k, padding, 1, d) == tuple(conv(torch.zeros(1, 1, 13, 17)).shape[-2:])


def test_conv_output_shape_returns_int_for_ints_and_tuple_when_any_argument_is_a_pair():
    assert conv_output_shape(28, 5, padding=2) == 28
    assert conv_output_shape(28, (5, 3), stride=2) == (12, 13)


def _measured_receptive_field(layers):
    """Extent of the input pixels that reach the first output unit, found by autograd (1-D)."""
    n = sum(k for k, _ in layers) * max([1] + [s for _, s in layers]) ** len(layers) + 1
    x = torch.zeros(1, 1, n, requires_grad=True)
    y = x
    for k, s in layers:
        y = F.conv1d(y, torch.ones(1, 1, k), stride=s)
    y[0, 0, 0].backward()
    hit = x.grad[0, 0].nonzero()
    return int(hit.max() - hit.min() + 1)


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), min_size=1, max_size=4))
def test_receptive_field_equals_what_gradients_reach(layers):
    assert receptive_field(layers) == _measured_receptive_field(layers)


def test_receptive_field_known_stacks():
    assert receptive_field([]) == 1
    assert receptive_field([(3, 1), (3, 1)]) == 5  # two 3x3 layers see as far as one 5x5
    assert receptive_field([(5, 1), (2, 2), (5, 1), (2, 2)]) == 16  # LeNet's feature extractor


# --- the Conv2D layer ----------------------------------------------------------------------------

def test_conv2d_layer_equals_f_conv2d_plus_bias_and_has_kh_kw_plus_one_parameters():
    torch.manual_seed(0)
    layer = Conv2D((2, 3))
    with torch.no_grad():
        layer.bias.fill_(0.5)
    X = torch.randn(5, 6)
    expected = F.conv2d(X[None, None], layer.weight[None, None], layer.bias.reshape(1))[0, 0]
    torch.testing.assert_close(layer(X), expected)
    assert sum(p.numel() for p in layer.parameters()) == 7
    assert Conv2D(3).weight.shape == (3, 3) and "kernel_size=(3, 3)" in repr(Conv2D(3))


def test_conv2d_layer_learns_the_edge_kernel_by_gradient_descent():
    torch.manual_seed(0)
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    layer = Conv2D((1, 2))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.01)
    for _ in range(60):  # converges in about 50 steps; lr 0.02 would already diverge
        optimizer.zero_grad()
        loss = ((layer(X) - Y) ** 2).sum()
        loss.backward()
        optimizer.step()
    torch.testing.assert_close(layer.weight.detach(), torch.tensor([[1.0, -1.0]]), atol=0.05, rtol=0)
    assert loss.item() < 1e-3


# --- bad input -----------------------------------------------------------------------------------

X2, K2 = torch.ones(4, 4), torch.ones(2, 2)
X3 = torch.ones(2, 4, 4)

BAD_CALLS = [
    (lambda: corr2d([[1.0]], K2), TypeError, "X must be a torch.Tensor"),
    (lambda: corr2d(X2, 1.0), TypeError, "K must be a torch.Tensor"),
    (lambda: corr2d(X3, K2), ValueError, r"X must have shape \(h, w\)"),
    (lambda: corr2d(X2, torch.ones(2)), ValueError, r"K must have shape \(kh, kw\)"),
    (lambda: corr2d(X2, torch.ones(5, 1)), ValueError, "larger than the input X"),
    (lambda: corr2d_fast(X2, torch.ones(1, 5)), ValueError, "larger than the input X"),
    (lambda: corr2d_fast(X2, torch.ones(0, 2)), ValueError, "K must not be empty"),
    (lambda: corr2d_multi_in(X2, K2), ValueError, r"X must have shape \(c_i, h, w\)"),
    (lambda: corr2d_multi_in(X3, torch.ones(3, 2, 2)), ValueError, "c_i=3 input channels"),
    (lambda: corr2d_multi_in_out(X3, torch.ones(2, 2, 2)), ValueError, r"K must have shape \(c_o"),
    (lambda: corr2d_multi_in_out(X3, torch.ones(1, 3, 2, 2)), ValueError, "must match"),
    (lambda: corr2d_multi_in_out(X3, torch.ones(1, 2, 5, 5)), ValueError, "larger than the input X"),
    (lambda: corr2d_multi_in_out_1x1(X3, torch.ones(1, 2, 2, 2)), ValueError, r"\(c_o, c_i, 1, 1\)"),
    (lambda: corr2d_multi_in_out_1x1(X3, torch.ones(1, 4, 1, 1)), ValueError, "input channels"),
    (lambda: pool2d("X", 2), TypeError, "X must be a torch.Tensor"),
    (lambda: pool2d(torch.ones(1, 1, 4, 4), 2), ValueError, "X must have shape"),
    (lambda: pool2d(X2, 2, mode="min"), ValueError, "mode must be 'max' or 'avg'"),
    (lambda: pool2d(X2, 0), ValueError, "pool_size must be >= 1"),
    (lambda: pool2d(X2, 2.0), TypeError, "pool_size must be an int"),
    (lambda: pool2d(X2, (2, 2, 2)), ValueError, "pool_size must be an int or a pair"),
    (lambda: pool2d(X2, 2, stride=0), ValueError, "stride must be >= 1"),
    (lambda: pool2d(X2, 2, stride=(1, -1)), ValueError, "stride must be >= 1"),
    (lambda: pool2d(X2, 2, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: pool2d(X2, 2, padding=2), ValueError, "padding must be at most half"),
    (lambda: pool2d(X2, 5), ValueError, r"pool_size of size \(5, 5\) is larger than the padded input X"),
    (lambda: pool2d(torch.ones(2, 2), (3, 3), padding=(1, 0)), ValueError, "pool_size of size"),
    (lambda: conv_output_shape(28, 0), ValueError, "kernel_size must be >= 1"),
    (lambda: conv_output_shape(28.0, 3), TypeError, "input_size must be an int"),
    (lambda: conv_output_shape(28, 3, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: conv_output_shape(28, 3, padding="full"), ValueError, "'valid' or 'same'"),
    (lambda: conv_output_shape(28, 3, padding="same", stride=2), ValueError, "needs stride 1"),
    (lambda: conv_output_shape(28, 3, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv_output_shape(28, 3, dilation=0), ValueError, "dilation must be >= 1"),
    (lambda: conv_output_shape(4, 5), ValueError, "kernel_size 5"),
    (lambda: conv_output_shape(5, 3, dilation=3), ValueError, "dilated span 7"),
    (lambda: receptive_field(3), TypeError, "layers must be a list"),
    (lambda: receptive_field([(3, 1, 1)]), ValueError, r"\(kernel_size, stride\) pair"),
    (lambda: receptive_field([(3, 0)]), ValueError, "stride must be >= 1"),
    (lambda: receptive_field([(2.5, 1)]), TypeError, "kernel_size must be an int"),
    (lambda: Conv2D(0), ValueError, "kernel_size must be >= 1"),
    (lambda: Conv2D("3"), TypeError, "kernel_size must be an int"),
    (lambda: Conv2D(2)(X3), ValueError, r"X must have shape \(h, w\)"),
    (lambda: corr2d(X2 > 0, K2), TypeError, "X must hold real numbers, got dtype torch.bool"),
    (lambda: corr2d_fast(X2, K2 > 0), TypeError, "K must hold real numbers"),
    (lambda: corr2d_multi_in(X3 > 0, torch.ones(2, 2, 2)), TypeError, "X must hold real numbers"),
    (lambda: pool2d(X2.to(torch.complex64), 2), TypeError, "complex64"),
    (lambda: corr2d_fast(X2.to("meta"), K2), ValueError, "X is on meta but K is on cpu"),
    (lambda: corr2d(X2, K2.to("meta")), ValueError, "X is on cpu but K is on meta"),
    (lambda: corr2d_multi_in_out_1x1(X3.to("meta"), torch.ones(1, 2, 1, 1)), ValueError,
     "X is on meta"),
    (lambda: pool2d(torch.ones(3, 0), 2, padding=1), ValueError, "X must not be empty"),
    (lambda: pool2d(torch.ones(0, 4, 4), 2), ValueError, "X must not be empty"),
]


@pytest.mark.parametrize("call, error, words", BAD_CALLS, ids=[f"bad{i}" for i in range(len(BAD_CALLS))])
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()
