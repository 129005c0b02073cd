"""Views made under no_grad or inference_mode, as PyTorch's: a view of a tensor that requires grad requires grad
too, but is a leaf that takes no gradient; changing it (or a view of it) in place in grad mode, or using it in
grad mode after its base changed in place, raises PyTorch's message. Also Tensor.unfold as a strided view and
torch.diag as a copy.

Each case is a small program run on both libraries; what it returns (flags, values, gradients, or the error's
class and message) must be the same."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import outcomes_in_both


def _plain(value):
    """A program's result as comparable Python data: tensors as (values, requires_grad, is_leaf, has grad_fn)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return (value.detach().numpy().tolist(), value.requires_grad, value.is_leaf, value.grad_fn is not None)
    return value


def _same(program):
    expected, got, raised = outcomes_in_both(program)
    if raised:
        assert type(got) is type(expected) and str(got) == str(expected), (got, expected)
    else:
        assert _plain(got) == _plain(expected)


def _view_of_leaf(L, make_view, mode="no_grad"):
    x = L.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    with getattr(L, mode)():
        v = make_view(x)
    return x, v


VIEWS = {
    "slice": lambda t: t[:2],
    "select": lambda t: t[1],
    "view": lambda t: t.view(12),
    "transpose": lambda t: t.T,
    "unsqueeze": lambda t: t.unsqueeze(0),
    "expand": lambda t: t[:1].expand(3, 4),
    "split": lambda t: t.split(2)[1],
    "unbind": lambda t: t.unbind(1)[0],
    "diagonal": lambda t: t.diagonal(),
    "narrow": lambda t: t.narrow(1, 1, 2),
    "permute": lambda t: t.permute(1, 0),
    "unflatten": lambda t: t.unflatten(1, (2, 2)),
    "unfold": lambda t: t.unfold(1, 2, 1),
    "chunk": lambda t: t.chunk(2, 1)[1],
    # not views: a new tensor that does not require grad
    "reshape of a transpose": lambda t: t.T.reshape(12),
    "indexing by a list": lambda t: t[[0, 2]],
    "flip": lambda t: t.flip(0),
    "diag": lambda t: torch.diag(t) if isinstance(t, torch.Tensor) else minigrad.diag(t),
    "detach": lambda t: t.detach(),
    "view as another dtype": lambda t: t.view(torch.int32 if isinstance(t, torch.Tensor) else minigrad.int32),
}


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
@pytest.mark.parametrize("name", VIEWS)
def test_flags_of_a_view_made_without_grad(name, mode):
    _same(lambda L: _view_of_leaf(L, VIEWS[name], mode)[1])


@pytest.mark.parametrize("name", VIEWS)
def test_flags_of_a_view_of_a_non_leaf(name):
    def program(L):
        y = L.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True) * 2
        with L.no_grad():
            return VIEWS[name](y)
    _same(program)


def test_a_view_of_a_view_that_was_made_a_leaf_asks_the_base():
    """PyTorch's view requires grad when the tensor it looks into (the base of every view of it) does: here the
    arange under the reshaped leaf does not."""
    def program(L):
        x = L.arange(12.0).reshape(3, 4).requires_grad_()
        with L.no_grad():
            return x[:2], x.T
    _same(program)


def test_the_view_takes_no_gradient_and_sends_none_on():
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[:2])
        z = (v * 3).sum()
        z.backward()
        return z, x.grad, v.grad
    _same(program)


def test_autograd_grad_with_respect_to_the_view_finds_it_unused():
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[0])
        return L.autograd.grad((v * 3).sum(), v)
    _same(program)


def test_hooks_on_the_view_do_not_fire():
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[0])
        seen = []
        v.register_hook(lambda g: seen.append(1))
        (v * 3).sum().backward()
        return len(seen)
    _same(program)


def test_a_gradient_still_reaches_the_other_inputs():
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[1])
        w = L.ones(4, requires_grad=True)
        (v * w).sum().backward()
        return x.grad, w.grad
    _same(program)


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
@pytest.mark.parametrize("change", ["add_(1)", "mul_(2)", "zero_()", "copy_(L.ones(4))", "__setitem__(0, 5.0)"])
def test_changing_the_view_in_place_in_grad_mode_is_refused(change, mode):
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[1], mode)
        eval(f"v.{change}", {"v": v, "L": L})
        return x
    _same(program)


@pytest.mark.parametrize("index", ["0", "1:", ":", "...", "None", "0, 1", "..., 0", ":, 1:3", "[0]", "0, [1]",
                                   "[0], 1", "v[0] > 0", "1:, None", ":, ::2", "-1", "L.tensor(1)", "1, ..."])
def test_writing_into_it_by_index_names_the_view_taken_on_the_way(index):
    """``v[index] = value`` writes through the views its basic parts take (Select, Slice, Unsqueeze), so PyTorch's
    message names the last of them."""
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t.view(3, 4))
        exec(f"v[{index}] = 5.0", {"v": v, "L": L})
        return x
    _same(program)


def test_changing_a_view_of_a_tensor_without_grad_by_one_with_grad_is_refused():
    def program(L):
        x = L.zeros(4)
        with L.no_grad():
            v = x[:2]
        v.add_(L.ones(2, requires_grad=True))
        return x
    _same(program)


def test_changing_a_view_of_a_tensor_without_grad_is_allowed():
    def program(L):
        x = L.zeros(4)
        with L.no_grad():
            v = x[:2]
        v.add_(1)
        return x, v
    _same(program)


def test_changing_it_inside_no_grad_writes_through():
    def program(L):
        x, v = _view_of_leaf(L, lambda t: t[1])
        with L.no_grad():
            v.mul_(10)
        return x
    _same(program)


