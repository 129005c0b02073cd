"""CPU backend: numpy arrays, with hot kernels compiled by Numba (``jit.kernel``: njit, most with parallel=True)."""
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .norm import *  # noqa: F401,F403
from .resize import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403

name = "cpu"
