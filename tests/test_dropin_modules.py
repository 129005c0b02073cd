"""The module paths and small functions PyTorch scripts reach for around the model: torch.accelerator,
torch.sparse_coo_tensor / spmm, torch.onnx, torch.multiprocessing, torch.nn.modules.*, creation keywords."""
import multiprocessing
import os

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from helpers import compare


def test_accelerator_picks_the_cpu_where_cuda_cannot_run(monkeypatch):
    monkeypatch.setattr(minigrad.cuda, "is_available", lambda: False)
    assert minigrad.accelerator.is_available() is False
    assert minigrad.accelerator.current_accelerator() is None
    assert minigrad.accelerator.device_count() == 0
    device = minigrad.accelerator.current_accelerator() if minigrad.accelerator.is_available() else "cpu"
    assert minigrad.ones(2).to(device).device == minigrad.device("cpu")
    minigrad.accelerator.synchronize()  # nothing to wait for
    with minigrad.accelerator.device_index(0):
        pass


def test_accelerator_names_cuda_where_it_runs(monkeypatch):
    monkeypatch.setattr(minigrad.cuda, "is_available", lambda: True)
    assert minigrad.accelerator.is_available()
    assert minigrad.accelerator.current_accelerator() == minigrad.device("cuda")
    assert minigrad.accelerator.current_accelerator().type == "cuda"


@pytest.mark.parametrize("case", ["duplicates", "inferred size", "dense dims", "empty"])
def test_sparse_coo_tensor_equals_pytorchs_made_dense(case):
    indices, values, size = {
        "duplicates": ([[0, 1, 1, 0], [2, 0, 0, 2]], [3.0, 4.0, 5.0, -1.0], (2, 3)),
        "inferred size": ([[0, 4], [1, 2]], [1.5, 2.5], None),
        "dense dims": ([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], (3, 2)),
        "empty": (np.zeros((2, 0), np.int64), np.zeros(0, np.float32), (2, 2)),
    }[case]
    sized = () if size is None else (size,)
    ours = minigrad.sparse_coo_tensor(minigrad.tensor(indices, dtype=minigrad.int64), minigrad.tensor(values), *sized)
    theirs = torch.sparse_coo_tensor(torch.tensor(indices, dtype=torch.int64), torch.tensor(values), *sized)
    np.testing.assert_array_equal(ours.to_dense().numpy(), theirs.to_dense().numpy())
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_sparse_products_and_gradients_equal_pytorchs():
    """Values as dense products; torch.sparse.mm's gradient only where the sparse matrix is non-zero."""
    rng = np.random.default_rng(0)
    adjacency = (rng.random((5, 5)) < 0.4).astype(np.float32)
    compare(lambda a, x: minigrad.spmm(a.to_sparse(), x), inputs=[adjacency, rng.normal(size=(5, 3)).astype(np.float32)],
            torch_fn=lambda a, x: torch.spmm(a.to_sparse(), x))
    compare(lambda a, x: minigrad.sparse.mm(a.to_sparse(), x), inputs=[adjacency, rng.normal(size=(5, 3)).astype(np.float32)],
            torch_fn=lambda a, x: torch.sparse.mm(a.to_sparse(), x))
    rows, cols = np.nonzero(adjacency)
    compare(lambda v: minigrad.sparse_coo_tensor(np.stack([rows, cols]), v, (5, 5)) @ minigrad.ones(5, 2),
            inputs=[rng.normal(size=len(rows)).astype(np.float32)],
            torch_fn=lambda v: torch.sparse_coo_tensor(np.stack([rows, cols]), v, (5, 5)) @ torch.ones(5, 2))


def test_sparse_coo_tensor_checks_its_indices():
    with pytest.raises(RuntimeError, match="size is inconsistent with indices"):
        minigrad.sparse_coo_tensor([[0, 3]], [1.0, 2.0], (3,))
    with pytest.raises(RuntimeError, match="negative index"):
        minigrad.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,))
    with pytest.raises(RuntimeError, match="same number of entries"):
        minigrad.sparse_coo_tensor([[0, 1]], [1.0], (3,))
    with pytest.raises(RuntimeError, match="number of dimensions"):
        minigrad.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3, 3))


def test_onnx_imports_and_export_says_it_is_not_provided():
    import minigrad.onnx
    assert minigrad.onnx.is_in_onnx_export() is False
    with pytest.raises(NotImplementedError, match="ONNX"):
        minigrad.onnx.export(nn.Linear(2, 2), (minigrad.ones(1, 2),), "model.onnx")


def _write_rank(rank, directory, scale):
    with open(os.path.join(directory, f"{rank}.txt"), "w") as out:
        out.write(str(float((minigrad.ones(2) * scale * rank).sum())))


def _fail(rank):
    if rank == 1:
        raise ValueError("rank one fails")


