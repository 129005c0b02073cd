"""nn.Module against torch.nn.Module: state_dict keys and round trips, traversal, modes, repr, errors."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from helpers import compare

TOL = dict(atol=1e-5, rtol=1e-4)


def _with_buffer(lib_nn, zeros):
    """A custom module (same code for both libraries) with a parameter, buffers, a child and no bias."""

    class Scaled(lib_nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = lib_nn.Linear(4, 3, bias=False)
            self.scale = lib_nn.Parameter(zeros(3) + 1.5)
            self.register_buffer("offset", zeros(3) + 0.25)
            self.register_buffer("cache", zeros(2), persistent=False)

        def forward(self, x):
            return self.proj(x) * self.scale + self.offset

    return Scaled()


def _trees(lib_nn, zeros):
    """Module trees built identically from either library's ``nn``."""
    return {
        "mlp": lambda: lib_nn.Sequential(lib_nn.Linear(4, 5), lib_nn.ReLU(), lib_nn.Linear(5, 3)),
        "nested": lambda: lib_nn.Sequential(
            lib_nn.Sequential(lib_nn.Linear(4, 6), lib_nn.Tanh()),
            lib_nn.ModuleList([lib_nn.Linear(6, 6), lib_nn.Identity(), lib_nn.Linear(6, 3)]),
            lib_nn.ModuleDict({"head": lib_nn.Linear(3, 2), "act": lib_nn.Sigmoid()})),
        "custom": lambda: _with_buffer(lib_nn, zeros),
        "batchnorm": lambda: lib_nn.BatchNorm2d(3),
        "ordered": lambda: lib_nn.Sequential(OrderedDict([("fc", lib_nn.Linear(4, 2)), ("out", lib_nn.Softmax(1))])),
    }


OURS, THEIRS = _trees(nn, minigrad.zeros), _trees(torch.nn, torch.zeros)
INPUT_SHAPES = {"mlp": (2, 4), "nested": (2, 4), "custom": (2, 4), "batchnorm": (2, 3, 4, 4), "ordered": (2, 4)}


def _forward_nested(model, x):
    h = model[0](x)
    for layer in model[1]:
        h = layer(h)
    return model[2]["act"](model[2]["head"](h))


def _forward(name, model, x):
    return _forward_nested(model, x) if name == "nested" else model(x)


def _loaded_pair(name):
    torch.manual_seed(0)
    theirs = THEIRS[name]()
    if name == "batchnorm":  # non-trivial statistics, so loading them is visible
        theirs.running_mean.uniform_(-1, 1)
        theirs.running_var.uniform_(0.5, 2)
        theirs.weight.data.uniform_(0.5, 2)
        theirs.num_batches_tracked.fill_(7)
    ours = OURS[name]()
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours, theirs


@pytest.mark.parametrize("name", list(OURS))
def test_state_dict_keys_and_order_equal_torch(name):
    ours, theirs = OURS[name](), THEIRS[name]()
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert isinstance(sd[key], minigrad.Tensor) and tuple(sd[key].shape) == tuple(value.shape)
        assert sd[key].dtype == value.numpy().dtype and not sd[key].requires_grad
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]


def test_shared_module_appears_under_every_name_as_in_torch():
    shared, tshared = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    ours, theirs = nn.Sequential(shared, nn.ReLU(), shared), torch.nn.Sequential(tshared, torch.nn.ReLU(), tshared)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 2  # parameters are not repeated
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(shared.weight.detach().numpy(), tshared.weight.detach().numpy())


@pytest.mark.parametrize("name", list(OURS))
def test_load_torch_state_dict_gives_equal_outputs(name):
    ours, theirs = _loaded_pair(name)
    ours.eval(), theirs.eval()
    x = np.random.default_rng(0).standard_normal(INPUT_SHAPES[name]).astype(np.float32)
    with minigrad.no_grad(), torch.no_grad():
        out = _forward(name, ours, minigrad.tensor(x)).numpy()
        ref = _forward(name, theirs, torch.tensor(x)).numpy()
    np.testing.assert_allclose(out, ref, **TOL)
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy(), err_msg=key)


