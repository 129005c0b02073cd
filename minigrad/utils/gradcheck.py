"""``minigrad.gradcheck``: compare analytic gradients with central finite differences, as ``torch.autograd.gradcheck``."""
import warnings

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor, float64


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when an analytic and a numerical Jacobian disagree."""


def _as_outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _differentiable(outputs):
    return [o for o in outputs if isinstance(o, Tensor) and o.is_floating_point()]


def _numerical_jacobians(fn, inputs, wrt, n_out, eps):
    """For each checked input, d(outputs)/d(input) by central differences: a (n_out, input.numel()) array."""
    jacobians = []
    with no_grad():
        for i in wrt:
            x = inputs[i]
            original = x.array
            host = np.array(x.backend.to_numpy(original), dtype=np.float64, copy=True)
            flat = host.reshape(-1)
            columns = []
            for k in range(flat.size):
                values = []
                for step in (eps, -eps):
                    saved, flat[k] = flat[k], flat[k] + step
                    x.array = x.backend.from_numpy(host.astype(x.dtype, copy=True))
                    values.append(_flatten_outputs(_differentiable(_as_outputs(fn(*inputs)))))
                    flat[k] = saved
                columns.append((values[0] - values[1]) / (2 * eps))
            x.array = original
            jacobians.append(np.stack(columns, axis=1) if columns else np.zeros((n_out, 0)))
    return jacobians


def _flatten_outputs(outputs):
    parts = [np.asarray(o.backend.to_numpy(o.array), dtype=np.float64).reshape(-1) for o in outputs]
    return np.concatenate(parts) if parts else np.zeros(0)


def _analytic_jacobians(fn, inputs, wrt):
    """Row j of each Jacobian is the gradient of output element j: one backward pass per element."""
    outputs = _differentiable(_as_outputs(fn(*inputs)))
    sizes = [o.numel() for o in outputs]
    n_out = sum(sizes)
    jacobians = [np.zeros((n_out, inputs[i].numel())) for i in wrt]
    row = 0
    for o, size in zip(outputs, sizes):
        for k in range(size):
            if o.requires_grad:
                for i in wrt:
                    inputs[i].grad = None
                seed = np.zeros(size, dtype=o.dtype)
                seed[k] = 1
                o.backward(Tensor._wrap(o.backend.from_numpy(seed.reshape(tuple(o.shape))), o.device),
                           retain_graph=True)
                for jac, i in zip(jacobians, wrt):
                    g = inputs[i].grad
                    if g is not None:
                        jac[row] = np.asarray(g.backend.to_numpy(g.array), dtype=np.float64).reshape(-1)
            row += 1
    return jacobians, n_out


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check ``fn``'s gradients against float64 central differences, as ``torch.autograd.gradcheck``.

    ``inputs`` is a tensor or a tuple of arguments; the float64 tensors with
    requires_grad are checked. Every element of every floating output is
    differentiated by its own backward pass, so keep the inputs small.
    Returns True, or raises ``GradcheckError`` naming the output, the input and
    the worst element (returns False instead when ``raise_exception=False``).
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    # Fresh leaves sharing the values: the caller's tensors and their .grad stay untouched.
    inputs = tuple(x.detach().requires_grad_() if i in wrt else x for i, x in enumerate(inputs))
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in wrt:
        if inputs[i].dtype != float64:
            warnings.warn(f"gradcheck: input {i} is {inputs[i].dtype}, not float64: the check will be inaccurate",
                          stacklevel=2)
    analytic, n_out = _analytic_jacobians(fn, inputs, wrt)
    numerical = _numerical_jacobians(fn, inputs, wrt, n_out, eps)
    out_sizes = [o.numel() for o in _differentiable(_as_outputs(fn(*inputs)))]
    for i, a, n in zip(wrt, analytic, numerical):
        bad = np.abs(a - n) > atol + rtol * np.abs(n)
        if not bad.any():
            continue
        row, col = np.unravel_index(np.argmax(np.where(bad, np.abs(a - n), -1)), a.shape)
        out_index = int(np.searchsorted(np.cumsum(out_sizes), row, side="right"))
        element = np.unravel_index(col, tuple(inputs[i].shape)) if inputs[i].ndim else ()
        message = (f"Jacobian mismatch for output {out_index} with respect to input {i} (shape "
                   f"{tuple(inputs[i].shape)}): {int(bad.sum())} of {bad.size} entries differ; worst at input "
                   f"element {tuple(int(e) for e in element)}, output row {int(row)}: analytical "
                   f"{a[row, col]:.6g} vs numerical {n[row, col]:.6g} (atol={atol}, rtol={rtol})")
        if raise_exception:
            raise GradcheckError(message)
        return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check ``fn``'s second derivatives, as ``torch.autograd.gradgradcheck``: ``gradcheck`` of the function
    (inputs, grad_outputs) -> autograd.grad(fn(inputs), inputs, grad_outputs, create_graph=True), the
    ``grad_outputs`` random float64 tensors (requiring grad) when not given."""
    from ..autograd import enable_grad, grad
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outputs = _differentiable(_as_outputs(fn(*inputs)))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(Tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype, device=o.device,
                                    requires_grad=True) for o in outputs)
    grad_outputs = tuple(grad_outputs) if isinstance(grad_outputs, (tuple, list)) else (grad_outputs,)
    count = len(inputs)

    def first_derivatives(*values):
        # (the numerical pass evaluates without grad, on copies: they become leaves here)
        args = [v if i not in wrt or v.requires_grad else v.detach().requires_grad_() for i, v in
                enumerate(values[:count])]
        with enable_grad():
            outs = _differentiable(_as_outputs(fn(*args)))
            return grad(outs, [args[i] for i in wrt], grad_outputs=list(values[count:]), create_graph=True,
                        allow_unused=True, materialize_grads=True)
    return gradcheck(first_derivatives, inputs + grad_outputs, eps, atol, rtol, raise_exception)
