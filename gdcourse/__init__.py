"""gdcourse: the package behind the course on gradient-descent optimizers.

- :mod:`gdcourse.optimizers` — GD, Momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, AdamW, AMSGrad
  (and SGDMomentum, PyTorch's form of momentum), written line for line like the book's equations (every
  class is also importable from ``gdcourse``);
- :mod:`gdcourse.schedules` — learning-rate schedules, accepted as ``eta`` by every optimizer;
- :mod:`gdcourse.problems` — objective functions with analytic gradients, and a real-data problem;
- :mod:`gdcourse.run` — :func:`run` an optimizer on a problem, :func:`sweep` a grid of hyperparameters,
  keep the weights at :func:`checkpoints` (for the network, whose loss is costly).
- :func:`set_language` — the checker, the hints, the figures, the explorers and the grader in English
  (the default) or Korean (:mod:`gdcourse.i18n`).
"""

from gdcourse.memory import keep_freed_memory

keep_freed_memory()  # see gdcourse/memory.py: large steps and sweeps without page faults

from gdcourse.optimizers import (  # noqa: E402
    GD,
    AdaDelta,
    AdaGrad,
    Adam,
    AdamW,
    AMSGrad,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    SGDMomentum,
)
from gdcourse.run import Checkpoints, Sweep, Trajectory, checkpoints, run, sweep  # noqa: E402
from gdcourse.i18n import get_language, set_language  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "GD",
    "Momentum",
    "Nesterov",
    "SGDMomentum",
    "AdaGrad",
    "RMSProp",
    "AdaDelta",
    "Adam",
    "AdamW",
    "AMSGrad",
    "Optimizer",
    "run",
    "sweep",
    "checkpoints",
    "Trajectory",
    "Sweep",
    "Checkpoints",
    "set_language",
    "get_language",
    "__version__",
]
