"""The same seed gives PyTorch's numbers: every draw made after ``manual_seed`` (or from a seeded ``Generator``)
equals PyTorch's bit for bit, and leaves both generators at the same place (the next ``rand`` agrees too)."""
import importlib
from fractions import Fraction

import numpy as np
import pytest
import torch

import minigrad
from minigrad import exact_arithmetic, sampling


def _flat(value):
    """A draw's arrays, in order: a tensor, or lists and state dicts of them."""
    if isinstance(value, (list, tuple)):
        return [array for item in value for array in _flat(item)]
    if isinstance(value, dict):
        return [array for key in value for array in [np.array(list(key))] + _flat(value[key])]
    return [value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)]


def same_draws(make, seed=0):
    """``make(lib)`` after ``lib.manual_seed(seed)`` gives equal values and dtypes in both libraries, and both
    global generators end at the same place."""
    torch.manual_seed(seed)
    minigrad.manual_seed(seed)
    expected, got = _flat(make(torch)), _flat(make(minigrad))
    assert len(got) == len(expected)
    for have, want in zip(got, expected):
        np.testing.assert_array_equal(have, want)
        assert have.dtype == want.dtype
    assert torch.rand(1).item() == minigrad.rand(1).item()
    assert torch.randn(1, dtype=torch.float64).item() == minigrad.randn(1, dtype=minigrad.float64).item()


def data(lib):
    """``torch.utils.data`` or ``minigrad.utils.data``."""
    return importlib.import_module(f"{lib.__name__}.utils.data")


def module_state(lib, make):
    """A new module's floating point state (PyTorch's BatchNorm counts batches in int64)."""
    return {name: value for name, value in make(lib).state_dict().items() if value.dtype != lib.int64}


MEANS = [0.25 * k - 2 for k in range(20)]
WEIGHTS = [[0.5, 0.0, 2.0, 1.5, 0.25, 3.0, 0.0, 1.0, 0.75, 4.0], [1.0] * 10, [0.1 * k for k in range(10)]]


