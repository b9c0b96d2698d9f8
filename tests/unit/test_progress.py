"""Tests for d2lutils.progress: History curves and the progress board.

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
import textwrap

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

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
