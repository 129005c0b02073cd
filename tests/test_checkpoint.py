"""Checkpoints: round trips without pickle, atomic writes, clear errors, and training resumed bit for bit."""
import os
import zipfile

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.data import DataLoader, SyntheticShapes
from minigrad.data import transforms as T
from minigrad.models import UNet
from minigrad.utils.checkpoint import (CheckpointError, load_checkpoint, load_state, restore_checkpoint,
                                       save_checkpoint, save_state)


def test_tree_round_trip_without_pickle(tmp_path):
    tree = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), 3: {"step": 2.0, "ids": (1, "x", None)},
            "list": [np.int64(4), float("nan"), True, minigrad.tensor([1.5, 2.5])], "text": "héllo"}
    path = tmp_path / "tree.npz"
    save_state(path, tree)
    with np.load(path, allow_pickle=False) as data:
        assert "a" in data.files and data["a"].dtype == np.float32
    back = load_state(path)
    np.testing.assert_array_equal(back["a"], tree["a"])
    assert back[3] == {"step": 2.0, "ids": (1, "x", None)}
    assert back["list"][0] == 4 and np.isnan(back["list"][1]) and back["list"][2] is True
    assert isinstance(back["list"][3], minigrad.Tensor) and back["list"][3].tolist() == [1.5, 2.5]
    assert back["text"] == "héllo"


def make_run(features=(4, 8), seed=0):
    minigrad.manual_seed(seed)
    data = SyntheticShapes(12, image_size=16, num_classes=3, seed=seed,
                           transform=T.Compose([T.RandomRotation90(), T.RandomHorizontalFlip(),
                                                T.Normalize([0.5] * 3, [0.25] * 3)]))
    loader = DataLoader(data, batch_size=4, shuffle=True, drop_last=True, seed=seed, num_workers=1)
    model = UNet(3, 3, features)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-2)
    return model, optimizer, loader


def train(model, optimizer, loader, epochs=1, stop_after=None):
    steps = 0
    for _ in range(epochs):
        for images, masks in loader:
            loss = F.cross_entropy(model(images), masks)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
            if steps == stop_after:
                return


def assert_same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)


@pytest.mark.parametrize("stop_after", [3, 5], ids=["epoch boundary", "mid-epoch"])
def test_resume_continues_exactly(tmp_path, stop_after):
    """Two epochs straight vs. stopping (after epoch 1, or inside epoch 2), saving, restoring into fresh
    objects and finishing: the same weights, running statistics and optimizer state, bit for bit."""
    straight = make_run()
    train(*straight, epochs=2)
    first = make_run()
    train(*first, epochs=2, stop_after=stop_after)
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, *first[:2], epoch=1, config={"features": [4, 8]}, loader=first[2])
    resumed = make_run(seed=0)
    minigrad.manual_seed(123)  # restore_checkpoint must bring back the saved RNG state
    restore_checkpoint(path, *resumed[:2], loader=resumed[2], expect_config={"features": [4, 8]})
    train(*resumed, epochs=1)
    assert_same_state(resumed[0], straight[0])
    for a, b in zip(resumed[1].state_dict()["state"].values(), straight[1].state_dict()["state"].values()):
        assert a["step"] == b["step"]
        np.testing.assert_array_equal(a["exp_avg_sq"], b["exp_avg_sq"])


def test_checkpoint_contents(tmp_path):
    model, optimizer, loader = make_run()
    train(model, optimizer, loader, epochs=1)
    path = tmp_path / "c.npz"
    save_checkpoint(path, model, optimizer, epoch=1, config={"lr": 0.01}, loader=loader, extra={"history": [1.0]})
    ckpt = load_checkpoint(path)
    assert ckpt["epoch"] == 1 and ckpt["config"] == {"lr": 0.01} and ckpt["extra"] == {"history": [1.0]}
    assert list(ckpt["model"]) == list(model.state_dict())
    assert ckpt["rng_state"].dtype == np.uint8
    assert ckpt["loader"]["epoch"] == 1 and ckpt["optimizer"]["param_groups"][0]["lr"] == 0.01
    with np.load(path, allow_pickle=False) as data:
        np.testing.assert_array_equal(data["model/final_conv.weight"], model.state_dict()["final_conv.weight"])