@pytest.mark.parametrize("name", list(OURS))
def test_round_trip_back_to_torch(name):
    minigrad.manual_seed(3)
    ours = OURS[name]()
    if name == "batchnorm":
        ours.train()
        ours(minigrad.randn(4, 3, 2, 2))  # running statistics and num_batches_tracked move
    theirs = THEIRS[name]()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), ours.state_dict()[key].numpy(), err_msg=key)
        assert value.dtype == torch.from_numpy(ours.state_dict()[key].numpy()).dtype


def test_state_dict_shares_memory_and_load_copies_as_torch():
    model, reference = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    for m in (model, reference):
        sd = m.state_dict()
        sd["weight"][...] = 42.0  # detached tensors looking into the parameters, as torch's
        assert (m.weight.detach().numpy() == 42.0).all() and not sd["weight"].requires_grad
        assert m.state_dict(keep_vars=True)["weight"] is m.weight
    loaded = {k: v.clone() for k, v in model.state_dict().items()}
    loaded["weight"][...] = 7.0
    model.load_state_dict(loaded)
    loaded["weight"][...] = 0.0
    assert (model.weight.detach().numpy() == 7.0).all()  # load copies
    assert list(model.state_dict(prefix="net.")) == ["net.weight", "net.bias"]


def _snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_load_state_dict_errors_list_every_problem_and_change_nothing():
    torch.manual_seed(0)
    model = OURS["nested"]()
    before = _snapshot(model)
    source = {k: v.numpy() + 1 for k, v in THEIRS["nested"]().state_dict().items()}
    del source["1.0.bias"]
    source["1.2.weight"] = np.zeros((5, 6), np.float32)
    source["extra.weight"] = np.zeros(3, np.float32)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(source)
    message = str(info.value)
    assert 'Missing key(s) in state_dict: "1.0.bias"' in message
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in message
    assert "size mismatch for 1.2.weight" in message and "Size([5, 6]) from checkpoint" in message and "Size([3, 6])." in message
    after = _snapshot(model)
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_load_state_dict_non_strict_returns_key_lists():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2))
    source = {"0.weight": np.ones((2, 3), np.float32), "2.weight": np.ones((2, 2), np.float32)}
    missing, unexpected = model.load_state_dict(source, strict=False)
    assert missing == ["0.bias", "1.weight", "1.bias"] and unexpected == ["2.weight"]
    assert (model[0].weight.detach().numpy() == 1).all()
    torch_result = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 2)).load_state_dict(
        {k: torch.from_numpy(v) for k, v in source.items()}, strict=False)
    assert (missing, unexpected) == (torch_result.missing_keys, torch_result.unexpected_keys)
    # A shape mismatch is an error even when strict=False, as in torch; nothing is written.
    before = _snapshot(model)
    with pytest.raises(RuntimeError, match="size mismatch for 0.bias"):
        model.load_state_dict({"0.weight": np.zeros((2, 3), np.float32), "0.bias": np.zeros(5)}, strict=False)
    np.testing.assert_array_equal(model.state_dict()["0.weight"].numpy(), before["0.weight"])


def test_load_state_dict_accepts_tensors_and_keeps_dtypes():
    bn = nn.BatchNorm2d(2)
    sd = {k: minigrad.tensor(v.numpy()) for k, v in torch.nn.BatchNorm2d(2).state_dict().items() if k != "running_var"}
    sd["running_var"] = np.array([2, 3], np.float64)
    sd["num_batches_tracked"] = np.array(5)
    bn.load_state_dict(sd)
    assert bn.running_var.dtype == minigrad.float32 and bn.num_batches_tracked.dtype == minigrad.int64
    assert bn.num_batches_tracked.item() == 5 and bn.running_var.tolist() == [2.0, 3.0]


