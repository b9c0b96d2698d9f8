"""The convolution-arithmetic explorer: input size, kernel, padding, stride and dilation.

:func:`conv_arithmetic_report` computes everything the explorer shows (tested against
``nn.Conv2d``); :func:`conv_arithmetic_explorer` wires it to sliders, and carries a small
JavaScript version that works in the static book with no kernel (see
:mod:`d2lutils._explorer`).
"""

from __future__ import annotations

import functools
import html
import itertools
import json
from numbers import Integral

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ._explorer import Explorer, img, png_bytes
from .shapes import conv_output_shape

__all__ = ["conv_arithmetic_explorer"]

_SLIDER_RANGES = {"n": (1, 16), "k": (1, 7), "p": (0, 4), "s": (1, 4), "d": (1, 3)}
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
    return png_bytes(fig), alt


def _windows_png(r: dict, n: int, k: int, p: int, s: int, d: int) -> str:
    return img(*_windows_figure(r, n, k, p, s, d))


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
