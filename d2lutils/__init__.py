"""d2lutils: the helper package of the book *Convolutional Neural Networks*.

What the sections use, in the order they introduce it (``chapters/api.md`` lists every
name with the section that introduces it):

- 1.2 :mod:`~d2lutils.conv` cross-correlation from scratch and a layer built on it;
  :mod:`~d2lutils.shapes` receptive fields; :mod:`~d2lutils.figures` and
  :mod:`~d2lutils.diagrams` the book's figures; :mod:`~d2lutils.animate` sliding-window
  animations; :mod:`~d2lutils.widgets` the kernel explorer.
- 1.3 output sizes (:mod:`~d2lutils.shapes`) and the :mod:`~d2lutils.arithmetic` explorer.
- 1.4 several input and output channels; 1.5 pooling (:mod:`~d2lutils.conv`).
- 1.6 Fashion-MNIST (:mod:`~d2lutils.data`), models (:mod:`~d2lutils.models`), training
  (:mod:`~d2lutils.train`, :mod:`~d2lutils.optim`, :mod:`~d2lutils.progress`) and
  measuring (:mod:`~d2lutils.metrics`).
- Throughout, hidden from the reader: numbers for the prose (:mod:`~d2lutils.text`).

Private modules (leading underscore) hold what several modules share: argument checks,
the Fashion-MNIST files, the CPU speed-ups, the animation player and the explorers' base.
"""

# 1.2 Convolutions for images
from .animate import animate_corr2d
from .conv import Conv2D, corr2d, corr2d_fast
from .diagrams import draw_matrix
from .figures import plot, set_figsize, use_book_style
from .shapes import receptive_field
from .widgets import KERNELS, apply_kernel, kernel_explorer

# 1.3 Padding and stride
from .arithmetic import conv_arithmetic_explorer
from .shapes import conv_output_shape

# 1.4 Multiple input and output channels
from .animate import animate_multi_in
from .conv import corr2d_multi_in, corr2d_multi_in_out, corr2d_multi_in_out_1x1

# 1.5 Pooling
from .animate import animate_pool2d
from .conv import pool2d

# 1.6 LeNet
from .data import TEXT_LABELS, FashionMNIST, load_fashion_mnist
from .figures import show_images
from .metrics import accuracy, evaluate_accuracy
from .models import count_parameters, init_cnn, layer_summary
from .optim import one_cycle_adam
from .progress import History, ProgressBoard, plot_history
from .train import Trainer, default_device, set_seed

# Numbers for the prose (hidden cells)
from .text import glue, num, pct, sci

__version__ = "0.2.0"

__all__ = [
    # 1.2
    "corr2d", "corr2d_fast", "Conv2D", "receptive_field", "draw_matrix", "plot",
    "set_figsize", "use_book_style", "animate_corr2d", "KERNELS", "apply_kernel",
    "kernel_explorer",
    # 1.3
    "conv_output_shape", "conv_arithmetic_explorer",
    # 1.4
    "corr2d_multi_in", "corr2d_multi_in_out", "corr2d_multi_in_out_1x1", "animate_multi_in",
    # 1.5
    "pool2d", "animate_pool2d",
    # 1.6
    "TEXT_LABELS", "FashionMNIST", "load_fashion_mnist", "show_images", "init_cnn",
    "count_parameters", "layer_summary", "Trainer", "History", "set_seed",
    "default_device", "one_cycle_adam", "ProgressBoard", "plot_history", "accuracy",
    "evaluate_accuracy",
    # prose
    "glue", "num", "pct", "sci",
]
