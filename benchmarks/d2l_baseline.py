"""Time the classic ``d2l`` package's LeNet training, for comparison with ``lenet.py``.

This script is the reference point of ``benchmarks/README.md``: it runs the
LeNet configuration of *Dive into Deep Learning* (sigmoid activations, average
pooling, Xavier initialisation, SGD with lr 0.1, batch size 128, 10 epochs)
with d2l's own ``Trainer``, ``FashionMNIST`` data module and ``LeNet`` class,
exactly as the book's LeNet section does, and prints one JSON line in the same
format as ``benchmarks/lenet.py``.

The ``d2l`` package must never be installed into the project's environment.
Install it, and the imports it needs that the project does not have, into a
scratch folder and put that folder on ``PYTHONPATH``::

    pip install --no-deps --target /tmp/d2lpkg d2l==1.0.3
    pip install --no-deps --target /tmp/d2ldeps pandas scipy pytz tzdata
    # torchvision's raw layout, decompressed from the Debian package
    mkdir -p /tmp/d2ldata/FashionMNIST/raw
    for f in /usr/share/datasets/fashion-mnist/*.gz; do
        gunzip -c "$f" > /tmp/d2ldata/FashionMNIST/raw/$(basename "$f" .gz)
    done
    MPLBACKEND=Agg PYTHONPATH=/tmp/d2lpkg:/tmp/d2ldeps \\
        .venv/bin/python benchmarks/d2l_baseline.py --root /tmp/d2ldata

d2l's progress board calls ``IPython.display.display`` on every update; in a
terminal that prints the figure's text form, so the script sends d2l's own
output to ``/dev/null`` and prints only the JSON line. The drawing itself is
part of d2l's loop and is timed, as a reader of the book would experience it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="/tmp/d2ldata",
                        help="folder holding FashionMNIST/raw/*-ubyte (torchvision layout)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()

    import d2l as d2l_package
    from d2l import torch as d2l  # only on PYTHONPATH for this script, never installed

    # d2l's DataModule hard-codes root='../data' as a default argument; point it
    # at the prepared folder without touching d2l's files.
    d2l.DataModule.__init__.__defaults__ = (args.root, 4)

    torch.manual_seed(0)
    data = d2l.FashionMNIST(batch_size=args.batch_size)
    model = d2l.LeNet(lr=args.lr)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], d2l.init_cnn)
    trainer = d2l.Trainer(max_epochs=args.epochs)

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        start = time.perf_counter()
        trainer.fit(model, data)
        seconds = time.perf_counter() - start

    # Validation accuracy of the trained model, computed outside the timed region.
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for X, y in data.val_dataloader():
            correct += (model(X).argmax(1) == y).sum().item()
            total += len(y)
    n_train = len(data.train)
    print(json.dumps({
        "package": f"d2l {d2l_package.__version__}",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "seconds": round(seconds, 2),
        "examples_per_sec": round(args.epochs * n_train / seconds),
        "val_acc": round(correct / total, 4),
        "device": "cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
