"""examples/train_unet.py, predict_unet.py and unet_demo.py end to end, as subprocesses, on tiny configurations."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, "examples", "train_unet.py")
TINY = ["--train-images", "8", "--val-images", "4", "--image-size", "16", "--features", "4", "8",
        "--batch-size", "4", "--classes", "3", "--no-progress"]


def run(script, *args, timeout=120):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def model_arrays(path):
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files if k.startswith("model/") or k.startswith("optimizer/")}


def assert_same_arrays(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """Two uninterrupted epochs with a constant learning rate."""
    out = tmp_path_factory.mktemp("straight")
    result = run(TRAIN, *TINY, "--epochs", "2", "--scheduler", "none", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_help_explains_every_option():
    result = run(TRAIN, "--help")
    assert result.returncode == 0
    for option in ("--data", "--classes", "--image-size", "--features", "--batch-size", "--epochs", "--lr",
                   "--optimizer", "--device", "--seed", "--out", "--resume", "--scheduler", "--workers"):
        assert option in result.stdout, option
    assert "adam" in result.stdout and "sgd" in result.stdout and "runs/unet" in result.stdout


def test_training_writes_metrics_checkpoints_and_pictures(straight):
    out, result = straight
    assert "epoch 2: train loss" in result.stdout and "mIoU" in result.stdout and "IoU: background" in result.stdout
    assert "final validation mIoU" in result.stdout
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2]
    for key in ("train_loss", "val_loss", "pixel_accuracy", "iou", "miou", "dice", "mean_dice"):
        assert key in records[-1], key
    assert len(records[-1]["iou"]) == 3
    for name in ("checkpoint.npz", "best.npz"):
        with np.load(out / name, allow_pickle=False) as data:
            assert "model/final_conv.weight" in data.files
    for name, min_size in (("curves.png", (600, 300)), ("predictions.png", (300, 600))):
        with Image.open(out / name) as img:
            assert img.size[0] >= min_size[0] and img.size[1] >= min_size[1], (name, img.size)


def test_resume_continues_like_an_uninterrupted_run(straight, tmp_path):
    first = run(TRAIN, *TINY, "--epochs", "1", "--scheduler", "none", "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    resumed = run(TRAIN, *TINY, "--epochs", "2", "--scheduler", "none", "--out", str(tmp_path),
                  "--resume", str(tmp_path / "checkpoint.npz"))
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stdout
    assert_same_arrays(model_arrays(tmp_path / "checkpoint.npz"), model_arrays(straight[0] / "checkpoint.npz"))
    def records(path):
        return [{k: v for k, v in json.loads(line).items() if k != "elapsed_s"}
                for line in (path / "metrics.jsonl").read_text().splitlines()]

    assert records(tmp_path) == records(straight[0])


def test_ctrl_c_saves_and_resume_is_exact(tmp_path):
    """SIGINT lands somewhere in a cosine-scheduled run; the resumed run ends with the uninterrupted run's weights."""
    args = [*TINY, "--epochs", "25", "--train-images", "16"]
    straight = run(TRAIN, *args, "--out", str(tmp_path / "straight"))
    assert straight.returncode == 0, straight.stderr
    out = tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, TRAIN, *args, "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (out / "checkpoint.npz").exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, (stdout, stderr)
    assert "Ctrl-C" in stderr and "interrupted" in stdout and "Traceback" not in stderr
    assert "--resume" in stdout  # it says how to continue
    resumed = run(TRAIN, *args, "--out", str(out), "--resume", str(out / "checkpoint.npz"))
    assert resumed.returncode == 0, resumed.stderr
    assert_same_arrays(model_arrays(out / "checkpoint.npz"), model_arrays(tmp_path / "straight" / "checkpoint.npz"))


