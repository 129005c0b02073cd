"""The ``.safetensors`` format, written and read without the safetensors package: an 8-byte little-endian header
length, a JSON header naming each tensor's dtype, shape and byte range, then the bytes. Nothing in it is code."""
import json
import math
import struct

import numpy as np

from ..tensor import Tensor

_CODES = {"F64": "float64", "F32": "float32", "F16": "float16", "I64": "int64", "I32": "int32", "I16": "int16",
          "I8": "int8", "U8": "uint8", "BOOL": "bool"}
_CODE_OF_DTYPE = {np.dtype(name): code for code, name in _CODES.items()}
MAX_HEADER = 100_000_000  # the safetensors package's own bound on the header's size


def write(file, tensors, metadata=None):
    """Write ``{name: tensor}`` (minigrad Tensors or numpy arrays) and optional ``{str: str}`` metadata."""
    if not isinstance(tensors, dict) or not all(isinstance(k, str) for k in tensors):
        raise TypeError("a .safetensors file holds a dict of tensors keyed by strings")
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors, key=lambda n: (-np.asarray(_array(tensors[n])).dtype.itemsize, n)):
        array = np.asarray(_array(tensors[name]), order="C")
        if array.dtype not in _CODE_OF_DTYPE:
            raise TypeError(f"{name}: dtype {array.dtype} cannot be stored in .safetensors")
        raw = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _CODE_OF_DTYPE[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    file.write(struct.pack("<Q", len(text)) + text)
    for raw in chunks:
        file.write(raw)


def _array(value):
    return value.detach().cpu().numpy() if isinstance(value, Tensor) else np.asarray(value)


def read(data):
    """``({name: Tensor}, metadata)`` from the bytes of a .safetensors file, every range checked."""
    if len(data) < 8:
        raise ValueError("not a .safetensors file: shorter than its 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if length > MAX_HEADER or 8 + length > len(data):
        raise ValueError(f"not a .safetensors file: header of {length} bytes in a file of {len(data)}")
    try:
        header = json.loads(data[8:8 + length])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a .safetensors file: unreadable header ({error})") from None
    if not isinstance(header, dict):
        raise ValueError("not a .safetensors file: the header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    body = memoryview(data)[8 + length:]
    tensors, spans = {}, []
    for name, entry in header.items():
        try:
            dtype = np.dtype(_CODES[entry["dtype"]])
            shape = tuple(int(s) for s in entry["shape"])
            begin, end = (int(v) for v in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{name}: invalid header entry {entry!r}") from None
        if any(s < 0 for s in shape) or not 0 <= begin <= end <= len(body) or \
                end - begin != math.prod(shape) * dtype.itemsize:
            raise ValueError(f"{name}: byte range [{begin}, {end}) does not fit shape {shape} of {dtype} in a body "
                             f"of {len(body)} bytes")
        spans.append((begin, end, name))
        values = np.frombuffer(body[begin:end], dtype.newbyteorder("<")).astype(dtype).reshape(shape)
        tensors[name] = Tensor._wrap(values, "cpu")
    spans.sort()
    for (_, end, first), (begin, _, second) in zip(spans, spans[1:]):
        if begin < end:
            raise ValueError(f"tensors {first} and {second} overlap")
    return tensors, metadata
