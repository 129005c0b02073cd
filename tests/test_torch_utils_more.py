"""torch.nn.utils.prune, torch.utils._pytree, torch.hub (on file:// URLs), torch.utils.model_zoo,
torch.utils.hooks, torch.nn.attention and torch.autograd.profiler's import paths, against PyTorch's."""
import hashlib
import os

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.utils._pytree as tpytree
from torch.nn.utils import prune as tprune

import minigrad
import minigrad.nn as mnn
import minigrad.utils._pytree as mpytree
from minigrad.nn.utils import prune as mprune

RNG = np.random.default_rng(0)
WEIGHT, BIAS = RNG.standard_normal((6, 4, 3, 3)), RNG.standard_normal(6)
IMAGES = RNG.standard_normal((2, 4, 5, 5))


def _pruned_run(library, nn, prune):
    conv = nn.Conv2d(4, 6, 3)
    conv.weight.data = library.tensor(WEIGHT, dtype=library.float32)
    conv.bias.data = library.tensor(BIAS, dtype=library.float32)
    prune.l1_unstructured(conv, "weight", amount=0.3)
    prune.ln_structured(conv, "weight", amount=2, n=2, dim=0)
    prune.l1_unstructured(conv, "bias", amount=2)
    prune.l1_unstructured(conv, "weight", amount=0.2)  # among the entries still kept
    names = sorted(n for n, _ in conv.named_parameters())
    buffers = sorted(n for n, _ in conv.named_buffers())
    out = conv(library.tensor(IMAGES, dtype=library.float32))
    out.sum().backward()
    gradient = conv.weight_orig.grad.numpy().copy()
    mask = conv.weight_mask.numpy().copy()
    prune.remove(conv, "weight")
    return [names, buffers, mask, out.detach().numpy(), gradient, conv.weight.detach().numpy(),
            sorted(n for n, _ in conv.named_parameters()), prune.is_pruned(conv)]


def test_iterative_pruning_and_remove_as_torch():
    ours, theirs = _pruned_run(minigrad, mnn, mprune), _pruned_run(torch, tnn, tprune)
    for got, expected in zip(ours, theirs):
        if isinstance(got, np.ndarray):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        else:
            assert got == expected


def test_global_unstructured_and_custom_masks_as_torch():
    # distinct magnitudes: no ties for the smallest ones
    first = (RNG.permutation(20).reshape(4, 5) + 1.0) * RNG.choice([-1.0, 1.0], (4, 5))
    second = (RNG.permutation(12).reshape(3, 4) + 0.5) * RNG.choice([-1.0, 1.0], (3, 4))
    masks = []
    for library, nn, prune in ((minigrad, mnn, mprune), (torch, tnn, tprune)):
        a, b = nn.Linear(5, 4), nn.Linear(4, 3)
        a.weight.data = library.tensor(first, dtype=library.float32)
        b.weight.data = library.tensor(second, dtype=library.float32)
        prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=10)
        prune.custom_from_mask(b, "bias", library.tensor([1.0, 0.0, 1.0]))
        prune.identity(a, "bias")
        masks.append([a.weight_mask.numpy(), b.weight_mask.numpy(), b.bias_mask.numpy(), a.bias_mask.numpy(),
                      b.bias.detach().numpy()[1]])
    for got, expected in zip(*masks):
        np.testing.assert_array_equal(got, expected)
    layer = mnn.Linear(3, 2)
    with pytest.raises(ValueError, match="should either be a float"):
        mprune.l1_unstructured(layer, "weight", amount=1.5)
    with pytest.raises(ValueError, match="smaller than the number of parameters"):
        mprune.l1_unstructured(layer, "weight", amount=10)
    with pytest.raises(ValueError, match="has to be pruned before"):
        mprune.remove(layer, "bias")
    mprune.random_unstructured(layer, "weight", amount=3)
    assert int((layer.weight_mask == 0).sum()) == 3
    mprune.random_structured(layer, "weight", amount=1, dim=0)
    assert int((layer.weight_mask.sum(1) == 0).sum()) >= 1


