"""PyTorch's checkpoint archive (``torch.save``'s zip format), written and read without torch.

The archive holds ``<name>/data.pkl`` (the pickled object, tensors as references to storages), one record
``<name>/data/<key>`` per storage (raw little-endian bytes, each aligned to 64 bytes in the file as PyTorch
aligns them), and the records ``byteorder``, ``version``, ``.format_version`` and ``.storage_alignment``.
"""
import struct
import zipfile

import numpy as np

from . import pickle_reader, pickle_writer

ALIGNMENT = 64
_PADDING_FIELD = 0x4246  # the zip extra-field id PyTorch's writer pads with ("FB")


def _aligned_info(name, offset):
    """A stored (uncompressed) ZipInfo whose data starts at a multiple of ALIGNMENT when its local header is
    written at ``offset``: an extra field pads the header."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(name.encode())
    pad = (-(offset + header + 4)) % ALIGNMENT
    info.extra = struct.pack("<HH", _PADDING_FIELD, pad) + b"Z" * pad
    return info


def write(file, obj, name="archive"):
    """Write ``obj`` to ``file`` (a path or a binary file object) as ``torch.save`` does."""
    data, storages = pickle_writer.dumps(obj)
    records = [("data.pkl", data), (".format_version", b"1"), (".storage_alignment", b"64"),
               ("byteorder", b"little")]
    records += [(f"data/{key}", array.tobytes()) for key, array in enumerate(storages)]
    records += [("version", b"3\n")]
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for record, payload in records:
            offset = archive.fp.tell()
            archive.writestr(_aligned_info(f"{name}/{record}", offset), payload)


def find_pickle(names):
    """The archive's one "<name>/data.pkl" record."""
    return _prefix(names) + "data.pkl"


def _prefix(names):
    pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pickles) != 1:
        raise ValueError("not a PyTorch checkpoint archive: expected one '<name>/data.pkl' record")
    return pickles[0][:-len("data.pkl")]


def read(file):
    """The object stored by ``torch.save`` (or ``write``) in the zip archive ``file``, tensors as minigrad
    Tensors on the CPU."""
    with zipfile.ZipFile(file) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        prefix = _prefix(infos)
        byteorder = "little"
        if prefix + "byteorder" in infos:
            byteorder = archive.read(prefix + "byteorder").decode(errors="replace").strip()
            if byteorder not in ("little", "big"):
                raise ValueError(f"unknown byteorder {byteorder!r}")

        def read_storage(key, dtype, numel):
            record = f"{prefix}data/{key}"
            info = infos.get(record)
            if info is None:
                raise pickle_reader.pickle.UnpicklingError(f"the archive has no record {record}")
            if numel < 0 or info.file_size != numel * dtype.itemsize:
                raise pickle_reader.pickle.UnpicklingError(
                    f"storage {key} holds {info.file_size} bytes; {numel} elements of {dtype} need "
                    f"{numel * dtype.itemsize}")
            values = np.frombuffer(archive.read(record), dtype.newbyteorder("<" if byteorder == "little" else ">"))
            return values.astype(dtype)  # (a writable copy: the loaded tensors view it)

        return pickle_reader.loads(archive.read(prefix + "data.pkl"), read_storage)
