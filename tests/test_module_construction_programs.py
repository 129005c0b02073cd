"""Random layer constructions (about 150 nn modules with random sizes and options) on both libraries after the same
manual_seed: the same repr, state_dict keys, shapes and dtypes, the same initial values bit for bit (minigrad draws
PyTorch's random numbers), the same parameter, buffer and submodule names, or the same error message. (This
generator found Hardshrink's and Softshrink's reprs and LSTM's proj_size messages.)"""
import random
import warnings

import numpy as np
import pytest
import torch

import minigrad

CONSTRUCTORS = [
    "nn.Linear({a}, {b})", "nn.Linear({a}, {b}, bias=False)", "nn.Bilinear({a}, {b}, 3)", "nn.Conv1d({a}, {b}, {k})",
    "nn.Conv2d({a}, {b}, {k}, stride={s}, padding={p})", "nn.Conv2d({a}, {a}, 3, groups={a}, bias=False)",
    "nn.Conv2d({a}, {b}, ({k}, 1), dilation=2, padding='same')",
    "nn.Conv2d({a}, {b}, 3, padding_mode='reflect', padding=1)", "nn.Conv3d({a}, {b}, {k})",
    "nn.ConvTranspose1d({a}, {b}, {k}, stride={s})",
    "nn.ConvTranspose2d({a}, {b}, {k}, stride={s}, output_padding={op})", "nn.ConvTranspose3d({a}, {b}, 2)",
    "nn.BatchNorm1d({a})", "nn.BatchNorm2d({a}, momentum=None)", "nn.BatchNorm2d({a}, affine=False)",
    "nn.BatchNorm2d({a}, track_running_stats=False)", "nn.BatchNorm3d({a}, eps=1e-3)", "nn.LayerNorm({a})",
    "nn.LayerNorm(({a}, {b}), elementwise_affine=False)", "nn.LayerNorm({a}, bias=False)", "nn.GroupNorm(1, {a})",
    "nn.InstanceNorm2d({a})", "nn.InstanceNorm1d({a}, affine=True)", "nn.LocalResponseNorm(2)", "nn.RMSNorm({a})",
    "nn.Embedding({a}, {b})", "nn.Embedding({a}, {b}, padding_idx=0)", "nn.EmbeddingBag({a}, {b}, mode='sum')",
    "nn.Embedding({a}, {b}, max_norm=1.0)", "nn.LSTM({a}, {b})",
    "nn.LSTM({a}, {b}, num_layers=2, bidirectional=True, batch_first=True)", "nn.GRU({a}, {b}, bias=False)",
    "nn.RNN({a}, {b}, nonlinearity='relu')", "nn.LSTM({a}, {b}, proj_size=1)", "nn.LSTMCell({a}, {b})",
    "nn.GRUCell({a}, {b})", "nn.RNNCell({a}, {b})", "nn.MultiheadAttention({e}, {h})",
    "nn.MultiheadAttention({e}, {h}, bias=False, batch_first=True)",
    "nn.MultiheadAttention({e}, {h}, kdim=3, vdim=5)", "nn.TransformerEncoderLayer({e}, {h}, dim_feedforward=8)",
    "nn.TransformerDecoderLayer({e}, {h}, dim_feedforward=8, norm_first=True)",
    "nn.TransformerEncoder(nn.TransformerEncoderLayer({e}, {h}, 8), 2)", "nn.Transformer({e}, {h}, 1, 1, 8)",
    "nn.PReLU()", "nn.PReLU({a})", "nn.ReLU()", "nn.ReLU(inplace=True)", "nn.LeakyReLU(0.2)", "nn.GELU('tanh')",
    "nn.Softmax(dim=1)", "nn.LogSoftmax(1)", "nn.Dropout(0.3)", "nn.Dropout2d()", "nn.AlphaDropout(0.2)",
    "nn.MaxPool2d({k}, stride={s})", "nn.MaxPool2d(2, ceil_mode=True, return_indices=True)",
    "nn.AvgPool2d({k}, padding=0, count_include_pad=False)", "nn.AdaptiveAvgPool2d(({a}, None))",
    "nn.AdaptiveMaxPool1d({a})", "nn.Upsample(scale_factor=2, mode='bilinear')", "nn.Upsample(size=({a}, {b}))",
    "nn.Flatten()", "nn.Unflatten(1, ({a}, {b}))", "nn.Identity(3, k=4)",
    "nn.Sequential(nn.Linear({a}, {b}), nn.ReLU(), nn.Linear({b}, 2))",
    "nn.ModuleList([nn.Linear({a}, {b}), nn.Tanh()])",
    "nn.ModuleDict({{'x': nn.Linear({a}, {b}), 'y': nn.Sigmoid()}})",
    "nn.ParameterList([nn.Parameter(torch.randn({a})), nn.Parameter(torch.randn({b}, 2))])",
    "nn.ParameterDict({{'p': nn.Parameter(torch.randn({a}))}})", "nn.Hardtanh(-2, 2)",
    "nn.Softplus(beta=2, threshold=10)", "nn.ELU(alpha=0.5)", "nn.CELU()", "nn.SELU()", "nn.SiLU()", "nn.Mish()",
    "nn.Hardswish()", "nn.Hardsigmoid()", "nn.Threshold(0.1, 20)", "nn.Softmin(0)", "nn.Softsign()",
    "nn.Tanhshrink()", "nn.Softshrink(0.3)", "nn.Hardshrink()", "nn.GLU()", "nn.LogSigmoid()",
    "nn.CrossEntropyLoss(label_smoothing=0.1)", "nn.CrossEntropyLoss(weight=torch.ones({a}), ignore_index=1)",
    "nn.MSELoss(reduction='sum')", "nn.BCEWithLogitsLoss(pos_weight=torch.ones({a}))", "nn.NLLLoss()", "nn.L1Loss()",
    "nn.SmoothL1Loss(beta=0.5)", "nn.HuberLoss(delta=2.0)", "nn.KLDivLoss(reduction='batchmean', log_target=True)",
    "nn.CTCLoss(blank=1)", "nn.TripletMarginLoss()", "nn.CosineSimilarity()", "nn.PairwiseDistance()",
    "nn.PixelShuffle(2)", "nn.PixelUnshuffle(2)", "nn.ZeroPad2d(1)", "nn.ReflectionPad2d((1, 0, 2, 1))",
    "nn.ConstantPad1d(2, 3.5)", "nn.ReplicationPad2d(1)", "nn.CircularPad2d(1)", "nn.ChannelShuffle(2)",
    "nn.Fold(output_size=(4, 4), kernel_size=2)", "nn.Unfold(kernel_size=2, stride=2)", "nn.LPPool2d(2, 2)",
    "nn.FractionalMaxPool2d(2, output_size=3)", "nn.MaxUnpool2d(2)", "nn.SyncBatchNorm({a})", "nn.Softmax2d()",
    "nn.Sigmoid()", "nn.Tanh()", "nn.ReLU6()", "nn.RReLU()", "nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])",
    "nn.CosineEmbeddingLoss(margin=0.5)", "nn.MarginRankingLoss()", "nn.MultiLabelSoftMarginLoss()",
    "nn.PoissonNLLLoss()", "nn.GaussianNLLLoss()",
]


