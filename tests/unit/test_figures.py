"""Tests for d2lutils.figures, .diagrams and .progress: figure defaults, quick plots, training curves, the progress board.

The board is tested three ways: as a terminal (one line per epoch), in a simulated
Jupyter kernel (the display calls are recorded), and once for real, by executing a
small notebook with nbclient and counting the figures it keeps.
"""

from __future__ import annotations

import importlib
import io
import math
import os
import re
import subprocess
import sys
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from d2lutils.figures import plot, set_figsize, use_book_style
from d2lutils.progress import History, ProgressBoard, plot_history
from d2lutils.train import Trainer

from _toy import Blobs, PoisonedBatch, tiny_cnn

progress_module = importlib.import_module("d2lutils.progress")
ipython_module = importlib.import_module("d2lutils._ipython")


def history(epochs=3, with_val=True):
    h = History(device="cpu", epochs=epochs, seconds=1.5, examples_per_sec=1000.0)
    for e in range(epochs):
        h.train_loss.append(1.0 / (e + 1))
        h.train_acc.append(0.5 + 0.1 * e)
        h.val_loss.append(1.1 / (e + 1) if with_val else math.nan)
        h.val_acc.append(0.45 + 0.1 * e if with_val else math.nan)
        h.train_loss_points += [(e + q / 4, 1.0 / (e + q / 4)) for q in range(1, 5)]
    return h


# --- defaults ------------------------------------------------------------------


def test_set_figsize_sets_the_default_and_validates():
    with plt.rc_context():
        set_figsize((5, 2))
        assert tuple(plt.rcParams["figure.figsize"]) == (5.0, 2.0)
        assert plt.figure().get_size_inches().tolist() == [5.0, 2.0]
        for bad in ((0, 2), (1, 2, 3), "big", (1, "2"), 3):
            with pytest.raises(ValueError, match="figsize"):
                set_figsize(bad)


RC_SCRIPT = textwrap.dedent("""
    import matplotlib
    before = dict(matplotlib.rcParams)
    import d2lutils
    from d2lutils.figures import BOOK_RC
    assert dict(matplotlib.rcParams) == before, "importing d2lutils changed rcParams"
    d2lutils.use_book_style()
    after = dict(matplotlib.rcParams)
    assert after != before, "use_book_style changed nothing"
    for key, value in BOOK_RC.items():
        assert after[key] == matplotlib.rcParams.validate[key](value), key
    print("ok")
""")


