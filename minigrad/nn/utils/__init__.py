"""``minigrad.nn.utils``: gradient clipping, flat parameter vectors, sequences of different lengths (rnn),
reparametrizations (weight_norm, spectral_norm, parametrize), layer fusion and functional_call, as
``torch.nn.utils``."""
from .clip_grad import (clip_grad_norm_, clip_grad_norm, clip_grad_value_, get_total_norm,  # noqa: F401
                        clip_grads_with_norm_)
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from . import rnn  # noqa: F401,E402
from .rnn import PackedSequence  # noqa: F401,E402
from . import parametrize, parametrizations, fusion, stateless  # noqa: F401,E402
from .weight_norm import weight_norm, remove_weight_norm, spectral_norm, remove_spectral_norm  # noqa: F401,E402
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights  # noqa
from .skip_init import skip_init  # noqa: F401,E402
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format  # noqa: F401,E402
