"""``torch.func.vjp``, ``jvp`` and ``linearize``: vector-Jacobian and Jacobian-vector products of a function of
tensors. ``vjp`` returns the function's output and a function pulling a cotangent back; ``jvp`` pushes a
tangent forward as the derivative of a vector-Jacobian product with respect to its (linear) cotangent, so it
runs in reverse mode with gradients recorded (autograd_graph's ops); ``linearize`` keeps that for reuse."""
from ..autograd import enable_grad, grad as _grad
from ..tensor import Tensor

__all__ = ["vjp", "jvp", "linearize", "stack_module_state", "functionalize"]


def _leaves(primals):
    return tuple(p if p.requires_grad else p.detach().requires_grad_(True) for p in primals)


def _as_tuple(value):
    return (tuple(value), False) if isinstance(value, (tuple, list)) else ((value,), True)


def _recorded_call(func, leaves, has_aux):
    """(func's result, its outputs as a tuple, whether it was one tensor, aux), with the graph recorded."""
    with enable_grad():
        result = func(*leaves)
    aux = None
    if has_aux:
        result, aux = result
    outputs, single = _as_tuple(result)
    return result, outputs, single, aux


def vjp(func, *primals, has_aux=False):
    """``torch.func.vjp``: (func(*primals), vjp_fn[, aux]); ``vjp_fn(cotangents)`` gives one gradient per primal,
    as a tuple. Differentiable again when the primals require grad."""
    leaves = _leaves(primals)
    result, outputs, single, aux = _recorded_call(func, leaves, has_aux)

    def vjp_fn(*cotangents):
        cotangents = cotangents[0] if single or len(cotangents) != len(outputs) else cotangents
        given, _ = _as_tuple(cotangents)
        pairs = [(out, cotangent) for out, cotangent in zip(outputs, given) if out.requires_grad]
        grads = _grad([out for out, _ in pairs], leaves, grad_outputs=[c for _, c in pairs], retain_graph=True,
                      allow_unused=True, create_graph=any(p.requires_grad for p in primals)) if pairs else \
            (None,) * len(leaves)
        return tuple(g if g is not None else leaf.detach() * 0 for g, leaf in zip(grads, leaves))
    detached = result.detach() if isinstance(result, Tensor) else type(result)(o.detach() for o in outputs)
    return (detached, vjp_fn, aux) if has_aux else (detached, vjp_fn)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``torch.func.jvp``: (func(*primals), J tangents), the pushforward of ``tangents`` (a tuple, one per
    primal)."""
    from ..creation import zeros_like
    leaves = _leaves(tuple(primals))
    _, outputs, single, aux = _recorded_call(func, leaves, has_aux)
    with enable_grad():
        dummies = [zeros_like(o).requires_grad_(True) for o in outputs]
        live = [(out, dummy) for out, dummy in zip(outputs, dummies) if out.requires_grad]
        pulled = _grad([out for out, _ in live], leaves, grad_outputs=[d for _, d in live], create_graph=True,
                       allow_unused=True) if live else (None,) * len(leaves)
        pairs = [(p, t) for p, t in zip(pulled, tangents) if p is not None and p.requires_grad]
        pushed = _grad([p for p, _ in pairs], dummies, grad_outputs=[t for _, t in pairs], allow_unused=True) \
            if pairs else (None,) * len(dummies)
    pushed = tuple(g if g is not None else o.detach() * 0 for g, o in zip(pushed, outputs))
    outs = tuple(o.detach() for o in outputs)
    value, tangent = (outs[0], pushed[0]) if single else (outs, pushed)
    return (value, tangent, aux) if has_aux else (value, tangent)


def linearize(func, *primals):
    """``torch.func.linearize``: (func(*primals), jvp_fn), ``jvp_fn(*tangents)`` the Jacobian-vector product at
    these primals."""
    value = func(*primals)
    return value.detach() if isinstance(value, Tensor) else value, \
        lambda *tangents: jvp(func, primals, tangents)[1]


def stack_module_state(models):
    """``torch.func.stack_module_state``: (params, buffers), each a dict from name to the models' tensors stacked
    along a new first dim (the parameters as new leaves requiring grad), for ``vmap`` over an ensemble."""
    from ..ops.shape import stack
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    params = {name: stack([dict(m.named_parameters())[name].detach() for m in models]).requires_grad_(True)
              for name, _ in models[0].named_parameters()}
    buffers = {name: stack([dict(m.named_buffers())[name] for m in models]) for name, _ in models[0].named_buffers()}
    return params, buffers


def functionalize(func, *, remove="mutations"):
    """``torch.func.functionalize``: ``func`` itself (minigrad runs eagerly: there is no traced program whose
    mutations would need removing, and the values are the same)."""
    return func