def test_use_book_style_changes_rc_only_when_called():
    """In a fresh process: ``import d2lutils`` leaves every rcParam as it was (whatever the
    local matplotlibrc says), ``use_book_style()`` then applies the book's values."""
    result = subprocess.run([sys.executable, "-c", RC_SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- plot ------------------------------------------------------------------------


def test_plot_one_series_against_its_index():
    ax = plot([3.0, 1.0, 2.0], xlabel="step", ylabel="value")
    assert isinstance(ax, Axes)
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0, 1, 2]
    assert line.get_ydata().tolist() == [3, 1, 2]
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "value"


def test_plot_several_curves_sharing_x_with_legend_and_scales():
    x = torch.arange(1, 6, dtype=torch.float32)
    ax = plot(x, [x, x**2, torch.sqrt(x), 1 / x, -x], legend=list("abcde"),
              xscale="log", yscale="symlog", xlim=(1, 5), ylim=(-10, 30), figsize=(4, 3))
    lines = ax.get_lines()
    assert len(lines) == 5  # more curves than formats: the formats cycle
    np.testing.assert_allclose(lines[1].get_ydata(), (x**2).numpy())
    assert lines[4].get_linestyle() == lines[0].get_linestyle()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list("abcde")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "symlog"
    assert ax.get_xlim() == (1, 5) and ax.get_ylim() == (-10, 30)
    assert ax.figure.get_size_inches().tolist() == [4, 3]


def test_plot_accepts_2d_arrays_and_grad_tensors_and_given_axes():
    fig, ax = plt.subplots()
    w = torch.ones(3, requires_grad=True)
    out = plot(np.arange(3), np.vstack([np.zeros(3), np.ones(3)]), axes=ax)
    plot(np.arange(3), w * 2, axes=ax)
    assert out is ax and len(ax.get_lines()) == 3
    assert plt.get_fignums() == [fig.number]  # drew on the given axes, no new figure


@pytest.mark.parametrize("kwargs, error, name", [
    ({"X": [1, 2, 3], "Y": [1, 2]}, ValueError, "lengths"),
    ({"X": [], "Y": None}, ValueError, "X"),
    ({"X": [1, 2], "Y": [[1, 2], [3]]}, ValueError, "lengths"),
    ({"X": np.zeros((2, 2, 2))}, ValueError, "X"),
    ({"X": [1, 2], "legend": ["a", "b"]}, ValueError, "legend"),
    ({"X": [1, 2], "legend": "a"}, ValueError, "legend"),
    ({"X": [1, 2], "xscale": "loglog"}, ValueError, "xscale"),
    ({"X": [1, 2], "ylim": (0,)}, ValueError, "ylim"),
    ({"X": [1, 2], "fmts": "-"}, ValueError, "fmts"),
    ({"X": [1, 2], "axes": "ax"}, TypeError, "axes"),
    ({"X": [1, 2], "figsize": (-1, 2)}, ValueError, "figsize"),
])
def test_plot_rejects_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        plot(**kwargs)


# --- plot_history ------------------------------------------------------------------


def test_plot_history_draws_loss_and_accuracy_panels():
    fig = plot_history(history(epochs=3))
    assert isinstance(fig, Figure)
    ax_loss, ax_acc = fig.axes
    train, val = ax_loss.get_lines()
    assert len(train.get_xdata()) == 12  # quarter-epoch points
    assert val.get_xdata().tolist() == [1, 2, 3]
    assert ax_acc.get_lines()[1].get_ydata().tolist() == pytest.approx([0.45, 0.55, 0.65])
    assert ax_loss.get_xlabel() == ax_acc.get_xlabel() == "epoch"
    assert "loss" in ax_loss.get_ylabel() and ax_acc.get_ylabel() == "accuracy"
    assert [t.get_text() for t in ax_acc.get_legend().get_texts()] == ["train", "validation"]


def test_plot_history_without_validation_draws_training_only():
    fig = plot_history(history(epochs=2, with_val=False))
    assert [len(ax.get_lines()) for ax in fig.axes] == [1, 1]


def test_plot_history_rejects_bad_input():
    with pytest.raises(TypeError, match="history"):
        plot_history({"train_loss": [1.0]})
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(History())


# --- ProgressBoard -----------------------------------------------------------------


def test_board_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        ProgressBoard(mode="html")
    with pytest.raises(ValueError, match="max_epochs"):
        ProgressBoard(max_epochs=0)
    with pytest.raises(ValueError, match="figsize"):
        ProgressBoard(figsize=(0, 1))
    with pytest.raises(ValueError, match="min_interval"):
        ProgressBoard(min_interval=-1)


def test_board_outside_a_kernel_is_a_terminal():
    assert ProgressBoard().mode == "terminal"


def test_terminal_board_prints_one_line_per_epoch_and_draws_nothing():
    stream = io.StringIO()
    torch.manual_seed(0)  # the line format assumes a loss below 10
    Trainer(3, board=ProgressBoard(mode="terminal", stream=stream)).fit(tiny_cnn(), Blobs())
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    for i, line in enumerate(lines, start=1):
        assert re.match(rf"epoch {i}/3  train loss \d\.\d{{4}}  train acc \d\.\d{{3}}  "
                        r"val loss \d\.\d{4}  val acc \d\.\d{3}  [\d,]+ examples/s  [\d.]+ s$",
                        line), line
    assert plt.get_fignums() == []


def test_default_board_prints_to_stdout_in_a_plain_python_process(capsys):
    Trainer(2).fit(tiny_cnn(), Blobs())
    out = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in out] == ["epoch 1/2", "epoch 2/2"]


