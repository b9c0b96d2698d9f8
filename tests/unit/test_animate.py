"""Tests for d2lutils.animate: frame counts, values against PyTorch, offline player HTML."""

import re

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F
from IPython.display import HTML

from d2lutils.animate import WindowAnimation, animate_corr2d, animate_multi_in, animate_pool2d

X33 = torch.arange(9.0).reshape(3, 3)
K22 = torch.arange(4.0).reshape(2, 2)

CORR_CASES = {  # name: (X, K, padding, stride)
    "plain": (X33, K22, 0, 1),
    "padded-strided": (X33, K22, 1, 2),
    "pairs": (X33, K22, (1, 1), (3, 2)),
    "rect-kernel": (torch.arange(20.0).reshape(4, 5) / 4 - 2, torch.tensor([[1.0, 0.0, -1.0]]),
                    (0, 1), (1, 2)),
}
POOL_CASES = {  # name: (X, pool_size, mode, stride, padding)
    "max-default-stride": (torch.arange(16.0).reshape(4, 4), 2, "max", None, 0),
    "avg-stride-1": (X33, 2, "avg", 1, 0),
    "max-padded": (torch.arange(16.0).reshape(4, 4).flip(0), 3, "max", 2, 1),
    "avg-padded-pairs": (torch.arange(12.0).reshape(3, 4), (2, 3), "avg", (1, 2), (1, 1)),
}


@pytest.fixture(scope="module")
def corr_anims():
    return {name: animate_corr2d(X, K, padding=p, stride=s)
            for name, (X, K, p, s) in CORR_CASES.items()}


@pytest.fixture(scope="module")
def pool_anims():
    return {name: animate_pool2d(X, k, mode, stride=s, padding=p)
            for name, (X, k, mode, s, p) in POOL_CASES.items()}


@pytest.fixture(scope="module")
def multi_anim():
    X = torch.stack([X33, X33 + 1])
    K = torch.stack([K22, K22 + 1])
    return X, K, animate_multi_in(X, K)


def check_player(anim: WindowAnimation) -> None:
    """The HTML is a working, offline to_jshtml player with exactly `frames` frames."""
    assert isinstance(anim, HTML) and anim._repr_html_() == anim.html
    for part in ('class="animation"', "anim-buttons", "_anim_slider", "new Animation(frames"):
        assert part in anim.html
    embedded = re.findall(r'frames\[\d+\] = "data:image/png;base64,', anim.html)
    assert len(embedded) == anim.frames
    assert "://" not in anim.html, "no CDN or other external link"
    assert "font-awesome" not in anim.html and 'class="fa' not in anim.html
    assert anim.html.count("<svg") == 9, "each of the nine buttons has an inline SVG icon"
    assert 'alt="Animation of a sliding window' in anim.html
    assert anim.nbytes == len(anim.html.encode()) < 1_000_000


@pytest.mark.parametrize("name", CORR_CASES)
def test_corr2d_frames_values_and_player(corr_anims, name):
    X, K, p, s = CORR_CASES[name]
    anim = corr_anims[name]
    expected = F.conv2d(X[None, None], K[None, None], padding=p, stride=s)[0, 0]
    assert anim.frames == expected.numel()
    torch.testing.assert_close(anim.output, expected)
    check_player(anim)


def test_corr2d_frame_counts(corr_anims):
    assert corr_anims["plain"].frames == 4  # (3 - 2 + 1) ** 2
    assert corr_anims["padded-strided"].frames == 4  # ((3 + 2 - 2) // 2 + 1) ** 2
    assert corr_anims["rect-kernel"].frames == 4 * 3  # rows 4 - 1 + 1, columns (5 + 2 - 3) // 2 + 1


@pytest.mark.parametrize("name", POOL_CASES)
def test_pool2d_frames_values_and_player(pool_anims, name):
    X, k, mode, s, p = POOL_CASES[name]
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    expected = pool(X[None, None], k, stride=s, padding=p)[0, 0]  # stride None = window
    anim = pool_anims[name]
    assert anim.frames == expected.numel()
    torch.testing.assert_close(anim.output, expected)
    check_player(anim)


def test_multi_in_sums_channels(multi_anim):
    X, K, anim = multi_anim
    expected = F.conv2d(X[None], K[None])[0, 0]
    assert anim.frames == expected.numel() == 4
    torch.testing.assert_close(anim.output, expected)
    check_player(anim)


def test_deterministic_html_and_distinct_ids(corr_anims):
    again = animate_corr2d(X33, K22)
    assert again.html == corr_anims["plain"].html
    ids = {re.search(r"_anim_img(\w+)", a.html).group(1) for a in corr_anims.values()}
    assert len(ids) == len(corr_anims), "different animations get different element ids"


def test_integer_input_and_no_stray_figures():
    before = plt.get_fignums()
    anim = animate_corr2d(torch.arange(9).reshape(3, 3), torch.ones(2, 2, dtype=torch.int64))
    assert plt.get_fignums() == before
    assert anim.output.dtype == torch.float32
    torch.testing.assert_close(anim.output, torch.tensor([[8.0, 12.0], [20.0, 24.0]]))


