"""Random calls of PyTorch's everyday functions (creation, joining and splitting, reshaping, indexing helpers,
sorting and searching, statistics, linear algebra helpers, special functions) with random arguments, on float64
tensors of 1 to 3 dims, on both libraries: the same dtypes, shapes and values to 1e-9, or the same kind of error.
(This generator showed arange's float32 values (numpy adds in float32, PyTorch in float64) and its length and
checks, cumsum/cumprod of float32 accumulating in float32 where PyTorch's CPU accumulates in float64, cov of one
variable not 0-d, tensordot refusing a size-1 contracted dim, fliplr/flipud of too few dims, clone's
memory_format.)"""

import random
import warnings

import numpy as np
import pytest
import torch

import minigrad

CALLS = [
    "torch.arange({i})",
    "torch.arange({i}, {j})",
    "torch.arange({f}, {g}, {s})",
    "torch.arange(0, 1, 0.1)",
    "torch.arange({i}, dtype=torch.float64)",
    "torch.arange({f}, {g}, {s}, dtype=torch.int64)",
    "torch.linspace({f}, {g}, {i})",
    "torch.logspace({f}, {g}, {i})",
    "torch.logspace(0, 2, {i}, base=2)",
    "torch.eye({i})",
    "torch.eye({i}, {j})",
    "torch.full(({i}, {j}), {f})",
    "torch.full(({i},), {i})",
    "torch.full(({i},), True)",
    "torch.tril_indices({i}, {j})",
    "torch.triu_indices({i}, {j}, {o})",
    "torch.tril_indices({i}, {j}, {o})",
    "torch.meshgrid(x.flatten()[:3], y.flatten()[:2], indexing='ij')[1]",
    "torch.meshgrid(x.flatten()[:3], y.flatten()[:2], indexing='xy')[0]",
    "torch.cartesian_prod(x.flatten()[:3], y.flatten()[:2])",
    "torch.combinations(x.flatten()[:4], r=2)",
    "torch.combinations(x.flatten()[:4], r=2, with_replacement=True)",
    "torch.cat([x, x], {d})",
    "torch.stack([x, x], {d})",
    "torch.hstack([x, x])",
    "torch.vstack([x, x])",
    "torch.dstack([x, x])",
    "torch.column_stack([x, x])",
    "torch.row_stack([x, x])",
    "torch.cat([x, torch.tensor([])])",
    "torch.cat([x.long(), x], 0)",
    "x.split({i}, {d})[-1]",
    "x.split([1, x.shape[{d}] - 1], {d})[1]",
    "x.chunk({i}, {d})[-1]",
    "len(x.chunk({i}, {d}))",
    "x.tensor_split({i}, {d})[-1]",
    "len(x.tensor_split({i}, {d}))",
    "x.tensor_split([1, 2], {d})[1]",
    "x.unbind({d})[0]",
    "x.narrow({d}, 0, 1)",
    "x.unflatten(-1, (1, -1))",
    "x.flatten({d})",
    "x.flatten(0, {d})",
    "x.view(-1, 1)",
    "x.reshape(1, -1)",
    "x.expand(2, *x.shape)",
    "torch.broadcast_tensors(x, y)[1]",
    "torch.broadcast_shapes(x.shape, y.shape)",
    "x.squeeze()",
    "x.squeeze({d})",
    "x.unsqueeze({d})",
    "x.movedim({d}, 0)",
    "x.swapaxes(0, {d})",
    "x.repeat(1, {i}, *([1] * (x.dim() - 1)))",
    "x.tile(({i},))",
    "x.repeat_interleave({i})",
    "x.repeat_interleave({i}, dim={d})",
    "x.repeat_interleave(torch.arange(x.shape[{d}]), dim={d})",
    "x.roll({i})",
    "x.roll(({i}, 1), (0, -1))",
    "torch.rot90(x, {i}, (0, -1))",
    "x.flip((0, -1))",
    "x.fliplr()",
    "x.flipud()",
    "x.gather({d}, torch.zeros_like(x, dtype=torch.long))",
    "torch.take_along_dim(x, x.argsort({d}), {d})",
    "torch.take_along_dim(x, x.flatten().argsort())",
    "torch.searchsorted(x.flatten().sort()[0], y.flatten())",
    "torch.searchsorted(x.flatten().sort()[0], y.flatten(), right=True)",
    "torch.bucketize(y, x.flatten().sort()[0])",
    "torch.bucketize(y, x.flatten().sort()[0], right=True)",
    "torch.histc(x, bins={i})",
    "torch.histc(x, bins=4, min=-1, max=1)",
    "torch.bincount((x.abs() * 3).long().flatten())",
    "torch.bincount((x.abs() * 3).long().flatten(), "
    "weights=y.flatten()[:x.numel()] if y.numel() >= x.numel() else None)",
    "torch.bincount((x.abs() * 3).long().flatten(), minlength=10)",
    "x.round().unique()",
    "x.round().unique(return_inverse=True)[1]",
    "x.round().unique(return_counts=True)[1]",
    "x.round().unique(dim={d})",
    "x.round().unique(sorted=False).sort()[0]",
    "x.round().flatten().unique_consecutive()",
    "x.round().flatten().unique_consecutive(return_counts=True)[1]",
    "x.round().unique_consecutive(return_inverse=True, dim={d})[1]",
    "x.round().sort(dim={d}, stable=True)[1]",
    "x.round().sort(dim={d}, descending=True, stable=True)[1]",
    "x.round().argsort(dim={d}, stable=True)",
    "x.round().argsort(descending=True, stable=True)",
    "x.topk(1, {d}, largest=False)[0]",
    "x.topk(min(2, x.shape[{d}]), {d})[1]",
    "x.kthvalue(1, {d})[1]",
    "x.round().mode({d})[0]",
    "x.round().mode({d})[1]",
    "x.median({d})[1]",
    "x.round().median({d})[1]",
    "x.quantile(0.3)",
    "x.quantile(0.3, dim={d})",
    "x.quantile(torch.tensor([0.1, 0.9], dtype=x.dtype), dim={d}, keepdim=True)",
    "x.quantile(0.5, interpolation='{interp}')",
    "x.nanquantile(0.25)",
    "x.cumsum({d}, dtype=torch.float32)",
    "x.cummin({d})[1]",
    "x.cummax({d})[1]",
    "x.diag()",
    "torch.diag(x.flatten())",
    "torch.diag(x.flatten(), {o})",
    "torch.diag_embed(x)",
    "torch.diag_embed(x, {o}, 0, -1)",
    "x.diagonal({o})",
    "x.diagonal({o}, 0, -1)",
    "x.trace()",
    "x.tril({o})",
    "x.triu({o})",
    "torch.einsum('...i,...i->...', x, x)",
    "torch.einsum('i...->...', x)",
    "torch.tensordot(x, x, dims=1)",
    "torch.tensordot(x, x, dims=([0], [0]))",
    "torch.kron(x, y)",
    "torch.outer(x.flatten(), y.flatten())",
    "torch.cdist(x.reshape(-1, 1), y.reshape(-1, 1))",
    "torch.cdist(x.reshape(-1, 1), y.reshape(-1, 1), p=1)",
    "x.norm(p={p})",
    "x.norm(p={p}, dim={d})",
    "x.norm(p='fro')",
    "x.norm(p='nuc')",
    "x.renorm(2, 0, 1.0)",
    "x.dist(torch.zeros_like(x), {p})",
    "torch.vander(x.flatten()[:3])",
    "torch.vander(x.flatten()[:3], N=4, increasing=True)",
    "torch.block_diag(x, y)",
    "torch.atleast_1d(x)",
    "torch.atleast_2d(x)",
    "torch.atleast_3d(x)",
    "x.masked_select(x > 0)",
    "x.masked_scatter(x > 0, y.expand_as(x) if True else y)",
    "x.nonzero()",
    "x.nonzero(as_tuple=True)[0]",
    "torch.argwhere(x > 0)",
    "torch.where(x > 0)[-1]",
    "x.count_nonzero({d})",
    "torch.isin(x.round(), y.round())",
    "torch.isin(x.round(), y.round(), invert=True)",
    "torch.allclose(x, x + 1e-9)",
    "torch.equal(x, x.clone())",
    "x.std(correction=0)",
    "x.var({d}, correction=2)",
    "torch.var_mean(x, {d})[0]",
    "torch.std_mean(x, {d}, correction=0)[0]",
    "x.aminmax()[0]",
    "x.aminmax(dim={d})[1]",
    "x.nanmean({d})",
    "x.nanmedian()",
    "x.nansum({d})",
    "x.prod({d}, dtype=torch.float32)",
    "x.logsumexp(({d},))",
    "x.sum(dim=())",
    "x.mean(dim=[])",
    "x.amax(dim=())",
    "x.max(dim={d}, keepdim=True).indices",
    "x.argmax({d}, keepdim=True)",
    "x.argmin()",
    "torch.cov(x.reshape(x.shape[0], -1))",
    "torch.corrcoef(x.reshape(x.shape[0], -1))",
    "torch.cumulative_trapezoid(x, dim={d})",
    "torch.trapezoid(x, dim={d})",
    "torch.trapz(x)",
    "x.new_full((2,), 3)",
    "x.new_empty((2,)).shape",
    "x.new_ones(3, dtype=torch.int32)",
    "torch.zeros_like(x, dtype=torch.bool)",
    "torch.full_like(x, 7)",
    "torch.empty_like(x).shape",
    "x.clone(memory_format=torch.contiguous_format)",
    "x.contiguous().is_contiguous()",
    "x.t().is_contiguous() if x.dim() <= 2 else x.transpose(0,1).is_contiguous()",
    "x.stride()",
    "x.transpose(0, -1).stride()",
    "x.storage_offset()",
    "x.numel()",
    "x.nelement()",
    "x.dim()",
    "x.size({d})",
    "x.shape[{d}]",
    "x.element_size()",
    "x.T",
    "x.mT if x.dim() >= 2 else x",
    "x.H if x.dim() == 2 else x",
    "x.ravel()",
    "x.view_as(x)",
    "x.reshape_as(x)",
    "x.expand_as(x)",
    "x.type_as(x.long())",
    "x.long().to(x)",
    "torch.clamp(x, min=y.min(), max=y.max()) if True else 0",
    "x.lerp(y, 0.3)",
    "torch.addmm(x.reshape(x.shape[0], -1)[:, :1], x.reshape(x.shape[0], -1), x.reshape(x.shape[0], -1).T[:, :1])",
    "torch.baddbmm(torch.zeros(1, 2, 2, dtype=x.dtype), x.reshape(1, 1, -1).expand(1, 2, -1), "
    "x.reshape(1, -1, 1).expand(1, -1, 2))",
    "torch.addr(torch.zeros(x.numel(), y.numel(), dtype=x.dtype), x.flatten(), y.flatten())",
    "torch.addmv(torch.zeros(2, dtype=x.dtype), x.flatten().expand(2, -1), x.flatten())",
    "torch.mv(x.flatten().expand(2, -1), x.flatten())",
    "torch.inner(x, x)",
    "torch.vdot(x.flatten(), x.flatten())",
    "torch.chain_matmul(x.reshape(1, -1), x.reshape(-1, 1))",
    "torch.linalg.multi_dot([x.reshape(1, -1), x.reshape(-1, 1)])",
    "torch.matrix_power(x.reshape(-1)[:4].reshape(2, 2) if x.numel() >= 4 else torch.eye(2, dtype=x.dtype), {i})",
    "torch.frac(x)",
    "torch.logit(x.sigmoid())",
    "torch.logit(x.sigmoid(), eps=0.1)",
    "x.clip(-0.5, 0.5)",
    "torch.signbit(x)",
    "torch.float_power(x, 2)",
    "torch.true_divide(x, 2)",
    "x.logaddexp(y)",
    "x.logaddexp2(y)",
    "torch.special.expit(x)",
    "torch.special.entr(x.abs())",
    "torch.special.log_ndtr(x)",
    "torch.special.ndtri(x.sigmoid())",
    "torch.special.i0(x)",
    "torch.special.xlog1py(x, y.abs())",
    "torch.special.softmax(x, {d})",
    "torch.nn.functional.one_hot((x.abs() * 2).long().flatten())",
    "torch.nn.functional.one_hot((x.abs() * 2).long().flatten(), 8)",
    "torch.nn.functional.normalize(x, p=1, dim={d})",
    "torch.nn.functional.pairwise_distance(x.reshape(1, -1), y.reshape(1, -1)) if x.numel() == y.numel() else x",
    "torch.nn.functional.cosine_similarity(x, x * 2, dim={d})",
    "torch.nn.functional.pdist(x.reshape(x.shape[0], -1))",
]


