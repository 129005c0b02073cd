"""SummaryWriter writes event files that TensorBoard itself reads back: scalars (numbers and 0-d tensors),
several scalars in sub-runs, images, histograms and text, each at its step; records framed with TFRecord's
masked CRC-32C (checked by TensorBoard's reader)."""
import numpy as np
import pytest

import minigrad
from minigrad.utils.tensorboard import SummaryWriter
from minigrad.utils.tensorboard.event_file import crc32c

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                        reason="tensorboard (in the test extra) reads the files back")


def _read(directory):
    accumulator = event_accumulator.EventAccumulator(
        str(directory), size_guidance={"images": 0, "histograms": 0, "tensors": 0, "scalars": 0})
    accumulator.Reload()
    return accumulator


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283 and crc32c(b"") == 0


def test_tensorboard_reads_what_the_writer_wrote(tmp_path):
    values = np.random.default_rng(0).standard_normal(1000)
    with SummaryWriter(tmp_path) as writer:
        for step in range(5):
            writer.add_scalar("loss/train", 1.0 / (step + 1), step)
            writer.add_scalar("lr", minigrad.tensor(0.1 * step), step)
        writer.add_scalars("accuracy", {"train": 0.5, "val": 0.25}, 3)
        writer.add_image("input", np.random.default_rng(1).random((3, 8, 6)), 1)
        writer.add_image("mask", minigrad.ones(1, 4, 4), 2)
        writer.add_histogram("weights", values, 2)
        writer.add_text("note", "hello **TensorBoard**", 0)
    run = _read(tmp_path)
    assert [(e.step, round(e.value, 6)) for e in run.Scalars("loss/train")] == \
        [(0, 1.0), (1, 0.5), (2, 0.333333), (3, 0.25), (4, 0.2)]
    np.testing.assert_allclose([e.value for e in run.Scalars("lr")], [0.0, 0.1, 0.2, 0.3, 0.4], rtol=1e-6)
    image = run.Images("input")[0]
    assert (image.step, image.height, image.width) == (1, 8, 6)
    histogram = run.Histograms("weights")[0].histogram_value
    assert histogram.num == 1000 and histogram.min == values.min() and sum(histogram.bucket) == 1000
    assert run.Tensors("note")[0].tensor_proto.string_val == [b"hello **TensorBoard**"]
    for tag, value in (("train", 0.5), ("val", 0.25)):
        sub_run = _read(tmp_path / f"accuracy_{tag}")
        assert [(e.step, e.value) for e in sub_run.Scalars("accuracy")] == [(3, value)]


def test_default_log_dir_is_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_trial")
    writer.add_scalar("x", 1.0, 0)
    writer.close()
    assert writer.get_logdir().startswith("runs") and writer.get_logdir().endswith("_trial")
    assert _read(tmp_path / writer.get_logdir()).Scalars("x")[0].value == 1.0
