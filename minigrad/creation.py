"""Making tensors: ``minigrad.tensor``, ``zeros``, ``randn``... as their ``torch`` namesakes."""
import numpy as np

from .backends import get_backend
from .device import device as _device
from . import exact_arithmetic, sampling
from .random import randperm_list, torch_generator
from .tensor import DTYPE_CATEGORY, Size, Tensor, default_complex, default_float, int64

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "randn", "rand", "randperm",
           "randint", "arange", "linspace", "eye", "empty_like", "zeros_like", "ones_like", "full_like", "randn_like", "rand_like",
           "multinomial", "bernoulli"]


def _shape(sizes, size=None, name="empty"):
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``, as PyTorch's creation functions, with their
    errors for sizes that are not integers or are negative."""
    if size is not None:
        if sizes:
            raise TypeError("the shape was given twice: as positional sizes and as size=")
        sizes = (size,)
    packed = len(sizes) == 1 and isinstance(sizes[0], (tuple, list, Size))
    shape = tuple(sizes[0]) if packed else tuple(sizes)
    for position, dim in enumerate(shape):
        if isinstance(dim, Tensor) and dim.ndim == 0 and not dim.is_floating_point():
            dim = int(dim)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            if packed:
                raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {position + 1} with "
                                f"error \"type must be tuple of ints,but got {type(dim).__name__}\"")
            raise TypeError(f"{name}(): argument 'size' (position {position + 1}) must be tuple of ints, not "
                            f"{type(dim).__name__}")
    shape = tuple(int(dim) for dim in shape)
    negative = [dim for dim in shape if dim < 0]
    if negative:
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}")
    return shape


def _make(array, device, requires_grad):
    t = Tensor._wrap(array, device)
    if requires_grad:
        t._require_grad_at_creation()
    return t


def _infer_dtype(data):
    """PyTorch's dtype for ``torch.tensor(data)``: numpy arrays, numpy scalars and tensors keep their dtype,
    Python floats give float32, ints int64, bools bool; a list takes the highest of its elements."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return data.dtype
    if isinstance(data, bool):
        return np.dtype(bool)
    if isinstance(data, int):
        return int64
    if isinstance(data, float):
        return default_float()
    if isinstance(data, complex):
        return default_complex()
    if isinstance(data, (list, tuple)):
        dtype = None
        for item in data:
            d = _infer_dtype(item)
            if dtype is None or DTYPE_CATEGORY[d.kind] > DTYPE_CATEGORY[dtype.kind] or (
                    d.kind == dtype.kind and d.itemsize > dtype.itemsize):
                dtype = d
        return default_float() if dtype is None else dtype
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def python_numbers_as(data, dtype):
    """Python numbers in an integer dtype with PyTorch's overflow check: an int fits when it lies within the
    dtype's range or, for an unsigned dtype, within minus its maximum (-1 becomes 255 in uint8); a float when it
    lies within the range (no negative float fits an unsigned dtype) and truncates toward zero."""
    values = np.array(data)
    limits = np.iinfo(dtype)
    if values.dtype.kind in "iub":
        low = -limits.max if dtype.kind == "u" else limits.min
        fits = values.size == 0 or (values.min() >= low and values.max() <= limits.max)
    elif values.dtype.kind == "f":
        fits = values.size == 0 or bool(np.all((values >= limits.min) & (values <= limits.max)))  # (NaN fails)
        values = np.trunc(values)
    else:
        return data  # (ints beyond int64, objects: numpy's own errors)
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")
    with np.errstate(over="ignore", invalid="ignore"):
        return values.astype(np.int64).astype(dtype)


def _plain(data):
    """Nested lists with tensors replaced by their values (a 0-d tensor by its number), for np.array."""
    if isinstance(data, Tensor):
        return data.detach().cpu().numpy()
    if isinstance(data, (list, tuple)):
        return [_plain(item) for item in data]
    return data


