"""torch.nn.utils.parametrize and parametrizations.orthogonal against PyTorch: orthogonal's three maps with and
without a trivialization, on square, tall, wide and batched weights, in float32 and float64 (the weight, the
gradient reaching the original, the state_dict keys, and assigning an orthogonal matrix back); and what
register_parametrization does around the values: the original stays the module's own Parameter object, a
parametrization that changes the shape or dtype is refused unless unsafe, removal keeps the object."""
import itertools
import pickle

import numpy as np
import pytest
import torch

import minigrad as M

SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 3)]


def _orthogonal_module(lib, shape, dtype, orthogonal_map, use_trivialization):
    lib.manual_seed(0)
    module = lib.nn.Module()
    module.weight = lib.nn.Parameter(lib.randn(*shape, dtype=getattr(lib, dtype)))
    return lib.nn.utils.parametrizations.orthogonal(module, orthogonal_map=orthogonal_map,
                                                    use_trivialization=use_trivialization)


@pytest.mark.parametrize("shape, orthogonal_map, use_trivialization, dtype",
                         list(itertools.product(SHAPES, [None, "matrix_exp", "cayley", "householder"], [True, False],
                                                ["float64", "float32"])))
def test_orthogonal_as_torch(shape, orthogonal_map, use_trivialization, dtype):
    tolerance = 1e-10 if dtype == "float64" else 2e-5
    outcomes = []
    for lib in (torch, M):
        module = _orthogonal_module(lib, shape, dtype, orthogonal_map, use_trivialization)
        weight = module.weight
        (weight.sum() * weight[..., 0, 0].sum()).backward()
        outcome = [weight.detach().numpy(), module.parametrizations.weight.original.grad.numpy(),
                   sorted(module.state_dict())]
        try:
            module.weight = _orthogonal_module(lib, shape, dtype, None, True).weight.detach().flip(-1)
            outcome.append(module.weight.detach().numpy())
        except NotImplementedError as error:
            outcome.append(str(error))
        outcomes.append(outcome)
    expected, got = outcomes
    assert got[2] == expected[2]
    for have, want in zip(got[:2] + got[3:], expected[:2] + expected[3:]):
        if isinstance(want, str):
            assert have == want
        else:
            assert have.dtype == want.dtype
            np.testing.assert_allclose(have, want, rtol=tolerance, atol=tolerance)


def test_orthogonal_errors_as_torch():
    for lib in (torch, M):
        with pytest.raises(ValueError, match="Expected a matrix or batch of matrices. Got a tensor of 1 dimensions."):
            lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(2, 2), "bias")
        with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp", "cayley", "householder"'):
            lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(2, 2), orthogonal_map="qr")


class _Symmetric(M.nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).mT


class _Halve(M.nn.Module):
    def forward(self, x):
        return x[: x.shape[0] // 2]


def test_the_original_is_the_modules_own_parameter():
    """An optimizer built before the registration still updates what the parametrization reads."""
    linear = M.nn.Linear(3, 3)
    weight = linear.weight
    optimizer = M.optim.SGD(linear.parameters(), lr=0.1)
    M.nn.utils.parametrize.register_parametrization(linear, "weight", _Symmetric())
    assert linear.parametrizations.weight.original is weight
    before = linear.weight.detach().clone()
    linear(M.ones(1, 3)).sum().backward()
    optimizer.step()
    assert not M.equal(linear.weight, before)
    M.nn.utils.parametrize.remove_parametrizations(linear, "weight")
    assert linear.weight is weight and type(linear) is M.nn.Linear
    np.testing.assert_array_equal(weight.detach().numpy(), weight.detach().numpy().T)


def test_registration_checks_as_torch():
    linear = M.nn.Linear(3, 4)
    with pytest.raises(ValueError, match="may not change the shape of the tensor, unless `unsafe` flag is enabled"):
        M.nn.utils.parametrize.register_parametrization(linear, "weight", _Halve())
    assert "weight" in linear._parameters  # nothing changed
    M.nn.utils.parametrize.register_parametrization(linear, "weight", _Halve(), unsafe=True)
    assert tuple(linear.weight.shape) == (2, 3)
    assert M.nn.utils.parametrize.type_before_parametrizations(linear) is M.nn.Linear
    assert type(linear).__name__ == "ParametrizedLinear"
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules is only supported through"):
        pickle.dumps(linear)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        M.nn.utils.parametrize.register_parametrization(linear, "scale", _Halve())


def test_transfer_parametrizations_and_params():
    source, target = M.nn.Linear(3, 3), M.nn.Linear(3, 3)
    M.nn.utils.parametrize.register_parametrization(source, "weight", _Symmetric())
    M.nn.utils.parametrize.transfer_parametrizations_and_params(source, target)
    assert target.parametrizations.weight.original is source.parametrizations.weight.original
    assert M.equal(target.weight, source.weight)
