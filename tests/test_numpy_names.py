"""numpy's keyword names, which PyTorch's built-in ops take beside their own: ``axis`` for ``dim``, ``keepdims``
for ``keepdim``. Each case runs on both libraries and must give the same values."""
import numpy as np
import pytest
import torch

import minigrad

CASES = ["x.sum(axis=0, keepdims=True)", "x.mean(axis=1)", "x.max(axis=0)[0]", "x.argmax(axis=1)", "x.std(axis=0)",
         "lib.cat([x, x], axis=0)", "x.softmax(axis=1)", "lib.sum(x, axis=1)", "x.cumsum(axis=0)",
         "lib.stack([x, x], axis=1)", "x.unsqueeze(axis=0)", "x.amax(axis=0)", "x.logsumexp(axis=0)",
         "x.var(axis=0)", "x.prod(axis=0)", "(x > 0).all(axis=1)", "x.median(axis=0)[0]", "x.sort(axis=0)[0]",
         "x.count_nonzero(axis=0)", "x.topk(1, axis=0)[1]", "x.gather(axis=0, index=lib.zeros(1, 3, dtype=lib.long))",
         "x.repeat_interleave(2, axis=0)", "lib.diff(x, axis=0)", "x.narrow(axis=0, start=0, length=1)",
         "x.log_softmax(axis=0)", "lib.chunk(x, 3, axis=1)[0]", "x.unbind(axis=0)[1]", "x.cummax(axis=0)[1]",
         "x.sum(0, keepdims=True)", "lib.mean(x, axis=0, keepdims=True)", "lib.max(x, axis=1)[1]",
         "lib.argmax(x, axis=0)", "lib.softmax(x, axis=0)", "lib.std_mean(x, axis=0)[1]", "lib.amin(x, axis=1)",
         "lib.any(x > 1, axis=0)", "lib.index_select(x, axis=0, index=lib.tensor([1]))", "lib.median(x, axis=0)[1]",
         "lib.nanmean(x, axis=0)", "lib.unbind(x, axis=0)[0]", "lib.prod(x, axis=1, keepdims=True)"]


@pytest.mark.parametrize("expression", CASES)
def test_axis_and_keepdims_as_torch(expression):
    values = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
    results = [eval(expression, {"lib": lib, "x": lib.tensor(values)}).numpy() for lib in (minigrad, torch)]
    # (the keyword is what is tested: softmax's exp may round one ulp apart, as README's elementwise note says)
    np.testing.assert_allclose(*results, rtol=1e-6, atol=0)
    assert results[0].shape == results[1].shape and results[0].dtype == results[1].dtype


def test_both_names_at_once_is_an_error():
    with pytest.raises(TypeError, match="axis"):
        minigrad.ones(2, 3).sum(axis=0, dim=1)
