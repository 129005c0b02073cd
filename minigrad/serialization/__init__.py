"""``minigrad.save`` and ``minigrad.load``: PyTorch's checkpoint files, both ways, without running any code.

- ``save(obj, f)`` writes ``torch.save``'s zip format, which ``torch.load(f, weights_only=True)`` reads;
  a path ending in ``.safetensors`` gets the safetensors format instead (a dict of tensors).
- ``load(f)`` reads that format (files written by ``torch.save``), ``.safetensors`` files, and minigrad's own
  ``.npz`` checkpoints (``minigrad.utils.checkpoint``). The pickle inside a PyTorch file is read by an
  unpickler that admits only tensors, numbers, strings and containers: a file that would run code raises.
Both write atomically (a temporary file, then a rename) when given a path. A whole model (``save(model, f)``)
is written as PyTorch writes one and read back only when its classes are listed as safe globals
(``add_safe_globals``, ``with safe_globals(...)``), as ``torch.load`` in PyTorch 2.6 and later.
"""
import io
import os

from ..device import device as _device
from ..utils.checkpoint import write_atomically
from . import safetensors_format, torch_zip
from .trusted_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals

__all__ = ["save", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals",
           "get_unsafe_globals_in_checkpoint"]


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, numpy arrays, numbers, strings and nested dicts/lists/tuples of them, such as a
    ``state_dict`` or a training checkpoint, or a whole model) as ``torch.save`` does; a ``.safetensors`` path
    gets that format."""
    if pickle_module is not None:
        raise ValueError("minigrad.save writes its own pickle (protocol 2, as torch.save); pickle_module is not used")
    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        write_atomically(f, lambda out: safetensors_format.write(out, dict(obj)))
    elif _is_path(f):
        write_atomically(f, lambda out: torch_zip.write(out, obj))
    else:
        buffer = io.BytesIO()  # zipfile seeks; the caller's stream need not
        torch_zip.write(buffer, obj)
        f.write(buffer.getvalue())


def _move(obj, target):
    from ..tensor import Tensor
    if isinstance(obj, Tensor):
        return obj if target is None or obj.device == target else obj.to(target)
    if isinstance(obj, dict):
        moved = type(obj)((k, _move(v, target)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            moved._metadata = obj._metadata
        return moved
    if isinstance(obj, list):
        return [_move(v, target) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_move(v, target) for v in obj)
    return obj


def _target_device(map_location):
    """Where loaded tensors go: a device or its name; a dict or function (PyTorch's storage remapping) keeps them
    on the CPU, where minigrad reads every file."""
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return None
    return _device(map_location)


def _load_npz(f, data):
    """A minigrad .npz checkpoint, read by ``utils.checkpoint.load_state`` (from a path; a stream is copied to a
    temporary file first)."""
    from ..utils.checkpoint import load_state
    if _is_path(f):
        return load_state(os.fspath(f))
    import tempfile
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "checkpoint.npz")
        with open(path, "wb") as out:
            out.write(data)
        return load_state(path)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load what ``torch.save`` or ``minigrad.save`` wrote (or a ``.safetensors`` file, or a minigrad ``.npz``
    checkpoint), as ``torch.load(f, weights_only=True)``: tensors become minigrad Tensors (on ``map_location``
    when given), containers stay containers. ``weights_only=False`` is refused: minigrad never runs a pickle's
    code."""
    if not weights_only:
        raise ValueError("minigrad.load reads weights only (tensors, numbers, strings, containers) and never runs "
                         "code from a file; weights_only=False is not supported")
    if pickle_module is not None:
        raise ValueError("minigrad.load uses its own restricted unpickler; pickle_module is not used")
    if _is_path(f):
        with open(f, "rb") as stream:
            data = stream.read()
        name = os.fspath(f)
    else:
        data, name = f.read(), getattr(f, "name", "<stream>")
    target = _target_device(map_location)
    if data[:4] == b"PK\x03\x04":
        import zipfile
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        if any(n.endswith(".npy") for n in names) and not any(n.endswith("/data.pkl") for n in names):
            return _move(_load_npz(f, data), target)
        try:
            return _move(torch_zip.read(io.BytesIO(data)), target)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    if str(name).endswith(".safetensors") or data[8:9] == b"{":
        tensors, _ = safetensors_format.read(data)
        return _move(tensors, target)
    raise ValueError(f"{name}: not a file minigrad.load reads (PyTorch's zip checkpoint, .safetensors or a minigrad "
                     f".npz checkpoint); PyTorch's legacy (pre-1.6) format is not supported")


def get_unsafe_globals_in_checkpoint(f):
    """The "module.name" globals of a checkpoint that ``load`` would refuse (neither a weights file's own nor
    listed as safe), found without running its pickle, as ``torch.serialization.get_unsafe_globals_in_checkpoint``."""
    import zipfile
    from . import pickle_reader, trusted_globals as trusted
    with zipfile.ZipFile(f) as archive:
        pickled = archive.read(torch_zip.find_pickle(archive.namelist()))
    unsafe = []
    for name in trusted.globals_named(pickled):
        module, _, attribute = name.rpartition(".")
        known = (module, attribute) in pickle_reader.ALLOWED or (module == "torch" and attribute in
                                                                 pickle_reader.DTYPE_OF_STORAGE)
        if not known and trusted.trusted(module, attribute) is None and name not in unsafe:
            unsafe.append(name)
    return unsafe
