import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare, raises_as_torch


@pytest.mark.parametrize("fn", [
    lambda x: x.reshape(6, 4), lambda x: x.reshape(-1), lambda x: x.reshape((4, -1, 2)), lambda x: x.view(3, 8),
    lambda x: x.view(-1, 4), lambda x: x.flatten(), lambda x: x.flatten(1), lambda x: x.flatten(0, 1),
    lambda x: x.flatten(-2, -1), lambda x: x.permute(2, 0, 1), lambda x: x.permute((1, 2, 0)),
    lambda x: x.transpose(0, 2), lambda x: x.transpose(-1, 1), lambda x: x.unsqueeze(0), lambda x: x.unsqueeze(-1),
    lambda x: x.unsqueeze(2), lambda x: x.unsqueeze(1).squeeze(), lambda x: x.unsqueeze(0).squeeze(0),
    lambda x: x.permute(1, 0, 2).reshape(3, 8), lambda x: x.permute(1, 0, 2).contiguous().view(3, 8),
    lambda x: x.clone() * 2, lambda x: x.swapaxes(0, 1)])
def test_reshaping_and_permuting(fn, device):
    compare(fn, shapes=[(2, 3, 4)], device=device)


def test_squeeze_variants():
    compare(lambda x: x.squeeze(), shapes=[(1, 3, 1, 2)])
    compare(lambda x: x.squeeze(2), shapes=[(1, 3, 1, 2)])
    compare(lambda x: x.squeeze(1), shapes=[(1, 3, 1, 2)])  # not size 1: unchanged
    compare(lambda x: x.squeeze((0, -2)), shapes=[(1, 3, 1, 2)])


def test_transpose_t_and_T():
    compare(lambda x: x.t(), shapes=[(3, 5)])
    compare(lambda x: x.T, shapes=[(3, 5)])
    compare(lambda x: x.t(), shapes=[(4,)])
    with pytest.raises(RuntimeError, match="3D"):
        minigrad.ones(2, 2, 2).t()


@pytest.mark.parametrize("shape,sizes", [((3, 1), (3, 4)), ((1, 3), (2, 5, 3)), ((2, 1, 1), (-1, 3, 4)),
                                         ((4,), (2, 4)), ((2, 3), (2, 3))])
def test_expand(shape, sizes, device):
    compare(lambda x: x.expand(*sizes), shapes=[shape], device=device)
    compare(lambda x: x.expand(sizes) * 3, shapes=[shape], device=device)


def test_expand_as_view_as_reshape_as():
    compare(lambda x, y: x.expand_as(y) * y, shapes=[(3, 1), (3, 4)])
    compare(lambda x, y: x.view_as(y) + y, shapes=[(2, 6), (3, 4)])
    compare(lambda x, y: x.reshape_as(y) + y, shapes=[(12,), (3, 4)])


def test_views_share_memory_and_contiguous():
    x = minigrad.randn(2, 3)
    assert np.shares_memory(x.reshape(3, 2).array, x.array)
    assert np.shares_memory(x.t().array, x.array)
    assert np.shares_memory(x[1:, ::2].array, x.array)
    assert not x.t().is_contiguous() and x.t().contiguous().is_contiguous()
    assert x.contiguous() is x


@pytest.mark.parametrize("index", [
    0, -1, (1, 2), slice(1, 3), (slice(None), 1), (Ellipsis, 2), (None, 0), (slice(None, None, 2), slice(1, None, 2)),
    (1, Ellipsis, None), (slice(-3, -1), None, slice(0, 1)), [0, 2, 2], ([0, 2, 2], [1, 1, 4]),
    (slice(None), [3, 0, 3, 3]), (Ellipsis, [1, 1]), ([[0, 1], [1, 0]],)],
    ids=lambda i: repr(i).replace(" ", ""))
def test_getitem_basic_and_integer_arrays(index, device):
    compare(lambda x: x[index], shapes=[(3, 5)], device=device)


