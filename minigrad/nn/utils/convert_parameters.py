"""Parameters as one flat vector and back, as ``torch.nn.utils.parameters_to_vector``/``vector_to_parameters``."""
from ...autograd import no_grad
from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(parameters):
    devices = {p.device for p in parameters}
    if len(devices) > 1:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated, in order (differentiable), as PyTorch's."""
    parameters = list(parameters)
    _check_device(parameters)
    return cat([p.reshape(-1) for p in parameters])


@no_grad()
def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of ``vec`` into the parameters, in order, as PyTorch's."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    _check_device(parameters)
    if vec.ndim != 1:
        raise RuntimeError(f"vector_to_parameters: expected a vector, got a tensor of shape {tuple(vec.shape)}")
    start = 0
    for p in parameters:  # (values past the last parameter's are left unread, as PyTorch leaves them)
        piece = vec[start:start + p.numel()]
        if piece.numel() != p.numel():
            raise RuntimeError(f"shape '{list(p.shape)}' is invalid for input of size {piece.numel()}")
        p.copy_(piece.reshape(p.shape))
        start += p.numel()
