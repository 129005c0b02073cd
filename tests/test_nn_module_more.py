"""More of nn.Module's semantics against PyTorch: a replaced child keeps its place, nn.Buffer, DataParallel,
NLLLoss2d, the parameter containers' repr and order, the schedulers' state_dict keys,
AdaptiveLogSoftmaxWithLoss."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from helpers import compare


def test_a_replaced_child_or_parameter_keeps_its_place():
    """Replacing a layer of a pretrained network (``resnet.conv1 = Conv2d(1, ...)``, then
    ``Sequential(*children())``) keeps the order PyTorch keeps."""
    orders = []
    for lib in (minigrad, torch):
        m = lib.nn.Module()
        m.conv1, m.bn1, m.fc = lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4), lib.nn.Linear(4, 2)
        m.scale, m.shift = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.zeros(1))
        m.conv1 = lib.nn.Conv2d(1, 4, 3)
        m.scale = lib.nn.Parameter(lib.ones(2))
        orders.append(([name for name, _ in m.named_children()], list(m.state_dict())))
        assert m.conv1.in_channels == 1 and tuple(m.scale.shape) == (2,)
    assert orders[0] == orders[1] and orders[0][0] == ["conv1", "bn1", "fc"]


def test_buffer_assigned_as_an_attribute():
    for lib in (minigrad, torch):
        m = lib.nn.Module()
        m.kept = lib.nn.Buffer(lib.ones(2))
        m.scratch = lib.nn.Buffer(lib.zeros(3), persistent=False)
        assert list(m.state_dict()) == ["kept"] and [tuple(b.shape) for b in m.buffers()] == [(2,), (3,)]
        assert isinstance(m.kept, lib.nn.Buffer) and not isinstance(lib.ones(1), lib.nn.Buffer)
        assert type(m.kept) is lib.Tensor  # a plain tensor, as PyTorch's
        m.scratch = lib.ones(3)  # a tensor assigned to a buffer's name replaces it, keeping it non-persistent
        assert list(m.state_dict()) == ["kept"] and m.scratch.tolist() == [1.0, 1.0, 1.0]
        m.plain = 3
        with pytest.raises(KeyError, match="already exists"):
            m.plain = lib.nn.Buffer(lib.zeros(1))
    x = minigrad.ones(2, requires_grad=True)
    assert minigrad.nn.Buffer(x * 2).requires_grad and minigrad.nn.Buffer(x * 2)._ctx is None


def test_data_parallel_runs_the_module_under_module():
    theirs = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    ours = nn.DataParallel(nn.Linear(3, 2))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict()) == \
        ["module.weight", "module.bias"]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    compare(ours, torch_fn=theirs, inputs=[x])
    out = nn.parallel.data_parallel(ours.module, minigrad.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_nll_loss_2d_is_nll_loss_with_its_warning():
    scores = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    target = np.random.default_rng(1).integers(0, 3, (2, 4, 4))
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        ours = nn.NLLLoss2d()
    with pytest.warns(FutureWarning):
        theirs = torch.nn.NLLLoss2d()
    compare(ours, torch_fn=theirs, inputs=[scores, target])


def test_parameter_containers_repr_and_order_as_torch():
    def build(lib):
        return (lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(2, 3).double())]),
                lib.nn.ParameterDict({"w": lib.nn.Parameter(lib.ones(2)), "v": lib.nn.Parameter(lib.ones(2).double())}),
                lib.nn.Sequential(lib.nn.Linear(1, 1), lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2))])))
    for ours, theirs in zip(build(minigrad), build(torch)):
        assert repr(ours).replace("minigrad.", "torch.") == repr(theirs)
    assert list(build(minigrad)[1].keys()) == ["v", "w"]  # a plain dict's keys sorted, as PyTorch's update
    ordered = nn.ParameterDict(OrderedDict([("w", nn.Parameter(minigrad.ones(1))), ("v", nn.Parameter(minigrad.ones(1)))]))
    assert list(ordered.keys()) == ["w", "v"]


def test_scheduler_state_dict_keys_as_torch():
    for name, args in (("StepLR", (1,)), ("LambdaLR", (lambda epoch: 0.5,)), ("OneCycleLR", (0.1, 10))):
        states = [list(getattr(lib.optim.lr_scheduler, name)(lib.optim.SGD(lib.nn.Linear(2, 2).parameters(), lr=0.1),
                                                               *args).state_dict()) for lib in (minigrad, torch)]
        assert states[0] == states[1], name


def test_adaptive_log_softmax_with_loss_equals_torch():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 8)), np.array([0, 3, 5, 9, 12, 2])
    results, state = [], None
    for lib in (torch, minigrad):
        module = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 13, [4, 9], div_value=2.0, head_bias=True).double()
        if state is None:
            state = {k: v.detach().numpy() for k, v in module.state_dict().items()}
        else:
            module.load_state_dict(state)
        inputs = lib.tensor(x, requires_grad=True)
        out = module(inputs, lib.tensor(y))
        out.loss.backward()
        results.append([out.output, out.loss, inputs.grad, module.head.weight.grad, module.tail[1][0].weight.grad,
                        module.log_prob(lib.tensor(x)), module.predict(lib.tensor(x)),
                        module(lib.tensor(x[0]), lib.tensor(y[0])).output, repr(module)])
    for ours, theirs in zip(results[1], results[0]):
        if isinstance(ours, str):
            assert ours == theirs
        else:
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    with pytest.raises(RuntimeError, match="Target values should be in"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 13, [4, 9])(minigrad.ones(1, 8), minigrad.tensor([13]))
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 13, [9, 4])


def test_tied_parameters_listed_once_unless_asked_and_to_empty_and_compile():
    results = []
    for library in (minigrad, torch):
        nn_ = library.nn
        model = nn_.Sequential(nn_.Linear(2, 2), nn_.Linear(2, 2))
        model[1].weight = model[0].weight  # tied
        model.register_buffer("shared", library.ones(1))
        results.append(([n for n, _ in model.named_parameters()],
                        [n for n, _ in model.named_parameters(remove_duplicate=False)],
                        [n for n, _ in model.named_buffers(remove_duplicate=False)],
                        tuple(model.to_empty(device="cpu")[0].weight.shape), model.compile()))
        from importlib import import_module
        assert import_module(library.__name__ + ".nn.parameter").UninitializedParameter is not None
    assert results[0] == results[1]
