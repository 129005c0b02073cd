"""Training checkpoints as ``.npz`` files: written atomically, read without pickle.

A checkpoint holds a tree (nested dicts, lists, numbers, strings and arrays): the model's
state_dict under ``model/<key>`` (so ``np.load(path)["model/final_conv.weight"]`` works), the
optimizer's and scheduler's state_dicts in PyTorch's nested format, the epoch, minigrad's RNG
state, the DataLoader's state (shuffle generator, epoch, position in the epoch), the run's config
and anything extra. Arrays are stored as npz entries; the rest of the tree, with each array
replaced by a reference to its entry, is one JSON string entry (``__tree__``). Nothing needs
``allow_pickle``.

Saving writes a temporary file in the target's directory, flushes it to disk, then renames it
over the target (``os.replace`` is atomic), so a crash or Ctrl-C mid-write leaves the previous
checkpoint whole. Loading checks everything it can before changing anything, and every error
(``CheckpointError``) names the file and what did not match.
"""
import glob
import json
import os
import tempfile
import zipfile

import numpy as np

from ..random import get_rng_state, set_rng_state
from .activation_checkpoint import checkpoint, checkpoint_sequential  # noqa: F401  (torch.utils.checkpoint's names)
from ..tensor import Tensor

__all__ = ["CheckpointError", "save_state", "load_state", "save_checkpoint", "load_checkpoint",
           "restore_checkpoint", "FORMAT", "checkpoint", "checkpoint_sequential"]

FORMAT = "minigrad-checkpoint-1"


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be read or does not fit what it is loaded into."""


def _encode(value, path, arrays):
    """JSON-able form of ``value``; arrays go to ``arrays`` under a readable, unique key."""
    if isinstance(value, Tensor):
        key = _array_key(path, arrays)
        arrays[key] = np.array(value.detach().cpu().numpy(), copy=True)
        return {"__array__": key, "tensor": True}
    if isinstance(value, np.ndarray):
        key = _array_key(path, arrays)
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        return {"__dict__": [[k if isinstance(k, (int, str)) else str(k),
                              _encode(v, f"{path}/{k}", arrays)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"checkpoint: cannot store {type(value).__name__} at {path or '/'}")


def _array_key(path, arrays):
    key = path.lstrip("/") or "array"
    if key == "__tree__" or key in arrays:
        n = 1
        while f"{key}#{n}" in arrays:
            n += 1
        key = f"{key}#{n}"
    return key


def _decode(node, arrays):
    if isinstance(node, list):
        return [_decode(v, arrays) for v in node]
    if isinstance(node, dict):
        if "__array__" in node:
            array = arrays[node["__array__"]]
            return Tensor._wrap(np.array(array, copy=True), "cpu") if node.get("tensor") else array
        if "__tuple__" in node:
            return tuple(_decode(v, arrays) for v in node["__tuple__"])
        if "__dict__" in node:
            return {k: _decode(v, arrays) for k, v in node["__dict__"]}
        raise ValueError(f"unknown node {sorted(node)}")
    return node


def _temporary_prefix(path):
    return "." + os.path.basename(path) + "."


def _remove_stale_temporaries(path):
    """A save killed before its rename (kill -9, power loss) leaves its hidden temporary behind: the next save
    of the same checkpoint removes those of its own naming."""
    pattern = os.path.join(glob.escape(os.path.dirname(os.path.abspath(path))),
                           glob.escape(_temporary_prefix(path)) + "*.tmp")
    for stale in glob.glob(pattern):
        try:
            os.remove(stale)
        except OSError:
            pass


def _user_file_mode():
    """0666 less the process's umask: the mode ``open()`` would give a new file (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path, write):
    """Call ``write(file)`` on a hidden temporary file beside ``path``, then rename it over ``path``: a crash at
    any moment leaves the previous file whole. The new file gets the mode ``open()`` would give it."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=_temporary_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fchmod(f.fileno(), _user_file_mode())
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_state(path, tree):
    """Write a tree of dicts/lists/tuples/numbers/strings/arrays/Tensors to ``path`` (.npz) atomically."""
    arrays = {}
    encoded = _encode(tree, "", arrays)
    arrays["__tree__"] = np.array(json.dumps(encoded))
    write_atomically(path, lambda f: np.savez(f, **arrays))


def _check_archive(path):
    """Before numpy reads anything: the file is a zip of .npy entries whose headers claim no more bytes than
    the entries hold (a header claiming 10**40 elements would otherwise ask for that much memory)."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        raise CheckpointError(f"{path} is not a minigrad checkpoint (not an .npz archive)")
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise CheckpointError(f"{path} is not a minigrad checkpoint (unexpected entry {info.filename!r})")
            with archive.open(info) as entry:
                version = np.lib.format.read_magic(entry)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(entry)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(entry)
                else:
                    raise CheckpointError(f"{path}: entry {info.filename!r} has an unsupported .npy version")
            if dtype.hasobject:
                raise CheckpointError(f"{path} is not a minigrad checkpoint (entry {info.filename!r} holds "
                                      f"Python objects)")
            count = 1
            for n in shape:
                count *= int(n)
            if count * dtype.itemsize > info.file_size:
                raise CheckpointError(f"{path}: entry {info.filename!r} claims shape {tuple(shape)}, more data "
                                      f"than its {info.file_size} bytes (corrupt file?)")


