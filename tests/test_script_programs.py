"""Lines a training script writes around its model (optimizers and schedulers printed, data collated, modules
listed), each run on both libraries: the same result, printed text, or error class and message. Every case here
showed a difference when it was written (session of 2026-12-01)."""
import numpy as np
import pytest
import torch

import minigrad


def outcome(lib, program):
    """What `program` leaves in `out` (tensors as nested lists with dtype and requires_grad; text with minigrad's
    name read as torch's), or its error."""
    scope = {"L": lib, "nn": lib.nn, "F": lib.nn.functional, "optim": lib.optim, "np": np}
    lib.manual_seed(0)
    try:
        exec(program, scope)
    except Exception as error:  # the error is the result to compare
        return type(error).__name__, str(error).replace("minigrad", "torch")
    return plain(scope.get("out"))


def plain(value):
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return value.detach().numpy().tolist(), value.requires_grad, str(value.dtype).split(".")[-1]
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [plain(v) for v in value]
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, str):
        return value.replace("minigrad", "torch")  # minigrad.Size, minigrad.return_types
    return value


PROGRAMS = [
    "m = nn.Linear(3, 2); out = repr(optim.Adam([{'params': m.weight}, {'params': m.bias, 'lr': 0.01}], lr=0.1))",
    # named results print as PyTorch's torch.return_types, one field per line, and carry its type names
    "x = L.tensor([[1., 5.], [3., 2.]]); out = repr(x.max(1)), repr(x.sort(descending=True)), str(L.topk(x, 1))",
    "x = L.tensor([[1., 5.], [3., 2.]]); out = repr(x.min(dim=0)), repr(x.aminmax()), repr(x.cummax(1))",
    "a = L.tensor([[2., 1.], [1., 3.]], dtype=L.float64); out = [type(r).__name__ for r in (L.linalg.slogdet(a), "
    "L.slogdet(a), a.slogdet(), L.linalg.eigh(a), L.linalg.svd(a), L.svd(a), L.linalg.qr(a), L.linalg.inv_ex(a), "
    "L.linalg.solve_ex(a, a), L.linalg.lstsq(a, a), L.linalg.lu_factor(a), L.frexp(a), L.histogram(a, 2))]",
    "a = L.tensor([[2., 1.], [1., 3.]], dtype=L.float64); r = L.linalg.lstsq(a, a); "
    "out = r.solution.shape, r.rank, type(r).__module__.split('.')[-1]",
    # a loss's dtype with mixed dtypes: huber's is the input's, binary cross-entropy with logits' the target's,
    # binary cross-entropy's weight takes the input's
    "h = L.ones(2) / 3; out = F.huber_loss(h, h.double()), F.huber_loss(h.double(), h), F.huber_loss(h, h.long())",
    "h = L.ones(2) / 3; out = F.binary_cross_entropy_with_logits(h.double(), h), "
    "F.binary_cross_entropy_with_logits(h, h, weight=h.double()), F.binary_cross_entropy(h, h, weight=h.double())",
    "h = L.ones(2) / 3; out = F.cross_entropy(L.ones(2, 3), L.ones(2, 3) / 3, weight=L.ones(3).double())",
    # checkpoints: dtypes and devices in a saved dict; views saved with their base share its memory when loaded,
    # and keep their strides (minigrad wrote each view as a copy of its region, and refused a dtype)
    "import io; b = io.BytesIO(); L.save({'a': L.float32, 'b': L.int64, 'c': L.bool, 'd': L.device('cpu')}, b); "
    "b.seek(0); out = [str(v).replace('torch.', '') for v in L.load(b).values()]",
    "import io; b = io.BytesIO(); x = L.arange(6.); L.save([x, x[2:4], x.view(2, 3).t()], b); b.seek(0); "
    "y = L.load(b); y[1][0] = 100; y[2][0, 1] = -1; out = y[0], y[2].stride(), y[2].is_contiguous(), y[1].storage_offset()",
    "import io; b = io.BytesIO(); x = L.arange(12.).view(3, 4); L.save(x[1:, ::2], b); b.seek(0); y = L.load(b); "
    "out = y, y.stride(), y.storage_offset(), y.untyped_storage().nbytes()",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_as_torch(program):
    assert outcome(minigrad, program) == outcome(torch, program)


def test_custom_function_decorated_for_mixed_precision():
    """torch.amp.custom_fwd / custom_bwd (and torch.cuda.amp's) decorate a Function as PyTorch's: outside
    autocast they change nothing, and a device_type that is not a string is refused."""
    results = []
    for lib in (minigrad, torch):
        class Square(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @lib.amp.custom_bwd(device_type="cpu")
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 2 * x * grad

        class Cube(lib.autograd.Function):
            @staticmethod
            @lib.cuda.amp.custom_fwd
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            @lib.cuda.amp.custom_bwd
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 3 * x * x * grad

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (Square.apply(x) + Cube.apply(x)).sum().backward()
        with pytest.raises(ValueError) as refused:
            lib.amp.custom_fwd(device_type=3)
        results.append((x.grad.tolist(), Square.forward.__name__, str(refused.value)))
    assert results[0] == results[1]
