"""CPU backend: numpy arrays, with hot kernels compiled by Numba (``jit.kernel``: njit, most with parallel=True)."""
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .softmaxes import *  # noqa: F401,F403
from .layer_norms import *  # noqa: F401,F403
from .group_norms import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .norm import *  # noqa: F401,F403
from .resize import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403

from . import activation as _activation, norm as _norm, pool as _pool, resize as _resize, softmaxes as _softmaxes, \
    unary as _unary
from .half import widen_module as _widen_module

# float16 arrays through the Numba kernels (half.py), but for the entry points marked not_widened
for _module in (_activation, _softmaxes, _unary, _pool, _resize, _norm):
    _widen_module(globals(), _module.__all__)

name = "cpu"
