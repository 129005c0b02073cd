"""The errors a training script meets most, with PyTorch's class and words (the text users search for): a layer
given the wrong input size or dtype, an index or target out of range, a gradient asked of the wrong tensor.
Each case runs on both libraries; minigrad's message must equal PyTorch's. (Until 2026-11-30 minigrad's messages
named the layer and its settings instead, and an Embedding wrapped a negative index around to the last row.)"""
import numpy as np
import pytest
import torch

import minigrad

CASES = [
    (RuntimeError, lambda lib: lib.nn.Linear(2, 3)(lib.ones(1, 3))),
    (RuntimeError, lambda lib: lib.nn.Linear(2, 3)(lib.ones(4, 1, 3))),
    (RuntimeError, lambda lib: lib.nn.Linear(2, 3)(lib.ones(1, 2, dtype=lib.float64))),
    (RuntimeError, lambda lib: lib.nn.Conv2d(1, 2, 3)(lib.ones(1, 2, 5, 5))),
    (RuntimeError, lambda lib: lib.nn.Conv2d(4, 2, 3, groups=2)(lib.ones(1, 2, 5, 5))),
    (RuntimeError, lambda lib: lib.nn.ConvTranspose2d(1, 2, 3)(lib.ones(1, 2, 5, 5))),
    (RuntimeError, lambda lib: lib.nn.Conv2d(1, 2, 3)(lib.ones(2, 5))),
    (RuntimeError, lambda lib: lib.nn.Conv2d(1, 2, 3)(lib.ones(1, 1, 2, 2))),
    (RuntimeError, lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 4, 5, 5))),
    (RuntimeError, lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 4))),
    (ValueError, lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(1, 3, 1, 1))),
    (RuntimeError, lambda lib: lib.nn.MaxPool2d(3)(lib.ones(2, 1, 2, 2))),
    (RuntimeError, lambda lib: lib.nn.AvgPool2d(3)(lib.ones(1, 2, 2))),
    (IndexError, lambda lib: lib.nn.Embedding(3, 2)(lib.tensor([3]))),
    (IndexError, lambda lib: lib.nn.Embedding(3, 2)(lib.tensor([-1]))),
    (IndexError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.tensor([0, 3]))),
    (IndexError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3, 4), lib.tensor([[0, 5, 0, 0]] * 2))),
    (IndexError, lambda lib: lib.nn.functional.nll_loss(lib.ones(2, 3), lib.tensor([0, -1]))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.tensor([0.5, 1.0]))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.ones(2, 2))),
    (RuntimeError, lambda lib: (lib.ones(2, requires_grad=True) * 2).backward()),
    (RuntimeError, lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(lib.ones(3))),
    (RuntimeError, lambda lib: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(),
                                                 [lib.ones(2, requires_grad=True)])),
    (RuntimeError, lambda lib: lib.tensor([1, 2], requires_grad=True)),
    (RuntimeError, lambda lib: lib.tensor([1, 2]).add_(1.5)),
    (RuntimeError, lambda lib: lib.tensor([True, False]).__iadd__(1)),
    (RuntimeError, lambda lib: lib.zeros(2).add_(lib.ones(2, 2))),
    (RuntimeError, lambda lib: lib.zeros(2, 3, dtype=lib.int64).scatter_add_(1, lib.tensor([[0], [2]]),
                                                                            lib.ones(2, 1))),
    (RuntimeError, lambda lib: lib.relu(lib.tensor([True, False]))),
    (RuntimeError, lambda lib: lib.tensor([True, False]).topk(1)),
    (RuntimeError, lambda lib: lib.lerp(lib.ones(2), lib.ones(2, dtype=lib.int8), 0.5)),
    (RuntimeError, lambda lib: lib.lerp(lib.ones(2, dtype=lib.float64), lib.ones(2, dtype=lib.float64),
                                        lib.ones(2))),
    (NotImplementedError, lambda lib: lib.lerp(lib.ones(2, dtype=lib.uint8), lib.ones(2, dtype=lib.uint8), 0.5)),
    (RuntimeError, lambda lib: lib.addcdiv(lib.ones(2), lib.tensor([1, 2]), lib.tensor([2, 2]))),
    # broadcasting: torch.broadcast_shapes, and a regression loss's target (after its warning)
    (RuntimeError, lambda lib: lib.broadcast_shapes((2,), (3,))),
    (RuntimeError, lambda lib: lib.broadcast_shapes((5, 1), (1, 4), (3, 1, 2))),
    (RuntimeError, lambda lib: lib.broadcast_shapes((2, 3), [4, 1, 2])),
    (ValueError, lambda lib: lib.broadcast_shapes((2, -1))),
    (RuntimeError, lambda lib: lib.broadcast_shapes((0,), (2,))),
    (RuntimeError, lambda lib: lib.nn.functional.mse_loss(lib.ones(2), lib.zeros(3))),
    (RuntimeError, lambda lib: lib.nn.functional.l1_loss(lib.ones(2, 3), lib.zeros(4, 1, 2))),
    # mistakes with shapes and indices (minigrad said numpy's "axis", or its own words; it wrapped negative
    # indices in gather, index_select and index_add around)
    (RuntimeError, lambda lib: lib.ones(2, 3).expand(3, 3)),
    (RuntimeError, lambda lib: lib.ones(2, 3).expand(2, 3, 4)),
    (RuntimeError, lambda lib: lib.ones(2, 3).expand(3)),
    (RuntimeError, lambda lib: lib.ones(2, 3).expand(-1, 2, 3)),
    (IndexError, lambda lib: lib.ones(2, 3)[2]),
    (IndexError, lambda lib: lib.ones(2, 3)[:, 5]),
    (IndexError, lambda lib: lib.ones(2, 3)[-3]),
    (IndexError, lambda lib: lib.ones(2, 3)[[0, 2]]),
    (IndexError, lambda lib: lib.ones(2, 3)[0, [5]]),
    (IndexError, lambda lib: lib.ones(2, 3)[lib.tensor([2])]),
    (RuntimeError, lambda lib: lib.ones(2, 3).permute(0)),
    (RuntimeError, lambda lib: lib.ones(2, 3).permute(0, 0)),
    (IndexError, lambda lib: lib.ones(2, 3).permute(0, 2)),
    (RuntimeError, lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3, 2)])),
    (RuntimeError, lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3, 2)], 1)),
    (RuntimeError, lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)])),
    (RuntimeError, lambda lib: lib.cat([lib.ones(2, 3), lib.tensor(1.0)])),
    (RuntimeError, lambda lib: lib.stack([lib.ones(2, 3), lib.ones(3, 2)])),
    (RuntimeError, lambda lib: lib.ones(2, 3).split(0)),
    (RuntimeError, lambda lib: lib.ones(2, 3).split(-1)),
    (RuntimeError, lambda lib: lib.ones(2, 3).gather(1, lib.tensor([[3]]))),
    (RuntimeError, lambda lib: lib.ones(2, 3).gather(1, lib.tensor([[0, -1]]))),
    (RuntimeError, lambda lib: lib.ones(2, 3).gather(0, lib.tensor([[2]]))),
    (RuntimeError, lambda lib: lib.ones(2, 3).scatter(1, lib.tensor([[3]]), 1.0)),
    (RuntimeError, lambda lib: lib.ones(2, 3).scatter_add(1, lib.tensor([[-1]]), lib.ones(1, 1))),
    (RuntimeError, lambda lib: lib.ones(2, 3).index_select(1, lib.tensor([3]))),
    (RuntimeError, lambda lib: lib.ones(2, 3).index_select(1, lib.tensor([-1]))),
    (IndexError, lambda lib: lib.ones(2, 3).index_select(0, lib.tensor([-1]))),
    (IndexError, lambda lib: lib.zeros(4).index_select(0, lib.tensor([7]))),
    (RuntimeError, lambda lib: lib.ones(2, 3).masked_fill(lib.ones(3, 3, dtype=lib.bool), 0)),
    (RuntimeError, lambda lib: lib.ones(2, 3).masked_fill(lib.ones(2, 3), 0)),
    (RuntimeError, lambda lib: lib.ones(2, 3).masked_fill(lib.ones(2, 3, dtype=lib.int64), 0)),
    (IndexError, lambda lib: lib.ones(2, 3)[lib.ones(3, 3, dtype=lib.bool)]),
    (IndexError, lambda lib: lib.ones(2, 3)[:, lib.tensor([True, False])]),
    (RuntimeError, lambda lib: lib.ones(2, 3).unflatten(1, (2, 2))),
    (RuntimeError, lambda lib: lib.ones(2, 3).unflatten(1, (2, -1))),
    (RuntimeError, lambda lib: lib.ones(2, 3).unflatten(1, ())),
    (IndexError, lambda lib: lib.ones(2, 3).index_fill(1, lib.tensor([3]), 1.0)),
    (IndexError, lambda lib: lib.ones(2, 3).index_fill(1, lib.tensor([-4]), 1.0)),
    (IndexError, lambda lib: lib.ones(2, 3).index_copy(1, lib.tensor([-1]), lib.ones(2, 1))),
    (RuntimeError, lambda lib: lib.ones(2, 3).index_add(1, lib.tensor([3]), lib.ones(2, 1))),
    (RuntimeError, lambda lib: lib.ones(2, 3).index_add(1, lib.tensor([-1]), lib.ones(2, 1))),
    (IndexError, lambda lib: lib.ones(3)[lib.tensor([1.0])]),
    (IndexError, lambda lib: lib.take(lib.ones(2, 3), lib.tensor([6]))),
    (IndexError, lambda lib: lib.take(lib.ones(2, 3), lib.tensor([-7]))),
    # more mistakes: bmm, reductions of integers, softmax without dim, pooling, class targets, one_hot, pad,
    # interpolate, conv1d (its 1-D shapes), embedding's indices
    (RuntimeError, lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(2, 3))),
    (RuntimeError, lambda lib: lib.bmm(lib.ones(2, 3, 4), lib.ones(2, 3))),
    (RuntimeError, lambda lib: lib.bmm(lib.ones(2, 3, 4), lib.ones(3, 4, 5))),
    (RuntimeError, lambda lib: lib.bmm(lib.ones(2, 3, 4), lib.ones(2, 5, 6))),
    (RuntimeError, lambda lib: lib.ones(2, 3).sum(dim=(1, -1))),
    (RuntimeError, lambda lib: lib.ones(2, 3).mean(dtype=lib.int64)),
    (RuntimeError, lambda lib: lib.ones(2, 3, dtype=lib.int64).mean()),
    (RuntimeError, lambda lib: lib.ones(2, 3, dtype=lib.int64).std()),
    (RuntimeError, lambda lib: lib.var(lib.ones(2, 3, dtype=lib.int64))),
    (RuntimeError, lambda lib: lib.var_mean(lib.ones(2, 3, dtype=lib.int64))),
    (RuntimeError, lambda lib: lib.std_mean(lib.ones(2, 3, dtype=lib.int64))),
    (RuntimeError, lambda lib: lib.nanmean(lib.ones(2, 3, dtype=lib.int64))),
    (TypeError, lambda lib: lib.softmax(lib.ones(2, 3))),
    (TypeError, lambda lib: lib.ones(2, 3).softmax()),
    (TypeError, lambda lib: lib.log_softmax(lib.ones(2, 3))),
    (RuntimeError, lambda lib: lib.nn.functional.max_pool2d(lib.ones(2, 3), 2)),
    (ValueError, lambda lib: lib.nn.functional.nll_loss(lib.ones(2, 3), lib.tensor([[0, 1]]))),
    (ValueError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(3, 4), lib.tensor([1, 2]))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(3, 4, 5), lib.ones(3, 6, dtype=lib.long))),
    (ValueError, lambda lib: lib.nn.functional.binary_cross_entropy(lib.ones(2, 3), lib.ones(2, 4))),
    (RuntimeError, lambda lib: lib.nn.functional.one_hot(lib.tensor([1.0]), 3)),
    (RuntimeError, lambda lib: lib.nn.functional.one_hot(lib.tensor([4]), 3)),
    (RuntimeError, lambda lib: lib.nn.functional.one_hot(lib.tensor([-1]), 3)),
    (RuntimeError, lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.long))),
    (RuntimeError, lambda lib: lib.nn.functional.one_hot(lib.tensor([1], dtype=lib.int32), 3)),
    (RuntimeError, lambda lib: lib.nn.functional.pad(lib.ones(2, 3), (1,))),
    (NotImplementedError, lambda lib: lib.nn.functional.interpolate(lib.ones(2, 3), scale_factor=2)),
    (NotImplementedError, lambda lib: lib.nn.functional.interpolate(lib.ones(1, 2, 3), scale_factor=2, mode="bilinear")),
    (RuntimeError, lambda lib: lib.nn.Conv1d(3, 4, 2)(lib.ones(2, 4, 5))),
    (RuntimeError, lambda lib: lib.nn.Conv1d(3, 4, 2)(lib.ones(4, 5))),
    (RuntimeError, lambda lib: lib.nn.functional.embedding(lib.tensor([1.5]), lib.ones(2, 3))),
    (RuntimeError, lambda lib: lib.nn.functional.embedding(lib.tensor([1], dtype=lib.int16), lib.ones(2, 3))),
    (RuntimeError, lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 4), lib.tensor([1, 2, 0], dtype=lib.int32))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(3, 4), lib.tensor([1, 2, 0], dtype=lib.int32))),
    # requires_grad_ and the constructors say it in different words
    (RuntimeError, lambda lib: lib.ones(2, dtype=lib.long).requires_grad_()),
    (RuntimeError, lambda lib: lib.ones(2, dtype=lib.long, requires_grad=True)),
    (RuntimeError, lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.long))),
    (RuntimeError, lambda lib: lib.randint(0, 3, (2,), requires_grad=True)),
    # assigning .grad: dtype, then size
    (RuntimeError, lambda lib: setattr(lib.ones(3), "grad", lib.zeros(2))),
    (RuntimeError, lambda lib: setattr(lib.ones(3, requires_grad=True), "grad", lib.zeros(3, dtype=lib.float64))),
    (RuntimeError, lambda lib: setattr(lib.ones(3, dtype=lib.float64), "grad", lib.zeros(2, dtype=lib.int8))),
    (RuntimeError, lambda lib: setattr(lib.ones(3, dtype=lib.complex64), "grad", lib.zeros(3))),
    (RuntimeError, lambda lib: setattr(lib.ones(3), "grad", lib.zeros(3, dtype=lib.complex128))),
    (TypeError, lambda lib: setattr(lib.ones(3), "grad", 3)),
    # detach_ refuses views (of tensors with or without grad, of any dtype), not a dtype view
    (RuntimeError, lambda lib: lib.ones(3, requires_grad=True)[:2].detach_()),
    (RuntimeError, lambda lib: lib.ones(3).long().view(3).detach_()),
    (RuntimeError, lambda lib: lib.ones(3, dtype=lib.complex64).real.detach_()),
    # data: a TensorDataset of unequal lengths (PyTorch's is an assert), a batch that cannot be collated
    (AssertionError, lambda lib: lib.utils.data.TensorDataset(lib.arange(5.), lib.arange(4.))),
    (TypeError, lambda lib: lib.utils.data.default_collate([None, None])),
    (TypeError, lambda lib: lib.utils.data.default_collate([np.array(["a"]), np.array(["b"])])),
    # losses: reduction, class weights, label smoothing, dtypes of binary cross-entropy's target, mse of integers
    (ValueError, lambda lib: lib.nn.functional.mse_loss(lib.ones(2), lib.ones(2), reduction="foo")),
    (ValueError, lambda lib: lib.nn.CrossEntropyLoss(reduction="foo")(lib.ones(2, 3), lib.tensor([0, 1]))),
    (ValueError, lambda lib: lib.nn.functional.kl_div(lib.ones(2), lib.ones(2), reduction="foo")),
    (ValueError, lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.ones(2, 3), lib.ones(2, 3),
                                                                           reduction="foo")),
    (ValueError, lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(2), lib.ones(2), lib.ones(2),
                                                                 reduction="foo")),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.tensor([0, 1]),
                                                               label_smoothing=1.5)),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.tensor([0, 1]),
                                                               weight=lib.ones(2))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), lib.ones(2, 3) / 3,
                                                               weight=lib.ones(2))),
    (RuntimeError, lambda lib: lib.nn.functional.nll_loss(lib.ones(2, 3), lib.tensor([0, 1]), weight=lib.ones(4))),
    (RuntimeError, lambda lib: lib.nn.functional.nll_loss(lib.ones(2, 3), lib.tensor([0, 1]),
                                                          weight=lib.ones(3, dtype=lib.float64))),
    (RuntimeError, lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3, 4), lib.zeros(2, 4, dtype=lib.long),
                                                               weight=lib.ones(3, dtype=lib.long))),
    (RuntimeError, lambda lib: lib.nn.BCELoss()(lib.ones(2) / 2, lib.ones(2, dtype=lib.long))),
    (RuntimeError, lambda lib: lib.nn.functional.binary_cross_entropy(lib.ones(2) * 3, lib.ones(2).bool())),
    (RuntimeError, lambda lib: lib.nn.functional.binary_cross_entropy(lib.ones(2) / 2, lib.ones(2).double())),
    (NotImplementedError, lambda lib: lib.nn.functional.binary_cross_entropy(lib.ones(2).long(),
                                                                             lib.ones(2).long())),
    (RuntimeError, lambda lib: lib.nn.BCEWithLogitsLoss()(lib.ones(2), lib.ones(2, dtype=lib.long))),
    (RuntimeError, lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.ones(2), lib.ones(2).bool())),
    (NotImplementedError, lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.ones(2).long(),
                                                                                         lib.ones(2))),
    (NotImplementedError, lambda lib: lib.nn.functional.mse_loss(lib.ones(2).int(), lib.ones(2).int())),
    # creating tensors: ragged lists, values of no dtype, sizes that are negative or not integers
    (ValueError, lambda lib: lib.tensor([[1, 2], [3]])),
    (ValueError, lambda lib: lib.tensor([[1], [2, 3]])),
    (TypeError, lambda lib: lib.tensor([[1, 2], 3])),
    (TypeError, lambda lib: lib.tensor([1, "a"])),
    (TypeError, lambda lib: lib.tensor("abc")),
    (RuntimeError, lambda lib: lib.tensor([None])),
    (RuntimeError, lambda lib: lib.tensor({1: 2})),
    (RuntimeError, lambda lib: lib.zeros(-1)),
    (RuntimeError, lambda lib: lib.ones(2, -1)),
    (RuntimeError, lambda lib: lib.empty(-2)),
    (RuntimeError, lambda lib: lib.full((-1,), 2.0)),
    (RuntimeError, lambda lib: lib.randn(-1)),
    (RuntimeError, lambda lib: lib.randint(0, 3, (-1,))),
    (RuntimeError, lambda lib: lib.eye(-1)),
    (TypeError, lambda lib: lib.zeros(2.5)),
    (TypeError, lambda lib: lib.ones((2, 3.0))),
    (RuntimeError, lambda lib: lib.ones(2, 3, 4).flatten(2, 1)),
    # an optimizer's state for other parameters
    (ValueError, lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))]).load_state_dict(
        lib.optim.Adam([lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))]).state_dict())),
    (ValueError, lambda lib: lib.optim.Adam([lib.nn.Parameter(lib.ones(2))]).load_state_dict(
        lib.optim.Adam([{"params": [lib.nn.Parameter(lib.ones(2))]},
                        {"params": [lib.nn.Parameter(lib.ones(1))]}]).state_dict())),
    # convolution settings
    (ValueError, lambda lib: lib.nn.Conv2d(2, 4, 3, padding="same", stride=2)),
    (RuntimeError, lambda lib: lib.nn.functional.conv2d(lib.ones(1, 1, 5, 5), lib.ones(1, 1, 3, 3), stride=2,
                                                        padding="same")),
    (ValueError, lambda lib: lib.nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1)(lib.ones(1, 2, 5, 5),
                                                                                  output_size=[12, 12])),
    (ValueError, lambda lib: lib.nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1)(lib.ones(1, 2, 5, 5),
                                                                                  output_size=[1, 2, 3])),
]