def program(seed):
    """(the call, with its arguments filled in but for the dim, and a seed for the inputs and the dim)."""
    pick = random.Random(seed)
    call = pick.choice(CALLS)
    fill = dict(
        i=pick.randint(1, 4),
        j=pick.randint(0, 5),
        f=pick.choice([-2.5, 0, 1, 3.5]),
        g=pick.choice([-1, 2, 5.5]),
        s=pick.choice([0.5, 1, 2, -1, -0.5]),
        o=pick.randint(-2, 2),
        p=pick.choice([1, 2, 3, 0, "float('inf')", "-float('inf')", 0.5]),
        interp=pick.choice(["linear", "lower", "higher", "midpoint", "nearest"]),
    )
    return call, fill, seed


def run(lib, call, fill, seed):
    pick = random.Random(seed)
    shape = tuple(pick.randint(1, 4) for _ in range(pick.randint(1, 3)))
    other = tuple(pick.randint(1, 3) for _ in range(pick.randint(1, 2)))
    values = np.random.default_rng(pick.randrange(1 << 30))
    x = lib.tensor(values.standard_normal(shape), dtype=lib.float64)
    y = lib.tensor(values.standard_normal(other), dtype=lib.float64)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = eval(call.format(d=pick.randrange(-x.dim(), x.dim()), **fill), {"torch": lib, "x": x, "y": y})
    except Exception as error:
        return type(error).__name__
    if isinstance(out, (tuple, list)) and out and hasattr(out[0], "shape"):
        return [(str(o.dtype).replace("torch.", ""), tuple(o.shape), o.numpy()) for o in out]
    if hasattr(out, "numpy"):
        return [(str(out.dtype).replace("torch.", ""), tuple(out.shape), out.numpy())]
    return tuple(out) if isinstance(out, tuple) else out


@pytest.mark.parametrize("first", range(0, 3000, 1000))
def test_random_calls_as_torch(first):
    for seed in range(first, first + 1000):
        case = program(seed)
        theirs, ours = run(torch, *case), run(minigrad, *case)
        label = (seed, case[0].format(d="d", **case[1]))
        if not isinstance(theirs, list):
            assert ours == theirs or isinstance(theirs, float) and np.isclose(ours, theirs), (label, ours, theirs)
            continue
        assert isinstance(ours, list) and len(ours) == len(theirs), (label, ours)
        for mine, reference in zip(ours, theirs):
            assert mine[:2] == reference[:2], (label, mine[:2], reference[:2])
            np.testing.assert_allclose(
                mine[2].astype(np.float64), reference[2].astype(np.float64), rtol=1e-9, atol=1e-12, err_msg=str(label)
            )