def test_parameters_buffers_children_modules():
    model = OURS["custom"]()
    assert [n for n, _ in model.named_parameters()] == ["scale", "proj.weight"]
    assert [n for n, _ in model.named_buffers()] == ["offset", "cache"]  # non-persistent: a buffer, not state
    assert list(model.state_dict()) == ["scale", "offset", "proj.weight"]
    assert [n for n, _ in model.named_parameters(recurse=False)] == ["scale"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert list(model.children()) == [model.proj]
    assert list(model.modules()) == [model, model.proj]
    assert model.proj.bias is None and "bias" not in dict(model.proj.named_parameters())
    assert [n for n, _ in model.named_parameters(prefix="net")] == ["net.scale", "net.proj.weight"]


def test_train_eval_zero_grad_requires_grad():
    model = OURS["nested"]()
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="boolean"):
        model.train("no")
    _forward_nested(model, minigrad.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    held = model[0][0].weight.grad
    model.zero_grad(set_to_none=False)
    assert model[0][0].weight.grad is held and not held.numpy().any()
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.requires_grad_(False) is model and not any(p.requires_grad for p in model.parameters())
    out = _forward_nested(model, minigrad.randn(2, 4))
    assert not out.requires_grad
    model.requires_grad_()
    assert all(p.requires_grad for p in model.parameters())


@pytest.mark.parametrize("build", [
    lambda n: n.Sequential(n.Linear(4, 5), n.ReLU(), n.Linear(5, 3)),
    lambda n: n.Sequential(n.Flatten(), n.Linear(8, 4, bias=False), n.LeakyReLU(0.2), n.Dropout(0.3),
                           n.Sequential(n.Tanh(), n.Identity()), n.LogSoftmax(dim=1)),
    lambda n: n.ModuleList([n.Linear(2, 2), n.Linear(2, 2), n.Linear(2, 2), n.ReLU(), n.ReLU(), n.Linear(2, 3)]),
    lambda n: n.ModuleDict({"a": n.Linear(2, 2), "b": n.Sigmoid()}),
    lambda n: n.Sequential(n.CrossEntropyLoss(), n.MSELoss(), n.L1Loss(), n.BCEWithLogitsLoss(), n.NLLLoss()),
], ids=["mlp", "mixed", "modulelist-runs", "moduledict", "losses"])
def test_repr_equals_torch(build):
    assert repr(build(nn)) == repr(build(torch.nn))


def test_assignment_type_checks():
    model = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="weight"):
        model.weight = minigrad.zeros(3, 2)
    with pytest.raises(TypeError, match="Parameter"):
        model.register_parameter("extra", minigrad.zeros(2))
    seq = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(TypeError):
        seq.add_module("x", 3)
    with pytest.raises(KeyError, match="already exists"):
        model.register_buffer("in_features", minigrad.zeros(1))
    with pytest.raises(KeyError, match=r'"\."'):
        model.register_buffer("a.b", minigrad.zeros(1))
    model.bias = None  # None is allowed, and removes it from the state
    assert list(model.state_dict()) == ["weight"]
    model.weight = nn.Parameter(minigrad.ones(3, 2))
    assert model.state_dict()["weight"].sum() == 6
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


def test_to_cpu_and_double():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    x = minigrad.randn(5, 3)
    model(x).sum().backward()
    assert model.to("cpu") is model
    assert model.double() is model
    assert all(p.dtype == minigrad.float64 for p in model.parameters())
    assert all(p.grad.dtype == minigrad.float64 for p in model.parameters())
    assert model[1].running_mean.dtype == minigrad.float64
    assert model[1].num_batches_tracked.dtype == minigrad.int64  # integer buffers keep their dtype
    assert model(x.double()).dtype == minigrad.float64
    assert model.float()(x).dtype == minigrad.float32
    assert str(model[0].weight.device) == "cpu"


