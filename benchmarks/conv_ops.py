"""How much faster is a vectorized cross-correlation than the teaching loop, and than PyTorch?

Times three ways of computing the same 2-D cross-correlation of an n x n image with a
k x k kernel (no padding, stride 1), after checking that they agree:

- ``corr2d``: :func:`d2lutils.corr2d`, a Python double loop, one output element at a time;
- ``corr2d_fast``: :func:`d2lutils.corr2d_fast`, ``unfold`` + one matrix-vector product;
- ``F.conv2d``: PyTorch's convolution kernel on a ``(1, 1, n, n)`` batch.

Prints a table, then one JSON line (for scripts and the book's numbers). Run::

    python benchmarks/conv_ops.py                 # sizes 8 28 64 128, 3x3 kernel, one thread, < 60 s
    python benchmarks/conv_ops.py --sizes 28 256 --kernel 5 --threads 0
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from typing import Callable

import torch
import torch.nn.functional as F

from d2lutils.conv import corr2d, corr2d_fast


def seconds_per_call(fn: Callable[[], object], budget: float) -> float:
    """Best time of one call over rounds of calls that each last >= 20 ms (as ``timeit`` does).

    The minimum is the least disturbed measurement, which matters on a shared machine.
    """
    fn()  # warm up (allocations, lazy initialisation)
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    calls = max(1, int(0.02 / max(first, 1e-9)))
    rounds: list[float] = []
    deadline = time.perf_counter() + budget
    while len(rounds) < 3 or (len(rounds) < 20 and time.perf_counter() < deadline):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - t0) / calls)
    return min(rounds)


def run(sizes: list[int], kernel: int, loop_limit: int, budget: float) -> list[dict]:
    gen = torch.Generator().manual_seed(0)
    rows = []
    for n in sizes:
        X = torch.randn(n, n, generator=gen)
        K = torch.randn(kernel, kernel, generator=gen)
        X4, K4 = X[None, None], K[None, None]
        reference = F.conv2d(X4, K4)[0, 0]
        torch.testing.assert_close(corr2d_fast(X, K), reference, rtol=1e-4, atol=1e-4)
        row = {"size": n, "output": list(reference.shape)}
        with torch.no_grad():
            if n <= loop_limit:
                torch.testing.assert_close(corr2d(X, K), reference, rtol=1e-4, atol=1e-4)
                row["corr2d_us"] = round(seconds_per_call(lambda: corr2d(X, K), budget) * 1e6, 2)
            else:
                row["corr2d_us"] = None
            row["corr2d_fast_us"] = round(seconds_per_call(lambda: corr2d_fast(X, K), budget) * 1e6, 2)
            row["conv2d_us"] = round(seconds_per_call(lambda: F.conv2d(X4, K4), budget) * 1e6, 2)
        rows.append(row)
    return rows


def print_table(rows: list[dict], kernel: int) -> None:
    def fmt(us):
        return "skipped" if us is None else f"{us:,.1f}"

    print(f"2-D cross-correlation, {kernel}x{kernel} kernel, microseconds per call (best of several rounds)")
    header = f"{'input':>9} {'corr2d (loop)':>14} {'corr2d_fast':>12} {'F.conv2d':>10} {'loop/fast':>10} {'loop/conv2d':>12}"
    print(header)
    print("-" * len(header))
    for r in rows:
        loop = r["corr2d_us"]
        ratios = ("-", "-") if loop is None else (f"{loop / r['corr2d_fast_us']:,.0f}x",
                                                 f"{loop / r['conv2d_us']:,.0f}x")
        print(f"{r['size']:>4}x{r['size']:<4} {fmt(loop):>14} {fmt(r['corr2d_fast_us']):>12} "
              f"{fmt(r['conv2d_us']):>10} {ratios[0]:>10} {ratios[1]:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 28, 64, 128],
                        help="image side lengths n (default: 8 28 64 128)")
    parser.add_argument("--kernel", type=int, default=3, help="kernel side length k (default 3)")
    parser.add_argument("--loop-limit", type=int, default=128,
                        help="skip the Python loop for images larger than this (default 128)")
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds spent timing each function at each size (default 0.5)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (default 1: these sizes gain nothing from more, and on a "
                             "busy machine extra threads make small ops erratic); 0 keeps torch's default")
    args = parser.parse_args()
    if args.kernel < 1 or any(n < args.kernel for n in args.sizes):
        parser.error("--kernel must be >= 1 and no larger than every size")
    if args.threads < 0:
        parser.error("--threads must be >= 0")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    rows = run(args.sizes, args.kernel, args.loop_limit, args.budget)
    print_table(rows, args.kernel)
    print(json.dumps({
        "benchmark": "conv_ops", "kernel": args.kernel, "results": rows,
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
        "seconds": round(time.perf_counter() - start, 1),
    }))


if __name__ == "__main__":
    main()