def construction(seed):
    pick = random.Random(seed)
    heads = pick.choice([1, 2])
    return pick.choice(CONSTRUCTORS).format(a=pick.randint(1, 6), b=pick.randint(1, 6), k=pick.randint(1, 3),
                                            s=pick.randint(1, 2), p=pick.randint(0, 1), op=0,
                                            e=heads * pick.randint(1, 3) * 2, h=heads)


def build(lib, text, seed):
    lib.manual_seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = eval(text, {"nn": lib.nn, "torch": lib})
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    state = module.state_dict()
    return (repr(module).replace("minigrad.", "torch."),
            [(key, tuple(value.shape), str(value.dtype).replace("torch.", "")) for key, value in state.items()],
            [value.detach().numpy() for value in state.values()],
            [[name for name, _ in named()] for named in (module.named_parameters, module.named_buffers,
                                                          module.named_modules)])


@pytest.mark.parametrize("first", range(0, 1500, 500))
def test_random_constructions_as_torch(first):
    for seed in range(first, first + 500):
        text = construction(seed)
        theirs, ours = build(torch, text, seed), build(minigrad, text, seed)
        if isinstance(theirs, str):
            assert ours == theirs, (seed, text)
            continue
        assert ours[0] == theirs[0], (seed, text)
        assert ours[1] == theirs[1], (seed, text)
        for key, mine, reference in zip(theirs[1], ours[2], theirs[2]):
            np.testing.assert_array_equal(mine, reference, err_msg=str((seed, text, key)))
        assert ours[3] == theirs[3], (seed, text)