CASES = {
    "rand": lambda t: t.rand(3, 5),
    "rand float64": lambda t: t.rand(7, dtype=t.float64),
    "randn 3": lambda t: t.randn(3),
    "randn 16": lambda t: t.randn(4, 4),
    "randn 1000 then 5": lambda t: [t.randn(10, 100), t.randn(5)],
    "randn 37 float64": lambda t: t.randn(37, dtype=t.float64),
    "randn odd pieces float64": lambda t: [t.randn(3, dtype=t.float64), t.randn(1, dtype=t.float64),
                                           t.randn(2, dtype=t.float64)],
    "randint": lambda t: t.randint(-3, 11, (6, 7)),
    "randint above 2**32": lambda t: t.randint(0, 2 ** 40, (9,)),
    "randint high only": lambda t: t.randint(5, (10,)),
    "randperm": lambda t: t.randperm(33),
    "rand_like": lambda t: t.rand_like(t.zeros(4, 3, dtype=t.float64)),
    "randn_like": lambda t: t.randn_like(t.zeros(40)),
    "randint_like": lambda t: t.randint_like(t.zeros(8), 3, 9),
    "normal numbers": lambda t: t.normal(2.0, 3.0, (20,)),
    "normal tensor mean": lambda t: t.normal(t.tensor(MEANS), 0.5),
    "normal tensor std": lambda t: t.normal(1.5, t.tensor(MEANS).abs()),
    "normal both tensors": lambda t: t.normal(t.tensor(MEANS), t.tensor(MEANS).abs()),
    "uniform_": lambda t: t.empty(50).uniform_(-0.37, 1.9),
    "uniform_ float64": lambda t: t.empty(50, dtype=t.float64).uniform_(-1 / 3, 2 / 3),
    "uniform_ transposed": lambda t: t.empty(6, 9).t().uniform_(),
    "normal_ transposed (one by one)": lambda t: t.empty(6, 9).t().normal_(1.0, 0.3),
    "normal_ contiguous": lambda t: t.empty(6, 9).normal_(-1.0, 0.02),
    "bernoulli float32 p": lambda t: t.bernoulli(t.arange(40) / 39.0),
    "bernoulli float64 p": lambda t: t.bernoulli(t.arange(40, dtype=t.float64) / 39.0),
    "bernoulli_ number": lambda t: t.empty(30).bernoulli_(0.3),
    "bernoulli_ tensor": lambda t: t.zeros(3, 4).bernoulli_(t.full((4,), 0.6)),
    "random_ int64": lambda t: t.empty(9, dtype=t.int64).random_(),
    "random_ float32": lambda t: t.empty(9).random_(),
    "random_ uint8": lambda t: t.empty(9, dtype=t.uint8).random_(),
    "random_ bounds": lambda t: t.empty(9, dtype=t.int32).random_(-4, 8),
    "random_ to": lambda t: t.empty(9).random_(6),
    "exponential_": lambda t: t.empty(40).exponential_(1.5),
    "exponential_ float64": lambda t: t.empty(40, dtype=t.float64).exponential_(),
    "geometric_": lambda t: t.empty(40).geometric_(0.3),
    "cauchy_": lambda t: t.empty(40, dtype=t.float64).cauchy_(0.5, 2.0),
    "log_normal_ after a cached normal": lambda t: [t.randn(1, dtype=t.float64), t.empty(7).log_normal_(1.0, 0.5)],
    "multinomial one sample": lambda t: t.multinomial(t.tensor(WEIGHTS), 1),
    "multinomial without replacement": lambda t: t.multinomial(t.tensor(WEIGHTS, dtype=t.float64), 4),
    "multinomial with replacement": lambda t: t.multinomial(t.tensor(WEIGHTS), 30, replacement=True),
    "WeightedRandomSampler": lambda t: [list(data(t).WeightedRandomSampler(WEIGHTS[0], size, replacement))
                                        for size, replacement in ((20, True), (6, False))],
    "poisson": lambda t: t.poisson(t.tensor([0.0, 0.5, 3.0, 9.99, 10.0, 25.0, 1000.0] * 3)),
    "poisson float64": lambda t: t.poisson(t.tensor([2.5, 40.0], dtype=t.float64)),
    "binomial": lambda t: t.binomial(t.tensor([10.0, 100.0, 1000.0, 7.0, 50.0, 0.0, 1e5] * 3),
                                     t.tensor([0.3, 0.5, 0.01, 0.9, 0.95, 0.5, 0.4] * 3)),
    "binomial float64": lambda t: t.binomial(t.tensor([20.0, 3.0], dtype=t.float64),
                                             t.tensor([0.7, 0.2], dtype=t.float64)),
    "_standard_gamma": lambda t: t._standard_gamma(t.tensor([0.01, 0.5, 1.0, 7.5, 300.0] * 4)),
    "_sample_dirichlet": lambda t: t._sample_dirichlet(t.tensor([[0.5, 2.0, 1.0], [30.0, 0.1, 4.0]])),
    "rrelu float32": lambda t: t.nn.functional.rrelu(t.tensor(MEANS), training=True),
    "rrelu float64": lambda t: t.nn.functional.rrelu(t.tensor(MEANS, dtype=t.float64), 0.01, 0.7, training=True),
    "dropout": lambda t: t.nn.functional.dropout(t.ones(8, 10), 0.3),
    "dropout2d": lambda t: t.nn.functional.dropout2d(t.ones(2, 6, 3, 3), 0.5),
    "alpha_dropout": lambda t: t.nn.functional.alpha_dropout(t.ones(50), 0.2, True),
    "feature_alpha_dropout": lambda t: t.nn.functional.feature_alpha_dropout(t.ones(3, 4, 2), 0.4, True),
    "Dropout module": lambda t: t.nn.Dropout(0.1)(t.ones(20)),
    "dropout of a transposed input (its memory order)": lambda t: t.nn.functional.dropout(t.ones(4, 6).t(), 0.5),
    "dropout of a permuted and of a strided input": lambda t: [t.nn.functional.dropout(t.ones(2, 3, 4).permute(
        2, 0, 1), 0.5), t.nn.functional.dropout(t.ones(4, 6)[:, ::2], 0.5)],
    "randn and rand of shape ()": lambda t: [t.randn(()), t.rand(()), t.empty(()).normal_()],
    "kaiming_uniform_": lambda t: t.nn.init.kaiming_uniform_(t.empty(16, 8, 3, 3), nonlinearity="relu"),
    "kaiming_normal_ fan_out": lambda t: t.nn.init.kaiming_normal_(t.empty(16, 8, 3, 3), mode="fan_out"),
    "xavier_uniform_": lambda t: t.nn.init.xavier_uniform_(t.empty(30, 20), gain=1.4),
    "xavier_normal_": lambda t: t.nn.init.xavier_normal_(t.empty(7, 3)),
    "trunc_normal_ wide": lambda t: t.nn.init.trunc_normal_(t.empty(64, 32)),
    "trunc_normal_ narrow": lambda t: t.nn.init.trunc_normal_(t.empty(64, 32), 0.0, 1.0, 1.5, 3.0),
    "trunc_normal_ ViT": lambda t: t.nn.init.trunc_normal_(t.empty(20, 20), std=0.02),
    "sparse_": lambda t: t.nn.init.sparse_(t.empty(10, 6), 0.4),
    "Linear": lambda t: module_state(t, lambda lib: lib.nn.Linear(13, 7)),
    "Conv2d": lambda t: module_state(t, lambda lib: lib.nn.Conv2d(3, 8, 3, padding=1)),
    "Conv1d and Conv3d": lambda t: [module_state(t, lambda lib: lib.nn.Conv1d(4, 6, 5)),
                                    module_state(t, lambda lib: lib.nn.Conv3d(2, 3, 2, bias=False))],
    "ConvTranspose2d": lambda t: module_state(t, lambda lib: lib.nn.ConvTranspose2d(8, 4, 2, stride=2)),
    "Embedding": lambda t: module_state(t, lambda lib: lib.nn.Embedding(20, 6, padding_idx=0)),
    "Bilinear": lambda t: module_state(t, lambda lib: lib.nn.Bilinear(3, 4, 5)),
    "BatchNorm2d and LayerNorm": lambda t: [module_state(t, lambda lib: lib.nn.BatchNorm2d(5)),
                                            module_state(t, lambda lib: lib.nn.LayerNorm(5))],
    "LSTM": lambda t: module_state(t, lambda lib: lib.nn.LSTM(10, 20, num_layers=2, bidirectional=True)),
    "GRU and RNN": lambda t: [module_state(t, lambda lib: lib.nn.GRU(4, 6)),
                              module_state(t, lambda lib: lib.nn.RNN(4, 6, nonlinearity="relu"))],
    "cells": lambda t: [module_state(t, lambda lib: lib.nn.LSTMCell(3, 5)),
                        module_state(t, lambda lib: lib.nn.GRUCell(3, 5))],
    "MultiheadAttention": lambda t: module_state(t, lambda lib: lib.nn.MultiheadAttention(16, 4)),
    "TransformerEncoderLayer": lambda t: module_state(t, lambda lib: lib.nn.TransformerEncoderLayer(16, 4, 32)),
    "PReLU and EmbeddingBag": lambda t: [module_state(t, lambda lib: lib.nn.PReLU(3)),
                                         module_state(t, lambda lib: lib.nn.EmbeddingBag(10, 4))],
    "small CNN": lambda t: module_state(t, lambda lib: lib.nn.Sequential(
        lib.nn.Conv2d(1, 32, 3), lib.nn.ReLU(), lib.nn.Conv2d(32, 64, 3), lib.nn.Dropout(0.25),
        lib.nn.Flatten(), lib.nn.Linear(9216, 128), lib.nn.Linear(128, 10))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_seed_same_numbers(name):
    same_draws(CASES[name], seed=len(name))


@pytest.mark.parametrize("make", [
    lambda t: t.nn.TransformerEncoderLayer(16, 4, 32, batch_first=True, norm_first=True)(t.randn(2, 5, 16)),
    lambda t: t.nn.TransformerDecoderLayer(16, 4, 32)(t.randn(5, 2, 16), t.randn(3, 2, 16)),
    lambda t: t.nn.LSTM(4, 6, num_layers=2, dropout=0.5)(t.randn(5, 2, 4))[0],
    lambda t: t.nn.MultiheadAttention(16, 4, dropout=0.2)(*[t.randn(5, 2, 16)] * 3)[0],
], ids=["TransformerEncoderLayer", "TransformerDecoderLayer", "LSTM", "MultiheadAttention"])
def test_layers_in_training_draw_pytorchs_weights_and_dropout_masks(make):
    """Seeded layers in training mode: PyTorch's initial weights, inputs and dropout masks, so their outputs agree
    to float32 rounding (a mask that differed would move values by their own size)."""
    torch.manual_seed(0)
    minigrad.manual_seed(0)
    expected, got = make(torch).detach().numpy(), make(minigrad).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert torch.rand(1).item() == minigrad.rand(1).item()


def test_gumbel_softmax_noise_is_pytorchs():
    """The noise is -log of PyTorch's exponential draws; the log (numpy's against Sleef) may differ in its last
    bit, so the samples agree to float32 rounding and the generators end at the same place."""
    logits = np.linspace(-2, 2, 60, dtype=np.float32).reshape(3, 20)
    torch.manual_seed(4)
    minigrad.manual_seed(4)
    expected = torch.nn.functional.gumbel_softmax(torch.tensor(logits), tau=0.5).numpy()
    got = minigrad.nn.functional.gumbel_softmax(minigrad.tensor(logits), tau=0.5).numpy()
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-7)
    assert torch.rand(1).item() == minigrad.rand(1).item()


def test_seeded_generators_and_their_states():
    same_draws(lambda t: t.randn(40, generator=t.Generator().manual_seed(11)))
    same_draws(lambda t: t.rand(5, generator=t.Generator().manual_seed(2 ** 64 - 1)))
    mine, theirs = minigrad.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    for size in (3, 700, 1, 2):  # a Box-Muller value is kept between calls; a twist is due after 624 words
        np.testing.assert_array_equal(minigrad.randn(size, dtype=minigrad.float64, generator=mine).numpy(),
                                      torch.randn(size, dtype=torch.float64, generator=theirs).numpy())
        np.testing.assert_array_equal(mine.get_state().numpy(), theirs.get_state().numpy())  # PyTorch's bytes
    theirs_state = theirs.get_state()
    expected = torch.randn(5, dtype=torch.float64, generator=theirs).numpy()
    restored = minigrad.Generator().set_state(minigrad.tensor(theirs_state.numpy()))
    np.testing.assert_array_equal(minigrad.randn(5, dtype=minigrad.float64, generator=restored).numpy(), expected)
    torch.manual_seed(4)
    minigrad.set_rng_state(torch.get_rng_state().numpy())
    assert minigrad.rand(1).item() == torch.rand(1).item()
    with pytest.raises(RuntimeError, match="size 5056"):
        minigrad.Generator().set_state(minigrad.zeros(10, dtype=minigrad.uint8))
    assert minigrad.manual_seed(3) is minigrad.default_generator and minigrad.initial_seed() == 3


def test_data_loading_order_follows_the_global_seed():
    values = np.arange(50, dtype=np.float32)

    def epochs(t):
        loader = data(t).DataLoader(data(t).TensorDataset(t.tensor(values)), batch_size=7, shuffle=True)
        return [[batch[0].tolist() for batch in loader] for _ in range(2)]
    same_draws(epochs, seed=5)
    same_draws(lambda t: [list(part.indices) for part in
                          data(t).random_split(range(10), [3, 7])])
    same_draws(lambda t: list(data(t).RandomSampler(
        range(9), replacement=True, num_samples=40)))
    same_draws(lambda t: list(data(t).SubsetRandomSampler(
        [5, 1, 8, 2])))


def test_a_pass_on_the_global_generator_resumes_mid_epoch():
    from minigrad.utils.data import DataLoader, TensorDataset
    dataset = TensorDataset(minigrad.arange(30))
    minigrad.manual_seed(9)
    loader = DataLoader(dataset, batch_size=4, shuffle=True)
    whole = []
    for number, (batch,) in enumerate(loader):
        whole.append(batch.tolist())
        if number == 2:
            saved, rng = loader.state_dict(), minigrad.get_rng_state()
    after = minigrad.rand(3).numpy()
    resumed = DataLoader(dataset, batch_size=4, shuffle=True)
    resumed.load_state_dict(saved)
    minigrad.set_rng_state(rng)
    assert [batch.tolist() for (batch,) in resumed] == whole[3:]
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), after)