@pytest.mark.parametrize("call", ["mul(200, True)", "add(3, 0.5, alpha=2)", "sub(2.5, 3)", "true_divide(True, 3)",
                                  "div(7, 2, rounding_mode='floor')", "floor_divide(200, True)", "add(True, False)"])
def test_arithmetic_of_two_numbers_as_torch(call):
    """PyTorch's add, sub, mul, div and floor_divide take two Python numbers and give a 0-d tensor."""
    ours, theirs = eval(f"minigrad.{call}"), eval(f"torch.{call}")
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1] and ours.item() == theirs.item()


@pytest.mark.parametrize("index", range(len(CASES)))
def test_error_as_torch(index):
    """The same class and message (a shape printed as minigrad.Size where PyTorch prints torch.Size)."""
    error, make = CASES[index]
    messages = []
    for lib in (minigrad, torch):
        with pytest.raises(error) as info:
            make(lib)
        messages.append(str(info.value).replace("minigrad.Size", "torch.Size"))
    assert messages[0] == messages[1]


def test_embedding_refuses_negative_indices():
    """A negative index is out of range, as in PyTorch (numpy indexing would have wrapped to the last row)."""
    with pytest.raises(IndexError):
        minigrad.nn.functional.embedding(minigrad.tensor([-1]), minigrad.ones(3, 2))


