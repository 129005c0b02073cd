"""CPU backend: numpy arrays, with hot kernels compiled by Numba (``jit.kernel``: njit, most with parallel=True)."""
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .softmaxes import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .norm import *  # noqa: F401,F403
from .resize import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403

from . import activation as _activation, norm as _norm, pool as _pool, resize as _resize, softmaxes as _softmaxes, \
    unary as _unary
from .half import widen_module as _widen_module

# float16 arrays through the Numba kernels (half.py); not batch_norm_update_stats, which writes in place, nor
# sigmoid_backward, whose float16 products PyTorch rounds to float16 one by one (numpy's float16 arithmetic)
for _module in (_activation, _softmaxes, _unary, _pool, _resize, _norm):
    _widen_module(globals(), [name for name in _module.__all__
                              if name not in ("batch_norm_update_stats", "sigmoid_backward")])

name = "cpu"
