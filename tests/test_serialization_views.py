"""Tensors saved as views of one storage load as views of one storage again, in both directions between
minigrad and PyTorch (and a weight tied to two modules stays one tensor): shapes, strides, storage offsets,
values and which tensors share memory equal torch.load's, over random nested objects of tensors of every
dtype, transposed and strided views, empty and 0-d tensors, Parameters, dicts, lists and tuples."""
import collections
import random

import numpy as np
import pytest
import torch

import minigrad

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _tensor(pick, rng, lib, kind):
    dtype = pick.choice(DTYPES)
    shape = () if kind == "zerod" else (0, 3) if kind == "empty" else \
        tuple(pick.randint(1, 4) for _ in range(pick.randint(1, 3)))
    values = rng.random(shape) > 0.5 if dtype == "bool" else (rng.standard_normal(shape) * 5).astype(dtype)
    t = lib.tensor(values)
    if kind == "view":
        t = t.transpose(0, 1) if t.ndim >= 2 else t[::2]
    if kind == "param" and dtype.startswith("float"):
        t = lib.nn.Parameter(t)
    return t


def _object(pick, rng, lib, depth=0):
    kinds = ["tensor", "view", "dict", "list", "tuple", "odict", "number", "text", "none", "empty", "zerod", "param",
             "shared"] if depth < 2 else ["tensor", "number", "zerod"]
    kind = pick.choice(kinds)
    if kind in ("tensor", "view", "empty", "zerod", "param"):
        return _tensor(pick, rng, lib, kind)
    children = lambda: [_object(pick, rng, lib, depth + 1) for _ in range(pick.randint(0, 3))]  # noqa: E731
    if kind == "dict":
        return {f"k{i}": child for i, child in enumerate(children())}
    if kind == "odict":
        return collections.OrderedDict((f"k{i}", child) for i, child in enumerate(children()))
    if kind in ("list", "tuple"):
        return (list if kind == "list" else tuple)(children())
    if kind == "shared":
        base = lib.arange(12, dtype=lib.float32).reshape(3, 4)
        return [base, base[1], base[:, 2], base.t()]
    return {"number": 2.5, "text": "épsilon", "none": None}[kind]


def _tensors(obj):
    if hasattr(obj, "untyped_storage"):
        return [obj]
    if isinstance(obj, dict):
        return [t for value in obj.values() for t in _tensors(value)]
    if isinstance(obj, (list, tuple)):
        return [t for value in obj for t in _tensors(value)]
    return []


def _summary(obj):
    tensors = _tensors(obj)
    pointers = [t.untyped_storage().data_ptr() for t in tensors]
    return ([(type(t).__name__, str(t.dtype).split(".")[-1], tuple(t.shape), tuple(t.stride()), t.storage_offset(),
              t.detach().numpy().tobytes()) for t in tensors if t.numel()],
            [[a == b for b in pointers] for a in pointers])


@pytest.mark.parametrize("writer, reader", [(torch, minigrad), (minigrad, torch)])
def test_views_of_one_storage_load_as_pytorchs(writer, reader, tmp_path):
    for seed in range(150):
        obj = _object(random.Random(seed), np.random.default_rng(seed), writer)
        path = tmp_path / f"{seed}.pt"
        writer.save(obj, path)
        assert _summary(reader.load(path, weights_only=True)) == _summary(writer.load(path, weights_only=True)), seed


def test_a_loaded_view_writes_into_its_storage(tmp_path):
    base = torch.arange(12.0).reshape(3, 4)
    torch.save({"all": base, "row": base[1], "column": base[:, 2]}, tmp_path / "views.pt")
    loaded = minigrad.load(tmp_path / "views.pt")
    loaded["all"][1, 2] = 100.0
    assert loaded["row"].tolist() == [4.0, 5.0, 100.0, 7.0] and loaded["column"].tolist() == [2.0, 100.0, 10.0]
    assert [loaded[k].storage_offset() for k in ("all", "row", "column")] == [0, 4, 2]