@pytest.mark.parametrize("name,kwargs", [("ReLU", {}), ("LeakyReLU", dict(negative_slope=0.2)), ("Sigmoid", {}),
                                         ("Tanh", {}), ("Softmax", dict(dim=1)), ("LogSoftmax", dict(dim=-1)),
                                         ("Identity", {}), ("Flatten", {}), ("Flatten", dict(start_dim=0, end_dim=1))])
def test_layer_modules_match_torch(name, kwargs):
    compare(lambda x: getattr(nn, name)(**kwargs)(x), shapes=[(2, 3, 4)],
            torch_fn=lambda x: getattr(torch.nn, name)(**kwargs)(x))


def test_linear_matches_torch_with_and_without_bias():
    for bias in (True, False):
        torch.manual_seed(0)
        theirs = torch.nn.Linear(4, 3, bias=bias)
        ours = nn.Linear(4, 3, bias=bias)
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
        params = [v.detach().numpy() for v in theirs.state_dict().values()]
        compare(lambda x, *p: nn.functional.linear(x, *p), inputs=[np.ones((2, 5, 4), np.float32)] + params,
                torch_fn=lambda x, *p: torch.nn.functional.linear(x, *p))
        np.testing.assert_allclose(ours(minigrad.ones(2, 4)).detach().numpy(),
                                   theirs(torch.ones(2, 4)).detach().numpy(), **TOL)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x5 and 4x3\)"):
        nn.Linear(4, 3)(minigrad.ones(2, 5))


def test_dropout_train_and_eval():
    drop = nn.Dropout(0.25)
    x = minigrad.ones(200, 100)
    minigrad.manual_seed(0)
    y = drop(x).numpy()
    # 20000 draws: the kept fraction has std sqrt(.25 * .75 / 20000) ~ 0.003; 0.015 is five std.
    assert abs((y == 0).mean() - 0.25) < 0.015
    np.testing.assert_allclose(y[y != 0], 1 / 0.75, rtol=1e-6)  # kept values scaled by 1 / (1 - p)
    minigrad.manual_seed(0)
    np.testing.assert_array_equal(drop(x).numpy(), y)  # reproducible under manual_seed
    assert (drop.eval()(x).numpy() == 1).all()
    assert (nn.Dropout(1.0)(x).numpy() == 0).all()
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.functional.dropout(x, 1.5)
    g = minigrad.ones(4, 5, requires_grad=True)
    out = nn.Dropout(0.5)(g)
    out.sum().backward()
    np.testing.assert_array_equal(g.grad.numpy(), out.detach().numpy())  # the mask times the scale


def test_container_indexing_matches_torch():
    for lib in (nn, torch.nn):
        seq = lib.Sequential(lib.Linear(2, 3), lib.ReLU(), lib.Linear(3, 1))
        assert isinstance(seq[-1], lib.Linear) and len(seq) == 3 and len(list(iter(seq))) == 3
        assert list(seq[1:].state_dict()) == ["2.weight", "2.bias"]  # a slice keeps the children's names
        layers = lib.ModuleList([lib.Linear(1, 1), lib.Tanh()])
        layers.append(lib.Linear(1, 2))
        assert list(layers[1:].state_dict()) == ["1.weight", "1.bias"]  # a ModuleList slice renumbers
        heads = lib.ModuleDict({"a": lib.Linear(1, 1)})
        heads["b"] = lib.Linear(1, 2)
        assert list(heads) == ["a", "b"] and "b" in heads and list(heads.state_dict())[-1] == "b.bias"


def test_sequential_setitem_replaces_a_child_in_place():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    seq[1] = nn.Tanh()
    seq[-1] = nn.Linear(3, 2)
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert seq(minigrad.randn(4, 2)).shape == (4, 2)
    with pytest.raises(IndexError, match="out of range"):
        seq[3] = nn.ReLU()