def test_getitem_with_index_tensors_accumulates_repeated_positions():
    idx = np.array([2, 0, 2, 2, 1])
    compare(lambda x: x[minigrad.tensor(idx)], shapes=[(4, 3)], torch_fn=lambda x: x[torch.tensor(idx)])
    rows, cols = np.array([[0, 0], [1, 0]]), np.array([1, 1])
    compare(lambda x: x[minigrad.tensor(rows), :, minigrad.tensor(cols)], shapes=[(2, 3, 4)],
            torch_fn=lambda x: x[torch.tensor(rows), :, torch.tensor(cols)])
    x = minigrad.zeros(3, requires_grad=True)
    x[minigrad.tensor([1, 1, 1, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 3, 0])


def test_getitem_with_boolean_mask():
    rng = np.random.default_rng(1)
    mask = rng.random((3, 4)) > 0.5
    compare(lambda x: x[minigrad.tensor(mask)], shapes=[(3, 4)], torch_fn=lambda x: x[torch.tensor(mask)])
    compare(lambda x: x[minigrad.tensor(mask[:, 0])], shapes=[(3, 4)],
            torch_fn=lambda x: x[torch.tensor(mask[:, 0])])
    compare(lambda x: x[x > 0], shapes=[(3, 4)])


def test_getitem_errors_and_iteration():
    x = minigrad.arange(6).reshape(2, 3)
    with pytest.raises(IndexError):
        x[5]
    with pytest.raises(IndexError, match="long, int, byte or bool"):
        x[minigrad.tensor([0.0])]
    assert [row.tolist() for row in x] == [[0, 1, 2], [3, 4, 5]]
    assert x[1, 2].item() == 5 and x[0].dtype == minigrad.int64


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_and_stack(dim, device):
    compare(lambda a, b, c: minigrad.cat([a, b, c], dim=dim), shapes=[(2, 3, 4)] * 3,
            torch_fn=lambda a, b, c: torch.cat([a, b, c], dim=dim), device=device)
    compare(lambda a, b: minigrad.stack([a, b], dim=dim), shapes=[(2, 3, 4)] * 2,
            torch_fn=lambda a, b: torch.stack([a, b], dim=dim), device=device)
    compare(lambda a, b: minigrad.stack((a, b), dim=3), shapes=[(2, 3, 4)] * 2,
            torch_fn=lambda a, b: torch.stack((a, b), dim=3), device=device)


def test_cat_uneven_sizes_and_same_tensor_twice():
    compare(lambda a, b: minigrad.cat([a, b, a], 1), shapes=[(2, 1, 3), (2, 4, 3)],
            torch_fn=lambda a, b: torch.cat([a, b, a], 1))
    compare(lambda a, b: minigrad.cat([a, b]), inputs=[np.ones((2, 2), np.float32), np.arange(4).reshape(2, 2)],
            torch_fn=lambda a, b: torch.cat([a, b]))  # promotes the int64 tensor, as torch


def test_cat_and_stack_errors_as_torch():
    raises_as_torch(lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]))
    raises_as_torch(lambda lib: lib.stack([lib.ones(2, 3), lib.ones(3, 2)]))


@pytest.mark.parametrize("sections", [2, 3, [1, 4], [2, 0, 3]])
def test_split_and_chunk(sections, device):
    compare(lambda x: x.split(sections, dim=1), shapes=[(2, 5)], device=device)
    compare(lambda x: minigrad.split(x, sections, 1), shapes=[(2, 5)], torch_fn=lambda x: torch.split(x, sections, 1),
            device=device)
    if isinstance(sections, int):
        compare(lambda x: x.chunk(sections, -1), shapes=[(2, 5)], device=device)


@pytest.mark.parametrize("pad", [(1, 2), (1, 1, 2, 0), (0, 0, 0, 0, 1, 1), (-1, 2), (2, -1, -1, 1)])
def test_pad_constant(pad, device):
    compare(lambda x: F.pad(x, pad), shapes=[(2, 3, 4)], torch_fn=lambda x: torch.nn.functional.pad(x, pad),
            device=device)
    compare(lambda x: F.pad(x, pad, value=-1.5), shapes=[(2, 3, 4)],
            torch_fn=lambda x: torch.nn.functional.pad(x, pad, value=-1.5), device=device)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad,shape", [((1, 2), (2, 3, 5)), ((2, 1, 0, 2), (2, 3, 4, 5)), ((1, 0, 2, 2), (3, 4, 5)),
                                       ((1, 1, 0, 2, 2, 0), (1, 2, 3, 4, 5))])
def test_pad_other_modes(mode, pad, shape, device):
    compare(lambda x: F.pad(x, pad, mode=mode), shapes=[shape],
            torch_fn=lambda x: torch.nn.functional.pad(x, pad, mode=mode), device=device)


def test_pad_errors():
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(minigrad.ones(2, 3), (1,))
    for shape, pads, mode in [((1, 2, 3), (3, 0), "reflect"), ((1, 1, 3, 3), (0, 0, 0, 3), "reflect"),
                              ((1, 1, 2, 2, 2), (0, 0, 0, 0, 2, 0), "reflect"), ((1, 1, 6), (8, 8), "circular")]:
        with pytest.raises(RuntimeError) as expected:  # PyTorch's messages
            torch.nn.functional.pad(torch.ones(*shape), pads, mode=mode)
        with pytest.raises(RuntimeError) as got:
            F.pad(minigrad.ones(*shape), pads, mode=mode)
        assert str(got.value) == str(expected.value)
    with pytest.raises(NotImplementedError, match="padding size 2.*4D"):
        F.pad(minigrad.ones(1, 2, 3, 4), (1, 1), mode="replicate")


