"""``torch.autograd.functional``: ``jacobian`` and ``vjp`` of a function of tensors, from minigrad's reverse
mode (one backward pass per output element for ``jacobian``). ``hessian``, ``jvp`` and ``hvp`` need gradients of
gradients, which minigrad does not build (README: higher-order gradients)."""
from .autograd import grad as _grad

__all__ = ["jacobian", "vjp"]


def _as_tuple(value):
    return (value, False) if isinstance(value, tuple) else ((value,), True)


def _leaves(inputs):
    return tuple(t.detach().requires_grad_(True) for t in inputs)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vjp``: (func(inputs), v^T J), the outputs detached."""
    if create_graph:
        raise NotImplementedError("vjp(create_graph=True) needs higher-order gradients, which minigrad does not build")
    inputs, single_input = _as_tuple(inputs)
    leaves = _leaves(inputs)
    outputs, single_output = _as_tuple(func(*leaves))
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
        vs = (None,)
    else:
        vs, _ = _as_tuple(v)
    grads = _grad(outputs, leaves, grad_outputs=vs, allow_unused=True)
    grads = tuple(g if g is not None else leaf.detach() * 0 for g, leaf in zip(grads, leaves))
    outputs = tuple(o.detach() for o in outputs)
    return (outputs[0] if single_output else outputs), (grads[0] if single_input else grads)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """``torch.autograd.functional.jacobian``: d output / d input, of shape output.shape + input.shape, nested
    as PyTorch nests it for several inputs or outputs."""
    if create_graph:
        raise NotImplementedError("jacobian(create_graph=True) needs higher-order gradients, which minigrad does "
                                  "not build")
    if strategy != "reverse-mode":
        raise NotImplementedError("minigrad computes jacobians in reverse mode only")
    from .ops.shape import stack
    inputs, single_input = _as_tuple(inputs)
    leaves = _leaves(inputs)
    outputs, single_output = _as_tuple(func(*leaves))
    table = []
    for out in outputs:
        flat = out.reshape(-1)
        rows = [[] for _ in leaves]
        for k in range(flat.numel()):
            grads = _grad(flat[k], leaves, retain_graph=True, allow_unused=True)
            for i, (g, leaf) in enumerate(zip(grads, leaves)):
                rows[i].append(g if g is not None else leaf.detach() * 0)
        blocks = []
        for leaf, row in zip(leaves, rows):
            shape = tuple(out.shape) + tuple(leaf.shape)
            block = stack(row).reshape(shape) if row else (leaf.detach().reshape(-1)[:0] * 0).reshape(shape)
            blocks.append(block.detach())
        table.append(blocks[0] if single_input else tuple(blocks))
    return table[0] if single_output else tuple(table)
