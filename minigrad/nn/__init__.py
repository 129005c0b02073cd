"""``minigrad.nn``: modules (layers) and their functional forms, as ``torch.nn``."""
from . import functional, init, utils  # noqa: F401
from .module import Module  # noqa: F401
from .parameter import Parameter, Buffer  # noqa: F401
from .containers import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .one_dimensional import *  # noqa: F401,F403
from .three_dimensional import *  # noqa: F401,F403
from .batchnorm import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .parameter_containers import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .linear_cross_entropy import *  # noqa: F401,F403
from .lazy import *  # noqa: F401,F403
from .margin_loss import *  # noqa: F401,F403
from .adaptive import *  # noqa: F401,F403
from . import parallel  # noqa: E402,F401
from .parallel import DataParallel  # noqa: E402,F401
from .sync_batchnorm import SyncBatchNorm  # noqa: E402,F401
from .rnn import _RNNBase as RNNBase, _CellBase as RNNCellBase  # noqa: E402,F401 (PyTorch's public bases)
from . import modules  # noqa: E402,F401 (torch.nn.modules' paths)
from . import attention, grad  # noqa: E402,F401 (torch.nn.attention, torch.nn.grad)