def test_reshape_and_view_errors_as_torch():
    x = minigrad.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        x.reshape(4, 2)
    with pytest.raises(RuntimeError, match=r"shape '\[4, -1\]' is invalid for input of size 6"):
        x.view(4, -1)
    with pytest.raises(RuntimeError, match="reshape"):
        x.t().view(6)
    with pytest.raises(RuntimeError, match=r"expanded size.*4.*3"):
        x.expand(2, 4)
    with pytest.raises(RuntimeError, match="duplicate dims are not allowed"):
        x.permute(0, 0)


def test_in_place_helpers():
    minigrad.manual_seed(0)
    w = minigrad.empty(200, 50)
    assert w.uniform_(-2, 3) is w
    assert w.min().item() >= -2 and w.max().item() < 3 and w.dtype == minigrad.float32
    w.normal_(1.0, 0.5)
    assert abs(w.mean().item() - 1.0) < 0.02 and abs(w.std().item() - 0.5) < 0.02
    minigrad.manual_seed(0)
    again = minigrad.empty(200, 50).uniform_(-2, 3)
    minigrad.manual_seed(0)
    np.testing.assert_array_equal(again.numpy(), minigrad.empty(200, 50).uniform_(-2, 3).numpy())
    view = w[:, 0]
    view.fill_(7.0)  # writes through the view, as in PyTorch
    assert np.all(w.numpy()[:, 0] == 7) and not np.any(w.numpy()[:, 1] == 7)
    w.zero_()
    assert not np.any(w.numpy())
    w.copy_(minigrad.arange(50))  # broadcast and cast
    np.testing.assert_array_equal(w.numpy()[3], np.arange(50, dtype=np.float32))
    assert w.dtype == minigrad.float32
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(200, 50\)"):
        w.copy_(minigrad.ones(3))


def test_in_place_on_leaf_requiring_grad_needs_no_grad():
    p = minigrad.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        p.zero_()
    with minigrad.no_grad():
        p.uniform_(0, 1)
        p.copy_(minigrad.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(p.detach().numpy(), [1, 2, 3])
    e = minigrad.ones(3).expand(2, 3)
    e.fill_(2.0)  # a read-only broadcast view gets its own storage instead of failing
    np.testing.assert_array_equal(e.numpy(), np.full((2, 3), 2.0))


@pytest.mark.parametrize("fn", [
    lambda x: x.reshape(4, 6), lambda x: x.permute(2, 0, 1) * x.permute(2, 0, 1), lambda x: x.expand(2, 2, 3, 4),
    lambda x: x[1, ::2, [0, 0, 3]], lambda x: x[x > 0], lambda x: minigrad.cat([x, x * 2], 1),
    lambda x: minigrad.stack([x, x], -1), lambda x: F.pad(x, (1, -1, 2, 0)), lambda x: F.pad(x, (2, 1, 1, 0), mode="reflect"),
    lambda x: x.split([1, 2], 1)[1], lambda x: x.squeeze(0).unsqueeze(-1).flatten(1)],
    ids=["reshape", "permute", "expand", "index", "mask", "cat", "stack", "pad", "reflect", "split", "squeeze"])
def test_gradcheck_shape_ops(fn):
    x = minigrad.randn(2, 3, 4, dtype=minigrad.float64, requires_grad=True)
    assert minigrad.gradcheck(fn, (x,))


def test_getitem_from_integer_tensor_used_by_elementwise():
    i = minigrad.tensor([1, 2, 3])
    assert i[0:2].tolist() == [1, 2] and i[0:2].dtype == minigrad.int64


def test_setitem_writes_in_place_like_torch():
    m, t = minigrad.zeros(3, 4), torch.zeros(3, 4)
    for target in (m, t):
        target[0] = 1.0
        target[1:, ::2] = 2.5
        target[2, [1, 3]] = -1.0
        target[target > 2] = 9.0
    m[:, 0] = minigrad.tensor([7, 8, 9])  # an int tensor is cast, as torch
    t[:, 0] = torch.tensor([7, 8, 9])
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    p = minigrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        p[0] = 3.0
    with pytest.raises(RuntimeError, match="zero-dimensional"):
        minigrad.cat([minigrad.tensor(1.0), minigrad.tensor(2.0)])


MIXED_INDICES = [  # integers with index arrays: PyTorch applies the integers first (numpy would move the block)
    (0, slice(None), [1, 3]), (slice(None), 1, [1, 3]), ([0], slice(None), [1]), (0, slice(None), [1, 2], slice(None)),
    (slice(None), 0, slice(None), [1, 2]), (1, [0, 2], slice(None), [1, 2]), (Ellipsis, 0, [1, 2]),
    (0, Ellipsis, [1, 2]), (0, slice(None), [True, False, True, False]), (slice(None), [0, 1], 2, [1, 3]),
    (1, slice(1, 3), [[0], [2]], 4), (0, None, slice(None), [1, 2]), ("t0", slice(None), [1, 3])]


@pytest.mark.parametrize("index", MIXED_INDICES, ids=[str(i) for i in range(len(MIXED_INDICES))])
def test_integers_with_index_arrays_read_write_and_differentiate_as_torch(index, device):
    def lift(lib, idx):  # lists as index tensors; "t0" a 0-d integer tensor, which indexes as an integer
        return tuple(lib.tensor(p) if isinstance(p, list) else lib.tensor(0) if p == "t0" else p for p in idx)
    values = np.arange(120.0).reshape(2, 3, 4, 5)
    compare(lambda x: x[lift(minigrad if isinstance(x, minigrad.Tensor) else torch, index)] * 1.5,
            inputs=[values], device=device)
    region = torch.tensor(values)[lift(torch, index)].shape
    written = np.random.default_rng(0).standard_normal(tuple(region))
    ours, theirs = minigrad.tensor(values, device=device), torch.tensor(values)
    ours[lift(minigrad, index)] = minigrad.tensor(written, device=device)
    theirs[lift(torch, index)] = torch.tensor(written)
    np.testing.assert_array_equal(ours.cpu().numpy(), theirs.numpy())


def test_diagonal_is_a_view_and_integer_sums_are_int64():
    for lib in (minigrad, torch):
        x = lib.zeros(2, 3)
        x.diagonal().fill_(7)
        x.diagonal(1).add_(1)
        y = lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)
        results = [x.tolist(), y.diagonal(0, 1, 2).tolist(), y.diagonal(-1, 2, 0).tolist()]
        if lib is minigrad:
            ours = results
        else:
            assert ours == results
    for dtype in ("uint8", "int8", "int16", "int32", "bool"):
        t = minigrad.tensor([1, 1], dtype=getattr(minigrad, dtype))
        assert {str(r.dtype) for r in (t.sum(), t.sum(0), t.prod(), t.cumsum(0), t.cumprod(0))} == {"int64"}
    compare(lambda x: x.diagonal(1, 0, 2) * 2, shapes=[(3, 2, 4)])


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((3,), (4,)), ((2, 3), (4,)), ((3,), (4, 5)), ((2, 4, 3), (4, 5)),
                                    ((2, 4, 3), (2, 4, 5)), ((2, 4, 3), (3, 4, 5)), ((3, 2, 4, 3), (2, 4, 5)),
                                    ((3,), (2, 4, 5)), ((2, 4, 3), (5,))])