def test_a_view_of_the_view_made_in_grad_mode_names_its_op():
    def program(L):
        y = L.arange(12.0).requires_grad_() * 2
        with L.no_grad():
            v = y.view(3, 4)
        w = v.view(12)
        _ = (w.requires_grad, w.is_leaf, w.grad_fn is not None)
        w.add_(1)
        return w
    _same(program)


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
@pytest.mark.parametrize("who", ["base", "view", "leaf base"])
def test_using_the_view_after_an_in_place_change_is_refused(who, mode):
    def program(L):
        w = L.ones(3, requires_grad=True)
        base = w if who == "leaf base" else w * 2
        with getattr(L, mode)():
            v = base[:2]
        with L.no_grad():
            (v if who == "view" else base).add_(1)
        return v * 1
    _same(program)


def test_using_it_after_a_change_is_allowed_under_no_grad_or_without_grad():
    def program(L):
        x = L.ones(3)
        with L.no_grad():
            v = x[:2]
        x.add_(1)
        w = L.ones(3, requires_grad=True) * 2
        with L.no_grad():
            u = w[:2]
            w.add_(1)
            return v * 1, u * 1
    _same(program)


def test_optimizer_step_then_a_view_taken_before_it():
    """The everyday form: a view of a parameter kept from a no_grad block, used after optimizer.step()."""
    def program(L):
        layer = L.nn.Linear(3, 2)
        with L.no_grad():
            first_row = layer.weight[0]
        layer(L.ones(1, 3)).sum().backward()
        L.optim.SGD(layer.parameters(), lr=0.1).step()
        return first_row * 2
    _same(program)


# ----------------------------------------------------------------------------- Tensor.unfold and torch.diag
@pytest.mark.parametrize("shape,dim,size,step", [((7,), 0, 3, 2), ((2, 6), 1, 2, 2), ((2, 6, 3), 1, 4, 1),
                                                 ((5, 4), 0, 5, 3), ((4, 3), -1, 0, 1), ((3,), 0, 1, 5)])
def test_unfold_values_strides_and_gradient(shape, dim, size, step):
    rng = np.random.default_rng(0)
    data = rng.standard_normal(shape)

    def program(L):
        x = L.tensor(data, requires_grad=True)
        u = (x * 1).unfold(dim, size, step)
        upstream = L.tensor(np.arange(u.numel(), dtype=np.float64).reshape(tuple(u.shape)))
        (u * upstream).sum().backward()
        return u, x.grad, u.stride(), u.is_contiguous()
    _same(program)


def test_unfold_is_a_view_that_writes_through():
    def program(L):
        t = L.zeros(2, 6)
        t.unfold(1, 2, 2).add_(L.arange(6.0).reshape(1, 3, 2))
        x = L.ones(2, 6, dtype=L.float64, requires_grad=True)
        y = x * 1
        y.unfold(1, 3, 3).mul_(L.tensor([1.0, 2.0, 3.0], dtype=L.float64))
        y.sum().backward()
        return t, y, x.grad
    _same(program)


def test_unfold_second_derivative():
    def program(L):
        x = L.tensor([1.0, -2.0, 3.0, 0.5, 2.0], dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad((x.unfold(0, 2, 1) ** 3).sum(), x, create_graph=True)
        return L.autograd.grad(g.sum(), x)
    _same(program)


def test_unfold_refuses_a_negative_size():
    _same(lambda L: L.zeros(3, 4).unfold(1, -1, 1))


def test_diag_of_a_matrix_is_a_copy():
    def program(L):
        t = L.zeros(3, 3)
        d = L.diag(t)
        d.add_(1)
        return t, d
    _same(program)


def test_a_loaded_tensor_is_not_a_view():
    """A tensor loaded from a file looks into the file's storage but is no view for autograd, as PyTorch's: it can
    be detached in place, and a view of it taken under no_grad asks it (not the storage) whether to require grad."""
    import io

    def program(L):
        buffer = io.BytesIO()
        L.save([L.arange(6.0)[:2], L.ones(3)], buffer)
        buffer.seek(0)
        first, second = L.load(buffer)
        first.requires_grad_()
        with L.no_grad():
            view = first[:1]
        flags = view.requires_grad, second.storage_offset()
        return flags, first.detach_() is first
    _same(program)


def test_zero_grad_in_place_keeps_a_gradient_that_is_a_view():
    """``zero_grad(set_to_none=False)`` detaches in place only a gradient in a graph, as PyTorch's: a gradient
    that is a view (of a flat buffer, as gradient buckets make) is zeroed, not refused by detach_."""
    def program(L):
        weight = L.nn.Parameter(L.ones(2, 2))
        flat = L.arange(4.0)
        with L.no_grad():
            weight.grad = flat.view(2, 2)
        L.optim.SGD([weight], lr=0.1).zero_grad(set_to_none=False)
        layer = L.nn.Linear(2, 2)
        with L.no_grad():
            layer.weight.grad = L.ones(8)[:4].view(2, 2)
        layer.zero_grad(set_to_none=False)
        return weight.grad, layer.weight.grad
    _same(program)


def test_as_strided_of_a_loaded_tensor_that_requires_grad_passes_its_gradient():
    """A loaded tensor looks into the file's storage, which holds no gradient: as_strided of it, once it
    requires grad, reads the tensor itself, so the gradient arrives (it went to the storage)."""
    import io

    def program(L):
        buffer = io.BytesIO()
        L.save([L.arange(6.0)[1:]], buffer)
        buffer.seek(0)
        loaded, = L.load(buffer)
        loaded.requires_grad_()
        picked = L.as_strided(loaded, (2,), (2,))
        (picked * L.tensor([1.0, 3.0])).sum().backward()
        return picked, loaded.grad
    _same(program)