def test_failed_save_leaves_previous_checkpoint(tmp_path, monkeypatch):
    model, optimizer, loader = make_run()
    path = tmp_path / "last.npz"
    save_checkpoint(path, model, optimizer, epoch=1, loader=loader)
    before = path.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK\x03\x04 half a zip file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash)
    train(model, optimizer, loader, epochs=1)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model, optimizer, epoch=2, loader=loader)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["last.npz"]  # no temporary file left behind
    assert load_checkpoint(path)["epoch"] == 1


def test_corrupt_checkpoint_is_a_clear_error(tmp_path):
    model, optimizer, loader = make_run()
    good = tmp_path / "good.npz"
    save_checkpoint(good, model, optimizer, epoch=1, loader=loader)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a checkpoint at all")
    flipped = tmp_path / "flipped.npz"
    with zipfile.ZipFile(good) as z:  # change one byte inside a stored array, so its CRC check fails
        offset = z.getinfo("model/downs.0.dualconv.0.weight.npy").header_offset + 200
    flipped.write_bytes(data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1:])
    for bad in (truncated, garbage, flipped):
        weights = model.state_dict()
        with pytest.raises(CheckpointError, match=rf"{bad.name} is not a (readable|minigrad) checkpoint"):
            restore_checkpoint(bad, model, optimizer, loader=loader)
        assert_same_state_dict(model.state_dict(), weights)
    with pytest.raises(CheckpointError, match="checkpoint not found: .*missing.npz"):
        load_checkpoint(tmp_path / "missing.npz")
    plain = tmp_path / "plain.npz"
    np.savez(plain, x=np.zeros(2))
    with pytest.raises(CheckpointError, match="not a minigrad checkpoint"):
        load_checkpoint(plain)
    assert good.read_bytes() == data


def assert_same_state_dict(a, b):
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_mismatched_checkpoint_changes_nothing(tmp_path):
    small = make_run(features=(4, 8))
    train(*small, epochs=1)
    path = tmp_path / "small.npz"
    save_checkpoint(path, *small[:2], epoch=1, config={"features": [4, 8]}, loader=small[2])
    big_model, big_optimizer, big_loader = make_run(features=(4, 8, 16), seed=1)
    train(big_model, big_optimizer, big_loader, epochs=1)
    weights, moments = big_model.state_dict(), big_optimizer.state_dict()
    loader_state, rng = big_loader.state_dict(), minigrad.get_rng_state()
    with pytest.raises(CheckpointError, match=r"small.npz: its model state does not fit: .*Unexpected|Missing"):
        restore_checkpoint(path, big_model, big_optimizer, loader=big_loader)
    with pytest.raises(CheckpointError, match=r"small.npz does not match this run: features: checkpoint has "
                                              r"\[4, 8\], this run has \[4, 8, 16\]"):
        restore_checkpoint(path, big_model, big_optimizer, loader=big_loader, expect_config={"features": [4, 8, 16]})
    assert_same_state_dict(big_model.state_dict(), weights)
    assert big_loader.state_dict() == loader_state
    np.testing.assert_array_equal(minigrad.get_rng_state(), rng)
    for i, entry in moments["state"].items():
        np.testing.assert_array_equal(big_optimizer.state_dict()["state"][i]["exp_avg"], entry["exp_avg"])
    # Same architecture, but the optimizer state belongs to other parameters: rolled back as a whole.
    model, optimizer, loader = make_run(seed=2)
    other = minigrad.optim.Adam(list(model.parameters())[:3], lr=1e-3)
    train(*small, epochs=1)
    before = model.state_dict()
    with pytest.raises(CheckpointError, match="small.npz: its optimizer state does not fit"):
        restore_checkpoint(path, model, other, loader=loader)
    assert_same_state_dict(model.state_dict(), before)
