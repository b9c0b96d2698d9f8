"""Tests for d2lutils.widgets: the pure update functions against PyTorch, and the wiring."""

import itertools

import ipywidgets as widgets
import numpy as np
import pytest
import torch

from d2lutils.conv import corr2d
from d2lutils.arithmetic import conv_arithmetic_explorer, conv_arithmetic_report
from d2lutils.widgets import KERNELS, apply_kernel, kernel_explorer


def find(box, kind, description=None):
    """All widgets of type `kind` (with that description) anywhere inside `box`."""
    found = [box] if isinstance(box, kind) and description in (None, box.description) else []
    for child in getattr(box, "children", ()):
        found += find(child, kind, description)
    return found


def real_conv2d_size(n, k, p, s, d):
    """Output size from an actual nn.Conv2d forward pass on CPU, or None if it refuses."""
    conv = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
    try:
        return conv(torch.zeros(1, 1, n, n)).shape[-1]
    except RuntimeError:
        return None


def test_report_matches_nn_conv2d_on_every_small_combination():
    grid = (range(1, 8), range(1, 5), range(0, 3), range(1, 4), range(1, 3))  # n, k, p, s, d
    combos = list(itertools.product(*grid))
    invalid = 0
    for n, k, p, s, d in combos:
        r = conv_arithmetic_report(n, k, p, s, d)
        expected = real_conv2d_size(n, k, p, s, d)
        assert r["output_size"] == expected, (n, k, p, s, d)
        assert r["valid"] == (expected is not None)
        if r["valid"]:
            assert r["torch_output_size"] == expected and len(r["starts"]) == expected
            assert r["starts"][-1] + r["span"] <= r["padded_size"]  # last window fits
        else:
            invalid += 1
            assert "No output" in r["message"] and r["torch_error"]
    assert 0 < invalid < len(combos)  # the grid covers both kinds


def test_report_windows_and_unread_cells():
    r = conv_arithmetic_report(5, 3, p=1, s=2)
    assert r["starts"] == [0, 2, 4] and r["unread"] == [] and r["padded_size"] == 7
    r = conv_arithmetic_report(7, 1, s=3)  # reads cells 0, 3, 6 only
    assert r["starts"] == [0, 3, 6] and r["unread"] == [1, 2, 4, 5]
    assert "4 input cells per row are never read" in r["message"]
    r = conv_arithmetic_report(7, 3, d=2)  # dilated kernel spans 5 cells
    assert r["span"] == 5 and r["output_size"] == 3 and r["formula"].endswith("= 3")


@pytest.mark.parametrize("args, words", [
    ((3.5, 3), "input size n must be a whole number"),
    ((7, 0), "kernel size k must be between 1 and 4096"),
    ((7, 3, -1), "padding p must be between 0 and 4096"),
    ((7, 3, 1, 0), "stride s must be between 1 and 4096"),
    ((7, 3, 1, 1, 0), "dilation d must be between 1 and 4096"),
    ((7, "3"), "kernel size k must be a whole number"),
    ((True, 3), "input size n must be a whole number"),
    ((10**6, 3), "input size n must be between 1 and 4096"),
    ((3, 3, 0, 1, 2), "the kernel covers 5 cells"),
])
def test_report_invalid_input_gives_message_not_exception(args, words):
    r = conv_arithmetic_report(*args)
    assert r["valid"] is False and r["output_size"] is None
    assert words in r["message"]


def test_arithmetic_explorer_updates_and_survives_invalid_settings():
    box = conv_arithmetic_explorer()
    out = find(box, widgets.HTML)[0]
    assert "= 4;" in out.value and "✓ agrees" in out.value and "<img" in out.value  # 7, 3, 1, 2
    stride = find(box, widgets.IntSlider, "stride s")[0]
    stride.value = 1
    assert "= 7;" in out.value  # same padding: 7 + 2 - 3 + 1
    find(box, widgets.IntSlider, "padding p")[0].value = 0
    find(box, widgets.IntSlider, "input size n")[0].value = 2
    assert "No output" in out.value and "<img" not in out.value and "refuses" in out.value
    with pytest.raises(ValueError, match="stride"):
        conv_arithmetic_explorer(s=9)
    with pytest.raises(TypeError, match="n"):
        conv_arithmetic_explorer(n=7.0)


@pytest.mark.parametrize("name", KERNELS)
def test_apply_kernel_matches_corr2d(name):
    g = torch.Generator().manual_seed(0)
    X = torch.rand(9, 8, generator=g)
    K = torch.tensor(KERNELS[name])
    Y = apply_kernel(X, KERNELS[name])  # nested lists are accepted
    assert Y.shape == (7, 6)
    torch.testing.assert_close(Y, corr2d(X, K))


def test_apply_kernel_scales_uint8_and_identity_crops():
    X = torch.arange(30, dtype=torch.uint8).reshape(5, 6) * 8
    Y = apply_kernel(X, KERNELS["identity"])
    torch.testing.assert_close(Y, X[1:-1, 1:-1].float() / 255)


def test_apply_kernel_scales_a_uint8_image_but_never_the_kernel():
    ones = torch.ones(4, 4)
    torch.testing.assert_close(apply_kernel(ones, torch.ones(3, 3, dtype=torch.uint8)),
                               torch.full((2, 2), 9.0))
    torch.testing.assert_close(apply_kernel(ones.to(torch.uint8) * 255, np.ones((3, 3), np.uint8)),
                               torch.full((2, 2), 9.0))


