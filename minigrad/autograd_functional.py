"""``torch.autograd.functional``: ``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``vhp`` of a function of
tensors, with PyTorch's argument checks, ``strict`` mode and messages. Everything runs in minigrad's reverse
mode: ``jacobian`` takes one backward pass per output element (``vectorize`` and ``strategy="forward-mode"``
give the same values, as PyTorch's do), ``jvp`` is the derivative of a vector-Jacobian product with respect to
its (linear) vector, and second derivatives come from gradients recorded with ``create_graph`` (the ops
autograd_graph covers). An input the function ignores gets zeros, or an error in strict mode."""
from .autograd import enable_grad, grad as _grad, is_grad_enabled, set_grad_enabled
from .creation import zeros_like
from .tensor import Tensor

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]

_STRATEGIES = ("forward-mode", "reverse-mode")


def _tupled(value, arg_name, fn_name):
    """(whether ``value`` was a tuple, it as a tuple of tensors), refusing anything else as PyTorch does."""
    was_tuple = isinstance(value, tuple)
    values = value if was_tuple else (value,)
    for i, item in enumerate(values):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if was_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the {where} has type {type(item)}.")
    return was_tuple, values


def _untupled(result, was_tuple):
    """Undo _tupled: one level (a bool) or two (a pair of bools: outer, inner)."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        result = result if inner else tuple(item[0] for item in result)
        return result if outer else result[0]
    return result if was_tuple else result[0]


def _prepared(tensors, create_graph, need_graph):
    """New tensor objects to differentiate with respect to: a view keeping the caller's graph when
    ``create_graph`` and the tensor requires grad, else a detached copy (requiring grad if ``need_graph``)."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in tensors)


def _finished(tensors, create_graph):
    """The results, detached unless the caller asked for a graph (nested tuples kept)."""
    if isinstance(tensors[0], Tensor):
        return tensors if create_graph else tuple(t.detach() for t in tensors)
    return tuple(_finished(inner, create_graph) for inner in tensors)


def _gradients(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad (None for every input when none does)."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    kept = [(out, g) for out, g in zip(outputs, grad_outputs) if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return _grad([out for out, _ in kept], inputs, [g for _, g in kept], retain_graph=retain_graph,
                 create_graph=create_graph, allow_unused=True)


def _check_requires_grad(tensors, kind, strict):
    """Strict mode: every output (or gradient) must depend on the inputs."""
    if not strict:
        return
    for i, tensor in enumerate(tensors):
        if tensor is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is "
                               "not allowed in strict mode.")
        if tensor.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(f"The hessian of the user-provided function with respect to input {i} is "
                               "independent of the input. This is not allowed in strict mode. You should ensure "
                               "that your function is thrice differentiable and that the hessian depends on the "
                               "inputs.")
        if kind == "jacobian":
            raise RuntimeError("While computing the hessian, found that the jacobian of the user-provided function "
                               f"with respect to input {i} is independent of the input. This is not allowed in "
                               "strict mode. You should ensure that your function is twice differentiable and "
                               "that the jacobian depends on the inputs (this would be violated by a linear "
                               "function for example).")
        if kind == "grad_inputs":
            raise RuntimeError(f"The gradient with respect to input {i} is independent of the inputs of the "
                               "user-provided function. This is not allowed in strict mode.")
        raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                           "must be computed in a differentiable manner from the input when running in strict "
                           "mode.")


_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
}


def _zeros_for_missing(grads, refs, strict, create_graph, stage):
    """Zeros where a gradient is None (an error in strict mode), as PyTorch's _fill_in_zeros."""
    filled = []
    for i, (gradient, ref) in enumerate(zip(grads, refs)):
        if gradient is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            gradient = zeros_like(ref)
        elif strict and create_graph and not gradient.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode when create_graph=True.")
        filled.append(gradient)
    return tuple(filled)


def _vector_product(of, wrt, vs, refs, strict, create_graph, stage):
    """The gradients of ``of`` with respect to ``wrt`` against the vectors ``vs`` (zeros like ``refs`` where
    none), recorded only with ``create_graph`` (or as the caller's grad mode wants)."""
    with set_grad_enabled(create_graph or is_grad_enabled()):
        return _zeros_for_missing(_gradients(of, wrt, vs, create_graph), refs, strict, create_graph, stage)


def _results(outputs, outputs_tuple, product, product_tuple, create_graph):
    """(func's outputs, the product), detached unless ``create_graph``, each in the caller's tuple structure."""
    return (_untupled(_finished(outputs, create_graph), outputs_tuple),
            _untupled(_finished(product, create_graph), product_tuple))