def test_fma32_breaks_a_float64_tie_by_the_exact_sum():
    a, b, c = np.float32(64 * (1 + 2 ** -23)), np.float32(1 - 2 ** -23), np.float32(2 ** 30 + 128)
    assert np.float32(np.float64(a) * np.float64(b) + np.float64(c)) == np.float32(2 ** 30 + 256)  # twice rounded
    assert exact_arithmetic.fma32(a, b, c) == np.float32(2 ** 30 + 128)  # a·b + c = 2^30 + 192 - 2^-40, once rounded


def test_fma64_rounds_once():
    rng = np.random.default_rng(0)
    a, b = rng.random(300), rng.standard_normal(300)
    c = rng.standard_normal(300) * 10.0 ** rng.integers(-20, 20, 300)
    got = exact_arithmetic.fma64(a, b, c)
    for x, y, z, value in zip(a, b, c, got):
        assert value == float(Fraction(x) * Fraction(y) + Fraction(z))


def _seeded_script(lib):
    """A PyTorch training script in its usual idiom, seeded once: random data, a shuffling DataLoader, default
    initial weights, dropout, Adam. Returns its losses."""
    nn, functional, loading = lib.nn, lib.nn.functional, data(lib)
    lib.manual_seed(0)
    images, labels = lib.randn(64, 1, 12, 12), lib.randint(0, 4, (64,))
    loader = loading.DataLoader(loading.TensorDataset(images, labels), batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Dropout(0.25), nn.Flatten(), nn.Linear(800, 4))
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(2):
        for x, y in loader:
            loss = functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_seeded_script_trains_as_pytorchs_without_copying_weights(dtype):
    """Same seed, same script: the same data, weights, batches and dropout masks, so the same losses (in
    float64 to 1e-12; in float32 to the kernels' rounding)."""
    losses = {}
    for lib in (torch, minigrad):
        lib.set_default_dtype(getattr(lib, dtype))
        try:
            losses[lib.__name__] = _seeded_script(lib)
        finally:
            lib.set_default_dtype(lib.float32)
    tolerance = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(losses["minigrad"], losses["torch"], rtol=tolerance)


