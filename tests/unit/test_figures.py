"""Tests for d2lutils.figures: the book's defaults, quick line plots."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes

from d2lutils.figures import plot, set_figsize


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
