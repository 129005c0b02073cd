"""One helper that compares a minigrad op with PyTorch: forward values and the gradient of every input.

    compare(lambda x, y: x * y, shapes=[(3, 1), (1, 4)])
    compare(lambda x, w: F.conv2d(x, w, padding=1), shapes=[(2, 3, 8, 8), (4, 3, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, padding=1))

The same function runs on both libraries when it only uses methods and
operators; otherwise pass ``torch_fn`` too. Inputs are float32 normal samples
(or the given numpy arrays); the backward pass uses a random upstream gradient,
so a wrong gradient cannot hide behind a sum.
"""
import numpy as np
import torch

import minigrad


def _to_numpy(t):
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy()
    return t.detach().cpu().numpy()


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def compare(fn, shapes=None, inputs=None, torch_fn=None, atol=1e-5, rtol=1e-4, grad_atol=None,
            grad_rtol=None, grad=True, seed=0, low=None, high=None, requires_grad=None, device="cpu"):
    """Run ``fn`` on minigrad tensors and ``torch_fn`` (default: ``fn``) on torch tensors; assert both agree.

    ``inputs`` may hold numpy arrays (integer arrays never require grad); else
    ``shapes`` gives float32 normal inputs, or uniform in [low, high) when given.
    ``requires_grad`` (a list of bools) picks which inputs get gradients.
    ``device`` puts the minigrad inputs and upstream gradients there (read back with ``.cpu()``).
    Returns the minigrad outputs.
    """
    rng = np.random.default_rng(seed)
    if inputs is None:
        if low is None:
            inputs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        else:
            inputs = [rng.uniform(low, high, s).astype(np.float32) for s in shapes]
    inputs = [np.asarray(a) for a in inputs]
    if requires_grad is None:
        requires_grad = [grad and a.dtype.kind == "f" for a in inputs]
    mg_in = [minigrad.tensor(a, dtype=a.dtype, requires_grad=r, device=device) for a, r in zip(inputs, requires_grad)]
    th_in = [torch.tensor(a, requires_grad=r) for a, r in zip(inputs, requires_grad)]
    mg_out = _outputs(fn(*mg_in))
    th_out = _outputs((torch_fn or fn)(*th_in))
    for i, m in enumerate(mg_out):
        assert m.device.type == minigrad.device(device).type, f"output {i} is on {m.device}, not on {device}"
    assert len(mg_out) == len(th_out), f"{len(mg_out)} outputs, torch gives {len(th_out)}"
    for i, (m, t) in enumerate(zip(mg_out, th_out)):
        assert tuple(m.shape) == tuple(t.shape), f"output {i}: shape {tuple(m.shape)}, torch {tuple(t.shape)}"
        assert str(m.dtype) == str(t.dtype).replace("torch.", ""), f"output {i}: dtype {m.dtype}, torch {t.dtype}"
        np.testing.assert_allclose(_to_numpy(m), _to_numpy(t), atol=atol, rtol=rtol,
                                   err_msg=f"forward output {i}")
    if not any(requires_grad):
        return mg_out
    mg_loss, th_loss = 0, 0
    for m, t in zip(mg_out, th_out):
        if not t.requires_grad:
            continue
        upstream = rng.standard_normal(tuple(t.shape)).astype(np.float32)
        mg_loss = mg_loss + (m * minigrad.tensor(upstream, dtype=m.dtype, device=device)).sum()
        th_loss = th_loss + (t * torch.tensor(upstream, dtype=t.dtype)).sum()
    mg_loss.backward()
    th_loss.backward()
    for i, (m, t, r) in enumerate(zip(mg_in, th_in, requires_grad)):
        if not r:
            continue
        if t.grad is None:
            assert m.grad is None or not np.any(_to_numpy(m.grad)), f"input {i}: torch has no gradient"
            continue
        assert m.grad is not None, f"input {i}: no gradient, torch has one"
        assert m.grad.dtype == m.dtype, f"input {i}: gradient dtype {m.grad.dtype} for a {m.dtype} input"
        np.testing.assert_allclose(_to_numpy(m.grad), _to_numpy(t.grad), atol=grad_atol or atol,
                                   rtol=grad_rtol or rtol, err_msg=f"gradient of input {i}")
    return mg_out


