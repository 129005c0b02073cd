"""The ``torch.*`` forms of ops that scripts more often reach through ``nn.functional`` or a method.

PyTorch exposes its native ops at the top level too, in their native argument orders: ``torch.conv2d``,
``torch.max_pool2d`` (``stride=()`` for the kernel size), ``torch.batch_norm`` (weight and bias before the running
statistics), ``torch.embedding(weight, indices)``, ``torch.dropout(input, p, train)``, the losses with an integer
reduction (0 none, 1 mean, 2 sum; none by default in PyTorch's Python bindings of them, unlike nn.functional's),
the in-place forms (``torch.relu_(x)``), the ``*_copy`` forms of the view ops
(a new tensor, not a view) and the methods that are functions too (``torch.detach(x)``). Each is one call of the
op defined elsewhere."""
import warnings

from .. import creation
from ..nn import functional as F
from ..nn.dropout import feature_dropout
from ..tensor import Tensor, bool_
from .compare import where
from .inplace import apply_inplace

_HELPERS = set(globals())  # what the module imported: not exported (but feature_dropout, PyTorch's too)
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}

conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d
adaptive_avg_pool1d, bilinear, channel_shuffle, native_channel_shuffle = (
    F.adaptive_avg_pool1d, F.bilinear, F.channel_shuffle, F.channel_shuffle)
threshold, threshold_, rrelu_, rms_norm = F.threshold, F.threshold_, F.rrelu_, F.rms_norm


def _reduction(code):
    if code not in _REDUCTIONS:
        raise ValueError(f"{code} is not a valid value for reduction (0 none, 1 mean, 2 sum)")
    return _REDUCTIONS[code]


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """``torch.max_pool1d``: ``F.max_pool1d``, an empty stride meaning the kernel size."""
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """``torch.max_pool2d``: ``F.max_pool2d``, an empty stride meaning the kernel size."""
    return F.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """``torch.max_pool3d``: ``F.max_pool3d``, an empty stride meaning the kernel size."""
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """``torch.max_pool1d_with_indices``: the pooled values and their indices."""
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode, return_indices=True)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """``torch.avg_pool1d``: ``F.avg_pool1d``, an empty stride meaning the kernel size."""
    return F.avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode, count_include_pad)


def adaptive_max_pool1d(input, output_size):  # noqa: A002
    """``torch.adaptive_max_pool1d``: the pooled values and their indices (always both, unlike F's)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,  # noqa: A002
               cudnn_enabled=True):
    """``torch.batch_norm``: ``F.batch_norm`` with weight and bias first."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,  # noqa: A002
                  cudnn_enabled=True):
    """``torch.instance_norm``: ``F.instance_norm`` with weight and bias first."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):  # noqa: A002
    """``torch.layer_norm``: ``F.layer_norm``."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):  # noqa: A002
    """``torch.group_norm``: ``F.group_norm``."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``torch.embedding(weight, indices)``: ``F.embedding`` with the table first; a negative padding_idx means
    none (the native op's convention; F counts it from the end)."""
    return F.embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def dropout(input, p, train):  # noqa: A002
    """``torch.dropout(input, p, train)``: ``F.dropout``."""
    return F.dropout(input, p, train)


def alpha_dropout(input, p, train):  # noqa: A002
    """``torch.alpha_dropout(input, p, train)``: ``F.alpha_dropout``."""
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input, p, train):  # noqa: A002
    """``torch.feature_alpha_dropout(input, p, train)``: ``F.feature_alpha_dropout``."""
    return F.feature_alpha_dropout(input, p, train)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):  # noqa: A002
    """``torch.rrelu``: ``F.rrelu`` (the slopes drawn as PyTorch's for the same seed)."""
    return F.rrelu(input, lower, upper, training)


def constant_pad_nd(input, pad, value=0):  # noqa: A002
    """``torch.constant_pad_nd``: ``F.pad`` in constant mode."""
    return F.pad(input, pad, "constant", value)


