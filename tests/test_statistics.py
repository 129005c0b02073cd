"""Order statistics (ops/statistics.py) against PyTorch: quantile, nanquantile, nanmedian, mode, cummax,
cummin, cov, corrcoef, histc, searchsorted, bucketize; values, indices and gradients, NaNs included."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare

rng = np.random.default_rng(0)
VALUES = rng.standard_normal((4, 7)).astype(np.float32)
WITH_NAN = VALUES.copy()
WITH_NAN[1, 3] = WITH_NAN[2, 0] = np.nan
WITH_NAN[3] = np.nan


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("q", [0.3, [0.0, 0.25, 0.5, 1.0]])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (0, True), (-1, True)])
def test_quantile(interpolation, q, dim, keepdim, device):
    qs = np.asarray(q, dtype=np.float32)
    # (which of several NaNs takes a gradient is PyTorch's sort's unspecified order: gradients without NaNs)
    for name, values in (("quantile", VALUES), ("nanquantile", VALUES), ("nanquantile", WITH_NAN),
                         ("quantile", WITH_NAN)):
        compare(lambda x, qq: getattr(M, name)(x, qq, dim, keepdim, interpolation=interpolation),
                inputs=[values, qs], requires_grad=[values is VALUES, False],
                torch_fn=lambda x, qq: getattr(torch, name)(x, qq, dim, keepdim, interpolation=interpolation),
                device=device)
    compare(lambda x: x.quantile(0.7, 1), inputs=[VALUES], device=device)


def test_quantile_errors():
    with pytest.raises(RuntimeError):
        M.quantile(M.tensor([1.0, 2.0]), 1.5)
    with pytest.raises(RuntimeError):
        M.quantile(M.tensor([1, 2]), 0.5)
    with pytest.raises(ValueError):
        M.quantile(M.tensor([1.0, 2.0]), 0.5, interpolation="cubic")


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_nanmedian(dim, device):
    if dim is None:
        compare(lambda x: x.nanmedian(), inputs=[WITH_NAN[:3]], device=device)
    else:
        compare(lambda x: M.nanmedian(x, dim, keepdim=True), inputs=[WITH_NAN[:3]],
                torch_fn=lambda x: torch.nanmedian(x, dim, keepdim=True), device=device)
        # an all-NaN slice: NaN (PyTorch's index there follows its sort's unspecified order of NaNs)
        assert M.nanmedian(M.tensor(WITH_NAN, device=device), 1).values[3].isnan().item()
        compare(lambda x: x.nanmedian(dim), inputs=[VALUES], device=device)


def test_mode(device):
    counts = np.array([[1, 2, 2, 3, 3, 0], [5, 5, 5, 1, 1, 1], [4, 4, 4, 4, 4, 4]], np.float32)
    for dim in (0, 1):
        compare(lambda x: x.mode(dim), inputs=[counts], device=device)
    compare(lambda x: M.mode(x, 1, keepdim=True), inputs=[counts.astype(np.int64)],
            torch_fn=lambda x: torch.mode(x, 1, keepdim=True), device=device)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_running_extremes(name, device):
    ties = np.array([[1.0, 3.0, 3.0, 2.0, 5.0, 5.0], [2.0, np.nan, 1.0, np.nan, 7.0, 0.0]], np.float32)
    for dim in (0, 1):
        compare(lambda x: getattr(x, name)(dim), inputs=[VALUES], device=device)
        compare(lambda x: getattr(M, name)(x, dim), inputs=[ties], torch_fn=lambda x: getattr(torch, name)(x, dim),
                device=device)
    compare(lambda x: getattr(x, name)(0), inputs=[np.array([3, 1, 4, 1, 5], np.int64)], device=device)


def test_cov_and_corrcoef(device):
    compare(lambda x: x.cov(), shapes=[(3, 6)], device=device)
    compare(lambda x: M.cov(x, correction=0), shapes=[(6,)], torch_fn=lambda x: torch.cov(x, correction=0),
            device=device)
    fweights = np.array([1, 2, 1, 3, 1, 1], np.int64)
    aweights = rng.uniform(0.5, 2, 6).astype(np.float32)
    compare(lambda x, f, a: M.cov(x, fweights=f, aweights=a), inputs=[VALUES[:3, :6], fweights, aweights],
            requires_grad=[True, False, False], torch_fn=lambda x, f, a: torch.cov(x, fweights=f, aweights=a),
            device=device)
    compare(lambda x: x.corrcoef(), shapes=[(3, 6)], device=device)


def test_histc(device):
    values = rng.standard_normal(200).astype(np.float32)
    for bins, low, high in ((10, 0, 0), (7, -1.0, 1.0), (3, 2.0, 2.0)):
        ours = M.histc(M.tensor(values, device=device), bins, low, high).cpu().numpy()
        np.testing.assert_array_equal(ours, torch.histc(torch.tensor(values), bins, low, high).numpy())
    assert M.tensor(values).histc(5).dtype == M.float32


def test_searchsorted_and_bucketize():
    boundaries = np.array([1.0, 3.0, 3.0, 5.0, 9.0], np.float32)
    values = np.array([[0.0, 3.0, 4.0], [9.0, 10.0, 1.0]], np.float32)
    for right in (False, True):
        ours = M.searchsorted(M.tensor(boundaries), M.tensor(values), right=right)
        assert ours.tolist() == torch.searchsorted(torch.tensor(boundaries), torch.tensor(values), right=right).tolist()
        assert M.bucketize(M.tensor(values), M.tensor(boundaries), right=right).tolist() == \
            torch.bucketize(torch.tensor(values), torch.tensor(boundaries), right=right).tolist()
    rows = np.sort(rng.standard_normal((2, 5)).astype(np.float32), 1)
    ours = M.searchsorted(M.tensor(rows), M.tensor(values), side="right", out_int32=True)
    theirs = torch.searchsorted(torch.tensor(rows), torch.tensor(values), side="right", out_int32=True)
    assert ours.tolist() == theirs.tolist() and ours.dtype == M.int32
