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
    """One row of :func:`layer_summary`: layer name, output shape, parameter count."""

    name: str
    output_shape: tuple
    params: int


def layer_summary(net: nn.Module, input_shape: Sequence[int],
                  print_table: bool = True) -> list[LayerRow]:
    """Run a dummy input through ``net`` and list each layer's output shape and parameters.

    For an ``nn.Sequential`` the rows are its direct children (blocks stay whole);
    otherwise they are the leaf modules, in the order they run. Names read
    ``"path (Type)"``, e.g. ``"0 (Conv2d)"``.

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
    if isinstance(net, nn.Sequential):
        layers = list(net.named_children())
    else:
        layers = [(n, m) for n, m in net.named_modules() if not list(m.children()) and n]
    rows: list[LayerRow] = []

    def hook_for(name: str):
        def hook(module, inputs, output):
            shape = (tuple(output.shape) if isinstance(output, torch.Tensor)
                     else tuple(tuple(o.shape) for o in output if isinstance(o, torch.Tensor)))
            rows.append(LayerRow(f"{name} ({type(module).__name__})", shape, -1))
        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in layers]
    param = next(net.parameters(), None)
    X = torch.randn(*input_shape, generator=torch.Generator().manual_seed(0))
    if param is not None and not isinstance(param, nn.parameter.UninitializedParameter):
        X = X.to(device=param.device, dtype=param.dtype)
    was_training = net.training
    try:
        net.eval()
        with torch.no_grad():
            net(X)
    except RuntimeError as e:
        raise ValueError(f"input_shape {tuple(input_shape)} does not fit the network: {e}") from e
    finally:
        net.train(was_training)
        for h in handles:
            h.remove()
    modules = dict(layers)
    for i, row in enumerate(rows):  # count parameters now: lazy layers exist only after forward
        module = modules[row.name.rsplit(" (", 1)[0]]
        rows[i] = row._replace(params=sum(p.numel() for p in module.parameters()))
    if print_table:
        width = max([len("layer")] + [len(r.name) for r in rows]) + 2
        lines = [f"{'layer':<{width}}{'output shape':<22}{'params':>10}", "-" * (width + 32)]
        lines += [f"{r.name:<{width}}{str(r.output_shape):<22}{r.params:>10,}" for r in rows]
        lines += ["-" * (width + 32), f"total parameters: {count_parameters(net):,}"]
        print("\n".join(lines))
    return rows