def test_multiprocessing_spawn_runs_each_rank_and_reports_a_failure(tmp_path):
    import minigrad.multiprocessing as mp
    assert mp.Process is multiprocessing.Process and mp.cpu_count() == multiprocessing.cpu_count()
    mp.spawn(_write_rank, args=(str(tmp_path), 1.5), nprocs=2)
    assert sorted(os.listdir(tmp_path)) == ["0.txt", "1.txt"]
    assert (tmp_path / "1.txt").read_text() == "3.0"
    with pytest.raises(mp.ProcessRaisedException, match="rank one fails"):
        mp.spawn(_fail, nprocs=2)


def test_torch_nn_modules_paths():
    from minigrad.nn.modules.batchnorm import _BatchNorm
    from minigrad.nn.modules.conv import _ConvNd
    from minigrad.nn.modules.utils import _pair, _quadruple, _single, _triple
    assert minigrad.nn.modules.linear.Linear is nn.Linear and minigrad.nn.modules.Conv2d is nn.Conv2d
    assert issubclass(nn.BatchNorm2d, _BatchNorm) and issubclass(nn.Conv2d, _ConvNd)
    assert issubclass(nn.LSTM, minigrad.nn.modules.rnn.RNNBase) and issubclass(nn.LSTM, nn.RNNBase)
    for ours, theirs in ((_single, torch.nn.modules.utils._single), (_pair, torch.nn.modules.utils._pair),
                         (_triple, torch.nn.modules.utils._triple), (_quadruple, torch.nn.modules.utils._quadruple)):
        assert ours(3) == theirs(3) and ours([1, 2]) == theirs([1, 2])
    assert minigrad.utils.data.distributed.DistributedSampler is minigrad.utils.data.DistributedSampler


def test_creation_keywords_and_forms():
    assert minigrad.empty(size=(2, 3)).shape == (2, 3) and minigrad.zeros(size=[4]).tolist() == [0.0] * 4
    assert minigrad.ones(size=(1, 2), pin_memory=False).tolist() == [[1.0, 1.0]]
    assert minigrad.full(size=(2,), fill_value=7).tolist() == [7, 7]
    assert minigrad.randn(size=(2, 2)).shape == minigrad.rand(size=(2, 2)).shape == (2, 2)
    with pytest.raises(TypeError, match="twice"):
        minigrad.zeros(2, size=(2,))
    draws = minigrad.randint(5, (3, 4))  # randint(high, size), as torch.randint(5, (3, 4))
    assert draws.shape == (3, 4) and draws.dtype == minigrad.int64 and 0 <= int(draws.min()) <= int(draws.max()) < 5
    with pytest.raises(TypeError, match="size"):
        minigrad.randint(5)


def test_tensors_built_from_zero_dimensional_tensors():
    """``torch.Tensor([[word_idx]])`` where word_idx came from indexing: the 0-d tensor gives its value."""
    x = minigrad.tensor([3.0, 4.0])
    assert minigrad.Tensor([[x[1]]]).tolist() == [[4.0]]
    assert minigrad.tensor([x[0], x.sum()]).tolist() == [3.0, 7.0]
    assert np.asarray(x[0]).shape == () and np.array([x[1]]).tolist() == [4.0]


def test_rnn_flatten_parameters_changes_nothing():
    lstm = nn.LSTM(3, 4)
    before = {k: v.detach().numpy().copy() for k, v in lstm.state_dict().items()}
    assert lstm.flatten_parameters() is None
    assert all(np.array_equal(before[k], v.detach().numpy()) for k, v in lstm.state_dict().items())


@pytest.fixture
def float64_default():
    minigrad.set_default_dtype(minigrad.float64)
    torch.set_default_dtype(torch.float64)
    yield
    minigrad.set_default_dtype(minigrad.float32)
    torch.set_default_dtype(torch.float32)


def test_default_dtype_float64_reaches_every_float_minigrad_makes(float64_default):
    made = {
        "tensor of floats": lambda lib: lib.tensor([1.5]), "zeros": lambda lib: lib.zeros(2),
        "randn": lambda lib: lib.randn(2), "arange of floats": lambda lib: lib.arange(0.0, 1.0, 0.5),
        "full of a float": lambda lib: lib.full((2,), 0.5), "linspace": lambda lib: lib.linspace(0, 1, 3),
        "Tensor()": lambda lib: lib.Tensor([1, 2]), "integer true division": lambda lib: lib.tensor([1, 2]) / 2,
        "sin of integers": lambda lib: lib.sin(lib.tensor([1])), "integer times a float": lambda lib: lib.tensor([1]) * 1.5,
        "Linear": lambda lib: lib.nn.Linear(2, 3).weight, "Conv2d": lambda lib: lib.nn.Conv2d(1, 2, 3).bias,
        "BatchNorm2d": lambda lib: lib.nn.BatchNorm2d(2).running_var, "LSTM": lambda lib: lib.nn.LSTM(2, 2).weight_hh_l0,
        "Normal": lambda lib: lib.distributions.Normal(0.0, 1.0).sample(),
        ".float()": lambda lib: lib.ones(1).float(),
    }
    for name, make in made.items():
        assert str(make(minigrad).dtype) == str(make(torch).dtype).replace("torch.", ""), name
    assert minigrad.get_default_dtype() == minigrad.float64 and minigrad.finfo().eps == torch.finfo().eps
    assert repr(minigrad.zeros(2)) == "tensor([0., 0.])"
    assert repr(minigrad.zeros(1, dtype=minigrad.float32)) == "tensor([0.], dtype=minigrad.float32)"