@pytest.mark.parametrize("call, error, match", [
    (lambda: animate_corr2d([[1, 2], [3, 4]], K22), TypeError, "X must be a torch.Tensor"),
    (lambda: animate_corr2d(X33[None], K22), ValueError, "X must be a non-empty tensor"),
    (lambda: animate_corr2d(X33, torch.ones(4, 4)), ValueError, "larger than"),
    (lambda: animate_corr2d(X33, K22, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: animate_corr2d(X33, K22, stride=0), ValueError, "stride must be >= 1"),
    (lambda: animate_corr2d(X33, K22, stride=1.5), TypeError, "stride must be an int"),
    (lambda: animate_corr2d(X33, K22, padding=True), TypeError, "padding must be an int"),
    (lambda: animate_corr2d(X33, K22, stride=(1, 2, 3)), ValueError, "stride must be an int or a pair"),
    (lambda: animate_corr2d(torch.tensor([[1.0, float("nan")]]), torch.ones(1, 1)),
     ValueError, "finite"),
    (lambda: animate_corr2d(torch.ones(9, 9), torch.ones(8, 8)), ValueError, "at most 8x8"),
    (lambda: animate_corr2d(torch.ones(6, 6), torch.ones(1, 1)), ValueError, "36 elements"),
    (lambda: animate_multi_in(torch.ones(2, 3, 3), torch.ones(3, 2, 2)), ValueError, "channels"),
    (lambda: animate_multi_in(torch.ones(4, 3, 3), torch.ones(4, 2, 2)), ValueError, "at most 3"),
    (lambda: animate_multi_in(X33, K22), ValueError, r"\(c_i, h, w\)"),
    (lambda: animate_pool2d(X33, mode="min"), ValueError, "mode must be 'max' or 'avg'"),
    (lambda: animate_pool2d(X33, 2, padding=2), ValueError, "at most half"),
    (lambda: animate_pool2d(X33, 0), ValueError, "pool_size must be >= 1"),
    (lambda: animate_pool2d(X33, 4), ValueError, "larger than"),
])
def test_bad_input_raises_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_cell_labels_are_short_and_use_true_minus():
    from d2lutils.animate import _fmt

    values = [19.0, 0.5, -1.25, 1 / 3, 0.004, -0.004, 100.0, float("-inf")]
    assert [_fmt(v) for v in values] == ["19", "0.5", "−1.25", "0.33", "0", "0", "100", "−∞"]


BOOK_CALLS = {  # the animations the chapters show (conv-layer, padding, channels, pooling)
    "corr2d": lambda: animate_corr2d(torch.arange(6.0).reshape(2, 3), K22[:, :2]),
    "padded": lambda: animate_corr2d(X33, K22, padding=1),
    "strided": lambda: animate_corr2d(torch.arange(1.0, 26.0).reshape(5, 5),
                                      torch.tensor([[0.0, 1, 0], [1, 2, 1], [0, 1, 0]]),
                                      padding=1, stride=2),
    "multi": lambda: animate_multi_in(torch.rand(3, 3, 3), torch.rand(3, 2, 2)),
    "pool": lambda: animate_pool2d(torch.arange(16.0).reshape(4, 4), 3, "max", stride=2,
                                   padding=1),
}


@pytest.mark.parametrize("name", BOOK_CALLS)
def test_frames_are_2x_pixels_shown_at_1x_with_text_of_at_least_11_px(name):
    from PIL import Image

    from d2lutils._player import COLUMN_PX, CSS_DPI, DPI

    anim = BOOK_CALLS[name]()
    assert DPI == 2 * CSS_DPI, "frames carry twice the pixels they are shown at"
    css_width = float(re.search(r'style="width: (\d+)px', anim.html).group(1))
    assert abs(css_width - anim.width_px) < 1 and anim.width_px <= COLUMN_PX
    frame = re.search(r'frames\[0\] = "data:image/png;base64,([^"]*)"', anim.html).group(1)
    import base64
    import io
    pixels = Image.open(io.BytesIO(base64.b64decode(frame.replace("\\\n", "")))).size[0]
    assert abs(pixels - 2 * css_width) <= 2
    assert anim.min_text_px >= 11


def test_still_form_for_print_is_in_the_mime_bundle(corr_anims):
    from IPython.core.formatters import DisplayFormatter
    from PIL import Image
    import io

    anim = corr_anims["padded-strided"]
    bundle = DisplayFormatter().format(anim)[0]
    assert bundle["text/html"] == anim.html and bundle["image/png"] == anim.png
    still = Image.open(io.BytesIO(anim.png))
    frame_h = re.search(r'frames\[0\] = "data:image/png;base64,([^"]*)"', anim.html)
    assert still.format == "PNG" and frame_h
    assert still.size[0] > 100 and still.size[1] > 100


def test_roles_keep_their_colours():
    from d2lutils.animate import BLUE, GREEN, ORANGE

    # matplotlib's C0, C1, C2, as in the book's figures
    assert (BLUE, ORANGE, GREEN) == ("#1f77b4", "#ff7f0e", "#2ca02c")
    import inspect

    from d2lutils.diagrams import KERNEL, OUTPUT, WINDOW, draw_matrix
    assert (BLUE, ORANGE, GREEN) == (WINDOW, KERNEL, OUTPUT)  # one palette for both
    assert inspect.signature(draw_matrix).parameters["box_color"].default == WINDOW
