"""torch.nn.utils against PyTorch by random programs: gradient clipping (every norm type, one tensor or many,
mixed dtypes, non-finite gradients), parameters_to_vector and back, the rnn padding and packing helpers,
conv/linear-BatchNorm fusion, weight_norm (both APIs), spectral_norm, pruning and parametrize, each on random
parameters and gradients after the same seed: the result, the gradients and the parameters afterwards equal
PyTorch's (1e-5 in float32), or both raise the same class of error. (Calls where PyTorch 2.13 itself fails
internally, clip_grad_value_ of one tensor without a gradient and get_total_norm of a None, are left out.)"""

import random
import warnings

import numpy as np
import pytest
import torch

import minigrad
from helpers import outcomes_in_both

CALLS = [
    "U.clip_grad_norm_(ps, {mx})",
    "U.clip_grad_norm_(ps, {mx}, norm_type={nt})",
    "U.clip_grad_norm_(ps, {mx}, norm_type='inf')",
    "U.clip_grad_norm_(ps, {mx}, error_if_nonfinite=True)",
    "U.clip_grad_norm_(ps, {mx}, foreach=True)",
    "U.clip_grad_norm_(ps[0], {mx})",
    "U.clip_grad_norm_([], {mx})",
    "U.clip_grad_value_(ps, {mx})",
    "U.clip_grad_value_(ps[0], {mx})",
    "U.clip_grad_value_(ps, {mx}, foreach=False)",
    "U.get_total_norm([p.grad for p in ps if p.grad is not None], {nt})",
    "U.clip_grads_with_norm_(ps, {mx}, L.tensor(2.0))",
    "U.parameters_to_vector(ps)",
    "U.vector_to_parameters(L.arange(sum(p.numel() for p in ps), dtype=L.float32), ps)",
    "U.clip_grad_norm_(ps, {mx}, norm_type=0)",
    "U.clip_grad_norm_(ps, {mx}, norm_type=-1)",
    "U.clip_grad_norm_(ps, {mx}, norm_type=1.5)",
    "U.clip_grad_norm(ps, {mx})",
    "U.parameters_to_vector([])",
    "U.vector_to_parameters(L.ones(3), ps)",
    "U.parameters_to_vector(ps[0])",
    "U.rnn.pad_sequence(seqs)",
    "U.rnn.pad_sequence(seqs, batch_first=True, padding_value={mx})",
    "U.rnn.pad_sequence(seqs, padding_side='left')",
    "U.rnn.pack_sequence(seqs, enforce_sorted=False).data",
    "U.rnn.pack_sequence(seqs, enforce_sorted=False).batch_sizes",
    "U.rnn.pack_sequence(seqs, enforce_sorted=False).sorted_indices",
    "U.rnn.pad_packed_sequence(U.rnn.pack_sequence(seqs, enforce_sorted=False))[0]",
    "U.rnn.pad_packed_sequence(U.rnn.pack_sequence(seqs, enforce_sorted=False), batch_first=True, total_length=9)[1]",
    "U.rnn.pack_sequence(seqs)",
    "U.rnn.unpad_sequence(U.rnn.pad_sequence(seqs), L.tensor([len(s) for s in seqs]))",
    "U.rnn.unpack_sequence(U.rnn.pack_sequence(seqs, enforce_sorted=False))",
    "U.rnn.pack_padded_sequence(U.rnn.pad_sequence(seqs), [len(s) for s in seqs], enforce_sorted=False).data",
    "U.rnn.pack_padded_sequence(U.rnn.pad_sequence(seqs), L.tensor([len(s) for s in seqs]), enforce_sorted=True).data",
    "U.rnn.pack_padded_sequence(U.rnn.pad_sequence(seqs, batch_first=True), [len(s) for s in seqs], batch_first=True, enforce_sorted=False).unsorted_indices",
    "U.rnn.pack_padded_sequence(U.rnn.pad_sequence(seqs), [0] * len(seqs), enforce_sorted=False)",
    "U.fuse_conv_bn_eval(conv.eval(), bn.eval())(L.ones(1, 2, 5, 5))",
    "U.fuse_linear_bn_eval(lin.eval(), bn1.eval())(L.ones(2, 3))",
    "U.convert_conv2d_weight_memory_format(conv, L.channels_last).weight.shape",
    "U.skip_init(L.nn.Linear, 3, 2).weight.shape",
    "U.stateless.functional_call(lin, {{'weight': L.ones(2, 3)}}, (L.ones(1, 3),))",
    "U.parametrizations.weight_norm(lin).parametrizations.weight.original0",
    "U.parametrizations.weight_norm(lin, dim=None).parametrizations.weight.original0",
    "U.parametrizations.weight_norm(lin, dim=1)(L.ones(2, 3))",
    "U.weight_norm(lin).weight_g",
    "U.remove_weight_norm(U.weight_norm(lin)).weight",
    "U.parametrizations.spectral_norm(lin).parametrizations.weight.original",
    "U.prune.l1_unstructured(lin, 'weight', amount=0.5).weight_mask",
    "U.prune.random_unstructured(lin, 'weight', amount=2).weight_mask",
    "U.prune.ln_structured(lin, 'weight', amount=1, n=2, dim=0).weight_mask",
    "U.prune.remove(U.prune.l1_unstructured(lin, 'weight', amount=0.3), 'weight').weight",
    "U.prune.is_pruned(lin)",
    "U.prune.global_unstructured([(lin, 'weight'), (conv, 'weight')], pruning_method=L.nn.utils.prune.L1Unstructured, amount=0.4); lin.weight_mask",
    "U.prune.identity(lin, 'bias').bias_mask",
    "U.prune.l1_unstructured(lin, 'weight', amount=1.5)",
    "U.prune.l1_unstructured(lin, 'weight', amount=-1)",
    "U.parametrize.register_parametrization(lin, 'weight', Sym()).weight",
    "U.parametrize.is_parametrized(lin)",
    "U.parametrize.remove_parametrizations(U.parametrize.register_parametrization(lin, 'weight', Sym()), 'weight', leave_parametrized=False).weight",
    "U.parametrize.type_before_parametrizations(U.parametrize.register_parametrization(lin, 'weight', Sym())).__name__",
    "U.parametrizations.orthogonal(L.nn.Linear(3, 3, dtype=L.float64)).weight.T @ L.nn.Linear(3, 3).weight.new_ones(3, 3)",
    "U.parametrizations.weight_norm(lin).state_dict().keys()",
    "list(U.parametrizations.spectral_norm(lin).state_dict().keys())",
    "str(U.clip_grad_norm_(ps, {mx}, norm_type=2.0).dtype).split('.')[-1]",
    "U.clip_grad_norm_(psmixed, {mx})",
]