class FakeHandle:
    def __init__(self, log):
        self.log = log

    def update(self, obj):
        self.log.append(("update", obj, _val_points(obj)))


def _val_points(fig):
    """How many validation points the figure shows right now."""
    return len(fig.axes[0].get_lines()[1].get_xdata())


@pytest.fixture
def fake_kernel(monkeypatch):
    """Pretend to be a Jupyter kernel: record display() calls and handle updates."""
    import IPython.display

    log = []

    def display(obj, display_id=False):
        log.append(("display", obj, _val_points(obj), display_id))
        return FakeHandle(log)

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(progress_module, "in_notebook", lambda: True)
    monkeypatch.setattr(progress_module, "displayable", lambda fig: fig)
    return log


def test_notebook_board_shows_one_figure_updated_in_place(fake_kernel):
    board = ProgressBoard(min_interval=0)
    assert board.mode == "notebook"
    Trainer(4, board=board).fit(tiny_cnn(), Blobs())
    kinds = [entry[0] for entry in fake_kernel]
    assert kinds == ["display", "update", "update", "update"]  # one output, then in place
    assert fake_kernel[0][3] is True  # display_id=True: a handle that can be updated
    assert [entry[2] for entry in fake_kernel] == [1, 2, 3, 4]
    figure = fake_kernel[0][1]
    assert all(entry[1] is figure for entry in fake_kernel)  # the same figure each time
    assert plt.get_fignums() == []  # closed: the inline backend will not show a copy


def test_notebook_board_throttles_but_always_shows_the_final_state(fake_kernel):
    Trainer(5, board=ProgressBoard(min_interval=1e9)).fit(tiny_cnn(), Blobs())
    assert [(entry[0], entry[2]) for entry in fake_kernel] == [("display", 1), ("update", 5)]
    assert plt.get_fignums() == []


def test_notebook_board_closes_its_figure_when_training_diverges(fake_kernel):
    torch.manual_seed(0)
    with pytest.raises(FloatingPointError, match="epoch 2, batch 3 "):
        Trainer(5, board=ProgressBoard(min_interval=0)).fit(tiny_cnn(), PoisonedBatch(2, 3))
    # epoch 1 was shown (the figure existed), epoch 2 never finished
    assert [(entry[0], entry[2]) for entry in fake_kernel] == [("display", 1)]
    assert plt.get_fignums() == []


def test_board_can_be_reused_for_a_second_fit(fake_kernel):
    board = ProgressBoard(min_interval=0)
    Trainer(2, board=board).fit(tiny_cnn(), Blobs())
    Trainer(2, board=board).fit(tiny_cnn(), Blobs())
    assert [entry[0] for entry in fake_kernel] == ["display", "update"] * 2
    assert fake_kernel[0][1] is not fake_kernel[2][1]  # a fresh figure for the second run


