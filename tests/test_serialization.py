"""minigrad.save / minigrad.load against torch.save / torch.load(weights_only=True), safetensors, and hostile files."""
import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad.serialization import torch_zip


def _torch_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                               torch.nn.ConvTranspose2d(4, 2, 2, stride=2))


def _our_net():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.ConvTranspose2d(4, 2, 2, stride=2))


def _same_values(ours, theirs):
    assert type(ours).__name__ == type(theirs).__name__ or isinstance(theirs, torch.Tensor)
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, minigrad.Tensor) and str(ours.dtype) == str(theirs.dtype).split(".")[1]
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for key in theirs:
            _same_values(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same_values(a, b)
    else:
        assert ours == theirs


def test_torch_checkpoint_loads_into_a_minigrad_model(tmp_path):
    theirs = _torch_net()
    optimizer = torch.optim.Adam(theirs.parameters(), lr=0.01)
    theirs(torch.randn(2, 3, 6, 6)).sum().backward()
    optimizer.step()
    view = torch.arange(12.0).reshape(3, 4)[:, 1]  # a view: offset and stride into a larger storage
    path = tmp_path / "torch.pth"
    torch.save({"model": theirs.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 7, "view": view,
                "size": torch.Size([2, 3]), "flags": {1, 2}, "name": "unet", "blob": b"\x00\xff",
                "nothing": None, "big": 2 ** 70, "pair": (1.5, -3)}, path)
    loaded = minigrad.load(path)
    reference = torch.load(path, weights_only=True)
    _same_values({k: v for k, v in loaded.items() if k not in ("optimizer", "size")},
                 {k: v for k, v in reference.items() if k not in ("optimizer", "size")})
    assert loaded["size"] == (2, 3) and loaded["view"].tolist() == [1.0, 5.0, 9.0]
    torch.save({"score": np.float64(0.25), "step": np.int32(-3)}, path)  # numpy scalars: read here, refused by torch
    assert minigrad.load(path) == {"score": 0.25, "step": -3}
    ours = _our_net()
    ours.load_state_dict(loaded["model"])
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    theirs.eval()
    ours.eval()
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    our_optimizer = minigrad.optim.Adam(ours.parameters(), lr=0.01)
    our_optimizer.load_state_dict(loaded["optimizer"])
    assert our_optimizer.state[ours[0].weight]["step"] == 1.0


def test_minigrad_checkpoint_loads_in_torch_with_weights_only(tmp_path):
    ours = _our_net()
    optimizer = minigrad.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    ours(minigrad.randn(2, 3, 6, 6)).sum().backward()
    optimizer.step()
    checkpoint = {"model": ours.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3, "best": 0.5,
                  "names": ["a", "b"], "shape": (2, 3), "flags": {3}, "blob": b"ab", "none": None,
                  "mask": minigrad.tensor([True, False]), "ids": np.arange(4, dtype=np.int32), "big": -2 ** 65,
                  "plain": collections.OrderedDict(x=minigrad.zeros(0, 3)), "scalar": minigrad.tensor(3.5)}
    path = tmp_path / "ours.pth"
    minigrad.save(checkpoint, path)
    reference = torch.load(path, weights_only=True)
    assert isinstance(reference["model"], collections.OrderedDict) and reference["epoch"] == 3
    assert reference["flags"] == {3} and reference["blob"] == b"ab" and reference["big"] == -2 ** 65
    assert reference["shape"] == (2, 3) and reference["names"] == ["a", "b"] and reference["none"] is None
    assert reference["mask"].dtype == torch.bool and reference["ids"].dtype == torch.int32
    assert tuple(reference["plain"]["x"].shape) == (0, 3) and reference["scalar"].shape == ()
    theirs = _torch_net()
    theirs.load_state_dict(reference["model"])
    for (name, ours_value), theirs_value in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(np.asarray(ours_value), theirs_value.numpy(), err_msg=name)
    _same_values(minigrad.load(path)["model"], reference["model"])
    with zipfile.ZipFile(path) as archive:  # storages aligned to 64 bytes, as torch writes them (mmap-able)
        for info in archive.infolist():
            assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0
    assert torch.load(path, weights_only=True, mmap=True)["model"]["0.weight"].shape == (4, 3, 3, 3)


def test_streams_map_location_and_npz_checkpoints(tmp_path):
    buffer = io.BytesIO()
    minigrad.save({"w": minigrad.ones(2)}, buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=True)["w"].tolist() == [1.0, 1.0]
    buffer.seek(0)
    for location in ("cpu", minigrad.device("cpu"), lambda storage, where: storage, {"cuda:0": "cpu"}):
        buffer.seek(0)
        assert minigrad.load(buffer, map_location=location)["w"].device == minigrad.device("cpu")
    from minigrad.utils.checkpoint import save_checkpoint
    model = _our_net()
    save_checkpoint(tmp_path / "run.npz", model, epoch=4)
    tree = minigrad.load(tmp_path / "run.npz")
    assert tree["epoch"] == 4 and set(tree["model"]) == set(model.state_dict())
    with pytest.raises(ValueError, match="weights_only"):
        minigrad.load(tmp_path / "run.npz", weights_only=False)


def test_safetensors_both_ways(tmp_path):
    from safetensors.numpy import load_file, save_file
    model = _our_net()
    minigrad.save(model.state_dict(), tmp_path / "ours.safetensors")
    theirs = load_file(str(tmp_path / "ours.safetensors"))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(theirs[name], np.asarray(value))
    minigrad.save({"step": minigrad.tensor(2)}, tmp_path / "scalar.safetensors")
    assert load_file(str(tmp_path / "scalar.safetensors"))["step"].shape == ()
    arrays = {"a": np.arange(6, dtype=np.float64).reshape(2, 3), "b": np.array([True, False]),
              "c": np.zeros((0, 2), np.int64)}
    save_file(arrays, str(tmp_path / "theirs.safetensors"))
    loaded = minigrad.load(tmp_path / "theirs.safetensors")
    for name, value in arrays.items():
        assert loaded[name].dtype == value.dtype
        np.testing.assert_array_equal(loaded[name].numpy(), value)


def _zip_with_pickle(path, payload, storages=()):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", payload)
        archive.writestr("archive/version", "3\n")
        for key, raw in storages:
            archive.writestr(f"archive/data/{key}", raw)


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("attack", ["os.system", "eval", "getattr", "class", "build-tensor"])
def test_hostile_pickles_raise_and_run_nothing(tmp_path, attack):
    marker = tmp_path / "ran"
    if attack == "os.system":
        payload = pickle.dumps(_RunsCode(marker), protocol=2)
    elif attack == "eval":
        payload = b"\x80\x02cbuiltins\neval\nX" + len(f"open('{marker}', 'w')").to_bytes(4, "little") + \
            f"open('{marker}', 'w')".encode() + b"\x85R."
    elif attack == "getattr":
        payload = b"\x80\x02cbuiltins\ngetattr\n."
    elif attack == "class":
        payload = pickle.dumps({"model": collections.Counter(a=1), "x": _RunsCode(marker)}, protocol=2)
    else:  # a tensor whose state an attacker sets through BUILD
        buffer = io.BytesIO()
        minigrad.save(minigrad.ones(2), buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            payload = archive.read("archive/data.pkl")[:-1] + b"}X\x05\x00\x00\x00arrayK\x01sb."
            storages = [("0", archive.read("archive/data/0"))]
        _zip_with_pickle(tmp_path / "bad.pth", payload, storages)
        with pytest.raises(pickle.UnpicklingError):
            minigrad.load(tmp_path / "bad.pth")
        return
    _zip_with_pickle(tmp_path / "bad.pth", payload)
    with pytest.raises(pickle.UnpicklingError, match="unsupported global|not admitted"):
        minigrad.load(tmp_path / "bad.pth")
    assert not marker.exists()


@pytest.mark.parametrize("array", [
    np.arange(6.0).reshape(2, 3), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
    np.arange(6, dtype=">i4"), np.zeros((0, 3)), np.array(True), np.arange(3, dtype=np.complex64),
    np.arange(3, dtype=np.uint16)[::2]], ids=["float64", "fortran", "big-endian", "empty", "0-d", "complex",
                                              "strided"])
def test_numpy_arrays_that_torch_saved_load_as_arrays(tmp_path, array):
    # torch.save pickles a numpy array as numpy does; torch.load(weights_only=False) gives the array back (and
    # weights_only=True refuses it). minigrad.load gives it back, checked, without unpickling anything else.
    path = tmp_path / "arrays.pt"
    torch.save({"data": array, "again": [array], "empty": b""}, path)
    theirs, ours = torch.load(path, weights_only=False), minigrad.load(path)
    assert type(ours["data"]) is np.ndarray and ours["again"][0] is ours["data"] and ours["empty"] == b""
    assert ours["data"].dtype == theirs["data"].dtype and ours["data"].shape == theirs["data"].shape
    np.testing.assert_array_equal(ours["data"], theirs["data"])
    ours["data"][...] = 0  # a writable array of its own


@pytest.mark.parametrize("attack,match", [
    ("object-dtype", "object dtypes are not admitted"),
    ("unicode-dtype", "invalid numpy array state"),
    ("short-bytes", "invalid numpy array state"),
    ("ndarray-called", "corrupt checkpoint"),
])
def test_hostile_numpy_array_pickles_are_refused(tmp_path, attack, match):
    import pickletools
    if attack == "object-dtype":
        payload = pickle.dumps(np.array([1, "a", None], dtype=object), protocol=2)
    elif attack == "unicode-dtype":
        payload = pickle.dumps(np.array(["ab", "c"]), protocol=2)
    elif attack == "short-bytes":  # a 4x4 float64 array's header over 8 bytes: no read past them
        raw = pickle.dumps(np.zeros(1), protocol=2)
        payload = pickletools.optimize(raw).replace(b"K\x01\x85", b"K\x04K\x04\x86")
        assert payload != pickletools.optimize(raw)
    else:  # numpy.ndarray((1000000,)) would hand out uninitialized memory
        payload = b"\x80\x02cnumpy\nndarray\nJ@B\x0f\x00\x85\x85R."
    _zip_with_pickle(tmp_path / "bad.pth", payload)
    with pytest.raises(pickle.UnpicklingError, match=match):
        minigrad.load(tmp_path / "bad.pth")


def _tensor_pickle(numel, offset, size, stride):
    """A data.pkl holding one float32 tensor with the given layout over storage '0' of ``numel`` elements."""
    def tup(values):
        return b"(" + b"".join(b"J" + int(v).to_bytes(4, "little", signed=True) for v in values) + b"t"
    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
            b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuJ" + numel.to_bytes(4, "little", signed=True) + b"tQJ"
            + offset.to_bytes(4, "little", signed=True) + tup(size) + tup(stride)
            + b"\x89ccollections\nOrderedDict\n)RtR.")


@pytest.mark.parametrize("numel,raw_bytes,offset,size,stride,match", [
    (4, 16, 0, (2, 2), (2, 1), None),  # the honest file: loads
    (4, 16, 1, (2, 2), (2, 1), "reaches element"),
    (4, 16, 0, (3, 2), (2, 1), "reaches element"),
    (4, 16, 0, (2, 2), (-2, 1), "invalid tensor layout"),
    (1_000_000_000, 16, 0, (2,), (1,), "holds 16 bytes"),
    (4, 12, 0, (2,), (1,), "holds 12 bytes"),
])
def test_corrupt_tensor_layouts_are_refused(tmp_path, numel, raw_bytes, offset, size, stride, match):
    _zip_with_pickle(tmp_path / "t.pth", _tensor_pickle(numel, offset, size, stride), [("0", b"\x00" * raw_bytes)])
    if match is None:
        assert minigrad.load(tmp_path / "t.pth").tolist() == [[0.0, 0.0], [0.0, 0.0]]
        return
    with pytest.raises(pickle.UnpicklingError, match=match):
        minigrad.load(tmp_path / "t.pth")


@pytest.mark.parametrize("header,match", [
    ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 32]}}, "does not fit"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, "overlap"),
    ({"a": {"dtype": "O", "shape": [1], "data_offsets": [0, 8]}}, "invalid header"),
])
def test_corrupt_safetensors_are_refused(tmp_path, header, match):
    import json
    text = json.dumps(header).encode()
    (tmp_path / "x.safetensors").write_bytes(len(text).to_bytes(8, "little") + text + b"\x00" * 16)
    with pytest.raises(ValueError, match=match):
        minigrad.load(tmp_path / "x.safetensors")
    (tmp_path / "y.safetensors").write_bytes((10 ** 12).to_bytes(8, "little") + b"{}")
    with pytest.raises(ValueError, match="header of"):
        minigrad.load(tmp_path / "y.safetensors")


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.pth"
    minigrad.save({"w": minigrad.ones(3)}, path)

    class Killed(BaseException):
        pass

    def crash(*args, **kwargs):
        raise Killed  # interrupted in the middle of writing

    monkeypatch.setattr(torch_zip.pickle_writer, "dumps", crash)
    with pytest.raises(Killed):
        minigrad.save({"w": minigrad.zeros(3)}, path)
    assert minigrad.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert sorted(os.listdir(tmp_path)) == ["model.pth"]
    monkeypatch.undo()
    with pytest.raises(TypeError, match="minigrad.save stores"):
        minigrad.save({"model": frozenset({1})}, tmp_path / "other.pth")  # a type that pickles itself its own way
    with pytest.raises(TypeError, match="cannot be found by its name"):
        minigrad.save({"model": lambda x: x}, tmp_path / "other.pth")
    assert sorted(os.listdir(tmp_path)) == ["model.pth"]