def outcomes_in_both(run, *args):
    """(PyTorch's, minigrad's) results of ``run(lib, *args)``, an exception standing for its result, and whether
    either raised; a differential test then asserts both raised the same class or compares the results."""
    outcomes = []
    for lib in (torch, minigrad):
        try:
            outcomes.append(run(lib, *args))
        except Exception as error:  # noqa: BLE001 - the caller compares the classes
            outcomes.append(error)
    expected, got = outcomes
    return expected, got, isinstance(expected, Exception) or isinstance(got, Exception)


def raises_as_torch(make, error=RuntimeError):
    """``make(lib)`` raises ``error`` on minigrad and on torch, with the same message."""
    import pytest
    messages = []
    for lib in (minigrad, torch):
        with pytest.raises(error) as info:
            make(lib)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def assert_same_results(ours, theirs, label, **tolerance):
    """Two lists of numpy arrays (or None, where no gradient came) from a random program run on minigrad and on
    torch: the same Nones, shapes and dtypes, values within ``tolerance`` (np.testing.assert_allclose's)."""
    assert not isinstance(ours, str), (label, ours)  # (a program returns its error's text)
    for mine, reference in zip(ours, theirs):
        assert (mine is None) == (reference is None), label
        if reference is not None:
            assert (mine.shape, mine.dtype) == (reference.shape, reference.dtype), label
            np.testing.assert_allclose(mine, reference, err_msg=str(label), **tolerance)


def output_and_gradients(fn, arrays, upstream):
    """fn's output and the gradient of each input (minigrad tensors of ``arrays``' dtypes) after a backward pass
    with the ``upstream`` gradient, as numpy arrays: for comparing two code paths of one op."""
    leaves = [minigrad.tensor(a, dtype=a.dtype, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    (out * minigrad.tensor(upstream, dtype=out.dtype)).sum().backward()
    return [out.detach().numpy()] + [leaf.grad.numpy() for leaf in leaves]


def recorded(monkeypatch, owner, name):
    """Replace ``owner.name``, a rule that decides something (which code path to take), by one that decides the
    same and appends each decision to the list returned: a test can then assert which path ran."""
    decisions = []
    rule = getattr(owner, name)
    monkeypatch.setattr(owner, name, lambda *args: decisions.append(rule(*args)) or decisions[-1])
    return decisions


def conv3x3_taken(rule, input_shape, cout):
    """Whether the CPU backend's path rule ``rule`` (conv.py's ``_shifted_layout`` or ``_weight_grad_shifted_layout``)
    takes the float32 3x3, stride-1, padding-1 convolution of an input of ``input_shape`` to ``cout`` channels."""
    from minigrad.backends.cpu import conv as cpu_conv
    s = cpu_conv._layout(input_shape, np.empty((cout, input_shape[1], 3, 3)), (1, 1), (1, 1), (1, 1), 1,
                         input_shape[2:])
    return rule(s, np.float32) is not None


def port_imports(source):
    """A PyTorch script ported the way a user ports one: only its import lines change, each naming minigrad
    where it named torch (``import torch`` becomes ``import minigrad as torch``, so the code reads the same) and
    minigrad.vision where it named torchvision."""
    import re
    lines = []
    for line in source.splitlines():
        indent, statement = re.match(r"(\s*)(.*?)\s*$", line).groups()  # (scripts leave trailing spaces)
        if re.fullmatch(r"import torch", statement):
            line = f"{indent}import minigrad as torch"
        elif re.fullmatch(r"import torch\.[\w.]+ as \w+", statement):
            line = f"{indent}import minigrad.{statement[len('import torch.'):]}"
        elif re.fullmatch(r"import torch\.[\w.]+", statement):  # import torch.onnx: then torch.onnx.export(...)
            line = f"{indent}import minigrad as torch; import minigrad.{statement[len('import torch.'):]}"
        elif re.match(r"from torch(\.[\w.]+)? import ", statement):
            line = f"{indent}from minigrad{statement[len('from torch'):]}"
        elif re.fullmatch(r"import torchvision", statement):
            line = f"{indent}import minigrad.vision as torchvision"
        elif re.fullmatch(r"import torchvision\.[\w.]+ as \w+", statement):
            line = f"{indent}import minigrad.vision.{statement[len('import torchvision.'):]}"
        elif re.fullmatch(r"import torchvision\.[\w.]+", statement):
            module = statement[len("import torchvision."):]
            line = f"{indent}import minigrad.vision as torchvision; import minigrad.vision.{module}"
        elif re.match(r"from torchvision(\.[\w.]+)? import ", statement):
            line = f"{indent}from minigrad.vision{statement[len('from torchvision'):]}"
        lines.append(line)
    return "\n".join(lines) + "\n"
