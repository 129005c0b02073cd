"""``minigrad.func``: ``torch.func``'s ``functional_call`` and its transforms (``vmap``, ``grad``,
``grad_and_value``, ``jacrev``, ``jacfwd``, ``hessian``, ``vjp``, ``jvp``, ``linearize``)."""
from ..nn.utils.stateless import functional_call  # noqa: F401
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, vmap  # noqa: F401
from .products import functionalize, jvp, linearize, stack_module_state, vjp  # noqa: F401