def test_a_script_under_set_default_dtype_float64_trains_as_pytorchs(float64_default):
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(16, 3)).tolist(), rng.normal(size=(16, 1)).tolist()  # Python floats: default dtype
    torch.manual_seed(0)
    initial = {k: v.numpy().copy() for k, v in torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(),
                                                                  torch.nn.Linear(8, 1)).state_dict().items()}
    results = []
    for lib in (torch, minigrad):
        model = lib.nn.Sequential(lib.nn.Linear(3, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
        model.load_state_dict({k: lib.tensor(v) for k, v in initial.items()})
        optimizer = lib.optim.NAdam(model.parameters(), lr=0.05)
        losses = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = lib.nn.functional.mse_loss(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        results.append(losses)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-13)


def test_set_default_dtype_takes_floating_types_only():
    with pytest.raises(TypeError, match="only floating-point types"):
        minigrad.set_default_dtype(minigrad.int64)
    with pytest.raises(NotImplementedError, match="float32 and float64"):
        minigrad.set_default_dtype(minigrad.float16)
    assert minigrad.get_default_dtype() == minigrad.float32


def test_backends_cuda_flags_are_kept_with_or_without_the_cuda_package():
    flags = minigrad.backends.cuda
    assert flags.matmul.allow_tf32 is False and flags.matmul.allow_fp16_reduced_precision_reduction is True
    flags.matmul.allow_tf32 = True
    try:
        assert minigrad.backends.cuda.matmul.allow_tf32 is True
        assert minigrad.backends.cuda_flags.matmul is minigrad.backends.cuda.matmul  # one object, either module
        with minigrad.backends.cuda.sdp_kernel(enable_flash=False):
            assert minigrad.backends.cuda.flash_sdp_enabled() is False
        assert minigrad.backends.cuda.flash_sdp_enabled() is True
        assert minigrad.backends.cuda.is_built() in (True, False)
    finally:
        flags.matmul.allow_tf32 = False


def test_bfloat16_is_a_name_whose_tensors_are_refused():
    table = {"float32": minigrad.float32, "bfloat16": minigrad.bfloat16, "float16": minigrad.float16}
    assert repr(table["bfloat16"]) == "minigrad.bfloat16" and minigrad.cuda.is_bf16_supported() is False
    with pytest.raises(TypeError, match="no bfloat16 tensors"):
        minigrad.zeros(2, dtype=minigrad.bfloat16)
    with pytest.raises(TypeError, match="no bfloat16 tensors"):
        minigrad.ones(2).bfloat16()


def test_deepcopy_keeps_gradients_and_ties_as_pytorchs():
    import copy
    for lib in (minigrad, torch):
        model = lib.nn.Sequential(lib.nn.Embedding(5, 3), lib.nn.Linear(3, 5))
        model[1].weight = model[0].weight
        model(lib.tensor([1, 2])).sum().backward()
        twin = copy.deepcopy(model)
        assert twin[1].weight is twin[0].weight and type(twin[0].weight) is lib.nn.Parameter
        assert twin[0].weight.grad is None and twin[0].weight.requires_grad  # a Parameter's copy has no grad
        leaf = lib.ones(2, requires_grad=True)
        (leaf * 3).sum().backward()
        assert copy.deepcopy(leaf).grad.tolist() == [3.0, 3.0]  # a plain leaf's keeps it
        with pytest.raises(RuntimeError, match="graph leaves"):
            copy.deepcopy(lib.ones(2, requires_grad=True) * 2)


def test_integer_clamp_to_float_bounds_and_negative_integer_powers():
    for bounds in [(0.5, 3.5), (1, 3), (None, 2.5)]:
        ours, theirs = minigrad.tensor([1, 5]).clamp(*bounds), torch.tensor([1, 5]).clamp(*bounds)
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
            lib.tensor([2, 3]) ** -1
        assert (lib.tensor([2, 3]) ** 2).tolist() == [4, 9]


def test_optimizers_print_as_pytorchs():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "LBFGS"):
        options = {} if name == "LBFGS" else {"lr": 0.1}
        ours = getattr(minigrad.optim, name)([nn.Parameter(minigrad.zeros(1))], **options)
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(1))], **options)
        assert repr(ours) == repr(theirs), name


def test_a_range_indexes_as_a_list():
    """``-input[range(target.shape[0]), target].mean()``: the negative log-likelihood of PyTorch's tutorials."""
    logits = np.random.default_rng(6).normal(size=(4, 3))
    target = np.array([2, 0, 1, 1])
    compare(lambda x, t: -x[range(t.shape[0]), t].mean(), inputs=[logits, target])
    for lib in (minigrad, torch):
        x = lib.zeros(3, 2)
        x[range(2), 1] = 5.0
        assert x.tolist() == [[0.0, 5.0], [0.0, 5.0], [0.0, 0.0]]