def _check_nested_lengths(data):
    """PyTorch's errors for nested sequences that are not a box: the lengths along the first items' path fix the
    shape; a sequence of another length, or a number where a sequence belongs, is refused."""
    def is_sequence(item):  # (a 0-d array, from a 0-d tensor, is a number)
        return isinstance(item, (list, tuple)) or (isinstance(item, np.ndarray) and item.ndim > 0)

    sizes, item = [], data
    while is_sequence(item):
        sizes.append(len(item))
        if not len(item):
            break
        item = item[0]

    def check(seq, dim):
        if len(seq) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)})")
        if dim + 1 < len(sizes):
            for sub in seq:
                if not is_sequence(sub):
                    raise TypeError("not a sequence")
                check(sub, dim + 1)
    if len(sizes) > 1:
        check(data, 0)


def tensor(data, dtype=None, device="cpu", requires_grad=False, pin_memory=False):
    """A new tensor copied from data, as ``torch.tensor``: numpy arrays keep their dtype, Python floats become
    float32, ints int64; a list of 0-d tensors gives a 1-d tensor (``pin_memory`` accepted: nothing to pin)."""
    if dtype is None:
        dtype = _infer_dtype(data)
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        data = data.detach().cpu().numpy()
    elif isinstance(data, (list, tuple)):
        data = _plain(data)
    if isinstance(data, (list, tuple)):
        _check_nested_lengths(data)
    if not isinstance(data, (np.ndarray, np.generic)) and np.dtype(dtype).kind in "iu":
        data = python_numbers_as(data, np.dtype(dtype))
    array = get_backend(device).from_numpy(np.array(data, dtype=dtype, copy=True))
    return _make(array, device, requires_grad)


def as_tensor(data, dtype=None, device="cpu"):
    """Like ``tensor`` but shares a numpy array when dtype and device allow, as ``torch.as_tensor``."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if dtype is not None else data.to(device)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype) and _device(device).type == "cpu":
        return Tensor._wrap(data, device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A CPU tensor sharing the numpy array's memory and dtype, as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._wrap(array, "cpu")


def full(*sizes, size=None, fill_value=None, dtype=None, device="cpu", requires_grad=False, layout=None,
         pin_memory=False):
    """``torch.full(size, fill_value)``."""
    if fill_value is None:  # called positionally as full(size, value)
        sizes, fill_value = sizes[:-1], sizes[-1]
    size = _shape(sizes, size, "full")
    if dtype is None:  # the value's kind decides, as PyTorch's: bool, int64, else the default float
        dtype = np.dtype(bool) if isinstance(fill_value, (bool, np.bool_)) else \
            int64 if isinstance(fill_value, (int, np.integer)) else \
            default_complex() if isinstance(fill_value, (complex, np.complexfloating)) else default_float()
    if isinstance(fill_value, (int, float)) and np.dtype(dtype).kind in "iu":
        fill_value = python_numbers_as(fill_value, np.dtype(dtype))
    return _make(get_backend(device).full(size, fill_value, np.dtype(dtype)), device, requires_grad)


def zeros(*sizes, size=None, dtype=None, device="cpu", requires_grad=False, layout=None, pin_memory=False):
    """``torch.zeros``."""
    return full(_shape(sizes, size, "zeros"), fill_value=0.0, dtype=dtype or default_float(), device=device,
                requires_grad=requires_grad)


def ones(*sizes, size=None, dtype=None, device="cpu", requires_grad=False, layout=None, pin_memory=False):
    """``torch.ones``."""
    return full(_shape(sizes, size, "ones"), fill_value=1.0, dtype=dtype or default_float(), device=device,
                requires_grad=requires_grad)


def empty(*sizes, size=None, dtype=None, device="cpu", requires_grad=False, layout=None, pin_memory=False,
          memory_format=None):
    """``torch.empty``: uninitialised values."""
    array = get_backend(device).empty(_shape(sizes, size), np.dtype(dtype or default_float()))
    return _make(array, device, requires_grad)


def _drawn(values, shape, dtype, device, requires_grad):
    array = np.array(np.asarray(values).reshape(shape), dtype=dtype, order="C")  # (0-d stays 0-d)
    return _make(get_backend(device).from_numpy(array), device, requires_grad)


def randn(*sizes, size=None, dtype=None, device="cpu", requires_grad=False, generator=None, layout=None,
          pin_memory=False):
    """Standard normal samples, as ``torch.randn``: the same seed gives PyTorch's numbers (``minigrad.sampling``)."""
    shape, dtype = _shape(sizes, size, "randn"), np.dtype(dtype or default_float())
    if dtype.kind == "c":  # PyTorch's: the (real, imag) pairs drawn as normals of variance 1/2
        from .ops.complex_numbers import complex_of_pairs, real_dtype
        parts = sampling.normal_values(torch_generator(generator), shape + (2,), real_dtype(dtype), std=1 / 2 ** 0.5)
        return _drawn(complex_of_pairs(np.reshape(parts, (-1, 2))), shape, dtype, device, requires_grad)
    values = sampling.normal_values(torch_generator(generator), shape, dtype)
    return _drawn(values, shape, dtype, device, requires_grad)


