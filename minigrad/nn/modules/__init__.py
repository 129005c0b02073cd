"""``minigrad.nn.modules``: the module paths of ``torch.nn.modules`` (``torch.nn.modules.linear.Linear``,
``from torch.nn.modules.loss import _Loss``, ``torch.nn.modules.utils._pair``), each naming minigrad's class.

Scripts reach classes through these paths to subclass PyTorch's private bases or to list them as safe globals
for ``torch.load``; minigrad keeps one class per concept in its own files, and this package only maps the paths.
"""
import sys
import types
from itertools import repeat

from .. import batchnorm, conv, dropout, lazy, loss, normalization, pooling, rnn, transformer

_nn = vars(sys.modules[__name__.rpartition(".")[0]])  # minigrad.nn, whose classes are all imported by now

# torch.nn.modules.<name> -> the public classes it defines that minigrad.nn has
_PUBLIC = {
    "activation": "Threshold ReLU RReLU Hardtanh ReLU6 Sigmoid Hardsigmoid Tanh SiLU Mish Hardswish ELU CELU SELU GLU GELU Hardshrink LeakyReLU LogSigmoid Softplus Softshrink MultiheadAttention PReLU Softsign Tanhshrink Softmin Softmax Softmax2d LogSoftmax",
    "batchnorm": "BatchNorm1d LazyBatchNorm1d BatchNorm2d LazyBatchNorm2d BatchNorm3d SyncBatchNorm",
    "channelshuffle": "ChannelShuffle",
    "container": "Sequential ModuleList ModuleDict ParameterList ParameterDict",
    "conv": "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConvTranspose1d LazyConvTranspose2d",
    "distance": "PairwiseDistance CosineSimilarity",
    "dropout": "Dropout Dropout1d Dropout2d AlphaDropout FeatureAlphaDropout",
    "flatten": "Flatten Unflatten",
    "fold": "Fold Unfold",
    "instancenorm": "InstanceNorm1d InstanceNorm2d InstanceNorm3d",
    "linear": "Identity Linear Bilinear LazyLinear",
    "loss": "L1Loss NLLLoss PoissonNLLLoss GaussianNLLLoss KLDivLoss MSELoss BCELoss BCEWithLogitsLoss HingeEmbeddingLoss MultiLabelMarginLoss SmoothL1Loss HuberLoss SoftMarginLoss CrossEntropyLoss MultiLabelSoftMarginLoss CosineEmbeddingLoss MarginRankingLoss MultiMarginLoss TripletMarginLoss TripletMarginWithDistanceLoss CTCLoss",
    "module": "Module",
    "normalization": "LocalResponseNorm LayerNorm GroupNorm RMSNorm",
    "padding": "CircularPad1d CircularPad2d ConstantPad1d ConstantPad2d ReflectionPad1d ReflectionPad2d ReplicationPad1d ReplicationPad2d ZeroPad1d ZeroPad2d",
    "pixelshuffle": "PixelShuffle PixelUnshuffle",
    "pooling": "MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d AvgPool1d AvgPool2d AvgPool3d LPPool1d LPPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d",
    "rnn": "RNN LSTM GRU RNNCell LSTMCell GRUCell",
    "sparse": "Embedding EmbeddingBag",
    "transformer": "Transformer TransformerEncoder TransformerDecoder TransformerEncoderLayer TransformerDecoderLayer",
    "upsampling": "Upsample UpsamplingNearest2d UpsamplingBilinear2d",
}
# PyTorch's private bases that scripts subclass, and the minigrad class each names
_PRIVATE = {
    "batchnorm": {"_BatchNorm": batchnorm._BatchNorm, "_NormBase": batchnorm._BatchNorm},
    "conv": {"_ConvNd": conv._ConvNd},
    "dropout": {"_DropoutNd": dropout._DropoutNd},
    "instancenorm": {"_InstanceNorm": normalization._InstanceNorm},
    "lazy": {"LazyModuleMixin": lazy._LazyMixin},
    "linear": {"NonDynamicallyQuantizableLinear": transformer.NonDynamicallyQuantizableLinear},
    "loss": {"_Loss": loss._Loss, "_WeightedLoss": loss._WeightedLoss},
    "pooling": {"_MaxPoolNd": pooling.MaxPoolNd},
    "rnn": {"RNNBase": rnn._RNNBase, "RNNCellBase": rnn._CellBase},
}


def _ntuple(n, name="parse"):
    """``torch.nn.modules.utils._ntuple``: a function making an n-tuple of a scalar, or a tuple of an iterable."""
    def parse(x):
        if isinstance(x, (list, tuple)) or hasattr(x, "__iter__") and not isinstance(x, str):
            return tuple(x)
        return tuple(repeat(x, n))
    parse.__name__ = name
    return parse


def _reverse_repeat_tuple(t, n):
    """``torch.nn.modules.utils._reverse_repeat_tuple``: each element of reversed ``t`` repeated ``n`` times."""
    return tuple(x for x in reversed(t) for _ in range(n))


_UTILS = {"_single": _ntuple(1, "_single"), "_pair": _ntuple(2, "_pair"), "_triple": _ntuple(3, "_triple"),
          "_quadruple": _ntuple(4, "_quadruple"), "_ntuple": _ntuple, "_reverse_repeat_tuple": _reverse_repeat_tuple}


def _register(name, contents):
    module = types.ModuleType(f"{__name__}.{name}", f"``torch.nn.modules.{name}``'s names, as minigrad's classes.")
    module.__dict__.update(contents)
    module.__all__ = [key for key in contents if not key.startswith("_")]
    sys.modules[module.__name__] = module
    globals()[name] = module


for _name in sorted(set(_PUBLIC) | set(_PRIVATE)):
    _register(_name, {**{c: _nn[c] for c in _PUBLIC.get(_name, "").split()}, **_PRIVATE.get(_name, {})})
_register("utils", _UTILS)
for _classes in _PUBLIC.values():
    globals().update({c: _nn[c] for c in _classes.split()})
