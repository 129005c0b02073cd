"""Lines a training script writes around its model (optimizers and schedulers printed, data collated, modules
listed), each run on both libraries: the same result, printed text, or error class and message. Every case here
showed a difference when it was written (session of 2026-12-01)."""
import warnings

import numpy as np
import pytest
import torch

import minigrad


def outcome(lib, program):
    """What `program` leaves in `out` (tensors as nested lists with dtype and requires_grad; text with minigrad's
    name read as torch's), or its error; and the warnings it gave."""
    scope = {"L": lib, "nn": lib.nn, "F": lib.nn.functional, "optim": lib.optim, "np": np}
    lib.manual_seed(0)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            exec(program, scope)
            result = plain(scope.get("out"))
        except Exception as error:  # the error is the result to compare
            result = type(error).__name__, str(error).replace("minigrad", "torch")
    # (numpy's note that torch's __array__ takes no copy argument is numpy's, not PyTorch's behaviour)
    return result, [str(w.message) for w in warned if "__array__ implementation" not in str(w.message)]


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
    # optimizers and schedulers: PyTorch's checks of hyper-parameters and parameter lists, get_lr() outside step
    "m = nn.Linear(3, 2); optim.SGD(m.parameters(), lr=-1)",
    "m = nn.Linear(3, 2); optim.SGD(m.parameters(), momentum=-0.5)",
    "m = nn.Linear(3, 2); optim.Adam(m.parameters(), betas=(1.5, 0.9))",
    "m = nn.Linear(3, 2); optim.AdamW(m.parameters(), betas=(0.9, 1.0))",
    "m = nn.Linear(3, 2); optim.Adam(m.parameters(), eps=-1)",
    "m = nn.Linear(3, 2); optim.Adagrad(m.parameters(), initial_accumulator_value=-1)",
    "m = nn.Linear(3, 2); optim.RMSprop(m.parameters(), alpha=-1)",
    "m = nn.Linear(3, 2); optim.Adadelta(m.parameters(), rho=2)",
    "m = nn.Linear(3, 2); optim.NAdam(m.parameters(), momentum_decay=-1)",
    "m = nn.Linear(3, 2); optim.SGD(m.weight, lr=0.1)",
    "m = nn.Linear(3, 2); optim.SGD({m.weight}, lr=0.1)",
    "m = nn.Linear(3, 2); optim.SGD([m.weight * 2], lr=0.1)",
    "m = nn.Linear(3, 2); optim.SGD([m.weight, 3], lr=0.1)",
    "m = nn.Linear(3, 2); o = optim.SGD([m.weight, m.weight], lr=0.1); out = len(o.param_groups[0]['params'])",
    "m = nn.Linear(3, 2); o = optim.SGD([{'params': m.weight}, {'params': [m.weight]}], lr=0.1)",
    "m = nn.Linear(3, 2); o = optim.SGD(m.named_parameters(), lr=0.1); out = o.param_groups[0]['param_names']",
    "m = nn.Linear(3, 2); o = optim.SGD(m.named_parameters(), lr=0.1); o.add_param_group({'params': [L.ones(1)]})",
    "m = nn.Linear(3, 2); o = optim.SGD(m.parameters(), lr=0.1); s = optim.lr_scheduler.StepLR(o, 2); "
    "out = s.get_lr(), [(o.step(), s.step(), s.get_last_lr())[2] for _ in range(3)]",
    "m = nn.Linear(3, 2); o = optim.SGD(m.parameters(), lr=0.1); s = optim.lr_scheduler.StepLR(o, 2, last_epoch=3)",
    # data loading: pin_memory without an accelerator warns (once with persistent workers); an iterable dataset
    # refuses each sampling option by name
    "ds = L.utils.data.TensorDataset(L.arange(10.)); dl = L.utils.data.DataLoader(ds, batch_size=4, pin_memory=True); "
    "out = [b[0] for b in dl] + [b[0] for b in dl]",
    "ds = L.utils.data.TensorDataset(L.arange(10.)); dl = L.utils.data.DataLoader(ds, batch_size=4, num_workers=2, "
    "persistent_workers=True, pin_memory=True); out = [b[0] for b in dl] + [b[0] for b in dl]",
    "class D(L.utils.data.IterableDataset):\n    def __iter__(self): return iter(range(7))\n"
    "L.utils.data.DataLoader(D(), shuffle=True)",
    "class D(L.utils.data.IterableDataset):\n    def __iter__(self): return iter(range(7))\n"
    "L.utils.data.DataLoader(D(), batch_sampler=[[0]])",
    # modules and tensors: pickling a result gives a leaf; deepcopy of one, a plain tensor as a parameter, a
    # backward hook of a module whose inputs need no gradient
    "import pickle; x = L.ones(2, requires_grad=True) * 2; y = pickle.loads(pickle.dumps(x)); out = y, y.is_leaf",
    "import copy; x = L.ones(2, requires_grad=True); copy.deepcopy(x * 2)",
    "m = nn.Module(); m.register_parameter('p', L.ones(2))",
    "m = nn.Linear(2, 2); out = m._get_name(), str(m)",
    "m = nn.Linear(2, 2); seen = []; m.register_full_backward_hook(lambda mod, gi, go: seen.append(gi)); "
    "m(L.ones(1, 2)).sum().backward(); out = seen",
    # layers' deprecated names and implicit choices warn as PyTorch's; interpolate's and gelu's errors
    "x = L.ones(1, 1, 2, 2); out = F.upsample_bilinear(x, scale_factor=2).shape, F.upsample_nearest(x, size=3).shape",
    "m = nn.Linear(2, 2); out = nn.utils.weight_norm(m).weight_g.shape",
    "x = L.ones(2, 3); out = F.softmin(x), nn.Softmin()(x), F.softmax(x)",
    "x = L.ones(1, 1, 2, 2); F.interpolate(x, scale_factor=2, mode='nearest', align_corners=True)",
    "x = L.ones(1, 1, 2, 2); F.interpolate(x, size=3, scale_factor=2)",
    "F.gelu(L.ones(2), approximate='foo')",
    # transformers: PyTorch's warning of the nested-tensor path it does not take, and of masks of two dtypes; a
    # query with every place masked gives NaN weights without numpy's warning
    "l = nn.TransformerEncoderLayer(8, 2, 16, norm_first=True); e = nn.TransformerEncoder(l, 2); "
    "out = e.use_nested_tensor",
    "l = nn.TransformerEncoderLayer(8, 2, 16); out = nn.TransformerEncoder(l, 1).use_nested_tensor",
    "l = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True); out = nn.TransformerEncoder(l, 1).use_nested_tensor",
    "l = nn.TransformerEncoderLayer(8, 3, 15, batch_first=True, activation=F.silu); "
    "out = l.activation_relu_or_gelu, nn.TransformerEncoder(l, 1).use_nested_tensor",
    "m = nn.MultiheadAttention(8, 2); x = L.randn(3, 2, 8); "
    "out = m(x, x, x, key_padding_mask=L.tensor([[0, 0, 1], [0, 0, 0]]).bool(), attn_mask=L.zeros(3, 3))[0].shape",
    "m = nn.MultiheadAttention(8, 2); x = L.randn(3, 2, 8); m(x, x, x, key_padding_mask=L.ones(2, 3, dtype=L.long))",
    "m = nn.MultiheadAttention(8, 2); x = L.randn(3, 2, 8); "
    "out = bool(m(x, x, x, attn_mask=L.ones(3, 3).bool())[1].isnan().all())",
    # autograd: what PyTorch refuses (numpy of a tensor that requires grad, switching off a result, writing into a
    # leaf through an index), its version error, the gradient of a**0 at 0 and of a median's ties
    "x = L.ones(2, requires_grad=True); np.array(x)",
    "x = L.ones(2, requires_grad=True); y = x * 2; y.requires_grad = False",
    "x = L.ones(2, requires_grad=True); y = x * 2; y.requires_grad = True; out = y.requires_grad, y.is_leaf",
    "x = L.ones(2, dtype=L.long); x.requires_grad = True",
    "x = L.ones(2, dtype=L.long); x.requires_grad = False; out = x.requires_grad",
    "x = L.ones(2); x.requires_grad = 1",
    "x = L.ones(2, requires_grad=True); y = x * 2; y.requires_grad_(True); out = y.requires_grad",
    "x = L.ones(2, 2, requires_grad=True); x[0] = 5",
    "x = L.ones(2, 2, requires_grad=True); x[:, [1]] = 5",
    "x = L.ones(2, 2, requires_grad=True); x[0:1, [1]] = 5",
    "x = L.ones(2, 2, requires_grad=True); x[x > 0] = 5",
    "x = L.ones(2, 3, requires_grad=True, dtype=L.float64); y = x.exp(); y.add_(1); y.sum().backward()",
    "x = L.tensor([0., 2.], requires_grad=True); (x ** 0).sum().backward(); out = x.grad",
    "x = L.tensor([0., 2.], requires_grad=True); (x ** L.tensor([0., 1.])).sum().backward(); out = x.grad",
    "x = L.tensor([1., 1., 2.], requires_grad=True); x.median().backward(); out = x.grad",
    "x = L.tensor([[2., 1.], [1., float('nan')]], requires_grad=True); x.median().backward(); out = x.grad",
    "x = L.tensor([1., float('nan'), 1., 3.], requires_grad=True); x.nanmedian().backward(); out = x.grad",
    "x = L.tensor([1., float('nan'), float('nan')], requires_grad=True); x.max().backward(); out = x.grad",
    "x = L.tensor([1., float('nan'), float('nan')], requires_grad=True); x.amax().backward(); "
    "out = x.grad.isnan().all()",
    "x = L.tensor([3., 1., 2., 1.], requires_grad=True, dtype=L.float64); "
    "g, = L.autograd.grad(x.median() ** 2, x, create_graph=True); g.sum().backward(); out = g, x.grad",
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


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_backward_with_create_graph_warns_once_per_process(lib):
    """PyTorch's engine warns once per process that backward(create_graph=True) ties a parameter to its
    gradient; minigrad says the same (a fresh process, as the warning is once only)."""
    import subprocess
    import sys
    program = (f"import {lib} as L\nfor _ in range(3):\n    x = L.ones(3, requires_grad=True)\n"
               f"    (x * x).sum().backward(create_graph=True)\n")
    run = subprocess.run([sys.executable, "-W", "always", "-c", program], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("Using backward() with create_graph=True will create a reference cycle") == 1


NODE_NAMES = ["x.sum(1)", "x.sum()", "x.mean(1)", "x[0]", "x[:, 1:]", "x[None]", "x[..., 0]", "x[:, :]", "x[:]",
              "x[[0]]", "x.unsqueeze(0)", "x.squeeze()", "x.squeeze(0)", "x.transpose(0, 1)", "x.t()", "x.std()",
              "x.norm()", "x.norm(dim=1)", "x.amax(1)", "x.amin(1)", "x.max()", "x.min()", "x.max(1).values",
              "x.clamp(0)", "x.clamp(min=x.detach())", "F.linear(x, w, b)", "F.linear(x, w)", "F.linear(x3, w, b)",
              "F.mse_loss(x, x.detach())", "F.smooth_l1_loss(x, x.detach())", "F.huber_loss(x, x.detach())",
              "F.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid())", "F.nll_loss(x, t)",
              "F.cross_entropy(x, t)", "F.interpolate(x4, scale_factor=2)",
              "F.interpolate(x4, scale_factor=2, mode='bilinear')", "x.flip(0)", "x.repeat(2, 1)", "x.tril()",
              "x.triu(1)", "x.gather(1, t.view(2, 1))", "x.index_select(0, t)", "x.masked_fill(x > 0.5, 0.0)",
              "x.logsumexp(1)", "x3.bmm(x3.transpose(1, 2))", "F.layer_norm(x, (3,))", "F.group_norm(x4, 1)",
              "F.embedding(t, w)", "x[0].dot(x[1])", "x[:, :3]", "x[:, :10]", "x[0, 0:3]", "x[..., 0:3]", "x[:, -3:]", "x[0:2, 0]"]


@pytest.mark.parametrize("expression", NODE_NAMES)
def test_graph_node_names_as_torch(expression):
    """``grad_fn=<...>`` in a printed tensor names the op as PyTorch's does (a loss printed in a training loop, a
    linear layer's output, an indexed row): minigrad named several by the op it built them from (AddBackward0 for
    a linear layer, MeanBackward0 for mse_loss, IndexBackward0 for x[0])."""
    names = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        scope = {"F": lib.nn.functional, "t": lib.tensor([0, 1]),
                 "x": lib.rand(2, 3, requires_grad=True, dtype=lib.float64) + 0.1,
                 "x3": lib.rand(2, 2, 3, requires_grad=True, dtype=lib.float64),
                 "x4": lib.rand(1, 2, 4, 4, requires_grad=True, dtype=lib.float64),
                 "w": lib.rand(4, 3, requires_grad=True, dtype=lib.float64),
                 "b": lib.rand(4, requires_grad=True, dtype=lib.float64)}
        names.append(eval(expression, scope).grad_fn.name())
    assert names[0] == names[1]