def rand(*sizes, size=None, dtype=None, device="cpu", requires_grad=False, generator=None, layout=None,
         pin_memory=False):
    """Uniform samples in [0, 1), as ``torch.rand``: the same seed gives PyTorch's numbers."""
    shape, dtype = _shape(sizes, size, "rand"), np.dtype(dtype or default_float())
    if dtype.kind == "c":  # PyTorch's: the real and imaginary parts uniform in [0, 1), in memory order
        from .ops.complex_numbers import complex_of_pairs, real_dtype
        parts = sampling.uniform_values(torch_generator(generator), 2 * int(np.prod(shape)), real_dtype(dtype))
        return _drawn(complex_of_pairs(np.reshape(parts, (-1, 2))), shape, dtype, device, requires_grad)
    values = sampling.uniform_values(torch_generator(generator), int(np.prod(shape)), dtype)
    return _drawn(values, shape, dtype, device, requires_grad)


def randint(low, high=None, size=None, dtype=None, device="cpu", generator=None, requires_grad=False, layout=None,
            pin_memory=False):
    """Integers uniform in [low, high), as ``torch.randint(low=0, high, size)``: ``randint(10, (2, 3))`` too;
    the same seed gives PyTorch's numbers."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing 1 required positional argument: 'size'")
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape = _shape((), size, "randint")
    values = sampling.integer_values(torch_generator(generator), int(np.prod(shape)), low, high)
    return _drawn(values, shape, np.dtype(dtype or int64), device, requires_grad)


def randperm(n, generator=None, dtype=None, device="cpu", requires_grad=False):
    """A random permutation of 0..n-1, as ``torch.randperm``: with a seeded ``minigrad.Generator``, PyTorch's."""
    order = np.array(randperm_list(int(n), generator), dtype=np.dtype(dtype or int64))
    return _make(get_backend(device).from_numpy(order), device, requires_grad)