LAWS = {
    "Normal sample": lambda t, d: d.Normal(t.tensor([0.5, -1.0]), t.tensor([1.0, 2.0])).sample((3,)),
    "Normal rsample": lambda t, d: d.Normal(t.tensor([0.5, -1.0]), t.tensor([1.0, 2.0])).rsample((3,)),
    "Uniform": lambda t, d: d.Uniform(t.tensor([0.0]), t.tensor([2.0])).sample((5,)),
    "Bernoulli": lambda t, d: d.Bernoulli(t.tensor([0.3, 0.8])).sample((4,)),
    "Categorical": lambda t, d: d.Categorical(t.tensor([0.2, 0.5, 0.3])).sample((6,)),
    "OneHotCategorical": lambda t, d: d.OneHotCategorical(t.tensor([0.2, 0.5, 0.3])).sample((4,)),
    "Exponential": lambda t, d: d.Exponential(t.tensor([1.5])).sample((4,)),
    "Laplace": lambda t, d: d.Laplace(t.tensor([0.0]), t.tensor([1.0])).sample((4,)),
    "Gumbel": lambda t, d: d.Gumbel(t.tensor([0.0]), t.tensor([1.0])).sample((4,)),
    "LogNormal": lambda t, d: d.LogNormal(t.tensor([0.0]), t.tensor([1.0])).sample((4,)),
    "MultivariateNormal": lambda t, d: d.MultivariateNormal(t.zeros(2), t.eye(2)).sample((3,)),
    "Geometric": lambda t, d: d.Geometric(t.tensor([0.3])).sample((5,)),
    "Cauchy": lambda t, d: d.Cauchy(t.tensor([0.0]), t.tensor([1.0])).sample((4,)),
    "RelaxedBernoulli": lambda t, d: d.RelaxedBernoulli(t.tensor([0.5]), t.tensor([0.3])).sample((3,)),
    "Multinomial": lambda t, d: d.Multinomial(10, t.tensor([0.2, 0.5, 0.3])).sample((2,)),
    "HalfNormal": lambda t, d: d.HalfNormal(t.tensor([1.0])).sample((4,)),
    "Gamma": lambda t, d: d.Gamma(t.tensor([0.3, 2.0, 50.0]), t.tensor([1.0, 2.0, 0.5])).rsample((4,)),
    "Gamma float64 after a cached normal": lambda t, d: [t.randn(1, dtype=t.float64), d.Gamma(
        t.tensor([0.5, 3.0], dtype=t.float64), t.tensor([1.0, 1.0], dtype=t.float64)).sample((5,))],
    "Chi2": lambda t, d: d.Chi2(t.tensor([3.0, 0.5])).sample((4,)),
    "Beta": lambda t, d: d.Beta(t.tensor([0.5, 2.0]), t.tensor([3.0, 0.7])).sample((4,)),
    "Dirichlet": lambda t, d: d.Dirichlet(t.tensor([0.5, 2.0, 1.0])).rsample((4,)),
    "StudentT": lambda t, d: d.StudentT(t.tensor([3.0, 10.0])).sample((3,)),
    "FisherSnedecor": lambda t, d: d.FisherSnedecor(t.tensor([3.0]), t.tensor([5.0])).sample((4,)),
    "Poisson": lambda t, d: d.Poisson(t.tensor([0.5, 12.0, 300.0])).sample((4,)),
    "VonMises": lambda t, d: d.VonMises(t.tensor([0.5, -2.0, 3.0]), t.tensor([1.0, 0.01, 30.0])).sample((20,)),
    "Binomial": lambda t, d: d.Binomial(t.tensor([10.0, 100.0, 1e5]), t.tensor([0.3, 0.8, 0.4])).sample((5,)),
    "NegativeBinomial": lambda t, d: d.NegativeBinomial(t.tensor([5.0]), t.tensor([0.3])).sample((6,)),
}