def kl_div(input, target, reduction=0, *, log_target=False):  # noqa: A002
    """``torch.kl_div``: ``F.kl_div`` with an integer reduction (its 'mean' without F's warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.cosine_embedding_loss``: F's, with an integer reduction."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):  # noqa: A002
    """``torch.hinge_embedding_loss``: F's, with an integer reduction."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.margin_ranking_loss``: F's, with an integer reduction."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=0):
    """``torch.triplet_margin_loss``: F's, with an integer reduction."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):  # noqa: A002
    """``torch.poisson_nll_loss``: F's, every argument given, the reduction an integer."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):  # noqa: A002
    """``torch.binary_cross_entropy_with_logits``: F's, with an integer reduction."""
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """``torch.ctc_loss``: F's, with an integer reduction."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction),
                      zero_infinity)


def _in_place(name, compute):
    def function(input, *args, **kwargs):  # noqa: A002
        return apply_inplace(input, name, lambda source: compute(source, *args, **kwargs))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``torch.{name}``: in place on its first argument, which it returns."
    return function


dropout_ = _in_place("dropout_", F.dropout)
alpha_dropout_ = _in_place("alpha_dropout_", F.alpha_dropout)
feature_alpha_dropout_ = _in_place("feature_alpha_dropout_", F.feature_alpha_dropout)
feature_dropout_ = _in_place("feature_dropout_", feature_dropout)
celu_ = _in_place("celu_", F.celu)
selu_ = _in_place("selu_", F.selu)


def _method_as_function(name):
    def function(input, *args, **kwargs):  # noqa: A002
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``."
    return function


# in-place ops that are Tensor methods, and methods that PyTorch also offers as functions
_METHODS_AS_FUNCTIONS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_",
    "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_",
    "index_put_", "lcm_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_",
    "rad2deg_", "reciprocal_", "relu_", "resize_as_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_",
    "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
    "adjoint", "detach", "get_device", "is_complex", "is_conj", "is_inference", "is_neg", "is_nonzero",
    "is_same_size", "is_signed", "narrow_copy", "split_with_sizes")
globals().update({name: _method_as_function(name) for name in _METHODS_AS_FUNCTIONS})


def _copy_of_view(view_name):
    def function(input, *args, **kwargs):  # noqa: A002
        view = getattr(input, view_name)(*args, **kwargs)
        return [v.clone() for v in view] if isinstance(view, (tuple, list)) else view.clone()
    function.__name__ = function.__qualname__ = f"{view_name}_copy"
    function.__doc__ = f"``torch.{view_name}_copy``: ``{view_name}``'s result as a new tensor (no view)."
    return function


_VIEW_OPS = ("detach", "diagonal", "expand", "permute", "select", "split", "split_with_sizes", "squeeze", "t",
             "transpose", "unbind", "unfold", "unsqueeze", "view")
globals().update({f"{name}_copy": _copy_of_view(name) for name in _VIEW_OPS})


def alias_copy(input):  # noqa: A002
    """``torch.alias_copy``: a copy of the input."""
    return input.clone()


def slice_copy(input, dim=0, start=None, end=None, step=1):  # noqa: A002
    """``torch.slice_copy``: ``input[..., start:end:step, ...]`` along ``dim``, as a new tensor."""
    index = [slice(None)] * input.ndim
    index[dim] = slice(start, end, step)
    return input[tuple(index)].clone()


def unsafe_chunk(input, chunks, dim=0):  # noqa: A002
    """``torch.unsafe_chunk``: ``chunk`` (minigrad has no unchecked views to offer)."""
    return input.chunk(chunks, dim)


def unsafe_split(input, split_size, dim=0):  # noqa: A002
    """``torch.unsafe_split``: ``split``."""
    return input.split(split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):  # noqa: A002
    """``torch.unsafe_split_with_sizes``: ``split_with_sizes``."""
    return input.split_with_sizes(split_sizes, dim)


def fill(input, value):  # noqa: A002
    """``torch.fill``: a new tensor of input's shape and dtype, every element ``value`` (a number or 0-d tensor,
    which receives the gradient)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        value = value.to(input.dtype).expand(*input.shape)
    else:
        value = creation.full_like(input, value)
    # a where that never takes the input: the input's gradient is zeros (not None), as PyTorch's
    return where(creation.zeros_like(input, dtype=bool_), input, value)


def rsub(input, other, alpha=1):  # noqa: A002
    """``torch.rsub``: other - alpha * input."""
    from .elementwise import sub
    return sub(other, input, alpha=alpha)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False):
    """``torch.scalar_tensor``: a 0-d tensor of the default float dtype (or ``dtype``)."""
    from ..tensor import default_float
    return creation.tensor(s, dtype=dtype or default_float(), device=device or "cpu", requires_grad=requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """``torch.empty_strided``: ``empty(size)``; minigrad's tensors are contiguous, so the strides asked for are
    not kept (the values are the same either way: uninitialized)."""
    if len(tuple(size)) != len(tuple(stride)):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(tuple(stride))} != {len(tuple(size))}")
    return creation.empty(*size, dtype=dtype, device=device or "cpu", requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, pin_memory=False,
                   requires_grad=False):
    """``torch.empty_permuted``: ``empty(size)`` (contiguous, as ``empty_strided``)."""
    if sorted(physical_layout) != list(range(len(tuple(size)))):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; "
                           f"or physical_layout is not a permutation: {list(physical_layout)}")
    return creation.empty(*size, dtype=dtype, device=device or "cpu", requires_grad=requires_grad)




__all__ = [name for name, value in globals().items()
           if callable(value) and not name.startswith("_") and name not in _HELPERS] + ["feature_dropout"]