class SymT(torch.nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(-1, -2)


class SymM(minigrad.nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(-1, -2)


def run(L, seed):
    """One program: (the call, its result, the gradients and parameters after it)."""
    pick = random.Random(seed)
    call = pick.choice(CALLS).format(
        mx=pick.choice([0.1, 1.0, 5.0, -1.0, 0.0]), nt=pick.choice([1, 2, 3.0, 0.5, float("inf")])
    )
    rng = np.random.default_rng(seed)
    L.manual_seed(seed)
    n = pick.randint(1, 3)
    ps = []
    for i in range(n):
        p = L.nn.Parameter(
            L.tensor(
                rng.standard_normal(tuple(pick.randint(1, 3) for _ in range(pick.randint(0, 2)))).astype(np.float32)
            )
        )
        if i == 0 or pick.random() < 0.85:
            p.grad = L.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * pick.choice([1, 10, 1e-3]))
        if pick.random() < 0.05 and p.grad is not None and p.numel():
            p.grad.view(-1)[0] = float(pick.choice(["nan", "inf"]))
        ps.append(p)
    psmixed = ps + [L.nn.Parameter(L.ones(2, dtype=L.float64))]
    psmixed[-1].grad = L.ones(2, dtype=L.float64)
    seqs = [
        L.tensor(rng.standard_normal((pick.randint(1, 4),) + ((2,) if pick.random() < 0.5 else ())).astype(np.float32))
        for _ in range(pick.randint(1, 3))
    ]
    if seqs and any(s.dim() != seqs[0].dim() for s in seqs):
        seqs = [s.reshape(s.shape[0], -1)[:, :1].reshape(s.shape[0]) for s in seqs]
    L.manual_seed(seed)
    conv = L.nn.Conv2d(2, 3, 3)
    bn = L.nn.BatchNorm2d(3)
    lin = L.nn.Linear(3, 2)
    bn1 = L.nn.BatchNorm1d(2)
    bn.running_mean.uniform_()
    bn.running_var.uniform_(0.5, 2)
    bn1.running_mean.uniform_()
    env = dict(
        U=L.nn.utils,
        L=L,
        ps=ps,
        psmixed=psmixed,
        seqs=seqs,
        conv=conv,
        bn=bn,
        lin=lin,
        bn1=bn1,
        Sym=SymT if L is torch else SymM,
    )
    if ";" in call:
        a, b = call.split(";")
        exec(a, env)
        result = eval(b, env)
    else:
        result = eval(call, env)
    grads = [p.grad for p in ps]
    params = [p.detach() for p in ps]
    return call, result, grads, params


def flat(v):
    if isinstance(v, (tuple, list)):
        return [y for x in v for y in flat(x)]
    if hasattr(v, "keys") and not hasattr(v, "shape"):
        return [str(list(v))]
    if hasattr(v, "data") and hasattr(v, "batch_sizes"):
        return flat([v.data, v.batch_sizes, v.sorted_indices, v.unsorted_indices])
    if hasattr(v, "weight") and hasattr(v, "forward"):
        return [v.weight.detach()]
    if v is None or isinstance(v, (str, bool, int, float)):
        return [v]
    if hasattr(v, "numpy"):
        return [v]
    return [type(v).__name__]


@pytest.mark.parametrize("block", range(4))
def test_nn_utils_programs_match_pytorch(block):
    warnings.filterwarnings("ignore")
    for seed in range(block * 100, block * 100 + 100):
        expected, got, raised = outcomes_in_both(run, seed)
        if raised:
            assert type(got).__name__ == type(expected).__name__, (seed, got, expected)
            continue
        have_all, want_all = flat(list(got[1:])), flat(list(expected[1:]))
        assert len(have_all) == len(want_all), (seed, expected[0])
        for have, want in zip(have_all, want_all):
            if not hasattr(want, "numpy"):
                assert str(have).replace("minigrad", "torch") == str(want), (seed, expected[0])
                continue
            assert hasattr(have, "numpy"), (seed, expected[0])
            h, w = have.detach().numpy(), want.detach().numpy()
            assert h.shape == w.shape and h.dtype == w.dtype, (seed, expected[0])
            np.testing.assert_allclose(h, w, rtol=1e-5, atol=1e-6, err_msg=f"{seed}: {expected[0]}")
