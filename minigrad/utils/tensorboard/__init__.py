"""``minigrad.utils.tensorboard.SummaryWriter``, as ``torch.utils.tensorboard``'s: scalars, several scalars,
images, histograms and text written to a TensorBoard event file in ``log_dir`` (TensorBoard itself is needed only
to view them, not to write them). Each record is written and flushed at once, so a crash loses nothing logged."""
import io
import os
import socket
import time
import warnings
from datetime import datetime

import numpy as np

from . import event_file

__all__ = ["SummaryWriter"]


def _number(value):
    return float(value.item() if hasattr(value, "item") else value)


def _array(values):
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


class _EventFile:
    """One event file, opened at once, as PyTorch's writer opens it."""
    _count = 0

    def __init__(self, directory, suffix=""):
        os.makedirs(directory, exist_ok=True)
        _EventFile._count += 1
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}."
                f"{_EventFile._count}{suffix}")
        self.path = os.path.join(directory, name)
        self.handle = open(self.path, "wb")
        self.write(event_file.event(time.time(), 0, file_version="brain.Event:2"))

    def write(self, data):
        self.handle.write(event_file.record(data))
        self.handle.flush()

    def close(self):
        self.handle.close()


class SummaryWriter:
    """``torch.utils.tensorboard.SummaryWriter(log_dir=None, comment='', purge_step=None, max_queue=10,
    flush_secs=120, filename_suffix='')``: ``log_dir`` defaults to runs/<date>_<host><comment>, as PyTorch's."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if log_dir is None:
            log_dir = os.path.join("runs", datetime.now().strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname()
                                   + comment)
        self.log_dir, self.filename_suffix = str(log_dir), filename_suffix
        self.file = _EventFile(self.log_dir, filename_suffix)
        self.sub_files = {}

    def get_logdir(self):
        """The directory the event file is in."""
        return self.log_dir

    def _write(self, value, global_step, walltime):
        self.file.write(event_file.event(time.time() if walltime is None else walltime,
                                         0 if global_step is None else int(global_step), event_file.summary(value)))

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Log one number (a Python number, numpy scalar or 0-d tensor) under ``tag`` at ``global_step``."""
        self._write(event_file.scalar_value(tag, _number(scalar_value)), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several numbers, each in an event file of its own under log_dir/<main_tag>_<tag>, as PyTorch's."""
        for tag, value in tag_scalar_dict.items():
            directory = os.path.join(self.log_dir, f"{main_tag.replace('/', '_')}_{tag}")
            if directory not in self.sub_files:
                self.sub_files[directory] = _EventFile(directory, self.filename_suffix)
            self.sub_files[directory].write(event_file.event(
                time.time() if walltime is None else walltime, 0 if global_step is None else int(global_step),
                event_file.summary(event_file.scalar_value(main_tag, _number(value)))))

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log an image, CHW by default (1 or 3 channels; floats in [0, 1] or uint8), encoded as PNG."""
        from PIL import Image
        image = _array(img_tensor)
        order = {"CHW": (1, 2, 0), "HWC": (0, 1, 2), "HW": None}[dataformats]
        image = image[..., None] if order is None else np.transpose(image, order)
        if image.dtype != np.uint8:
            image = (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
        height, width, channels = image.shape
        buffer = io.BytesIO()
        Image.fromarray(image[..., 0] if channels == 1 else image).save(buffer, format="PNG")
        self._write(event_file.image_value(tag, height, width, channels, buffer.getvalue()), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """Log the distribution of ``values`` (numpy's ``bins``; PyTorch's 'tensorflow' bins are taken as 30
        equal ones)."""
        values = _array(values).astype(np.float64).reshape(-1)
        counts, edges = np.histogram(values, bins=30 if bins == "tensorflow" else bins)
        self._write(event_file.histogram_value(tag, values.min(), values.max(), values.size, values.sum(),
                                               (values * values).sum(), edges[1:], counts), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log a string (shown by TensorBoard's text plugin)."""
        self._write(event_file.text_value(tag, text_string), global_step, walltime)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Accepted, but logs nothing: minigrad has no graph tracer for TensorBoard's graph view."""
        warnings.warn("SummaryWriter.add_graph: minigrad logs no model graph", stacklevel=2)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Logs each metric as a scalar under its name (TensorBoard's hparams plugin data is not written)."""
        for name, value in metric_dict.items():
            self.add_scalar(name, value, global_step)

    def flush(self):
        """Every record is flushed as it is written: nothing to do."""

    def close(self):
        """Close the event files."""
        self.file.close()
        for sub_file in self.sub_files.values():
            sub_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