def test_resume_from_a_mismatched_or_corrupt_checkpoint_fails_clearly(straight, tmp_path):
    ckpt = straight[0] / "checkpoint.npz"
    before = ckpt.read_bytes()
    wider = list(TINY)  # --features 4 8 16
    wider.insert(wider.index("--features") + 3, "16")
    result = run(TRAIN, *wider, "--epochs", "3", "--scheduler", "none", "--out", str(tmp_path), "--resume", str(ckpt))
    assert result.returncode != 0
    assert "cannot resume" in result.stderr and str(ckpt) in result.stderr
    assert "features: checkpoint has [4, 8], this run has [4, 8, 16]" in result.stderr
    assert "Traceback" not in result.stderr
    broken = tmp_path / "broken.npz"
    broken.write_bytes(before[:1000])
    result = run(TRAIN, *TINY, "--epochs", "3", "--out", str(tmp_path), "--resume", str(broken))
    assert result.returncode != 0 and "not a readable checkpoint" in result.stderr and "broken.npz" in result.stderr
    assert ckpt.read_bytes() == before


def test_predict_writes_coloured_masks_and_overlays(straight, tmp_path):
    rng = np.random.default_rng(0)
    Image.fromarray((rng.random((20, 24, 3)) * 255).astype(np.uint8)).save(tmp_path / "a.png")
    Image.fromarray((rng.random((16, 16, 3)) * 255).astype(np.uint8)).save(tmp_path / "b.jpg")
    result = run(os.path.join(ROOT, "examples", "predict_unet.py"), str(straight[0] / "best.npz"),
                 str(tmp_path / "a.png"), str(tmp_path / "b.jpg"), "--out", str(tmp_path / "pred"), "--ids")
    assert result.returncode == 0, result.stderr
    for stem, size in (("a", (24, 20)), ("b", (16, 16))):
        for kind in ("mask", "overlay", "ids"):
            with Image.open(tmp_path / "pred" / f"{stem}_{kind}.png") as img:
                assert img.size == size, (stem, kind)
        with Image.open(tmp_path / "pred" / f"{stem}_ids.png") as img:
            assert np.asarray(img).max() < 3
    result = run(os.path.join(ROOT, "examples", "predict_unet.py"), str(tmp_path / "a.png"), str(tmp_path / "a.png"))
    assert result.returncode != 0 and "not a minigrad checkpoint" in result.stderr and "allow_pickle" not in result.stderr


def test_demo_gives_the_tutorial_shapes():
    result = run(os.path.join(ROOT, "examples", "unet_demo.py"), "--size", "32", "--batch", "2",
                 "--features", "8", "16", "32", "64", "--backward")
    assert result.returncode == 0, result.stderr
    assert "input (2, 3, 32, 32) -> output (2, 6, 32, 32)" in result.stdout


def test_training_on_a_folder_of_colour_masks(tmp_path):
    palette = [(0, 0, 0), (255, 0, 0), (0, 255, 0)]
    for sub in ("images", "masks"):
        (tmp_path / "data" / sub).mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(6):
        ids = rng.integers(0, 3, (20, 18))
        Image.fromarray((rng.random((20, 18, 3)) * 255).astype(np.uint8)).save(tmp_path / "data" / "images" / f"{i}.jpg")
        Image.fromarray(np.asarray(palette, np.uint8)[ids]).save(tmp_path / "data" / "masks" / f"{i}.png")
    result = run(TRAIN, "--data", str(tmp_path / "data"), "--palette", "0,0,0 255,0,0 0,255,0", "--classes", "3",
                 "--image-size", "16", "--features", "4", "8", "--batch-size", "2", "--epochs", "1", "--no-progress",
                 "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "5 training and 1 validation images" in result.stdout
    assert (tmp_path / "out" / "predictions.png").exists()
    result = run(TRAIN, "--data", str(tmp_path / "data"), "--classes", "3", "--image-size", "16", "--features", "4",
                 "8", "--epochs", "1", "--no-progress", "--out", str(tmp_path / "out2"))
    assert result.returncode != 0 and "give a palette" in result.stderr and "Traceback" not in result.stderr
