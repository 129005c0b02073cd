"""``torch.autograd.functional``: ``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``vhp`` of a function of
tensors, from minigrad's reverse mode (one backward pass per output element for ``jacobian``; ``jvp`` as the
derivative of a vector-Jacobian product with respect to its vector; the Hessian's from gradients recorded with
``create_graph``, so their ops are those autograd_graph covers)."""
from .autograd import grad as _grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]


def _as_tuple(value):
    return (value, False) if isinstance(value, tuple) else ((value,), True)


def _leaves(inputs):
    return tuple(t.detach().requires_grad_(True) for t in inputs)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vjp``: (func(inputs), v^T J), detached unless ``create_graph``."""
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
    grads = _grad(outputs, leaves, grad_outputs=vs, allow_unused=True, create_graph=create_graph)
    grads = tuple(g if g is not None else leaf.detach() * 0 for g, leaf in zip(grads, leaves))
    outputs = _kept(outputs, create_graph)
    return (outputs[0] if single_output else outputs), (_kept(grads, create_graph)[0] if single_input else
                                                        _kept(grads, create_graph))


def _kept(tensors, create_graph):
    return tuple(tensors) if create_graph else tuple(t.detach() for t in tensors)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """``torch.autograd.functional.jacobian``: d output / d input, of shape output.shape + input.shape, nested
    as PyTorch nests it for several inputs or outputs."""
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
            grads = _grad(flat[k], leaves, retain_graph=True, allow_unused=True, create_graph=create_graph)
            for i, (g, leaf) in enumerate(zip(grads, leaves)):
                rows[i].append(g if g is not None else leaf.detach() * 0)
        blocks = []
        for leaf, row in zip(leaves, rows):
            shape = tuple(out.shape) + tuple(leaf.shape)
            block = stack(row).reshape(shape) if row else (leaf.detach().reshape(-1)[:0] * 0).reshape(shape)
            blocks.append(block if create_graph else block.detach())
        table.append(blocks[0] if single_input else tuple(blocks))
    return table[0] if single_output else tuple(table)


def _scalar_output(func, leaves, name):
    output = func(*leaves)
    if isinstance(output, tuple) or output.numel() != 1:
        raise RuntimeError(f"The function given to {name} should return a single Tensor with a single element.")
    return output


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """``torch.autograd.functional.hessian`` of a scalar function: d2 f / dx_i dx_j, shaped x_i.shape + x_j.shape,
    nested by input pairs for several inputs."""
    from .ops.shape import stack
    inputs, single_input = _as_tuple(inputs)
    leaves = _leaves(inputs)
    firsts = _grad(_scalar_output(func, leaves, "hessian"), leaves, create_graph=True, allow_unused=True)
    table = []
    for first, leaf in zip(firsts, leaves):
        flat = (first if first is not None else leaf * 0).reshape(-1)
        rows = [[] for _ in leaves]
        for k in range(flat.numel()):
            grads = _grad(flat[k], leaves, retain_graph=True, allow_unused=True, create_graph=create_graph) \
                if flat.requires_grad else (None,) * len(leaves)
            for j, (g, other) in enumerate(zip(grads, leaves)):
                rows[j].append(g if g is not None else other.detach() * 0)
        blocks = [stack(row).reshape(tuple(leaf.shape) + tuple(other.shape)) for row, other in zip(rows, leaves)]
        table.append(tuple(b if create_graph else b.detach() for b in blocks))
    return table[0][0] if single_input else tuple(table)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.jvp``: (func(inputs), J v), J v being the derivative of the vector-Jacobian
    product u^T J with respect to u (linear in u), in the direction v."""
    from .creation import zeros_like
    inputs, single_input = _as_tuple(inputs)
    leaves = _leaves(inputs)
    outputs, single_output = _as_tuple(func(*leaves))
    if v is None:
        if len(leaves) != 1 or leaves[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        vs = (leaves[0].detach() * 0 + 1,)
    else:
        vs, _ = _as_tuple(v)
    dummies = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
    pulled = _grad(outputs, leaves, grad_outputs=dummies, create_graph=True, allow_unused=True)
    pairs = [(p, vec) for p, vec in zip(pulled, vs) if p is not None and p.requires_grad]
    pushed = _grad([p for p, _ in pairs], dummies, grad_outputs=[vec for _, vec in pairs], allow_unused=True,
                   create_graph=create_graph) if pairs else (None,) * len(dummies)
    pushed = tuple(g if g is not None else o.detach() * 0 for g, o in zip(pushed, outputs))
    outputs = _kept(outputs, create_graph)
    pushed = _kept(pushed, create_graph)
    return (outputs[0] if single_output else outputs), (pushed[0] if single_output else pushed)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vhp`` of a scalar function: (func(inputs), v^T H)."""
    inputs, single_input = _as_tuple(inputs)
    leaves = _leaves(inputs)
    output = _scalar_output(func, leaves, "vhp")
    vs, _ = _as_tuple(v) if v is not None else ((leaves[0].detach() * 0 + 1,), True)
    firsts = _grad(output, leaves, create_graph=True, allow_unused=True)
    pairs = [(g, vec) for g, vec in zip(firsts, vs) if g is not None and g.requires_grad]
    seconds = _grad([g for g, _ in pairs], leaves, grad_outputs=[vec for _, vec in pairs], allow_unused=True,
                    create_graph=create_graph) if pairs else (None,) * len(leaves)
    seconds = _kept(tuple(g if g is not None else leaf.detach() * 0 for g, leaf in zip(seconds, leaves)),
                    create_graph)
    output = output if create_graph else output.detach()
    return output, (seconds[0] if single_input else seconds)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.hvp`` of a scalar function: (func(inputs), H v), which equals v^T H (the
    Hessian is symmetric) as PyTorch's does when the function is twice continuously differentiable."""
    return vhp(func, inputs, v, create_graph, strict)
