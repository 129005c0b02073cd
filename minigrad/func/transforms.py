"""``torch.func``'s transforms: ``vmap`` maps a function over a batch dimension (it calls the function once per
slice and stacks the results: PyTorch's values, not PyTorch's speed), ``grad`` and ``grad_and_value`` return a
scalar function's gradient, ``jacrev``/``jacfwd`` its Jacobian, ``hessian`` the Jacobian of its Jacobian. They
compose as PyTorch's do: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)`` for per-sample gradients,
``grad(grad(f))`` for a second derivative (gradients recorded with create_graph: the ops autograd_graph covers)."""
import warnings

from ..autograd import enable_grad, grad as _autograd_grad, is_grad_enabled
from ..tensor import Tensor

__all__ = ["vmap", "grad", "grad_and_value", "jacrev", "jacfwd", "hessian"]


def _tensors_of(value):
    """The tensors in an argument: itself, or the values of a dict, tuple or list of them (a pytree's leaves)."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors_of(v)]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors_of(v)]
    return []


def _slice(value, dim, i):
    """Slice i along ``dim`` of every tensor in an argument, keeping its dict, tuple or list structure."""
    if isinstance(value, Tensor):
        return value.select(dim, i)
    if isinstance(value, dict):
        return {k: _slice(v, dim, i) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_slice(v, dim, i) for v in value)
    return value


def _batch_size(args, in_dims):
    sizes = {t.shape[d] for a, d in zip(args, in_dims) if d is not None for t in _tensors_of(a)}
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
    per argument, None for an argument passed whole; a dict, tuple or list of tensors is mapped leaf by leaf),
    results stacked along ``out_dims``."""
    def mapped(*args):
        dims = list(in_dims) if isinstance(in_dims, (tuple, list)) else [in_dims] * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap: in_dims has {len(dims)} entries for {len(args)} arguments")
        dims = [d if _tensors_of(a) else None for a, d in zip(args, dims)]
        for arg, dim in zip(args, dims):
            for tensor in _tensors_of(arg) if dim is not None else ():
                if not -tensor.ndim <= dim < tensor.ndim:
                    raise ValueError(f"vmap({getattr(func, '__name__', repr(func))}, in_dims={in_dims}, ...)(<inputs>): "
                                     f"Got in_dim={dim} for some input, but that input is a Tensor of dimensionality "
                                     f"{tensor.ndim} so expected in_dim to satisfy -{tensor.ndim} <= in_dim < "
                                     f"{tensor.ndim}.")
        results = []
        for i in range(_batch_size(args, dims)):
            results.append(func(*(_slice(a, d, i) if d is not None else a for a, d in zip(args, dims))))
        return _stack(results, out_dims)
    return mapped


def _leaf(tensor):
    """The tensor to differentiate with respect to: itself when an enclosing transform differentiates it already
    (``grad(grad(f))``: the inner gradient then stays in the graph), else a fresh leaf."""
    return tensor if tensor.requires_grad and is_grad_enabled() else tensor.detach().requires_grad_(True)


def _leaves_of(value):
    """(a copy of ``value`` whose tensors are leaves requiring grad (see _leaf), those leaves, how to rebuild)."""
    if isinstance(value, Tensor):
        leaf = _leaf(value)
        return leaf, [leaf], lambda grads: grads[0]
    if isinstance(value, dict):
        keys = list(value)
        leaves = [_leaf(value[k]) for k in keys]
        return dict(zip(keys, leaves)), leaves, lambda grads: dict(zip(keys, grads))
    if isinstance(value, (tuple, list)):
        leaves = [_leaf(v) for v in value]
        return type(value)(leaves), leaves, lambda grads: type(value)(grads)
    raise TypeError(f"grad: can differentiate with respect to tensors, or dicts, tuples or lists of them; got "
                    f"{type(value).__name__}")


def _reaches_other_leaves(output, leaves):
    """Whether ``output`` depends on tensors requiring grad other than ``leaves`` (captured by the function)."""
    from ..autograd import _topological_order
    own = {id(leaf) for leaf in leaves}
    return any(node._ctx is None and node.requires_grad and id(node) not in own
               for node in _topological_order([output]))


def _gradients(output, leaves, nested):
    """The gradients of output, recorded in the graph (create_graph) when an enclosing transform differentiates
    the arguments (``nested``) or the function captured other tensors that require grad, as torch.func's are."""
    if not output.requires_grad:  # the function ignores its arguments: zero gradients
        return (None,) * len(leaves)
    if nested or (is_grad_enabled() and _reaches_other_leaves(output, leaves)):
        try:
            return _autograd_grad(output, leaves, allow_unused=True, create_graph=True, retain_graph=True)
        except NotImplementedError as error:  # an op whose backward cannot be recorded: first order, said aloud
            warnings.warn(f"torch.func.grad: the gradient is computed, but cannot be differentiated further "
                          f"({error})")
    return _autograd_grad(output, leaves, allow_unused=True)


