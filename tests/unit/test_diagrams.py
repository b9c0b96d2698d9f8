"""Tests for d2lutils.diagrams: matrices drawn as grids of cells."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from d2lutils.diagrams import draw_matrix


# --- draw_matrix --------------------------------------------------------------


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


def test_draw_matrix_writes_negative_entries_with_a_true_minus():
    _, ax = plt.subplots()
    draw_matrix(ax, torch.tensor([[-1.0, 2.0], [0.5, -0.25]]))
    assert [t.get_text() for t in ax.texts] == ["\u22121", "2", "0.5", "\u22120.25"]