@pytest.mark.parametrize("name", list(LAWS))
def test_distribution_samples_are_pytorchs(name):
    """Samples drawn through the same ops as PyTorch's distributions: equal up to the last bit of a float32
    transcendental function (numpy's against Sleef), and the generators end at the same place."""
    import torch.distributions as torch_laws

    import minigrad.distributions as laws
    torch.manual_seed(1)
    minigrad.manual_seed(1)
    expected, got = _flat(LAWS[name](torch, torch_laws)), _flat(LAWS[name](minigrad, laws))
    for have, want in zip(got, expected):
        assert have.shape == want.shape and have.dtype == want.dtype
        np.testing.assert_allclose(have, want, rtol=1e-6, atol=1e-7)
    assert torch.rand(1).item() == minigrad.rand(1).item()


def test_fork_rng_restores_the_stream():
    minigrad.manual_seed(2)
    expected = minigrad.rand(3).numpy()
    minigrad.manual_seed(2)
    with minigrad.random.fork_rng():
        minigrad.randn(5)
        minigrad.randn(1, dtype=minigrad.float64)  # (a Box-Muller value left in the cache is restored too)
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), expected)
    minigrad.manual_seed(2)
    with minigrad.random.fork_rng(enabled=False):  # (disabled: the draws inside move the stream on)
        minigrad.rand(1)
    np.testing.assert_array_equal(minigrad.rand(2).numpy(), expected[1:])