def _validate_v(vs, others, others_tuple):
    if len(vs) != len(others):
        if others_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(others)} but got {len(vs)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (v, other) in enumerate(zip(vs, others)):
        if v.size() != other.size():
            prefix = f"Entry {i} in " if others_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {other.size()} but got {v.size()}.")


def _vector(v, reference, reference_tuple, create_graph, fn_name, none_message):
    """The vector argument as a tuple matching ``reference``; None only where the reference is one element."""
    if v is None:
        if len(reference) != 1 or reference[0].numel() != 1:
            raise RuntimeError(none_message)
        return None
    _, vs = _tupled(v, "v", fn_name)
    vs = _prepared(vs, create_graph, need_graph=False)
    _validate_v(vs, reference, reference_tuple)
    return vs


_NO_V_OUTPUT = ("The vector v can only be None if the user-provided function returns a single Tensor with a "
                "single element.")
_NO_V_INPUT = ("The vector v can only be None if the input to the user-provided function is a single Tensor with "
               "a single element.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vjp``: (func(inputs), v^T J), detached unless ``create_graph``."""
    with enable_grad():
        inputs_tuple, inputs = _tupled(inputs, "inputs", "vjp")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _tupled(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        vs = _vector(v, outputs, outputs_tuple, create_graph, "vjp", _NO_V_OUTPUT)
    products = _vector_product(outputs, inputs, vs, inputs, strict, create_graph, "back")
    return _results(outputs, outputs_tuple, products, inputs_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.jvp``: (func(inputs), J v), J v being the derivative of u^T J with respect to
    u (linear in u, so any u works: zeros) in the direction v."""
    with enable_grad():
        inputs_tuple, inputs = _tupled(inputs, "inputs", "jvp")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        vs = _vector(v, inputs, inputs_tuple, create_graph, "jvp", _NO_V_INPUT)
        outputs_tuple, outputs = _tupled(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        dummies = tuple(zeros_like(out).requires_grad_(True) for out in outputs)
        pulled = _gradients(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(pulled, "grad_inputs", strict)
    pushed = _vector_product(pulled, dummies, vs, outputs, strict, create_graph, "back_trick")
    return _results(outputs, outputs_tuple, pushed, outputs_tuple, create_graph)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """``torch.autograd.functional.jacobian``: d output / d input, of shape output.shape + input.shape, nested
    as PyTorch nests it for several inputs or outputs."""
    if strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` and "
                                      '`strategy="forward-mode"` are not supported together (yet). Please either '
                                      'set `create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                      "implemented for `vectorize=True`.")
    with enable_grad():
        inputs_tuple, inputs = _tupled(inputs, "inputs", "jacobian")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _tupled(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        table = tuple(_jacobian_rows(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
    return _untupled(_finished(table, create_graph), (outputs_tuple, inputs_tuple))


def _jacobian_rows(i, output, inputs, create_graph, strict):
    """The Jacobian of one output with respect to each input: one backward pass per output element."""
    from .ops.shape import stack
    rows = [[] for _ in inputs]
    flat = output.reshape(-1)
    for k in range(output.numel()):
        grads = _gradients((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
        for j, (gradient, leaf) in enumerate(zip(grads, inputs)):
            if gradient is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. This "
                                       "is not allowed in strict mode.")
                gradient = zeros_like(leaf)
            elif strict and create_graph and not gradient.requires_grad:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. This "
                                   "is not allowed in strict mode when create_graph=True.")
            rows[j].append(gradient)
    shapes = [tuple(output.shape) + tuple(leaf.shape) for leaf in inputs]
    return tuple(stack(row).reshape(shape) if row else zeros_like(leaf).reshape(-1)[:0].reshape(shape)
                 for row, leaf, shape in zip(rows, inputs, shapes))


def _single_output(fn_name, outputs_tuple, outputs):
    if outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """``torch.autograd.functional.hessian`` of a scalar function: the Jacobian of its gradient (recorded with
    create_graph), d2 f / dx_i dx_j shaped x_i.shape + x_j.shape, nested by input pairs for several inputs."""
    inputs_tuple, inputs = _tupled(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar(*args):
        output = func(*args)
        outputs_tuple, outputs = _tupled(output, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outputs, "outputs", strict)
        _single_output("hessian", outputs_tuple, outputs)
        return output.squeeze()

    def gradient(*args):
        if outer_jacobian_strategy == "forward-mode":
            args = tuple(t.requires_grad_(True) for t in args)
        first = jacobian(scalar, args, create_graph=True)
        _check_requires_grad(first, "jacobian", strict)
        return first
    table = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                     strategy=outer_jacobian_strategy)
    return _untupled(table, (inputs_tuple, inputs_tuple))


def _hessian_vector(func, inputs, v, create_graph, strict, fn_name):
    """(func(inputs), v^T H) of a scalar function: the gradient recorded, then its vector-Jacobian product."""
    with enable_grad():
        inputs_tuple, inputs = _tupled(inputs, "inputs", fn_name)
        inputs = _prepared(inputs, create_graph, need_graph=True)
        vs = _vector(v, inputs, inputs_tuple, create_graph, fn_name, _NO_V_INPUT)
        outputs_tuple, outputs = _tupled(func(*inputs), "outputs of the user-provided function", fn_name)
        _check_requires_grad(outputs, "outputs", strict)
        _single_output(fn_name, outputs_tuple, outputs)
        first = _gradients(outputs, inputs, create_graph=True)
        _check_requires_grad(first, "jacobian", strict)
    product = _vector_product(first, inputs, vs, inputs, strict, create_graph, "double_back")
    return _results(outputs, outputs_tuple, product, inputs_tuple, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vhp`` of a scalar function: (func(inputs), v^T H)."""
    return _hessian_vector(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.hvp`` of a scalar function: (func(inputs), H v), computed as v^T H (the
    Hessian of a twice continuously differentiable function is symmetric; PyTorch's double-backward trick gives
    the same values)."""
    return _hessian_vector(func, inputs, v, create_graph, strict, "hvp")
