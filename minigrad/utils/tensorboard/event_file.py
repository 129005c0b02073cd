"""TensorBoard's event file, written without TensorBoard or protobuf installed: records of TFRecord framing
(length, masked CRC-32C of the length, data, masked CRC-32C of the data), each holding one ``Event`` message,
encoded here by hand from the few protobuf fields a summary needs (field numbers from TensorBoard's
event.proto, summary.proto, tensor.proto and tensor_shape.proto)."""
import struct

# CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, by table
_TABLE = []
for _byte in range(256):
    _crc = _byte
    for _ in range(8):
        _crc = (_crc >> 1) ^ 0x82F63B78 if _crc & 1 else _crc >> 1
    _TABLE.append(_crc)


def crc32c(data):
    """The CRC-32C of ``data`` (bytes): 0xE3069283 for b"123456789"."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked checksum: the CRC rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    """One TFRecord: the length, its checksum, the data, its checksum."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


# ---------------------------------------------------------------------------- protobuf wire format
def _varint(value):
    out = bytearray()
    value &= (1 << 64) - 1  # (a negative int64 as its two's complement, ten bytes, as protobuf writes it)
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field, wire_type):
    return _varint(field << 3 | wire_type)


def integer(field, value):
    """An int32/int64/enum field (varint)."""
    return _key(field, 0) + _varint(int(value))


def double(field, value):
    return _key(field, 1) + struct.pack("<d", float(value))


def single(field, value):
    """A float field."""
    return _key(field, 5) + struct.pack("<f", float(value))


def message(field, data):
    """A bytes, string or embedded message field."""
    data = data.encode() if isinstance(data, str) else bytes(data)
    return _key(field, 2) + _varint(len(data)) + data


def packed_doubles(field, values):
    return message(field, b"".join(struct.pack("<d", float(v)) for v in values))


# ---------------------------------------------------------------------------- the messages a summary needs
def event(wall_time, step, summary=None, file_version=None):
    """An ``Event``: wall_time 1, step 2, file_version 3, summary 5."""
    out = double(1, wall_time) + integer(2, step)
    if file_version is not None:
        out += message(3, file_version)
    if summary is not None:
        out += message(5, summary)
    return out


def scalar_value(tag, value):
    """A ``Summary.Value`` with tag 1 and simple_value 2."""
    return message(1, tag) + single(2, value)


def image_value(tag, height, width, channels, png):
    """A ``Summary.Value`` with an ``Image`` (height 1, width 2, colorspace 3, encoded_image_string 4) at 4."""
    return message(1, tag) + message(4, integer(1, height) + integer(2, width) + integer(3, channels)
                                     + message(4, png))


def histogram_value(tag, low, high, count, total, total_squares, limits, counts):
    """A ``Summary.Value`` with a ``HistogramProto`` (min 1, max 2, num 3, sum 4, sum_squares 5, bucket_limit 6,
    bucket 7) at 5."""
    histogram = (double(1, low) + double(2, high) + double(3, count) + double(4, total) + double(5, total_squares)
                 + packed_doubles(6, limits) + packed_doubles(7, counts))
    return message(1, tag) + message(5, histogram)


def text_value(tag, text):
    """A ``Summary.Value`` holding a string tensor (tensor 8: dtype 1 = DT_STRING 7, tensor_shape 2 with one dim
    of size 1, string_val 8) marked for the text plugin (metadata 9: plugin_data 1: plugin_name 1)."""
    tensor = integer(1, 7) + message(2, message(2, integer(1, 1))) + message(8, text)
    return message(1, tag) + message(9, message(1, message(1, "text"))) + message(8, tensor)


def summary(*values):
    """A ``Summary``: its values, field 1 each."""
    return b"".join(message(1, v) for v in values)
