"""``minigrad.func``: ``torch.func.functional_call``."""
from ..nn.utils.stateless import functional_call  # noqa: F401
