"""CUDA backend: numba.cuda device arrays, with kernels written with ``numba.cuda`` (NVIDIA's numba-cuda).

Each family module mirrors ``backends/cpu/<family>.py``: same function names,
same signatures, same results, taking and returning device arrays (values stay
on the GPU; only ``to_numpy`` copies back). Python numbers go in as host 0-d
arrays (``scalar``), which kernels take by value.
"""
from ...cuda import ensure_available, is_available  # noqa: F401
from ...cuda import _numba_cuda

if _numba_cuda() is None:
    ensure_available()  # raises: numba-cuda is not installed, and says how to get it

from .creation import *  # noqa: F401,F403,E402
from .elementwise import *  # noqa: F401,F403,E402
from .unary import *  # noqa: F401,F403,E402
from .reduce import *  # noqa: F401,F403,E402
from .shape import *  # noqa: F401,F403,E402
from .linalg import *  # noqa: F401,F403,E402
from .activation import *  # noqa: F401,F403,E402
from .softmaxes import *  # noqa: F401,F403,E402
from .layer_norms import *  # noqa: F401,F403,E402
from .group_norms import *  # noqa: F401,F403,E402
from .conv import *  # noqa: F401,F403,E402
from .pool import *  # noqa: F401,F403,E402
from .norm import *  # noqa: F401,F403,E402
from .resize import *  # noqa: F401,F403,E402
from .loss import *  # noqa: F401,F403,E402
from .optim import *  # noqa: F401,F403,E402

from ..cuda_flags import *  # noqa: F401,F403,E402  (torch.backends.cuda's flags: this is that path too)

name = "cuda"