def test_custom_function_node_is_named_as_torch():
    class Triple(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 3

        @staticmethod
        def backward(ctx, g):
            return g * 3

    y = Triple.apply(minigrad.ones(2, requires_grad=True))
    assert type(y.grad_fn).__name__ == "TripleBackward" == y.grad_fn.name()


def test_detach_in_place_of_a_dtype_view_is_allowed():
    for lib in (minigrad, torch):
        view = lib.ones(3).view(lib.int32)
        assert view.detach_() is view


@pytest.mark.parametrize("index,value", [("0", "1.0"), (":", "1.0"), ("...", "lib.zeros(4)"), ("[0]", "1.0"),
                                         ("0, [1]", "1.0"), ("y > 1", "2.0"), ("1:, None", "1.0"), ("None", "1.0"),
                                         ("lib.tensor(1)", "2.0"), (":", "lib.zeros(4)"), ("0", "lib.zeros(4)"),
                                         (":, :4", "1.0"), (":, :9", "1.0"), (":, -4:", "1.0"), ("0, 0:4", "1.0")])
def test_graph_node_of_an_indexed_write_is_named_as_torch(index, value):
    """``y[index] = value`` on a tensor in the graph: CopySlices (through a view), IndexPutBackward0, or a copy_ or
    fill_ of y itself; printed as PyTorch prints it (``grad_fn=<CopySlices>``, ``<CopySlices object at ...>``)."""
    shown = []
    for lib in (minigrad, torch):
        y = lib.ones(3, 4, requires_grad=True) * 1
        exec(f"y[{index}] = {value}", {"y": y, "lib": lib})
        shown.append((y.grad_fn.name(), repr(y).split("grad_fn=")[1], repr(y.grad_fn).split(" at 0x")[0]))
    assert shown[0] == shown[1]


def test_graph_nodes_print_as_torch():
    shown = []
    for lib in (minigrad, torch):
        x = lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        shown.append([repr(node).split(" at 0x")[0] for node in
                      (y.grad_fn, y.grad_fn.next_functions[0][0], y.grad_fn.next_functions[0][0].next_functions[0][0])])
    assert shown[0] == shown[1]