def test_a_state_saved_by_an_older_minigrad_is_ignored_with_a_warning():
    """Checkpoints written before the generator became PyTorch's hold numpy's state as JSON text: it cannot be
    restored into a Mersenne Twister, so the stream goes on from where it is, and the user is told."""
    legacy = np.frombuffer(b'{"bit_generator": "PCG64", "state": {}}', np.uint8)
    minigrad.manual_seed(6)
    expected = minigrad.rand(2).numpy()
    minigrad.manual_seed(6)
    with pytest.warns(UserWarning, match="older minigrad"):
        minigrad.set_rng_state(legacy)
    np.testing.assert_array_equal(minigrad.rand(2).numpy(), expected)


def _in_place_dropouts(lib):
    functional, results = lib.nn.functional, []
    for apply, shape in ((lambda x: functional.dropout(x, 0.5, inplace=True), (6,)),
                         (lambda x: functional.dropout1d(x, 0.5, inplace=True), (3, 4)),
                         (lambda x: functional.dropout2d(x, 0.5, inplace=True), (2, 3, 4)),
                         (lambda x: functional.alpha_dropout(x, 0.5, True, inplace=True), (10,)),
                         (lambda x: lib.nn.Dropout(0.3, inplace=True)(x), (8,))):
        x = lib.ones(shape)
        results += [apply(x) is x, x]
    weight = lib.linspace(-1, 1, 6).requires_grad_()
    lib.nn.functional.dropout(weight * 2, 0.5, inplace=True).sum().backward()
    return results + [weight.grad]


def test_in_place_dropout_changes_its_input_as_pytorchs():
    same_draws(_in_place_dropouts, seed=5)
