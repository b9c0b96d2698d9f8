"""Model helpers: Xavier initialisation, parameter counts and layer-by-layer summaries."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn

__all__ = ["LayerRow", "count_parameters", "init_cnn", "layer_summary"]


def init_cnn(module: nn.Module) -> None:
    """Xavier-uniform weights and zero biases for ``nn.Conv2d`` and ``nn.Linear`` layers.

    Use it as ``net.apply(init_cnn)``; other modules are left alone. Lazy layers must
    have seen one forward pass first, so that their weights have a shape.

    Introduced in {ref}`sec-lenet`.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        if isinstance(module.weight, nn.parameter.UninitializedParameter):
            raise ValueError(f"init_cnn got an uninitialised lazy {type(module).__name__}; "
                             "run one forward pass (e.g. net(X)) before net.apply(init_cnn)")
        if module.weight.numel() == 0:
            raise ValueError(f"init_cnn got an empty {type(module).__name__} (weight of shape "
                             f"{tuple(module.weight.shape)}); every layer needs at least "
                             "one input and one output")
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def count_parameters(net: nn.Module) -> int:
    """Number of scalar parameters of ``net`` (shared parameters counted once).

    Introduced in {ref}`sec-lenet`.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in net.parameters()):
        raise ValueError("net has uninitialised lazy layers; run one forward pass first")
    return sum(p.numel() for p in net.parameters())


class LayerRow(NamedTuple):
    """One row of :func:`layer_summary`: layer name, output shape, parameter count.

    ``output_shape`` is a tuple of ints when the layer returns a tensor. Other outputs keep
    their structure: a tuple or list gives a tuple of the shapes of its items, a dict gives
    a dict of shapes, and anything else (such as ``None``) gives ``None``; an
    ``nn.LSTM``, for instance, gives ``((1, 5, 4), ((1, 1, 4), (1, 1, 4)))``.

    Introduced in {ref}`sec-lenet`.
    """

    name: str
    output_shape: tuple | dict | None
    params: int


def _shape_of(output):
    """Shape of a layer's output: tensors give a tuple of ints; containers keep their form."""
    if isinstance(output, torch.Tensor):
        return tuple(output.shape)
    if isinstance(output, (tuple, list)):
        return tuple(_shape_of(item) for item in output)
    if isinstance(output, dict):
        return {key: _shape_of(value) for key, value in output.items()}
    return None


def layer_summary(net: nn.Module, input_shape: Sequence[int],
                  print_table: bool = True) -> list[LayerRow]:
    """Run a dummy input through ``net`` and list each layer's output shape and parameters.

    For an ``nn.Sequential`` the rows are its direct children (blocks stay whole);
    otherwise they are the leaf modules, in the order they run. Names read
    ``"path (Type)"``, e.g. ``"0 (Conv2d)"``. A ``net`` without submodules, such as a
    single ``nn.Linear``, is its own one row, with an empty path: ``"(Linear)"``. If some
    parameters belong to no listed layer (a parameter set directly on a custom module, or a
    layer that never ran), a last row ``"(parameters of no listed layer)"`` counts them, with
    output shape ``None``, so that the rows add up to :func:`count_parameters`. See
    :class:`LayerRow` for the shapes of outputs that are not tensors.

    The mode (``training``) of every module is the same afterwards as before; the dummy
    pass itself runs in eval mode without gradients.

    Args:
        net: the model; lazy layers get initialised by the dummy forward pass.
        input_shape: shape of the dummy input including the batch axis, e.g. (1, 1, 28, 28).
        print_table: also print the rows as a table, with the total parameter count.

    Introduced in {ref}`sec-lenet`.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    if (isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence)
            or len(input_shape) == 0
            or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
                       for s in input_shape)):
        raise ValueError(f"input_shape must be a non-empty sequence of positive ints "
                         f"such as (1, 1, 28, 28), got {input_shape!r}")
    if not isinstance(print_table, bool):
        raise TypeError(f"print_table must be True or False, got {print_table!r}")
    param = next(net.parameters(), None)
    try:  # make the dummy input before any hook is attached
        X = torch.randn(*input_shape, generator=torch.Generator().manual_seed(0))
        if param is not None and not isinstance(param, nn.parameter.UninitializedParameter):
            X = X.to(device=param.device, dtype=param.dtype)
    except (RuntimeError, TypeError, MemoryError) as e:
        raise ValueError(f"input_shape {tuple(input_shape)} is too large for a dummy input: "
                         f"{e}") from e
    if isinstance(net, nn.Sequential):
        layers = list(net.named_children())
    else:
        layers = [(n, m) for n, m in net.named_modules() if not list(m.children()) and n]
    if not layers:  # a single layer (or an empty Sequential): it is its own one row
        layers = [("", net)]
    outputs: list[tuple[str, nn.Module, object]] = []  # (path, module, output shape)

    def hook_for(name: str):
        def hook(module, inputs, output):
            outputs.append((name, module, _shape_of(output)))
        return hook

    modes = {m: m.training for m in net.modules()}
    handles = []
    try:
        for n, m in layers:
            handles.append(m.register_forward_hook(hook_for(n)))
        net.eval()
        with torch.no_grad():
            net(X)
    except RuntimeError as e:
        raise ValueError(f"input_shape {tuple(input_shape)} does not fit the network: {e}") from e
    finally:
        for h in handles:
            h.remove()
        for m, training in modes.items():
            m.training = training
    # count parameters only now: lazy layers get their weights in the forward pass
    rows = []
    for name, module, shape in outputs:
        kind = f"({type(module).__name__})"
        rows.append(LayerRow(f"{name} {kind}" if name else kind, shape,
                             sum(p.numel() for p in module.parameters())))
    listed = {id(p) for _, module, _ in outputs for p in module.parameters()}
    unlisted = sum(p.numel() for p in net.parameters() if id(p) not in listed)
    if unlisted:
        rows.append(LayerRow("(parameters of no listed layer)", None, unlisted))
    if print_table:
        width = max([len("layer")] + [len(r.name) for r in rows]) + 2
        shape_width = max([22] + [len(str(r.output_shape)) + 2 for r in rows])
        rule = "-" * (width + shape_width + 10)
        lines = [f"{'layer':<{width}}{'output shape':<{shape_width}}{'params':>10}", rule]
        lines += [f"{r.name:<{width}}{str(r.output_shape):<{shape_width}}{r.params:>10,}"
                  for r in rows]
        lines += [rule, f"total parameters: {count_parameters(net):,}"]
        print("\n".join(lines))
    return rows