def test_matmul_shape_errors_carry_torchs_message(shapes):
    raises_as_torch(lambda lib: lib.ones(shapes[0]) @ lib.ones(shapes[1]))


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2, 3) + lib.ones(4),
                                  lambda lib: lib.ones(3, 1, 5) * lib.ones(2, 4, 1),
                                  lambda lib: lib.ones(2, 3).view(4), lambda lib: lib.ones(2, 3).view(-1, -1),
                                  lambda lib: lib.ones(2, 3).reshape(-1, 4), lambda lib: lib.ones(2, 3).view(-1, 0),
                                  lambda lib: lib.ones(2, 3).view(-2, -3), lambda lib: lib.ones(0, 3).view(-1, 0)])
def test_broadcast_and_view_errors_carry_torchs_message(make):
    raises_as_torch(make)


def test_shape_ops_return_a_new_view_or_the_tensor_itself_as_torch():
    """``x.reshape(x.shape)`` or ``x.squeeze()`` with nothing to squeeze is a new view in PyTorch (a hook or
    retain_grad on it sees its own gradient, not x's), ``roll(0)`` and ``flip([])`` copies; ``flatten`` of a 1-d
    tensor and ``contiguous`` of a contiguous one are the tensor itself."""
    found = []
    for lib in (minigrad, torch):
        x, v = lib.ones(2, 3, requires_grad=True), lib.ones(3)
        found.append([x.squeeze() is x, x.reshape(2, 3) is x, x.permute(0, 1) is x, x.expand(2, 3) is x,
                      x.transpose(0, 0) is x, x.squeeze(0) is x, x.squeeze().is_leaf, v.t() is v, v.flatten() is v,
                      x.flatten(1) is x, x.contiguous() is x, v.roll(0, 0) is v, v.flip([]) is v])
        v.roll(0, 0).add_(1)
        v.flip([]).add_(1)
        found[-1].append(v.tolist())
        h = x * 2
        seen = []
        same = h.reshape(2, 3)
        same.register_hook(seen.append)
        (same.sum() + (h * 3).sum()).backward()  # the hook sees same's gradient (ones), not h's (fours)
        found[-1].append(seen[0].tolist())
    assert found[0] == found[1]
