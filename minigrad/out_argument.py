"""PyTorch's ``out=`` keyword (``torch.add(a, b, out=c)``, ``torch.cat(xs, out=buffer)``, ``torch.max(x, 0,
out=(values, indices))``) for the ~300 functions of ``torch``, ``torch.linalg`` and ``torch.special`` that take
it: the result is computed as without ``out``, then written into ``out`` and ``out`` returned, as PyTorch does:

- the result must be castable to out's dtype (no float into an integer tensor: "result type Float can't be cast
  to the desired output type Long"), and is written in out's dtype; a creation function (``zeros``, ``randn``,
  ``arange``...) makes its values in out's dtype;
- an ``out`` of another shape is resized (new memory; with PyTorch's deprecation warning unless it was empty);
  one of the right shape is written in place, so views of it see the values;
- as PyTorch, ``out=`` refuses to run where a gradient would be recorded (an argument requires grad)."""
import functools
import itertools
import warnings

from .autograd import is_grad_enabled, no_grad
from .ops.dtypes import can_cast
from .tensor import Tensor, torch_type_name

__all__ = ["install"]

TOP_LEVEL = """abs acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax angle any arange asin
asinh atan atan2 atanh baddbmm bernoulli bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift
bitwise_xor bmm bucketize cat ceil chain_matmul cholesky cholesky_inverse cholesky_solve clamp clip column_stack concat
concatenate conj_physical copysign cos cosh cross cummax cummin cumprod cumsum deg2rad diag diff digamma div divide dot
dstack empty eq erf erfc erfinv exp exp2 expm1 eye fix float_power floor floor_divide fmax fmin fmod frac frexp full
gather gcd ge geqrf ger greater greater_equal gt heaviside histc histogram hstack hypot i0 igamma igammac index_select
inner inverse isneginf isposinf kron kthvalue lcm ldexp le lerp less less_equal lgamma linspace log log10 log1p log2
logaddexp logaddexp2 logcumsumexp logical_and logical_not logical_or logical_xor logit logspace logsumexp lt lu
lu_solve lu_unpack masked_select matmul matrix_power max maximum mean median min minimum mm mode msort mul multinomial
multiply mv mvlgamma nan_to_num nanmean nanmedian nanquantile narrow_copy ne neg negative nextafter nonzero norm normal
not_equal ones ormqr outer polygamma pow qr quantile rad2deg rand randint randn randperm reciprocal remainder renorm
round row_stack rsqrt searchsorted sgn sigmoid sign signbit sin sinc sinh sort sqrt square stack std std_mean sub
subtract svd take_along_dim tan tanh topk triangular_solve tril triu trunc var var_mean vdot vstack where xlogy
zeros absolute arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin clamp_max clamp_min hardshrink isin
log_softmax nansum prod softmax sum take tensordot true_divide frobenius_norm nuclear_norm diagonal_copy detach_copy
t_copy squeeze_copy unsqueeze_copy alias_copy slice_scatter orgqr""".split()
LINALG = """cholesky cholesky_ex cond cross det eigh eigvalsh householder_product inv inv_ex lu lu_factor lu_factor_ex
lu_solve matmul matrix_norm matrix_power matrix_rank multi_dot norm pinv qr slogdet solve solve_ex solve_triangular
svd svdvals tensorinv tensorsolve vecdot vector_norm""".split()
SPECIAL = """airy_ai bessel_j0 bessel_j1 bessel_y0 bessel_y1 chebyshev_polynomial_t chebyshev_polynomial_u
chebyshev_polynomial_v chebyshev_polynomial_w digamma entr erf erfc erfcx erfinv exp2 expit expm1 gammainc gammaincc
gammaln hermite_polynomial_h hermite_polynomial_he i0 i0e i1 i1e laguerre_polynomial_l legendre_polynomial_p log1p
log_ndtr logit logsumexp modified_bessel_i0 modified_bessel_i1 modified_bessel_k0 modified_bessel_k1 multigammaln ndtr
ndtri polygamma psi round scaled_modified_bessel_k0 scaled_modified_bessel_k1 shifted_chebyshev_polynomial_t
shifted_chebyshev_polynomial_u shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w sinc spherical_bessel_j0
xlog1py xlogy zeta""".split()
# functions that make values from nothing: their dtype is out's, unless given
CREATION = {"zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye", "rand", "randn", "randint",
            "randperm"}

RESIZED = ("An output with one or more elements was resized since it had shape {old}, which does not match the "
           "required output shape {new}. This behavior is deprecated, and in a future PyTorch release outputs will "
           "not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, "
           "inplace, to zero elements with t.resize_(0).")


def _tensors(values):
    """The tensors among a call's arguments, looking one level into lists and tuples (``cat``'s)."""
    for value in values:
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (item for item in value if isinstance(item, Tensor))


def _write(value, target):
    """``value`` into ``target``, in target's dtype: in place when the shapes agree, else ``target`` resized."""
    if not can_cast(value.dtype, target.dtype):
        raise RuntimeError(f"result type {torch_type_name(value.dtype)} can't be cast to the desired output type "
                           f"{torch_type_name(target.dtype)}")
    value = value.detach()
    if tuple(value.shape) == tuple(target.shape):
        with no_grad():
            target.copy_(value)
        return
    if target.numel():
        warnings.warn(RESIZED.format(old=list(target.shape), new=list(value.shape)), stacklevel=4)
    target.data = value.to(target.dtype).clone()


def accepting_out(function, name):
    """``function`` taking PyTorch's ``out=`` keyword (a tensor, or a tuple of them for several results)."""
    @functools.wraps(function)
    def call(*args, out=None, **kwargs):
        if out is None:
            return function(*args, **kwargs)
        targets = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        if is_grad_enabled() and any(t.requires_grad for t in itertools.chain(_tensors(args), _tensors(kwargs.values()),
                                                                              targets)):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                               "but one of the arguments requires grad.")
        if name in CREATION and kwargs.get("dtype") is None:
            kwargs["dtype"] = targets[0].dtype
        result = function(*args, **kwargs)
        results = tuple(result) if isinstance(result, tuple) else (result,)
        if len(results) != len(targets):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors, not "
                            f"{len(targets)}")
        for value, target in zip(results, targets):
            _write(value, target)
        if not isinstance(result, tuple):
            return out
        return type(result)(*targets) if hasattr(result, "_fields") else targets
    return call


def install(namespace, linalg, special):
    """Give the functions of minigrad's namespace, ``linalg`` and ``special`` their ``out=`` keyword."""
    for names, owner in ((TOP_LEVEL, namespace), (LINALG, vars(linalg)), (SPECIAL, vars(special))):
        for name in names:
            if callable(owner.get(name)):
                owner[name] = accepting_out(owner[name], name)