def load_state(path):
    """Read a tree written by ``save_state`` (``allow_pickle=False``); ``CheckpointError`` if unreadable."""
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        _check_archive(path)
        with np.load(path, allow_pickle=False) as data:
            if "__tree__" not in data.files:
                raise CheckpointError(f"{path} is an .npz file but not a minigrad checkpoint (no __tree__ entry)")
            arrays = {k: data[k] for k in data.files}  # reading every entry checks its CRC
        return _decode(json.loads(str(arrays.pop("__tree__"))), arrays)
    except CheckpointError:
        raise
    except RecursionError:
        raise CheckpointError(f"{path} is not a usable checkpoint: its tree is nested too deeply") from None
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError, TypeError, MemoryError,
            OverflowError, UnicodeDecodeError) as error:
        # numpy's own words may advise allow_pickle=True, which a checkpoint never needs: not repeated here.
        detail = "" if "pickle" in str(error) else f": {type(error).__name__}: {error}"
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt or truncated?){detail}") \
            from None


def save_checkpoint(path, model, optimizer=None, epoch=0, config=None, scheduler=None, loader=None, extra=None):
    """Save a training run's whole state atomically: model state_dict, optimizer (and scheduler)
    state_dicts, ``epoch``, minigrad's RNG state, the DataLoader's state, ``config`` and ``extra``."""
    tree = {"format": FORMAT, "epoch": int(epoch), "model": dict(model.state_dict()),
            "rng_state": get_rng_state(), "config": config or {}, "extra": extra or {}}
    if optimizer is not None:
        tree["optimizer"] = optimizer.state_dict()
    if scheduler is not None:
        tree["scheduler"] = scheduler.state_dict()
    if loader is not None:
        tree["loader"] = loader.state_dict()
    save_state(path, tree)


def load_checkpoint(path):
    """The checkpoint's tree as a dict (``model`` holds numpy arrays by state_dict key)."""
    tree = load_state(path)
    if not isinstance(tree, dict) or tree.get("format") != FORMAT:
        found = tree.get("format") if isinstance(tree, dict) else type(tree).__name__
        raise CheckpointError(f"{path}: unknown checkpoint format {found!r}, expected {FORMAT!r}")
    return tree


def _copied(state):
    if isinstance(state, Tensor):
        return np.array(state.detach().cpu().numpy(), copy=True)
    if isinstance(state, dict):
        return type(state)((k, _copied(v)) for k, v in state.items())
    return state


def _config_mismatches(saved, expected):
    return [f"{k}: checkpoint has {saved.get(k)!r}, this run has {v!r}"
            for k, v in expected.items() if saved.get(k) != v]


def restore_checkpoint(path, model, optimizer=None, scheduler=None, loader=None, expect_config=None,
                       restore_rng=True):
    """Load a ``save_checkpoint`` file into the model, optimizer, scheduler and loader, and restore
    minigrad's RNG state. ``expect_config`` (a dict) lists config entries that must equal the saved
    ones (e.g. the architecture). All or nothing: on any mismatch a ``CheckpointError`` naming the
    file and the mismatch is raised and every object keeps its previous state. Returns the tree."""
    ckpt = load_checkpoint(path)
    problems = _config_mismatches(ckpt.get("config", {}), expect_config or {})
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler), ("loader", loader)):
        if obj is not None and name not in ckpt:
            problems.append(f"it holds no {name} state")
    if problems:
        raise CheckpointError(f"{path} does not match this run: " + "; ".join(problems))
    targets = [(name, obj) for name, obj in (("model", model), ("optimizer", optimizer),
                                             ("scheduler", scheduler), ("loader", loader)) if obj is not None]
    # Copies: a module's state_dict() shares the module's memory, and the restore below must bring back the values
    # from before the load.
    backups = [(name, obj, _copied(obj.state_dict())) for name, obj in targets]
    rng_backup = get_rng_state()
    try:
        for name, obj in targets:
            try:
                obj.load_state_dict(ckpt[name])
            except Exception as error:
                raise CheckpointError(f"{path}: its {name} state does not fit: {error}") from None
        if restore_rng:
            set_rng_state(ckpt["rng_state"])
    except BaseException:
        for name, obj, state in backups:
            try:
                obj.load_state_dict(state)
            except Exception:  # best effort: the error being raised matters more
                pass
        set_rng_state(rng_backup)
        raise
    return ckpt
