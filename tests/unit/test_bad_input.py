"""Bad input gets a clear error: a table of bad calls over every public name of d2lutils.

Each row calls one public function with one bad argument and names the error type and a
word the message must contain (the argument's name, or what was wrong). A second table
lists edge inputs that are valid and must give the right answer, not a silent wrong one.
``test_every_public_callable_is_in_the_table`` fails when a new public name has no row,
so the table grows with the API.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

import d2lutils as d2l

T = torch.ones
NAN = float("nan")


def _ax():
    return plt.subplots()[1]


def _history(**lists):
    h = d2l.History()
    for name, value in lists.items():
        setattr(h, name, value)
    return h


# (public name, the call, error type, a word the message must contain)
BAD_CALLS = [
    # 1.2 convolutions for images
    ("corr2d", lambda: d2l.corr2d([[1.0]], T(1, 1)), TypeError, "X"),
    ("corr2d", lambda: d2l.corr2d(T(3, 3), T(3)), ValueError, "K"),
    ("corr2d", lambda: d2l.corr2d(T(2, 2), T(3, 3)), ValueError, "larger"),
    ("corr2d", lambda: d2l.corr2d(T(3, 3, dtype=torch.bool), T(2, 2)), TypeError, "real"),
    ("corr2d", lambda: d2l.corr2d(T(3, 3), torch.ones(0, 2)), ValueError, "empty"),
    ("corr2d_fast", lambda: d2l.corr2d_fast(T(3, 3), "K"), TypeError, "K"),
    ("corr2d_fast", lambda: d2l.corr2d_fast(torch.zeros(4000, 4000), T(40, 40)),
     ValueError, "GiB"),
    ("corr2d_fast", lambda: d2l.corr2d_fast(T(3, 3, dtype=torch.complex64), T(2, 2)),
     TypeError, "real"),
    ("Conv2D", lambda: d2l.Conv2D(0), ValueError, "kernel_size"),
    ("Conv2D", lambda: d2l.Conv2D(2.5), TypeError, "kernel_size"),
    ("Conv2D", lambda: d2l.Conv2D(10**6), ValueError, "GiB"),
    ("Conv2D", lambda: d2l.Conv2D((1, 2, 3)), ValueError, "kernel_size"),
    ("receptive_field", lambda: d2l.receptive_field("3,1"), TypeError, "layers"),
    ("receptive_field", lambda: d2l.receptive_field([(3,)]), ValueError, "layers"),
    ("receptive_field", lambda: d2l.receptive_field([(0, 1)]), ValueError, "kernel_size"),
    ("receptive_field", lambda: d2l.receptive_field([(3, 1.5)]), TypeError, "stride"),
    ("draw_matrix", lambda: d2l.draw_matrix(_ax(), [[1, 2], [3]]), ValueError, "M"),
    ("draw_matrix", lambda: d2l.draw_matrix(_ax(), T(2, 2), origin=(0,)), ValueError,
     "origin"),
    ("draw_matrix", lambda: d2l.draw_matrix(_ax(), T(2, 2), fill={(5, 5)}), ValueError,
     "fill"),
    ("draw_matrix", lambda: d2l.draw_matrix("ax", T(2, 2)), TypeError, "ax"),
    ("plot", lambda: d2l.plot([]), ValueError, "X"),
    ("plot", lambda: d2l.plot(torch.tensor([1 + 2j, 3j])), TypeError, "complex"),
    ("plot", lambda: d2l.plot([1, 2], xscale="cubic"), ValueError, "xscale"),
    ("plot", lambda: d2l.plot([1, 2], figsize=(NAN, 2)), ValueError, "figsize"),
    ("set_figsize", lambda: d2l.set_figsize((-1, 2)), ValueError, "figsize"),
    ("set_figsize", lambda: d2l.set_figsize((1e6, 2)), ValueError, "figsize"),
    ("set_figsize", lambda: d2l.set_figsize("big"), ValueError, "figsize"),
    ("animate_corr2d", lambda: d2l.animate_corr2d(T(20, 20), T(3, 3)), ValueError,
     "small"),
    ("animate_corr2d", lambda: d2l.animate_corr2d(T(4, 4), T(2, 2), stride=0), ValueError,
     "stride"),
    ("animate_corr2d", lambda: d2l.animate_corr2d(T(4, 4) * NAN, T(2, 2)), ValueError,
     "finite"),
    ("apply_kernel", lambda: d2l.apply_kernel(T(8, 8), T(2, 2, 2)), ValueError, "kernel"),
    ("apply_kernel", lambda: d2l.apply_kernel("image", T(3, 3)), TypeError, "image"),
    ("kernel_explorer", lambda: d2l.kernel_explorer(T(2, 2, 2, 2)), ValueError, "image"),
    # 1.3 padding and stride
    ("conv_output_shape", lambda: d2l.conv_output_shape(5, 7), ValueError, "kernel_size"),
    ("conv_output_shape", lambda: d2l.conv_output_shape(5, 3, padding="full"), ValueError,
     "padding"),
    ("conv_output_shape", lambda: d2l.conv_output_shape(5, 3, "same", stride=2),
     ValueError, "stride"),
    ("conv_output_shape", lambda: d2l.conv_output_shape(5.0, 3), TypeError, "input_size"),
    ("conv_output_shape", lambda: d2l.conv_output_shape(5, 3, dilation=0), ValueError,
     "dilation"),
    ("conv_arithmetic_explorer", lambda: d2l.conv_arithmetic_explorer(n=100), ValueError,
     "n"),
    ("conv_arithmetic_explorer", lambda: d2l.conv_arithmetic_explorer(k=2.5), TypeError,
     "k"),
    # 1.4 channels
    ("corr2d_multi_in", lambda: d2l.corr2d_multi_in(T(2, 3, 3), T(3, 2, 2)), ValueError,
     "c_i"),
    ("corr2d_multi_in", lambda: d2l.corr2d_multi_in(T(3, 3), T(3, 2, 2)), ValueError, "X"),
    ("corr2d_multi_in_out", lambda: d2l.corr2d_multi_in_out(T(2, 3, 3), T(2, 2, 2)),
     ValueError, "K"),
    ("corr2d_multi_in_out_1x1", lambda: d2l.corr2d_multi_in_out_1x1(T(2, 3, 3),
                                                                    T(4, 2, 2, 2)),
     ValueError, "(c_o, c_i, 1, 1)"),
    ("animate_multi_in", lambda: d2l.animate_multi_in(T(5, 3, 3), T(5, 2, 2)), ValueError,
     "channels"),
    ("animate_multi_in", lambda: d2l.animate_multi_in(T(2, 3, 3), T(3, 2, 2)), ValueError,
     "c_i"),
    # 1.5 pooling
    ("pool2d", lambda: d2l.pool2d(T(4, 4), 2, mode="min"), ValueError, "mode"),
    ("pool2d", lambda: d2l.pool2d(T(4, 4), 0), ValueError, "pool_size"),
    ("pool2d", lambda: d2l.pool2d(T(4, 4), 2, padding=2), ValueError, "padding"),
    ("pool2d", lambda: d2l.pool2d(T(4, 4), 5), ValueError, "pool_size"),
    ("pool2d", lambda: d2l.pool2d(T(1, 1, 4, 4), 2), ValueError, "X"),
    ("pool2d", lambda: d2l.pool2d(torch.zeros(2000, 2000), 40), ValueError, "GiB"),
    ("animate_pool2d", lambda: d2l.animate_pool2d(T(4, 4), mode="sum"), ValueError, "mode"),
    ("animate_pool2d", lambda: d2l.animate_pool2d(T(4, 4), 0), ValueError, "pool_size"),
    # 1.6 LeNet: data
    ("FashionMNIST", lambda: d2l.FashionMNIST(batch_size=0), ValueError, "batch_size"),
    ("FashionMNIST", lambda: d2l.FashionMNIST(resize=10**5), ValueError, "resize"),
    ("FashionMNIST", lambda: d2l.FashionMNIST(val_size=60_000), ValueError, "val_size"),
    ("FashionMNIST", lambda: d2l.FashionMNIST(seed=2**63), ValueError, "seed"),
    ("FashionMNIST", lambda: d2l.FashionMNIST(split_seed=-1), ValueError, "split_seed"),
    ("FashionMNIST", lambda: d2l.FashionMNIST(root=3), TypeError, "root"),
    ("load_fashion_mnist", lambda: d2l.load_fashion_mnist("val"), ValueError,
     "val_size"),
    ("load_fashion_mnist", lambda: d2l.load_fashion_mnist(1), TypeError, "split"),
    ("show_images", lambda: d2l.show_images(T(4, 8, 8), 0, 2), ValueError, "nrows"),
    ("show_images", lambda: d2l.show_images(T(4, 8, 8), 1, 2, scale=NAN), ValueError,
     "scale"),
    ("show_images", lambda: d2l.show_images(T(4, 8, 8), 1, 2, scale=100), ValueError,
     "scale"),
    ("show_images", lambda: d2l.show_images(T(4, 8, 8), 1, 2, titles=["a"]), ValueError,
     "titles"),
    ("show_images", lambda: d2l.show_images(T(4, 2, 8, 8), 1, 2), ValueError, "imgs"),
    # 1.6 LeNet: models
    ("init_cnn", lambda: d2l.init_cnn("net"), TypeError, "module"),
    ("init_cnn", lambda: d2l.init_cnn(nn.LazyLinear(3)), ValueError, "lazy"),
    ("init_cnn", lambda: d2l.init_cnn(nn.Linear(0, 3)), ValueError, "empty"),
    ("count_parameters", lambda: d2l.count_parameters([nn.Linear(2, 2)]), TypeError, "net"),
    ("count_parameters", lambda: d2l.count_parameters(nn.LazyLinear(2)), ValueError, "lazy"),
    ("layer_summary", lambda: d2l.layer_summary(nn.Linear(2, 2), (0, 2)), ValueError,
     "input_shape"),
    ("layer_summary", lambda: d2l.layer_summary(nn.Linear(2, 2), (1, 2), print_table=1),
     TypeError, "print_table"),
    ("layer_summary", lambda: d2l.layer_summary(nn.Linear(2, 2), (1, 3)), ValueError,
     "input_shape"),
    # 1.6 LeNet: training
    ("Trainer", lambda: d2l.Trainer(0), ValueError, "max_epochs"),
    ("Trainer", lambda: d2l.Trainer(1, lr=NAN), ValueError, "lr"),
    ("Trainer", lambda: d2l.Trainer(1, device="cuda:99"), ValueError, "device"),
    ("Trainer", lambda: d2l.Trainer(1, seed=2**64), ValueError, "seed"),
    ("Trainer", lambda: d2l.Trainer(1, board="yes"), TypeError, "board"),
    ("Trainer", lambda: d2l.Trainer(1, optimizer="adam"), TypeError, "optimizer"),
    ("Trainer", lambda: d2l.Trainer(1, board=False).fit(nn.Linear(2, 2), [1, 2]),
     TypeError, "train_dataloader"),
    ("set_seed", lambda: d2l.set_seed(-1), ValueError, "seed"),
    ("set_seed", lambda: d2l.set_seed(2**63), ValueError, "seed"),
    ("set_seed", lambda: d2l.set_seed("1"), TypeError, "seed"),
    ("one_cycle_adam", lambda: d2l.one_cycle_adam(0), ValueError, "total_steps"),
    ("one_cycle_adam", lambda: d2l.one_cycle_adam(2.0), TypeError, "total_steps"),
    ("ProgressBoard", lambda: d2l.ProgressBoard(min_interval=NAN), ValueError,
     "min_interval"),
    ("ProgressBoard", lambda: d2l.ProgressBoard(mode="web"), ValueError, "mode"),
    ("ProgressBoard", lambda: d2l.ProgressBoard(max_epochs=0), ValueError, "max_epochs"),
    ("ProgressBoard", lambda: d2l.ProgressBoard(figsize=(0, 1)), ValueError, "figsize"),
    ("plot_history", lambda: d2l.plot_history({"train_loss": [1]}), TypeError, "history"),
    ("plot_history", lambda: d2l.plot_history(d2l.History()), ValueError, "no epochs"),
    ("plot_history", lambda: d2l.plot_history(_history(train_loss=[1.0], train_acc=[])),
     ValueError, "one entry per epoch"),
    ("History", lambda: d2l.History().final_val_acc, ValueError, "no epochs"),
    ("accuracy", lambda: d2l.accuracy(torch.full((2, 3), NAN), torch.tensor([0, 1])),
     ValueError, "NaN"),
    ("accuracy", lambda: d2l.accuracy(torch.tensor([0.2, 0.9]), torch.tensor([0, 1])),
     ValueError, "1-D y_hat"),
    ("accuracy", lambda: d2l.accuracy(T(2, 3), torch.tensor([0.0, 1.0])), TypeError, "y"),
    ("accuracy", lambda: d2l.accuracy(T(2, 3), torch.tensor([0])), ValueError, "same"),
    ("accuracy", lambda: d2l.accuracy([[1, 0]], torch.tensor([0])), TypeError, "y_hat"),
    ("evaluate_accuracy", lambda: d2l.evaluate_accuracy("net", []), TypeError, "net"),
    ("evaluate_accuracy", lambda: d2l.evaluate_accuracy(nn.Linear(2, 2), 5), TypeError,
     "data_iter"),
    ("evaluate_accuracy", lambda: d2l.evaluate_accuracy(nn.LazyLinear(2), []), ValueError,
     "no batches"),
    ("default_device", lambda: d2l.default_device("cpu"), TypeError, "argument"),
    ("use_book_style", lambda: d2l.use_book_style("dark"), TypeError, "argument"),
    # prose
    ("glue", lambda: d2l.glue("two words", 1), ValueError, "name"),
    ("glue", lambda: d2l.glue("x", 1, display="no"), TypeError, "display"),
    ("num", lambda: d2l.num("3"), TypeError, "x"),
    ("num", lambda: d2l.num(3, digits=-1), ValueError, "digits"),
    ("pct", lambda: d2l.pct(None), TypeError, "x"),
    ("sci", lambda: d2l.sci(1.0, digits=2.5), TypeError, "digits"),
]


def _fit_one(model, X, y, batches=1):
    class Data:
        def train_dataloader(self):
            return [(X, y)] * batches

        def val_dataloader(self):
            return None

    return d2l.Trainer(1, board=False).fit(model, Data())


BAD_TRAINING = [  # faults met only once data flow: still named at the door of fit
    ("int32 labels", lambda: _fit_one(nn.Linear(4, 3), T(8, 4),
                                      torch.zeros(8, dtype=torch.int32)),
     TypeError, "int64"),
    ("label out of range", lambda: _fit_one(nn.Linear(4, 3), T(8, 4),
                                            torch.full((8,), 5)),
     ValueError, "out of range"),
    ("float64 model", lambda: _fit_one(nn.Linear(4, 3).double(), T(8, 4),
                                       torch.zeros(8, dtype=torch.long)),
     TypeError, "float64"),
    ("all labels ignored", lambda: _fit_one(nn.Linear(4, 3), T(8, 4),
                                            torch.full((8,), -100)),
     ValueError, "ignored"),
    ("labels of the wrong length", lambda: _fit_one(nn.Linear(4, 3), T(8, 4),
                                                    torch.zeros(5, dtype=torch.long)),
     ValueError, "shape"),
    ("no batches, lazy model", lambda: _fit_one(nn.LazyLinear(3), None, None, batches=0),
     ValueError, "no batches"),
    ("no batches", lambda: _fit_one(nn.Linear(4, 3), None, None, batches=0),
     ValueError, "no batches"),
]

# valid edge inputs and the right answer
RIGHT_ANSWERS = [
    ("corr2d sums uint8 exactly",
     lambda: d2l.corr2d(torch.full((3, 3), 200, dtype=torch.uint8),
                        torch.full((2, 2), 2, dtype=torch.uint8)),
     torch.full((2, 2), 1600)),
    ("corr2d_fast sums int8 exactly",
     lambda: d2l.corr2d_fast(torch.full((3, 3), 127, dtype=torch.int8),
                             torch.full((3, 3), 127, dtype=torch.int8)),
     torch.full((1, 1), 9 * 127 * 127)),
    ("corr2d_multi_in_out_1x1 in int64",
     lambda: d2l.corr2d_multi_in_out_1x1(torch.full((2, 1, 1), 100, dtype=torch.uint8),
                                         torch.full((1, 2, 1, 1), 100,
                                                    dtype=torch.uint8)),
     torch.full((1, 1, 1), 20_000)),
    ("pool2d of integers, as float32",
     lambda: d2l.pool2d(torch.tensor([[1, 3], [5, 7]]), 2, mode="avg"),
     torch.tensor([[4.0]])),
    ("accuracy of integer predictions",
     lambda: torch.tensor(d2l.accuracy(torch.tensor([1, 2]), torch.tensor([1, 0]))),
     torch.tensor(0.5)),
    ("conv_output_shape with pairs",
     lambda: torch.tensor(d2l.conv_output_shape((5, 6), (3, 2), stride=(2, 1))),
     torch.tensor((2, 5))),
]


@pytest.mark.parametrize("name, call, error, word", BAD_CALLS,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(BAD_CALLS)])
def test_a_bad_call_gets_a_clear_error(name, call, error, word):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert word in message, f"{name}: the message does not say {word!r}: {message}"
    assert info.type in (TypeError, ValueError), info.type
    assert len(message) < 600, f"{name}: a message should be short: {message}"


@pytest.mark.parametrize("what, call, error, word", BAD_TRAINING,
                         ids=[row[0] for row in BAD_TRAINING])
def test_a_bad_training_input_gets_a_clear_error(what, call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.mark.parametrize("what, call, expected", RIGHT_ANSWERS,
                         ids=[row[0] for row in RIGHT_ANSWERS])
def test_edge_inputs_get_the_right_answer(what, call, expected):
    got = call()
    assert torch.equal(got, expected.to(got.dtype)), (what, got)
    if not expected.is_floating_point():
        assert not got.is_floating_point() and got.dtype.itemsize >= 4


def test_every_public_callable_is_in_the_table():
    covered = {row[0] for row in BAD_CALLS}
    public = {name for name in d2l.__all__ if callable(getattr(d2l, name))}
    assert public - covered == set(), "public names with no bad call in the table"
    assert covered - public == set(), "rows for names that are not public"