class _Call:
    """``func`` called on ``args`` with the arguments ``argnums`` replaced by leaves to differentiate (a tensor,
    or a dict, tuple or list of them: _leaves_of), the graph recorded: its output (aux split off with
    ``has_aux``), the leaves in order, whether an enclosing transform differentiates them (``nested``), and
    ``per_argument`` to regroup one value per leaf into argnums' structure."""

    def __init__(self, func, args, argnums, has_aux, name):
        numbers = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        args = list(args)
        self.nested = is_grad_enabled() and any(t.requires_grad for n in numbers for t in _tensors_of(args[n]))
        self.single, self.leaves, self.rebuilds, self.spans = isinstance(argnums, int), [], [], []
        for n in numbers:
            args[n], leaves, rebuild = _leaves_of(args[n])
            self.spans.append((len(self.leaves), len(self.leaves) + len(leaves)))
            self.leaves += leaves
            self.rebuilds.append(rebuild)
        with enable_grad():
            self.output = func(*args)
        self.aux = None
        if has_aux:
            if not isinstance(self.output, tuple) or len(self.output) != 2:
                raise RuntimeError(f"{name}: output of function f should be a tuple: (output, aux) if has_aux is "
                                   "True")
            self.output, self.aux = self.output

    def per_argument(self, values):
        grouped = [rebuild(values[a:b]) for rebuild, (a, b) in zip(self.rebuilds, self.spans)]
        return grouped[0] if self.single else tuple(grouped)


def grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: (the gradient of scalar ``func`` with respect to argument(s) ``argnums``,
    func's value (and aux))."""
    def differentiated(*args):
        call = _Call(func, args, argnums, has_aux, "grad_and_value(f)(*args)")
        output = call.output
        if not isinstance(output, Tensor) or output.numel() != 1:
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                               f"{getattr(output, 'shape', type(output).__name__)}")
        grads = _gradients(output, call.leaves, call.nested)
        gradient = call.per_argument([g if g is not None else leaf.detach() * 0
                                      for g, leaf in zip(grads, call.leaves)])
        value = output.detach()
        return (gradient, (value, call.aux)) if has_aux else (gradient, value)
    return differentiated


def grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: the gradient of scalar ``func`` with respect to argument(s) ``argnums`` (a tensor,
    or a dict, tuple or list of tensors, in the same shape); with ``has_aux``, (gradient, aux)."""
    both = grad_and_value(func, argnums, has_aux)

    def differentiated(*args):
        gradient, value = both(*args)
        return (gradient, value[1]) if has_aux else gradient
    return differentiated


def _map_outputs(output, fn):
    """``fn`` applied to each tensor of a function's output (a tensor, or a tuple, list or dict of them)."""
    if isinstance(output, Tensor):
        return fn(output)
    if isinstance(output, dict):
        return {key: _map_outputs(value, fn) for key, value in output.items()}
    if isinstance(output, (tuple, list)):
        return type(output)(_map_outputs(value, fn) for value in output)
    raise RuntimeError(f"jacrev(f, ...)(*args): expected f to return a Tensor or a tuple, list or dict of "
                       f"Tensors, got {type(output).__name__}")


def _jacobian_of(output, leaves, nested):
    """d output / d leaf for each leaf, shaped output.shape + leaf.shape: one backward pass per output element."""
    from ..creation import zeros
    from ..ops.shape import stack
    rows = [[] for _ in leaves]
    flat = output.reshape(-1)
    for k in range(output.numel() if output.requires_grad else 0):
        grads = _autograd_grad(flat[k], leaves, retain_graph=True, allow_unused=True, create_graph=nested)
        for row, gradient, leaf in zip(rows, grads, leaves):
            row.append(gradient if gradient is not None else leaf.detach() * 0)
    blocks = []
    for row, leaf in zip(rows, leaves):
        shape = tuple(output.shape) + tuple(leaf.shape)
        block = stack(row).reshape(shape) if row else zeros(*shape, dtype=leaf.dtype)
        blocks.append(block if nested else block.detach())
    return blocks


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """``torch.func.jacrev``: the Jacobian of ``func`` with respect to argument(s) ``argnums`` (each a tensor, or
    a dict, tuple or list of them), by reverse mode: for each output tensor (func may return a tuple, list or
    dict of them) a tensor shaped output.shape + input.shape, or a tuple of them for a tuple of argnums; with
    ``has_aux``, (jacobian, aux). Inside another transform it stays in the graph."""
    def jac(*args):
        call = _Call(func, args, argnums, has_aux, "jacrev(f, ...)(*args)")
        result = _map_outputs(call.output,
                              lambda tensor: call.per_argument(_jacobian_of(tensor, call.leaves, call.nested)))
        return (result, _map_outputs(call.aux, lambda t: t.detach())) if has_aux else result
    return jac


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``torch.func.jacfwd``: the same Jacobian as ``jacrev`` (computed in reverse mode here)."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """``torch.func.hessian``: the Jacobian of ``func``'s Jacobian with respect to argument ``argnums``."""
    return jacfwd(jacrev(func, argnums), argnums)