def test_pytree_as_torch():
    from collections import OrderedDict, namedtuple
    pair = namedtuple("pair", "a b")
    tree = {"x": (1, [2, 3]), "y": pair(4, None), "z": 5, "o": OrderedDict(b=1, a=2), "d": {"b": 1, "a": 2}}
    leaves, spec = mpytree.tree_flatten(tree)
    assert leaves == tpytree.tree_flatten(tree)[0]
    assert mpytree.tree_unflatten(leaves, spec) == tree
    scale = lambda v: None if v is None else v * 10  # noqa: E731
    assert mpytree.tree_map(scale, tree) == tpytree.tree_map(scale, tree)
    assert mpytree.tree_leaves([minigrad.ones(2), (3, None)])[1:] == [3, None]
    assert mpytree.tree_map_only(int, lambda v: -v, [1, "a", (2.5, 3)]) == [-1, "a", (2.5, -3)]
    with pytest.raises(ValueError):
        mpytree.tree_unflatten([1], spec)


def test_hub_downloads_atomically_into_its_cache_and_loads_weights_only(tmp_path):
    weights = tmp_path / "weights.pt"
    torch.save({"w": torch.arange(4.0)}, weights)
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    named = tmp_path / f"net-{digest[:8]}.pt"
    named.write_bytes(weights.read_bytes())
    minigrad.hub.set_dir(str(tmp_path / "hub"))
    try:
        state = minigrad.hub.load_state_dict_from_url(named.as_uri(), check_hash=True, progress=False)
        assert state["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
        assert os.path.exists(tmp_path / "hub" / "checkpoints" / named.name)
        from minigrad.utils import model_zoo
        assert model_zoo.load_url(named.as_uri(), progress=False)["w"].tolist() == [0, 1, 2, 3]
        wrong = tmp_path / "net-00000000.pt"
        wrong.write_bytes(weights.read_bytes())
        with pytest.raises(RuntimeError, match="invalid hash value"):
            minigrad.hub.load_state_dict_from_url(wrong.as_uri(), check_hash=True, progress=False)
        leftovers = os.listdir(tmp_path / "hub" / "checkpoints")
        assert wrong.name not in leftovers and not any(n.endswith(".partial") for n in leftovers)
        assert minigrad.hub.get_dir() == str(tmp_path / "hub")
    finally:
        minigrad.hub._hub_dir = None
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text("import minigrad.nn as nn\n\ndef tiny(width=3):\n    'A linear layer.'\n"
                                     "    return nn.Linear(width, 2)\n")
    model = minigrad.hub.load(str(repo), "tiny", width=4, source="local")
    assert tuple(model.weight.shape) == (2, 4)
    assert minigrad.hub.list(str(repo), source="local") == ["tiny"]
    assert minigrad.hub.help(str(repo), "tiny", source="local") == "A linear layer."
    with pytest.raises(NotImplementedError, match="GitHub"):
        minigrad.hub.load("pytorch/vision", "resnet18")


def test_hooks_attention_and_profiler_paths():
    import minigrad.autograd.functional as functional
    import minigrad.autograd.profiler as profiler
    from minigrad.nn.attention import SDPBackend, sdpa_kernel
    from minigrad.utils.hooks import RemovableHandle
    layer = mnn.Linear(2, 2)
    handle = layer.register_forward_hook(lambda m, i, o: o * 0)
    assert isinstance(handle, RemovableHandle)
    handle.remove()
    assert float(layer(minigrad.ones(1, 2)).abs().sum()) > 0
    assert isinstance(minigrad.ones(1, requires_grad=True).register_hook(lambda g: g), RemovableHandle)
    q = minigrad.randn(1, 2, 4, 8)
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
        out = mnn.functional.scaled_dot_product_attention(q, q, q)
    assert tuple(out.shape) == (1, 2, 4, 8)
    with pytest.raises(AssertionError):
        with sdpa_kernel("math"):
            pass
    assert {b.name: int(b) for b in SDPBackend} == \
        {name: int(value) for name, value in torch.nn.attention.SDPBackend.__members__.items()}
    with profiler.record_function("step"):
        pass
    assert functional.jacobian is minigrad.autograd.functional.jacobian


def test_benchmark_timer_measurements_and_compare():
    from minigrad.utils import benchmark
    x = minigrad.ones(8)
    timer = benchmark.Timer(stmt="x + x", globals={"x": x}, label="add", sub_label="8", description="float32",
                            num_threads=1)
    single = timer.timeit(50)
    assert single.number_per_run == 50 and len(single.times) == 1 and single.iqr == 0.0
    assert single.mean == single.median == single.raw_times[0] / 50 > 0
    blocked = timer.blocked_autorange(min_run_time=0.5)
    assert sum(blocked.raw_times) >= 0.5 and blocked.number_per_run >= 1
    assert len(blocked.times) >= 2  # (each block takes 10-100 ms: the first that reaches 10 ms sets its size)
    text = repr(blocked)
    assert text.splitlines()[1:3] == ["add: 8", "float32"] and "Median:" in text and "IQR:" in text
    assert "measurements," in text and "runs per measurement, 1 thread" in text
    adaptive = timer.adaptive_autorange(max_run_time=0.5)
    assert len(adaptive.times) >= 1
    table = str(benchmark.Compare([single, blocked]))
    assert table.startswith("[---- add ----]") and "Times are in" in table
    with pytest.raises(ValueError):
        benchmark.Timer("pass", language="c++")


@pytest.mark.parametrize("dims,options", [(1, dict(stride=2, padding=1)),
                                          (2, dict(stride=(2, 1), padding=1, dilation=2, groups=2)),
                                          (3, dict(stride=1, padding=1))])
def test_nn_grad_convolution_gradients_as_torch(dims, options):
    shape = (2, 4) + (7,) * dims
    weight_shape = (6, 4 // options.get("groups", 1)) + (3,) * dims
    x, w = RNG.standard_normal(shape), RNG.standard_normal(weight_shape)
    conv = getattr(torch.nn.functional, f"conv{dims}d")
    g = RNG.standard_normal(tuple(conv(torch.tensor(x), torch.tensor(w), **options).shape))
    expected_input = getattr(torch.nn.grad, f"conv{dims}d_input")(shape, torch.tensor(w), torch.tensor(g), **options)
    expected_weight = getattr(torch.nn.grad, f"conv{dims}d_weight")(torch.tensor(x), weight_shape, torch.tensor(g),
                                                                    **options)
    got_input = getattr(minigrad.nn.grad, f"conv{dims}d_input")(shape, minigrad.tensor(w), minigrad.tensor(g),
                                                               **options)
    got_weight = getattr(minigrad.nn.grad, f"conv{dims}d_weight")(minigrad.tensor(x), weight_shape,
                                                                 minigrad.tensor(g), **options)
    np.testing.assert_allclose(got_input.numpy(), expected_input.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_weight.numpy(), expected_weight.numpy(), rtol=1e-12, atol=1e-12)


def test_linear_cross_entropy_as_torch():
    x, w, b = RNG.standard_normal((6, 5)), RNG.standard_normal((7, 5)), RNG.standard_normal(7)
    target = RNG.integers(0, 7, 6)
    target[2] = 3
    results = []
    for library in (minigrad, torch):
        xt, wt, bt = (library.tensor(a, requires_grad=True) for a in (x, w, b))
        loss = library.nn.functional.linear_cross_entropy(xt, wt, library.tensor(target), linear_bias=bt,
                                                          label_smoothing=0.1, ignore_index=3)
        loss.backward()
        results.append([loss.item(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
