"""ipywidgets explorers for live notebooks: convolution arithmetic, and kernels on images.

Each explorer is a pure function that computes what to show (tested on its own) plus thin
widget wiring. In a live kernel the widgets react (drawings are matplotlib PNGs inside an
``HTML`` widget). Each explorer also carries forms for readers without a kernel, in its
MIME bundle next to the widget view: ``text/html`` for the static book (the arithmetic
explorer as a small JavaScript version that updates its text and drawing; the kernel
explorer with its controls visibly disabled, a one-line note and a launch link) and
``image/png`` for print and the PDF. The book's HTML build prefers ``text/html`` to the
widget view (``nb_mime_priority_overrides`` in ``_config.yml``), so that no page shows
controls that move while nothing else does.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import itertools
import json
from numbers import Integral

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .conv import conv_output_shape

_SLIDER_RANGES = {"n": (1, 16), "k": (1, 7), "p": (0, 4), "s": (1, 4), "d": (1, 3)}

__all__ = ["KERNELS", "conv_arithmetic_report", "conv_arithmetic_explorer", "apply_kernel",
           "kernel_explorer"]

KERNELS = {  # named 3x3 kernels for the kernel explorer
    # Sobel kernels. Under cross-correlation they take left minus right (-d/dx) and top
    # minus bottom (-d/dy, rows counted downwards): positive where brightness falls.
    "vertical edges": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "horizontal edges": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "identity": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
}
_ARGS = {"n": ("input size n", 1), "k": ("kernel size k", 1), "p": ("padding p", 0),
         "s": ("stride s", 1), "d": ("dilation d", 1)}


def conv_arithmetic_report(n: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> dict:
    """Everything about one axis of a convolution, for any input; never raises.

    Args:
        n: input size, k: kernel size, p: padding on each side, s: stride, d: dilation.

    Returns:
        A dict: ``valid`` (bool), ``message`` (str: what is wrong, or a one-line summary),
        ``formula`` (the output-size formula with the numbers filled in), ``output_size``
        (by the formula, ``None`` if invalid), ``torch_output_size`` (what ``nn.Conv2d``
        produces on an ``(n, n)`` input, ``None`` if it refuses), ``torch_error`` (its
        message, or ``""``), ``span`` (cells the dilated kernel covers, ``d(k - 1) + 1``),
        ``padded_size`` (``n + 2p``), ``starts`` (first padded cell of each window) and
        ``unread`` (input cells, 0-based, that no window reads).

    Introduced in {ref}`sec-padding`.
    """
    report = {"valid": False, "message": "", "formula": "", "output_size": None,
              "torch_output_size": None, "torch_error": "", "span": None, "padded_size": None,
              "starts": [], "unread": []}
    values = {"n": n, "k": k, "p": p, "s": s, "d": d}
    for key, value in values.items():
        name, low = _ARGS[key]
        if isinstance(value, bool) or not isinstance(value, Integral):
            report["message"] = f"The {name} must be a whole number, got {value!r}."
            return report
        values[key] = int(value)
        if not low <= value <= 4096:
            report["message"] = f"The {name} must be between {low} and 4096, got {value}."
            return report
    n, k, p, s, d = values.values()
    span, padded = d * (k - 1) + 1, n + 2 * p
    formula = f"⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1"
    report.update(span=span, padded_size=padded,
                  formula=f"⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = {formula}")
    try:
        conv = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, device="meta")
        report["torch_output_size"] = conv(torch.empty(1, 1, n, n, device="meta")).shape[-1]
    except RuntimeError as err:  # the meta device checks shapes without computing anything
        report["torch_error"] = str(err).strip().splitlines()[-1]
    if span > padded:
        report["message"] = (f"No output: the kernel covers {span} cells (d(k − 1) + 1 = "
                             f"{d}·{k - 1} + 1) but the padded input has only {padded} "
                             f"(n + 2p = {n} + 2·{p}). Increase n or p, or decrease k or d.")
        return report
    out = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
    starts = [i * s for i in range(out)]
    read = {a + t * d - p for a in starts for t in range(k)}
    unread = [i for i in range(n) if i not in read]
    report.update(valid=True, output_size=out, starts=starts, unread=unread,
                  formula=report["formula"] + f" = {out}")
    report["message"] = (f"Input {n}×{n} → output {out}×{out}" + (
        f"; {len(unread)} input cells per row are never read." if unread else "."))
    return report


class Explorer(widgets.VBox):
    """An explorer's widgets, plus its forms for readers without a kernel.

    Attributes:
        static_html: ``text/html`` for the static book (works, or says it needs a kernel).
        png: ``image/png`` bytes of the initial state, for print and the PDF.
    """

    static_html: str = ""
    png: bytes = b""

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
        bundle.update({"text/html": self.static_html,
                       "image/png": base64.b64encode(self.png).decode()})
        return bundle


def _png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200)
    return buffer.getvalue()


def _img(png: bytes, alt: str) -> str:
    """An <img> shown at half its pixel size: 1x layout, sharp on HiDPI screens."""
    data = base64.b64encode(png).decode()
    width = int.from_bytes(png[16:20], "big") // 2  # the PNG header's width
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'width="{width}" style="max-width: 100%; height: auto">')


def _png(fig: Figure, alt: str) -> str:
    return _img(_png_bytes(fig), alt)


def _windows_figure(r: dict, n: int, k: int, p: int, s: int, d: int,
                    max_rows: int = 12) -> tuple[bytes, str]:
    """One row for the padded input, then one row per window showing the cells it reads."""
    shown = r["starts"][:max_rows]
    fig = Figure(figsize=(max(0.28 * (r["padded_size"] + 4), 4.2), 0.28 * (len(shown) + 3)))
    ax = fig.add_axes((0, 0, 1, 1), xlim=(-3, r["padded_size"] + 1), ylim=(len(shown) + 2.6, -0.8))
    ax.axis("off")
    for c in range(r["padded_size"]):
        pad, unread = not p <= c < p + n, c - p in r["unread"]
        ax.add_patch(Rectangle((c, 0), 1, 1, fc="#ececec" if pad else "#f6c9c9" if unread
                               else "white", ec="#555", lw=0.8))
        ax.text(c + .5, .5, "0" if pad else str(c - p), ha="center", va="center", fontsize=8,
                color="#777" if pad else "k")
    ax.text(-0.3, .5, "input", ha="right", va="center", fontsize=8)
    for row, a in enumerate(shown, start=1):
        ax.text(-0.3, row + .9, f"y[{row - 1}]", ha="right", va="center", fontsize=8)
        ax.plot([a + .5, a + d * (k - 1) + .5], [row + .9] * 2, color="#9ec5ea", lw=1, zorder=1)
        for t in range(k):
            ax.add_patch(Rectangle((a + t * d + .15, row + .55), .7, .7, fc="#1f77b4", zorder=2))
    total = len(r["starts"])
    note = f" (first {max_rows} of {total} windows)" if total > max_rows else ""
    ax.text(-3, len(shown) + 2.2, "grey: padding, red: never read, blue: kernel taps" + note,
            fontsize=8, color="#444")
    alt = (f"Window positions of a size-{k} kernel with dilation {d} over an input of {n} "
           f"cells padded by {p} on each side, stride {s}: {total} windows")
    return _png_bytes(fig), alt


def _windows_png(r: dict, n: int, k: int, p: int, s: int, d: int) -> str:
    return _img(*_windows_figure(r, n, k, p, s, d))


def _arithmetic_html(n: int, k: int, p: int, s: int, d: int) -> str:
    r = conv_arithmetic_report(n, k, p, s, d)
    torch_line = (f"<code style='color: inherit'>nn.Conv2d</code> gives {r['torch_output_size']}"
                  if r["torch_error"] == "" else
                  f"<code style='color: inherit'>nn.Conv2d</code> refuses: {html.escape(r['torch_error'])}")
    if not r["valid"]:
        return (f'<p style="color: #b00020"><b>{html.escape(r["message"])}</b></p>'
                f"<p>{torch_line}</p>")
    agree = "✓ agrees" if r["torch_output_size"] == r["output_size"] else "✗ DISAGREES"
    return (f"<p><b>Output size</b> {r['formula']}; {torch_line} ({agree}).<br>"
            f"{html.escape(r['message'])}</p>" + _windows_png(r, n, k, p, s, d))


_ARITH_JS = r"""
(function (root) {
  var $ = function (q) { return root.querySelector(q); }, NS = "http://www.w3.org/2000/svg";
  var R = JSON.parse(root.dataset.ranges), table = root.dataset.torch, keys = "nkpsd";
  function idx(v) {  // position of (n, k, p, s, d) in the table built by Python
    var i = 0;
    for (var q = 0; q < 5; q++) {
      var r = R[keys[q]]; i = i * (r[1] - r[0] + 1) + (v[keys[q]] - r[0]);
    }
    return i;
  }
  function el(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function update() {
    var v = {};
    root.querySelectorAll("input[type=range]").forEach(function (x) {
      v[x.dataset.key] = +x.value; x.nextElementSibling.textContent = x.value;
    });
    var n = v.n, k = v.k, p = v.p, s = v.s, d = v.d, span = d * (k - 1) + 1, P = n + 2 * p;
    var t = table[idx(v)], code = "<code>nn.Conv2d</code>", out = $(".d2l-out");
    root.dataset.state = [n, k, p, s, d].join(",");
    if (span > P) {
      out.innerHTML = '<p class="d2l-error"><b>No output: the kernel covers ' + span +
        " cells (d(k − 1) + 1 = " + d + "·" + (k - 1) + " + 1) but the padded input has only " +
        P + " (n + 2p = " + n + " + 2·" + p + "). Increase n or p, or decrease k or d.</b></p>" +
        "<p>" + code + " refuses" + (t === "." ? "" : " (table disagrees)") + "</p>";
      return;
    }
    var o = Math.floor((P - span) / s) + 1, starts = [], read = {}, unread = [];
    for (var i = 0; i < o; i++) starts.push(i * s);
    starts.forEach(function (a) { for (var j = 0; j < k; j++) read[a + j * d - p] = 1; });
    for (i = 0; i < n; i++) if (!read[i]) unread.push(i);
    var got = t.charCodeAt(0) - 48, agree = got === o ? "✓ agrees" : "✗ DISAGREES";
    out.innerHTML = "<p><b>Output size</b> ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊(" + n +
      " + 2·" + p + " − " + d + "·(" + k + " − 1) − 1) / " + s + "⌋ + 1 = " + o + "; " + code +
      " gives " + got + " (" + agree + ").<br>Input " + n + "×" + n + " → output " + o + "×" + o +
      (unread.length ? "; " + unread.length + " input cells per row are never read." : ".") +
      "</p>";
    var c = 22, shown = starts.slice(0, 12), W = Math.max((P + 4) * c, 460);
    var H = (shown.length + 3) * c;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: W, role: "img",
      "class": "d2l-windows", "aria-label": "Window positions: " + o + " windows"});
    var x0 = 3 * c;
    svg.appendChild(el("text", {x: x0 - 6, y: c * 0.7, "text-anchor": "end"}, "input"));
    for (i = 0; i < P; i++) {
      var pad = i < p || i >= p + n, un = unread.indexOf(i - p) >= 0;
      svg.appendChild(el("rect", {x: x0 + i * c, y: 2, width: c, height: c,
        "class": pad ? "pad" : un ? "unread" : "cell"}));
      svg.appendChild(el("text", {x: x0 + (i + .5) * c, y: c * 0.7, "text-anchor": "middle",
        "class": pad ? "muted" : ""}, pad ? "0" : String(i - p)));
    }
    shown.forEach(function (a, r) {
      var y = (r + 1.5) * c;
      svg.appendChild(el("text", {x: x0 - 6, y: y + c * 0.35, "text-anchor": "end"},
                         "y[" + r + "]"));
      svg.appendChild(el("line", {x1: x0 + (a + .5) * c, x2: x0 + (a + d * (k - 1) + .5) * c,
        y1: y + c / 4, y2: y + c / 4, "class": "span"}));
      for (var j = 0; j < k; j++) svg.appendChild(el("rect", {x: x0 + (a + j * d) * c + 4,
        y: y + 2, width: c - 8, height: c / 2 - 2, "class": "tap"}));
    });
    svg.appendChild(el("text", {x: 0, y: H - 6, "class": "muted"},
      "grey: padding, red: never read, blue: kernel taps" +
      (o > 12 ? " (first 12 of " + o + " windows)" : "")));
    out.appendChild(svg);
  }
  root.querySelectorAll("input[type=range]").forEach(function (x) {
    x.addEventListener("input", update);
  });
  update();
})(document.currentScript.parentElement);
"""


@functools.lru_cache(maxsize=1)
def _torch_table() -> str:
    """``nn.Conv2d``'s output size for every slider setting (one character each, "."
    where it refuses), so that the static explorer shows what PyTorch does."""
    sizes = []
    for values in itertools.product(*(range(a, b + 1) for a, b in _SLIDER_RANGES.values())):
        size = conv_arithmetic_report(*values)["torch_output_size"]
        sizes.append("." if size is None else chr(48 + size))
    return "".join(sizes)


def _arithmetic_static(n: int, k: int, p: int, s: int, d: int) -> str:
    """The explorer for pages without a kernel: the same sliders, text and drawing,
    computed in the browser by a few lines of JavaScript."""
    sliders = "".join(
        f'<label>{_ARGS[key][0]} <input type="range" data-key="{key}" min="{a}" max="{b}" '
        f'value="{v}"><output>{v}</output></label>'
        for (key, (a, b)), v in zip(_SLIDER_RANGES.items(), (n, k, p, s, d)))
    r = conv_arithmetic_report(n, k, p, s, d)
    return (f"<div class=\"d2l-explorer\" data-explorer=\"arithmetic\" "
            f"data-ranges='{json.dumps(_SLIDER_RANGES)}' data-torch=\"{_torch_table()}\">"
            f'<div class="d2l-controls">{sliders}</div>'
            f'<div class="d2l-out"><p>{html.escape(r["message"])}</p></div>'
            f"<script>{_ARITH_JS}</script></div>")


def conv_arithmetic_explorer(n: int = 7, k: int = 3, p: int = 1, s: int = 2,
                             d: int = 1) -> widgets.VBox:
    """Sliders for input size, kernel size, padding, stride and dilation, with the output
    size by the formula and by ``nn.Conv2d`` and a drawing of the windows along one axis.

    Invalid combinations show a readable message instead of raising. Needs a live kernel
    to react; a saved notebook shows the drawing for the initial values.

    Args:
        n, k, p, s, d: initial input size, kernel size, padding, stride, dilation.

    Returns:
        The ``ipywidgets.VBox`` holding the sliders and the output.

    Introduced in {ref}`sec-padding`.
    """
    for key, value in {"n": n, "k": k, "p": p, "s": s, "d": d}.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{key} ({_ARGS[key][0]}) must be an int, got {value!r}")
    ranges = _SLIDER_RANGES
    sliders = {}
    for key, value in {"n": n, "k": k, "p": p, "s": s, "d": d}.items():
        low, high = ranges[key]
        if not low <= value <= high:
            raise ValueError(f"{key} ({_ARGS[key][0]}) must be in {low}..{high}, got {value}")
        sliders[key] = widgets.IntSlider(value, low, high, description=_ARGS[key][0],
                                         continuous_update=False, layout={"width": "290px"},
                                         style={"description_width": "90px"})
    out = widgets.HTML(_arithmetic_html(n, k, p, s, d))

    def update(_change=None) -> None:
        out.value = _arithmetic_html(*(sliders[key].value for key in "nkpsd"))

    for slider in sliders.values():
        slider.observe(update, names="value")
    columns = [widgets.VBox([sliders[key] for key in keys], layout={"width": "310px"})
               for keys in ("nkp", "sd")]
    box = Explorer([widgets.HBox(columns, layout={"flex_flow": "row wrap"}), out])
    box.static_html = _arithmetic_static(n, k, p, s, d)
    r = conv_arithmetic_report(n, k, p, s, d)
    box.png = _windows_figure(r, n, k, p, s, d)[0] if r["valid"] else b""
    return box


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
    return _img(*_kernel_figure(X, K))


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
    return _png_bytes(fig), alt


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
        f"{_img(box.png, alt)}</div>")
    return box
