"""d2lutils: the helper package of the book *Convolutional Neural Networks*.

Each module holds one concern:

- :mod:`d2lutils.conv`: cross-correlation, pooling and shape arithmetic from scratch.
- :mod:`d2lutils.data`: Fashion-MNIST, found offline, served as tensor batches.
- :mod:`d2lutils.train`: the ``Trainer``, its ``History``, accuracy and evaluation.
- :mod:`d2lutils.optim`: optimiser factories for the Trainer (Adam with a one-cycle schedule).
- :mod:`d2lutils.models`: initialisation, parameter counts, layer-by-layer summaries.
- :mod:`d2lutils.plot`: figure defaults, line plots, matrix diagrams, the live progress board.
- :mod:`d2lutils.animate`: sliding-window animations that play in static HTML.
- :mod:`d2lutils.widgets`: ipywidgets explorers for live notebooks.
- :mod:`d2lutils.text`: numbers for the prose: ``glue`` and reader formats.
"""

from . import animate as _animate
from . import conv as _conv
from . import data as _data
from . import models as _models
from . import optim as _optim
from . import plot as _plot
from . import text as _text
from . import train as _train
from . import widgets as _widgets
from .animate import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .plot import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403
from .train import *  # noqa: F401,F403
from .widgets import *  # noqa: F401,F403

__version__ = "0.1.0"

# Note: `d2lutils.plot` is the function `plot` (re-exported above); the
# module is `d2lutils._plot` or `sys.modules["d2lutils.plot"]`.

__all__ = [
    *_conv.__all__,
    *_data.__all__,
    *_train.__all__,
    *_models.__all__,
    *_optim.__all__,
    *_plot.__all__,
    *_animate.__all__,
    *_widgets.__all__,
    *_text.__all__,
]
