"""Benchmark: train d2l's LeNet configuration on Fashion-MNIST with d2lutils.

The configuration is the one of *Dive into Deep Learning*'s LeNet section (sigmoid
activations, 2x2 average pooling, Xavier initialisation, SGD with lr 0.1, batch size
128, 10 epochs), so that the throughput can be compared with the classic ``d2l``
package (``benchmarks/d2l_baseline.py``). Prints one JSON line::

    .venv/bin/python benchmarks/lenet.py                 # the d2l configuration
    .venv/bin/python benchmarks/lenet.py --act relu      # ReLU instead of sigmoid
    .venv/bin/python benchmarks/lenet.py --profile       # where does the time go?

``examples_per_sec`` counts training examples per second of the whole ``fit``,
validation after every epoch included. ``--profile`` runs the same loop by hand
with a timer around each phase (data, forward, backward, optimizer step,
validation) and then lists the most expensive PyTorch operators of 50 batches.
See ``benchmarks/README.md`` for the figures and what helped.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

import torch
import torch.nn.functional as F
from torch import nn

import d2lutils
from d2lutils import _fast
from d2lutils._fast import channels_last_format, chunks, to_device


def lenet(act: str = "sigmoid") -> nn.Sequential:
    """LeNet-5 as in d2l: two conv + average-pool stages, three linear layers."""
    Act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}[act]
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), Act(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), Act(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), Act(),
        nn.Linear(120, 84), Act(),
        nn.Linear(84, 10),
    )
    net.apply(d2lutils.init_cnn)
    return net


def run(args: argparse.Namespace, data) -> dict:
    """Time ``Trainer.fit`` over ``args.epochs`` epochs; return the JSON record."""
    torch.manual_seed(args.seed)
    net = lenet(args.act)
    trainer = d2lutils.Trainer(max_epochs=args.epochs, lr=args.lr, device=args.device,
                               board=args.board, seed=args.seed)
    history = trainer.fit(net, data)
    return {
        "epochs": history.epochs,
        "seconds": round(history.seconds, 2),
        "examples_per_sec": round(history.examples_per_sec),
        "val_acc": round(history.final_val_acc, 4),
        "device": history.device,
        "torch": torch.__version__,
        "threads": history.threads,
        "act": args.act,
        "batch_size": args.batch_size,
        "lr": args.lr,
    }


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def profile(args: argparse.Namespace, data) -> dict:
    """Run the training loop by hand with a timer around each phase; print operator costs.

    The loop mirrors ``Trainer.fit`` (same layout, same validation chunks) but keeps
    torch's thread count fixed (set it with ``--threads``) instead of probing.
    """
    torch.manual_seed(args.seed)
    device = torch.device(args.device) if args.device else d2lutils.default_device()
    net = lenet(args.act).to(device)
    fmt = channels_last_format(net, device)  # the layout Trainer.fit would use
    if fmt is not None:
        net = net.to(memory_format=fmt)
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    seconds: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    start = clock()
    for _ in range(args.epochs):
        net.train()
        t = clock()
        for X, y in data.train_dataloader():
            X, y = to_device(X, device, fmt), y.to(device)
            _sync(device)
            t1 = clock()
            loss = F.cross_entropy(net(X), y)
            _sync(device)
            t2 = clock()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            _sync(device)
            t3 = clock()
            optimizer.step()
            _sync(device)
            t4 = clock()
            seconds["data"] += t1 - t
            seconds["forward"] += t2 - t1
            seconds["backward"] += t3 - t2
            seconds["step"] += t4 - t3
            t = t4
        t = clock()
        net.eval()
        with torch.inference_mode():
            for X, y in chunks(data.val_dataloader(), device, fmt=fmt):
                net(X).argmax(dim=1).eq(y).sum().item()
        seconds["validation"] += clock() - t
    total = clock() - start
    phases = {k: round(v, 3) for k, v in seconds.items()}
    phases["other"] = round(total - sum(seconds.values()), 3)

    from torch.profiler import ProfilerActivity, profile as torch_profile
    batches = iter(data.train_dataloader())
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _, (X, y) in zip(range(50), batches):
            loss = F.cross_entropy(net(to_device(X, device, fmt)), y.to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
    return {"profile_seconds": phases, "total_seconds": round(total, 2),
            "epochs": args.epochs, "threads": torch.get_num_threads(), "act": args.act,
            "torch": torch.__version__, "device": str(device)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--act", choices=("sigmoid", "relu"), default="sigmoid")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default=None, help="e.g. cpu or cuda; default: the best")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch.set_num_threads before training (default: torch's choice)")
    parser.add_argument("--no-channels-last", action="store_true",
                        help="keep the NCHW layout (to measure what channels-last gains)")
    parser.add_argument("--no-thread-tuning", action="store_true",
                        help="keep torch's thread count instead of probing one thread each epoch")
    parser.add_argument("--board", action="store_true",
                        help="print d2lutils' progress line after every epoch")
    parser.add_argument("--profile", action="store_true",
                        help="time each phase of the loop instead of running Trainer.fit")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.no_channels_last:
        _fast.CHANNELS_LAST = False
    if args.no_thread_tuning:
        _fast.TUNE_THREADS = False
    data = d2lutils.FashionMNIST(batch_size=args.batch_size)
    record = profile(args, data) if args.profile else run(args, data)
    print(json.dumps(record))


if __name__ == "__main__":
    main()
