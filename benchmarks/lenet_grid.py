"""The LeNet section's model comparison, too long to run at build time.

Each model of ``chapters/lenet.md`` (the original LeNet with sigmoids and
average pooling, the modern one with ReLUs and max pooling, and the dense
baseline with as many parameters) is trained with Adam and a one-cycle
schedule for the section's budget. The peak learning rate of each model is
chosen on the validation images (held out of the 60,000 training images) with
seed 0; each model is then trained with two more seeds at its chosen rate, and
only then evaluated on the 10,000 test images. Writes
``d2lutils/results/lenet_grid.json``, which the section reads (and re-checks by
re-running seed 0 of each model)::

    .venv/bin/python benchmarks/lenet_grid.py            # 21 trainings, about 12 minutes on 2 cores

The model definitions repeat the section's; the section's re-run asserts that
they give the same accuracies.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch
from torch import nn

import d2lutils
from d2lutils.optim import one_cycle_adam

NUM_EPOCHS, BATCH_SIZE = 5, 256
LRS = (0.003, 0.01, 0.03, 0.1, 0.3)
SEEDS = (0, 1, 2)
# shipped with d2lutils, so that the section finds it on Colab too
OUT = Path(__file__).parents[1] / "d2lutils" / "results" / "lenet_grid.json"


def lenet(activation=nn.Sigmoid, pooling=nn.AvgPool2d) -> nn.Sequential:
    """LeNet-5 for 1 x 28 x 28 inputs, as in the section."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), activation(),
        pooling(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), activation(),
        pooling(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), activation(),
        nn.Linear(120, 84), activation(),
        nn.Linear(84, 10))


def mlp(num_hiddens: int) -> nn.Sequential:
    """One hidden layer of ReLUs, as in the section."""
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, num_hiddens),
                         nn.ReLU(), nn.Linear(num_hiddens, 10))


def models() -> dict:
    lenet_params = d2lutils.count_parameters(lenet())
    num_hiddens = round((lenet_params - 10) / (28 * 28 + 1 + 10))
    return {"original": lenet,
            "modern": lambda: lenet(nn.ReLU, nn.MaxPool2d),
            "mlp": lambda: mlp(num_hiddens)}


def train(build, lr: float, seed: int):
    """Train one model as the section does; return (net, History, data)."""
    data = d2lutils.FashionMNIST(batch_size=BATCH_SIZE, seed=seed)
    steps = NUM_EPOCHS * len(data.train_dataloader())
    d2lutils.set_seed(seed)
    net = build()
    net.apply(d2lutils.init_cnn)
    trainer = d2lutils.Trainer(max_epochs=NUM_EPOCHS, lr=lr, seed=seed,
                               board=False, optimizer=one_cycle_adam(steps))
    return net, trainer.fit(net, data), data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    start, runs, chosen, final = time.perf_counter(), [], {}, {}
    for name, build in models().items():
        for lr in LRS:
            _, history, _ = train(build, lr, 0)
            runs.append({"model": name, "lr": lr, "seed": 0,
                         "val_acc": round(history.final_val_acc, 4)})
            print(json.dumps(runs[-1]), flush=True)
        best = max((r for r in runs if r["model"] == name),
                   key=lambda r: r["val_acc"])
        chosen[name] = best["lr"]
        final[name] = []
        for seed in SEEDS:
            net, history, data = train(build, chosen[name], seed)
            test_acc = d2lutils.evaluate_accuracy(net, data.test_dataloader())
            final[name].append({"seed": seed,
                                "val_acc": round(history.final_val_acc, 4),
                                "test_acc": round(test_acc, 4),
                                "seconds": round(history.seconds, 1)})
            print(json.dumps({"model": name, **final[name][-1]}), flush=True)
    result = {"num_epochs": NUM_EPOCHS, "batch_size": BATCH_SIZE,
              "lrs": list(LRS), "seeds": list(SEEDS), "grid": runs,
              "chosen_lr": chosen, "final": final,
              "machine": f"{platform.machine()}, {torch.get_num_threads()} "
                         f"torch threads, torch {torch.__version__}",
              "seconds": round(time.perf_counter() - start)}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT} in {result['seconds']} s")


if __name__ == "__main__":
    main()
