"""``minigrad.func``: ``torch.func``'s ``functional_call`` and its first-order transforms (``vmap``, ``grad``,
``grad_and_value``, ``jacrev``, ``jacfwd``)."""
from ..nn.utils.stateless import functional_call  # noqa: F401
from .transforms import grad, grad_and_value, jacfwd, jacrev, vmap  # noqa: F401