@pytest.mark.parametrize("image, kernel, error, words", [
    (torch.rand(2, 2), torch.ones(3, 3), ValueError, "larger than the image"),
    (torch.rand(1, 5, 5), torch.ones(3, 3), ValueError, r"image must have shape \(h, w\)"),
    (torch.rand(5, 5), [[1.0, float("nan")]], ValueError, "finite"),
    (torch.rand(5, 5), "sharpen", TypeError, "kernel must be a tensor"),
    (np.full((5, 5), 1e300), [[1.0]], ValueError, "beyond float32's range"),
])
def test_apply_kernel_bad_input_raises(image, kernel, error, words):
    with pytest.raises(error, match=words):
        apply_kernel(image, kernel)


def test_kernel_explorer_presets_and_custom_edits():
    image = torch.zeros(12, 12)
    image[:, 6:] = 1.0  # a vertical edge
    box = kernel_explorer(image)
    preset = find(box, widgets.Dropdown)[0]
    cells = find(box, widgets.FloatText)
    out = find(box, widgets.HTML)[0]
    assert preset.value == "vertical edges" and len(cells) == 9 and "<img" in out.value
    first = out.value
    preset.value = "blur"
    assert [c.value for c in cells] == pytest.approx([1 / 9] * 9)
    assert out.value != first
    cells[4].value = 2.0
    assert preset.value == "custom"
    for c, v in zip(cells, [0, 0, 0, 0, 1, 0, 0, 0, 0]):
        c.value = v
    assert preset.value == "identity"  # typing a preset's numbers selects it


def test_kernel_explorer_says_what_is_wrong_with_a_non_finite_cell():
    box = kernel_explorer(torch.rand(8, 8))
    cells, out = find(box, widgets.FloatText), find(box, widgets.HTML)[0]
    cells[0].value = float("nan")
    assert "finite" in out.value and "<img" not in out.value
    cells[0].value = 1.0
    assert "<img" in out.value  # and it recovers


def test_kernel_explorer_bad_image_raises():
    with pytest.raises(ValueError, match="at least 3x3"):
        kernel_explorer(torch.zeros(2, 8))
    with pytest.raises(TypeError, match="image must be a tensor"):
        kernel_explorer(object())


@pytest.mark.data
def test_kernel_explorer_default_image_is_first_test_image():
    from d2lutils.data import load_fashion_mnist

    default = find(kernel_explorer(), widgets.HTML)[0].value
    first = find(kernel_explorer(load_fashion_mnist("test")[0][0]), widgets.HTML)[0].value
    other = find(kernel_explorer(load_fashion_mnist("test")[0][1]), widgets.HTML)[0].value
    assert default == first != other


def test_sobel_presets_respond_to_brightness_falling_left_to_right_and_top_to_bottom():
    ramp = torch.arange(5.0)
    falling_x = (4 - ramp).repeat(5, 1)  # brightness falls to the right
    assert (apply_kernel(falling_x, KERNELS["vertical edges"]) > 0).all()
    assert (apply_kernel(falling_x.T, KERNELS["horizontal edges"]) > 0).all()


def test_explorers_carry_a_static_html_and_a_png_form():
    import base64

    from d2lutils._explorer import Explorer

    for box in (conv_arithmetic_explorer(), kernel_explorer(torch.rand(10, 10))):
        assert isinstance(box, (Explorer, widgets.VBox))
        bundle = box._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle  # live notebooks
        assert 'class="d2l-explorer' in bundle["text/html"]
        assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_static_arithmetic_explorer_embeds_nn_conv2d_for_every_slider_setting():
    import json
    import re

    from d2lutils.arithmetic import _SLIDER_RANGES, _torch_table

    page = conv_arithmetic_explorer()._repr_mimebundle_()["text/html"]
    ranges = json.loads(re.search(r"data-ranges='([^']*)'", page).group(1))
    table = re.search(r'data-torch="([^"]*)"', page).group(1)
    assert ranges == {k: list(v) for k, v in _SLIDER_RANGES.items()} and table == _torch_table()
    settings = list(itertools.product(*(range(a, b + 1) for a, b in _SLIDER_RANGES.values())))
    assert len(table) == len(settings) == 16 * 7 * 5 * 4 * 3
    for i in (0, 17, 1234, len(settings) - 1):  # spot checks against a real forward pass
        expected = real_conv2d_size(*settings[i])
        assert table[i] == ("." if expected is None else chr(48 + expected))
    for key, (a, b) in _SLIDER_RANGES.items():  # the sliders match the live widget's
        assert f'data-key="{key}" min="{a}" max="{b}"' in page
    assert "<script>" in page and "://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_static_kernel_explorer_says_it_needs_a_kernel_and_disables_its_controls():
    page = kernel_explorer(torch.rand(10, 10))._repr_mimebundle_()["text/html"]
    assert "d2l-explorer-disabled" in page and "need a running Python kernel" in page
    assert page.count(" disabled") == 10  # the preset menu and the nine entries
    assert 'class="d2l-launch"' in page and '<img src="data:image/png' in page
