"""Checkpoint files and data folders that are wrong in the ways real ones are: killed saves, foreign files,
hostile headers, a mismatched optimizer; a data set with bad pairs, found before training starts."""
import io
import json
import os
import signal
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.utils.checkpoint import CheckpointError, load_state, restore_checkpoint, save_checkpoint, save_state
from test_data import write_folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_save_killed_mid_write_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    target = tmp_path / "ckpt.npz"
    code = (f"import sys, numpy as np; sys.path.insert(0, {ROOT!r})\n"
            "from minigrad.utils import checkpoint\n"
            "real = np.savez\n"
            "def slow(f, **arrays):\n"
            "    f.write(b'x' * 1000); f.flush(); print('writing', flush=True); import time; time.sleep(60)\n"
            "checkpoint.np.savez = slow\n"
            f"checkpoint.save_state({str(target)!r}, {{'a': np.ones(3)}})\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait()
    stale = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert stale and stale[0].startswith(".ckpt.npz.")
    (tmp_path / ".other.npz.abc.tmp").write_bytes(b"someone else's")
    save_state(str(target), {"a": np.ones(3)})
    assert sorted(os.listdir(tmp_path)) == [".other.npz.abc.tmp", "ckpt.npz"]


def test_checkpoints_take_the_users_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        save_state(str(tmp_path / "a.npz"), {"a": 1})
        assert os.stat(tmp_path / "a.npz").st_mode & 0o777 == 0o644
        os.umask(0o077)
        save_state(str(tmp_path / "b.npz"), {"a": 1})
        assert os.stat(tmp_path / "b.npz").st_mode & 0o777 == 0o600
    finally:
        os.umask(previous)


def test_foreign_files_are_not_checkpoints_and_no_pickle_advice(tmp_path):
    import pickle
    pickled = tmp_path / "weights.pkl"
    pickled.write_bytes(pickle.dumps({"w": [1, 2]}))
    npy = tmp_path / "array.npy"
    np.save(npy, np.ones(3))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    objects = tmp_path / "objects.npz"
    np.savez(objects, a=np.array([{"x": 1}], dtype=object), allow_pickle=True)
    for path in (pickled, npy, text, objects):
        with pytest.raises(CheckpointError, match="not a minigrad checkpoint") as info:
            load_state(str(path))
        assert "allow_pickle" not in str(info.value)


def test_hostile_headers_and_deep_trees_raise_checkpoint_error(tmp_path):
    huge = tmp_path / "huge.npz"
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (10 ** 20, 10 ** 20)})
    with zipfile.ZipFile(huge, "w") as z:
        z.writestr("__tree__.npy", header.getvalue() + b"\0" * 64)
    with pytest.raises(CheckpointError, match="claims shape"):
        load_state(str(huge))
    deep = tmp_path / "deep.npz"
    tree = "[" * 100_000 + "]" * 100_000
    np.savez(deep, __tree__=np.array(tree))
    with pytest.raises(CheckpointError, match="nested too deeply"):
        load_state(str(deep))
    wrong_json = tmp_path / "json.npz"
    np.savez(wrong_json, __tree__=np.array(json.dumps({"__array__": "missing"})))
    with pytest.raises(CheckpointError):
        load_state(str(wrong_json))


def test_an_sgd_checkpoint_restored_into_adam_fails_before_anything_changes(tmp_path):
    model = nn.Linear(3, 2)
    sgd = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(minigrad.ones(1, 3)).sum().backward()
    sgd.step()
    save_checkpoint(str(tmp_path / "sgd.npz"), model, sgd)
    fresh = nn.Linear(3, 2)
    before = {k: v.clone() for k, v in fresh.state_dict().items()}
    adam = minigrad.optim.Adam(fresh.parameters())
    with pytest.raises(CheckpointError, match="not a Adam state|lack"):
        restore_checkpoint(str(tmp_path / "sgd.npz"), fresh, adam)
    for k, v in fresh.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k].numpy())
    assert adam.state == {}


def test_folder_lists_every_bad_pair_before_training(tmp_path):
    from PIL import Image
    write_folder(tmp_path / "d", n=6)
    Image.fromarray(np.zeros((5, 10), np.uint8)).save(tmp_path / "d" / "masks" / "s2.png")  # wrong size
    Image.fromarray(np.full((6, 10), 255, np.uint8)).save(tmp_path / "d" / "masks" / "s4.png")  # 0/255 mask
    (tmp_path / "d" / "images" / "s0.png").write_bytes(b"not an image")
    from minigrad.data import SegmentationFolder
    with pytest.raises(ValueError) as info:
        SegmentationFolder(tmp_path / "d", num_classes=3)
    message = str(info.value)
    assert "3 of 6" in message and "s0.png: unreadable image" in message
    assert "s2.png: mask is 10x5 but its image" in message and "s4.png: holds class id 255" in message
    assert "--palette" in message


def test_train_cli_names_a_missing_folder_and_the_layout(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "train_unet.py"), "--data",
                             str(tmp_path / "nonexistent"), "--out", str(tmp_path / "run")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert str(tmp_path / "nonexistent") in result.stderr and "images/" in result.stderr
    assert "masks/" in result.stderr