def eye(n, m=None, dtype=None, device="cpu", requires_grad=False):
    """``torch.eye``: an n×m (n×n by default) matrix with ones on the diagonal."""
    for name, count in (("n", n), ("m", m)):
        if count is not None and count < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {count}")
    array = np.eye(int(n), int(n if m is None else m), dtype=np.dtype(dtype or default_float()))
    return _make(get_backend(device).from_numpy(array), device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device="cpu", requires_grad=False):
    """``torch.arange``: int64 for integer arguments, else float32; PyTorch's length, ceil((end - start) / step)
    in float64, and values, start + step * i in float64 rounded to the dtype (numpy's float32 arange adds in
    float32). An int64 range truncates its bounds and step first, other integer dtypes their start and step."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if dtype is None:
        dtype = int64 if all(isinstance(v, int) for v in (start, end, step)) else default_float()
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    if not all(np.isfinite(float(v)) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (step > 0 and end >= start or step < 0 and end <= start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype == np.int64:
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
    length = int(np.ceil((float(end) - float(start)) / float(step)))
    backend = get_backend(device)
    if dtype.kind in "iu":
        start, step = int(start), int(step)
        return _make(backend.arange(start, start + length * step, step, dtype), device, requires_grad)
    values = (float(start) + float(step) * np.arange(length, dtype=np.float64)).astype(dtype)
    return _make(backend.from_numpy(values), device, requires_grad)


def inclusive_range(start=0, end=None, step=1, dtype=None, device="cpu", requires_grad=False):
    """``torch.range`` (deprecated in PyTorch, with its warning): from ``start`` to ``end`` included, in steps of
    ``step``, float32 (the default float) unless ``dtype`` says otherwise."""
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    count = int(np.floor((end - start) / step)) + 1
    values = (start + step * np.arange(max(count, 0), dtype=np.float64)).astype(np.dtype(dtype or default_float()))
    return _make(get_backend(device).from_numpy(values), device, requires_grad)


def linspace(start, end, steps, dtype=None, device="cpu", requires_grad=False):
    """``torch.linspace``, value for value: step = (end - start) / (steps - 1) in the dtype (float64 for integer
    dtypes), the first half start + step·i and the second end - step·(steps - 1 - i), each one fused multiply-add
    (PyTorch's CPU kernel)."""
    dtype = np.dtype(dtype or default_float())
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    work = dtype.type if dtype.kind == "f" else np.float64
    first, last = work(dtype.type(start)), work(dtype.type(end))
    step = (last - first) / work(max(steps - 1, 1))
    fma = exact_arithmetic.fma32 if work == np.float32 else exact_arithmetic.fma64
    index = np.arange(steps)
    half = max(steps // 2, 1) if steps else 0  # (one step: start, as PyTorch's)
    values = np.concatenate([fma(step, index[:half].astype(work), first),
                             fma(-step, (steps - 1 - index[half:]).astype(work), last)]).astype(dtype)
    return _make(get_backend(device).from_numpy(np.ascontiguousarray(values)), device, requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device="cpu", requires_grad=False):
    """``torch.logspace``: base ** linspace(start, end, steps)."""
    values = np.power(base, np.linspace(start, end, steps)).astype(np.dtype(dtype or default_float()))
    return _make(get_backend(device).from_numpy(values), device, requires_grad)


def _triangle_indices(row, col, offset, lower):
    rows, columns = np.tril_indices(row, offset, col) if lower else np.triu_indices(row, offset, col)
    return np.stack([rows, columns]).astype(np.int64)


def tril_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """``torch.tril_indices``: the (2, N) row and column indices of a row x col matrix's lower triangle (with
    ``offset`` diagonals above the main one), row by row."""
    return Tensor._wrap(get_backend(device).from_numpy(_triangle_indices(row, col, offset, True)
                                                        .astype(np.dtype(dtype or int64))), device)


def triu_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """``torch.triu_indices``: the (2, N) indices of the upper triangle (from ``offset`` diagonals above)."""
    return Tensor._wrap(get_backend(device).from_numpy(_triangle_indices(row, col, offset, False)
                                                        .astype(np.dtype(dtype or int64))), device)


def vander(x, N=None, increasing=False):  # noqa: N803
    """``torch.vander``: columns x^(N-1), ..., x, 1 (or the other way with ``increasing``), by running products."""
    from .ops.scan import cumprod
    count = x.shape[0] if N is None else N
    if count == 0:
        return x.new_empty((x.shape[0], 0))
    ones = x.new_ones((x.shape[0], 1))
    if count == 1:
        return ones
    powers = cumprod(x.unsqueeze(1).expand(x.shape[0], count - 1), 1)
    from .ops.shape import cat
    out = cat([ones, powers.to(ones.dtype)], 1)
    return out if increasing else out.flip([1])


def randint_like(input, low=0, high=None, *, dtype=None, device=None, generator=None, layout=None,  # noqa: A002
                 memory_format=None, requires_grad=False):
    """``torch.randint_like``: ``randint`` with the input's shape (and dtype and device unless given)."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   generator=generator)


def _like(fn):
    def like(input, dtype=None, device=None, requires_grad=False, *, layout=None, memory_format=None,  # noqa: A002
             **kwargs):
        # (layout and memory_format accepted: minigrad's tensors are strided and contiguous)
        return fn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                  requires_grad=requires_grad, **kwargs)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"``torch.{like.__name__}``: same shape, dtype and device as the input."
    return like


zeros_like, ones_like, randn_like, rand_like = _like(zeros), _like(ones), _like(randn), _like(rand)
empty_like = _like(empty)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, *, layout=None,  # noqa: A002
              memory_format=None):
    """``torch.full_like``."""
    return full(*input.shape, fill_value=fill_value, dtype=dtype or input.dtype,
                device=device or input.device, requires_grad=requires_grad)


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """``torch.multinomial``: for each row of non-negative weights, ``num_samples`` indices drawn in proportion to
    them, PyTorch's for the same seed: without replacement (or one sample) the largest weight / exponential draw
    (zero weights come last), with replacement a binary search of uniforms in the normalized cumulative weights."""
    weights = input.detach().cpu().numpy()
    rows = weights.reshape(1, -1) if weights.ndim == 1 else weights
    if weights.ndim not in (1, 2) or rows.shape[-1] == 0:
        raise RuntimeError("prob_dist must be 1 or 2 dim and not empty")
    with_replacement = replacement and num_samples > 1
    if with_replacement and not np.all(rows >= 0):  # (NaN included, as PyTorch's kernel tests it)
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if with_replacement and not np.all(np.isfinite(rows)):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(rows.sum(-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    generator = torch_generator(generator)
    if with_replacement:
        picked = sampling.multinomial_with_replacement(generator, rows, num_samples)
    else:
        waits = sampling.exponential_values(generator, rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
        picked = np.argsort(-(rows / waits), axis=-1, kind="stable")[:, :num_samples]
    return Tensor(picked.reshape(num_samples) if weights.ndim == 1 else picked, dtype=int64, device=input.device)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002
    """``torch.bernoulli``: 1 with probability input (or ``p``) in each place, else 0, in input's dtype; the same
    seed gives PyTorch's draws."""
    chance = input.detach().cpu().numpy() if p is None else np.full(tuple(input.shape), float(p))
    values = sampling.bernoulli_values(torch_generator(generator), chance).reshape(chance.shape)
    return Tensor(values.astype(input.dtype), dtype=input.dtype, device=input.device)


def poisson(input, generator=None):  # noqa: A002
    """``torch.poisson``: a Poisson draw for each rate of ``input``, in input's dtype, PyTorch's for the same
    seed."""
    rates = input.detach().cpu().numpy()
    if np.any(rates < 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    values = sampling.poisson_values(torch_generator(generator), rates).reshape(rates.shape)
    return Tensor(values.astype(input.dtype), dtype=input.dtype, device=input.device)


def binomial(count, prob, generator=None):
    """``torch.binomial``: a binomial draw of ``count`` trials with success probability ``prob``, elementwise, in
    count's dtype; PyTorch's draws for the same seed."""
    if count.dtype != prob.dtype:
        raise RuntimeError(f"expected scalar type {count.dtype} but found {prob.dtype}")
    from .ops.elementwise import _check_broadcast
    _check_broadcast(count, prob)
    shape = np.broadcast_shapes(tuple(count.shape), tuple(prob.shape))
    trials, chances = (np.broadcast_to(t.detach().cpu().numpy(), shape) for t in (count, prob))
    values = sampling.binomial_values(torch_generator(generator), trials, chances).reshape(shape)
    return Tensor(values, dtype=count.dtype, device=count.device)


def _new(fn):
    def new(self, *size, dtype=None, device=None, requires_grad=False):
        return fn(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
    new.__name__ = "new_" + fn.__name__
    new.__doc__ = f"``torch.Tensor.{new.__name__}``: ``{fn.__name__}`` with this tensor's dtype and device."
    return new


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """``torch.Tensor.new_full``: ``full`` with this tensor's dtype and device."""
    return full(size, fill_value=fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """``torch.Tensor.new_tensor``: a copy of ``data`` with this tensor's dtype and device by default."""
    if isinstance(data, Tensor):
        data = data.detach().cpu().numpy()
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


METHODS = {"new_zeros": _new(zeros), "new_ones": _new(ones), "new_empty": _new(empty), "new_full": new_full,
           "new_tensor": new_tensor, "multinomial": multinomial, "bernoulli": bernoulli}
