"""``torch.func``'s transforms, first order: ``vmap`` maps a function over a batch dimension (it calls the
function once per slice and stacks the results: PyTorch's values, not PyTorch's speed), ``grad`` and
``grad_and_value`` return a scalar function's gradient, ``jacrev``/``jacfwd`` its Jacobian. They compose as
PyTorch's per-sample-gradient idiom uses them: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)``. A
gradient of a gradient needs higher-order gradients, which minigrad does not build."""
from ..autograd import enable_grad, grad as _autograd_grad
from ..tensor import Tensor

__all__ = ["vmap", "grad", "grad_and_value", "jacrev", "jacfwd"]


def _batch_size(args, in_dims):
    sizes = {a.shape[d] for a, d in zip(args, in_dims) if d is not None and isinstance(a, Tensor)}
    if len(sizes) != 1:
        raise ValueError("vmap: expected the mapped inputs to share one batch size along in_dims, got "
                         f"{sizes or 'none'}")
    return sizes.pop()


def _stack(results, out_dim):
    from ..ops.shape import stack
    first = results[0]
    if isinstance(first, Tensor):
        return stack(results, dim=out_dim)
    if isinstance(first, (tuple, list)):
        dims = out_dim if isinstance(out_dim, (tuple, list)) else [out_dim] * len(first)
        return type(first)(_stack([r[i] for r in results], dims[i]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([r[k] for r in results], out_dim) for k in first}
    raise ValueError(f"vmap: the function must return tensors (or tuples, lists or dicts of them), got "
                     f"{type(first).__name__}")


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``torch.func.vmap``: ``func`` over dimension ``in_dims`` of its tensor arguments (an int for all, or one
    per argument, None for an argument passed whole), results stacked along ``out_dims``."""
    def mapped(*args):
        dims = list(in_dims) if isinstance(in_dims, (tuple, list)) else [in_dims] * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap: in_dims has {len(dims)} entries for {len(args)} arguments")
        dims = [d if isinstance(a, Tensor) else None for a, d in zip(args, dims)]
        results = []
        for i in range(_batch_size(args, dims)):
            results.append(func(*(a.select(d, i) if d is not None else a for a, d in zip(args, dims))))
        return _stack(results, out_dims)
    return mapped


def _leaves_of(value):
    """(a copy of ``value`` whose tensors are fresh leaves requiring grad, those leaves, how to rebuild)."""
    if isinstance(value, Tensor):
        leaf = value.detach().requires_grad_(True)
        return leaf, [leaf], lambda grads: grads[0]
    if isinstance(value, dict):
        keys = list(value)
        leaves = [value[k].detach().requires_grad_(True) for k in keys]
        return dict(zip(keys, leaves)), leaves, lambda grads: dict(zip(keys, grads))
    if isinstance(value, (tuple, list)):
        leaves = [v.detach().requires_grad_(True) for v in value]
        return type(value)(leaves), leaves, lambda grads: type(value)(grads)
    raise TypeError(f"grad: can differentiate with respect to tensors, or dicts, tuples or lists of them; got "
                    f"{type(value).__name__}")


def grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: (the gradient of scalar ``func`` with respect to argument(s) ``argnums``,
    func's value (and aux))."""
    def differentiated(*args):
        numbers = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        args = list(args)
        rebuilds, all_leaves, spans = [], [], []
        for n in numbers:
            args[n], leaves, rebuild = _leaves_of(args[n])
            spans.append((len(all_leaves), len(all_leaves) + len(leaves)))
            all_leaves += leaves
            rebuilds.append(rebuild)
        with enable_grad():
            output = func(*args)
        aux = None
        if has_aux:
            if not isinstance(output, tuple) or len(output) != 2:
                raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) "
                                   "if has_aux is True")
            output, aux = output
        if not isinstance(output, Tensor) or output.numel() != 1:
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                               f"{getattr(output, 'shape', type(output).__name__)}")
        grads = _autograd_grad(output, all_leaves, allow_unused=True)
        grads = [g if g is not None else leaf.detach() * 0 for g, leaf in zip(grads, all_leaves)]
        per_arg = [rebuild(grads[a:b]) for rebuild, (a, b) in zip(rebuilds, spans)]
        gradient = per_arg[0] if isinstance(argnums, int) else tuple(per_arg)
        value = output.detach()
        return (gradient, (value, aux)) if has_aux else (gradient, value)
    return differentiated


def grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: the gradient of scalar ``func`` with respect to argument(s) ``argnums`` (a tensor,
    or a dict, tuple or list of tensors, in the same shape); with ``has_aux``, (gradient, aux)."""
    both = grad_and_value(func, argnums, has_aux)

    def differentiated(*args):
        gradient, value = both(*args)
        return (gradient, value[1]) if has_aux else gradient
    return differentiated


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """``torch.func.jacrev``: the Jacobian of ``func`` with respect to argument ``argnums`` (a tensor), shaped
    output.shape + input.shape, by reverse mode."""
    if has_aux or not isinstance(argnums, int):
        raise NotImplementedError("jacrev: one tensor argument and no aux output are supported")
    from ..autograd_functional import jacobian

    def jac(*args):
        return jacobian(lambda x: func(*args[:argnums], x, *args[argnums + 1:]), args[argnums])
    return jac


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``torch.func.jacfwd``: the same Jacobian as ``jacrev`` (computed in reverse mode here)."""
    return jacrev(func, argnums, has_aux=has_aux)
