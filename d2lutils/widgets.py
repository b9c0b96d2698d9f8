"""The kernel explorer: a 3x3 kernel, chosen from presets or typed in, applied to an image.

Built like the arithmetic explorer (:mod:`d2lutils._explorer` explains how): in a live
kernel its widgets react; in the static book its controls are visibly disabled, with a
one-line note and a launch link, beside a still of its initial state.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from ._explorer import Explorer, img, png_bytes

__all__ = ["KERNELS", "apply_kernel", "kernel_explorer"]

KERNELS = {  # named 3x3 kernels for the kernel explorer
    # Sobel kernels. Under cross-correlation they take left minus right (-d/dx) and top
    # minus bottom (-d/dy, rows counted downwards): positive where brightness falls.
    "vertical edges": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "horizontal edges": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "identity": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
}
def _as_matrix(name: str, M, shape: str, pixels: bool = False) -> torch.Tensor:
    """``M`` as a finite float32 CPU matrix; uint8 ``pixels`` are scaled from 0..255 to 0..1."""
    if not isinstance(M, torch.Tensor):
        try:
            M = torch.as_tensor(M)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a tensor or nested list of numbers of shape "
                            f"{shape}, got {type(M).__name__}") from None
    if M.dim() != 2 or M.numel() == 0:
        raise ValueError(f"{name} must have shape {shape}, got {tuple(M.shape)}")
    if M.is_complex() or M.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {M.dtype}")
    if M.is_floating_point() and not torch.isfinite(M).all():
        raise ValueError(f"{name} must hold finite numbers, got inf or nan")
    M = M.detach().cpu().float() / (255.0 if pixels and M.dtype == torch.uint8 else 1.0)
    if not torch.isfinite(M).all():
        raise ValueError(f"{name} holds numbers beyond float32's range (about ±3.4e38)")
    return M


def apply_kernel(image, kernel) -> torch.Tensor:
    """Cross-correlate a grey image with a kernel, as a convolutional layer does.

    Args:
        image: ``(h, w)`` tensor or array; uint8 pixels are scaled to [0, 1].
        kernel: ``(kh, kw)`` tensor, array or nested list, no larger than the image.

    Returns:
        The feature map, float32 of shape ``(h - kh + 1, w - kw + 1)``.

    Introduced in {ref}`sec-conv-layer`.
    """
    X = _as_matrix("image", image, "(h, w)", pixels=True)
    K = _as_matrix("kernel", kernel, "(kh, kw)")
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError(f"kernel of shape {tuple(K.shape)} is larger than the image of shape "
                         f"{tuple(X.shape)}")
    return F.conv2d(X[None, None], K[None, None])[0, 0]


def _kernel_png(X: torch.Tensor, K: torch.Tensor) -> str:
    return img(*_kernel_figure(X, K))


def _kernel_figure(X: torch.Tensor, K: torch.Tensor) -> tuple[bytes, str]:
    Y = apply_kernel(X, K)
    fig = Figure(figsize=(7.2, 2.5))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.8, 1.25]})
    axes[0].imshow(X.numpy(), cmap="gray", vmin=min(0.0, X.min().item()),
                   vmax=max(1.0, X.max().item()))
    axes[0].set_title(f"image ({X.shape[0]}×{X.shape[1]})", fontsize=9)
    lim = float(K.abs().max()) or 1.0
    axes[1].imshow(K.numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim)
    for (i, j), v in zip([(i, j) for i in range(K.shape[0]) for j in range(K.shape[1])],
                         K.flatten().tolist()):
        axes[1].text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=8,
                     color="white" if abs(v) > 0.6 * lim else "black")
    axes[1].set_title("kernel", fontsize=9)
    lim, signed = float(Y.abs().max()) or 1.0, bool(Y.min() < 0)
    shown = axes[2].imshow(Y.numpy(), cmap="RdBu_r" if signed else "gray",
                           vmin=-lim if signed else 0, vmax=lim)
    fig.colorbar(shown, ax=axes[2], fraction=0.046, pad=0.04).ax.tick_params(labelsize=7)
    axes[2].set_title(f"feature map ({Y.shape[0]}×{Y.shape[1]})", fontsize=9)
    for ax in axes:
        ax.set_xticks([]), ax.set_yticks([])
    kernel_text = "; ".join(", ".join(f"{v:.2g}" for v in row) for row in K.tolist())
    alt = (f"Left: the input image. Middle: the kernel [{kernel_text}]. Right: the "
           f"{Y.shape[0]} by {Y.shape[1]} feature map it produces.")
    return png_bytes(fig), alt


def kernel_explorer(image=None) -> widgets.VBox:
    """Pick or edit a 3x3 kernel and see the feature map it makes on an image.

    Presets: :data:`KERNELS` (vertical/horizontal edges, blur, sharpen, identity); editing
    any entry switches to "custom". Needs a live kernel to react; a saved notebook shows
    the initial "vertical edges" rendering.

    Args:
        image: ``(h, w)`` grey image (uint8 or float in [0, 1]), at least 3x3; ``None``
            loads the first official Fashion-MNIST test image (an ankle boot), the image
            the chapter's preset figure uses.

    Returns:
        The ``ipywidgets.VBox`` holding the controls and the drawing.

    Introduced in {ref}`sec-conv-layer`.
    """
    if image is None:
        from .data import load_fashion_mnist
        image = load_fashion_mnist("test")[0][0]
    X = _as_matrix("image", image, "(h, w)", pixels=True)
    if min(X.shape) < 3:
        raise ValueError(f"image must be at least 3x3, got shape {tuple(X.shape)}")
    preset = widgets.Dropdown(options=[*KERNELS, "custom"], value="vertical edges",
                              description="kernel")
    cells = [widgets.FloatText(v, layout=widgets.Layout(width="70px"))
             for row in KERNELS["vertical edges"] for v in row]
    out = widgets.HTML(_kernel_png(X, torch.tensor(KERNELS["vertical edges"])))
    busy = []  # non-empty while the preset writes into the cells

    def kernel() -> torch.Tensor:
        return torch.tensor([c.value for c in cells]).reshape(3, 3)

    def on_preset(change) -> None:
        if change["new"] in KERNELS and not busy:
            busy.append(1)
            for c, v in zip(cells, (v for row in KERNELS[change["new"]] for v in row)):
                c.value = v
            busy.pop()
            out.value = _kernel_png(X, kernel())

    def on_cell(_change) -> None:
        if busy:
            return
        K = kernel()
        match = [name for name, M in KERNELS.items() if torch.allclose(K, torch.tensor(M))]
        busy.append(1)
        preset.value = match[0] if match else "custom"
        busy.pop()
        try:
            out.value = _kernel_png(X, K)
        except ValueError as err:  # e.g. nan or 1e39 typed into a cell: say so, keep going
            out.value = f"<p style='color:#b00020'>{html.escape(str(err))}</p>"

    preset.observe(on_preset, names="value")
    for c in cells:
        c.observe(on_cell, names="value")
    grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns="repeat(3, 75px)"))
    box = Explorer([widgets.HBox([preset, grid]), out])
    box.png, alt = _kernel_figure(X, kernel())
    cells_html = "".join(f'<input type="number" value="{v:g}" disabled aria-label="kernel entry">'
                         for row in KERNELS["vertical edges"] for v in row)
    box.static_html = (
        '<div class="d2l-explorer d2l-explorer-disabled" data-explorer="kernel">'
        '<div class="d2l-controls"><label>kernel <select disabled>'
        '<option>vertical edges</option></select></label>'
        f'<span class="d2l-kernel-cells">{cells_html}</span></div>'
        '<p class="d2l-note">These controls need a running Python kernel: '
        '<a class="d2l-launch" href="#">launch this page</a> on Binder or Colab. '
        'The drawing shows the vertical-edge kernel.</p>'
        f"{img(box.png, alt)}</div>")
    return box