def test_displayable_falls_back_to_png_without_figure_formatters(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    fig = plt.figure()
    image = ipython_module.displayable(fig)
    assert type(image).__name__ == "Image" and image.data[:8] == b"\x89PNG\r\n\x1a\n"


NOTEBOOK_SOURCE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from _toy import Blobs, tiny_cnn
    from d2lutils.train import Trainer
    history = Trainer(3, lr=0.1).fit(tiny_cnn(), Blobs())
""")


@pytest.mark.slow
def test_executed_notebook_keeps_exactly_one_final_figure(tmp_path):
    """The real thing: run a training cell in a Jupyter kernel, as Jupyter Book does."""
    # both come with the book's requirements (jupyter-book): an import error is a failure
    import nbclient
    import nbformat
    source = NOTEBOOK_SOURCE.format(tests=os.path.dirname(__file__))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's default
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1, outputs
    (output,) = outputs
    assert output.output_type == "display_data"
    assert {"image/png", "image/svg+xml"} & set(output.data)


# --- draw_matrix --------------------------------------------------------------

from d2lutils.diagrams import draw_matrix  # noqa: E402


def _cells(ax):
    """The unit squares drawn for cells: {(x, y): facecolor}."""
    return {(p.get_x(), p.get_y()): p.get_facecolor() for p in ax.patches
            if p.get_width() == 1 and p.get_height() == 1 and p.get_fill()}


def test_draw_matrix_writes_every_entry_in_reading_order():
    fig, ax = plt.subplots()
    M = torch.tensor([[1.0, 2.5, 3.0], [4.0, 5.0, 6.0]])
    assert draw_matrix(ax, M, (10, 0)) is ax
    texts = sorted(ax.texts, key=lambda t: (-t.get_position()[1], t.get_position()[0]))
    assert [t.get_text() for t in texts] == ["1", "2.5", "3", "4", "5", "6"]
    # entry (i, j) is centred at (x0 + j + 0.5, y0 - i - 0.5): rows go down the page
    assert texts[1].get_position() == (11.5, -0.5)
    assert texts[3].get_position() == (10.5, -1.5)
    assert len(_cells(ax)) == 6
    plt.close(fig)


def test_draw_matrix_fill_accepts_a_set_a_dict_and_a_mask():
    M = np.zeros((2, 2))
    mask = np.array([[True, False], [False, True]])
    for fill, expected in [({(0, 1)}, {(1, -1)}), ({(1, 0): "red"}, {(0, -2)}),
                           (mask, {(0, -1), (1, -2)})]:
        fig, ax = plt.subplots()
        draw_matrix(ax, M, fill=fill, color="#ff0000")
        coloured = {xy for xy, face in _cells(ax).items() if face[:3] == (1.0, 0.0, 0.0)}
        assert coloured == expected, fill
        plt.close(fig)


def test_draw_matrix_box_hatch_fit_and_no_numbers():
    fig, ax = plt.subplots()
    hatch = np.zeros((3, 4), dtype=bool)
    hatch[2] = True
    draw_matrix(ax, np.ones((3, 4)), title="X", box=(1, 2, 2, 1), hatch=hatch, fmt=None, fit=True)
    assert len(ax.texts) == 0 and ax.get_title() == "X"
    boxes = [p for p in ax.patches if (p.get_width(), p.get_height()) == (1, 2)]
    assert len(boxes) == 1 and (boxes[0].get_x(), boxes[0].get_y()) == (2, -3)
    assert sum(bool(p.get_hatch()) for p in ax.patches) == 4
    assert ax.get_xlim() == pytest.approx((-0.1, 4.1)) and ax.get_ylim() == pytest.approx((-3.1, 0.1))
    assert not ax.axison
    plt.close(fig)


def test_draw_matrix_title_sits_above_the_matrix_without_fit():
    fig, ax = plt.subplots()
    draw_matrix(ax, [[1, 2]], (3, 1), "row")
    title = [t for t in ax.texts if t.get_text() == "row"]
    assert len(title) == 1 and title[0].get_position() == (4.0, 1.25)
    plt.close(fig)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"ax": "axes"}, TypeError, "ax must be a matplotlib Axes"),
    ({"M": torch.zeros(2, 2, 2)}, ValueError, "M must be a non-empty 2-D matrix"),
    ({"M": [[1, 2], [3]]}, ValueError, "M must be a non-empty 2-D matrix"),
    ({"M": []}, ValueError, "M must be a non-empty 2-D matrix"),
    ({"origin": 3}, ValueError, "origin must be a pair of finite numbers"),
    ({"fill": {(2, 0)}}, ValueError, "fill names cell \\(2, 0\\)"),
    ({"fill": {(0,): "red"}}, ValueError, "cells are \\(row, column\\) pairs"),
    ({"fill": np.ones((3, 3), dtype=bool)}, ValueError, "fill mask must be a boolean matrix"),
    ({"fill": np.ones((2, 2))}, ValueError, "fill mask must be a boolean matrix"),
    ({"hatch": np.ones((2, 3), dtype=bool)}, ValueError, "hatch must be a boolean matrix"),
    ({"box": (0, 0, 3, 1)}, ValueError, "box must be \\(row, col, height, width\\)"),
    ({"box": (0, 0, 0, 1)}, ValueError, "box must be"),
    ({"box": (0.5, 0, 1, 1)}, ValueError, "box must be"),
    ({"fmt": 3}, TypeError, "fmt must be a format string"),
])
def test_draw_matrix_rejects_bad_arguments(kwargs, error, match):
    fig, ax = plt.subplots()
    args = {"ax": ax, "M": np.zeros((2, 2))} | kwargs
    with pytest.raises(error, match=match):
        draw_matrix(**args)
    plt.close(fig)


# --- review findings: odd but legal input, and what must be refused ------------------------


@pytest.mark.parametrize("bad", [(float("nan"), 2.0), (3.5, float("inf"))])
def test_set_figsize_refuses_non_finite_sizes_and_leaves_the_default(bad):
    before = tuple(plt.rcParams["figure.figsize"])
    with pytest.raises(ValueError, match="positive finite numbers"):
        set_figsize(bad)
    assert tuple(plt.rcParams["figure.figsize"]) == before
    with pytest.raises(ValueError, match="figsize"):
        plot([1, 2], figsize=bad)


def test_plot_accepts_bfloat16_and_lists_of_0d_tensors():
    ax = plot(torch.tensor([1.0, 2.0, 4.0], dtype=torch.bfloat16))
    assert list(ax.lines[0].get_ydata()) == [1.0, 2.0, 4.0]
    ax = plot([torch.tensor(0.5), torch.tensor(0.25)])  # e.g. a list of losses
    assert list(ax.lines[0].get_ydata()) == [0.5, 0.25]
    plt.close("all")


@pytest.mark.parametrize("kwargs, words", [
    ({"fmts": ["zz"]}, "not a matplotlib format string"),
    ({"xlim": (0, float("nan"))}, "xlim must be a pair of finite numbers"),
    ({"ylim": "low"}, "ylim must be a pair"),
])
def test_plot_refuses_bad_options_without_leaving_an_empty_figure(kwargs, words):
    plt.close("all")
    with pytest.raises(ValueError, match=words):
        plot([1, 2, 3], **kwargs)
    assert plt.get_fignums() == []


@pytest.mark.parametrize("fmt", ["{0} {1}", "{x}", "{:d}"])
def test_draw_matrix_names_a_fmt_that_cannot_format_the_entries(fmt):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="fmt"):
        draw_matrix(ax, np.full((2, 2), 0.5), fmt=fmt)
    plt.close(fig)


def test_draw_matrix_accepts_bfloat16():
    fig, ax = plt.subplots()
    draw_matrix(ax, torch.ones(2, 2, dtype=torch.bfloat16))
    assert [t.get_text() for t in ax.texts] == ["1"] * 4
    plt.close(fig)


def test_board_prints_a_history_without_validation_and_checks_max_epochs():
    h = History()
    h.train_loss.append(1.0)
    h.train_acc.append(0.5)
    out = io.StringIO()
    board = ProgressBoard(mode="terminal", stream=out)
    board.update(h, max_epochs=3)
    assert out.getvalue().startswith("epoch 1/3") and "val" not in out.getvalue()
    with pytest.raises(ValueError, match="max_epochs"):
        board.update(h, max_epochs="x")
    h.val_acc.append(0.4)  # one validation list filled, the other not
    with pytest.raises(ValueError, match="one entry per epoch"):
        board.update(h)
