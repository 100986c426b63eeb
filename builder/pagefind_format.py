"""The part of CBOR (RFC 8949) that Pagefind's index files use: unsigned integers, text and
arrays, always in their shortest form. Enough to read a filter or metadata file and write it
back in another order, byte for byte as Pagefind's own encoder would.

And the one-blob form of a shard's files that the render cache keeps (`pack_files`)."""
from __future__ import annotations

from typing import Mapping, Union

Value = Union[int, str, list["Value"]]

UNSIGNED, TEXT, ARRAY = 0, 3, 4


def decode(data: bytes) -> Value:
    value, end = _item(data, 0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR item")
    return value


def encode(value: Value) -> bytes:
    if isinstance(value, bool):
        raise TypeError("booleans are not part of this format")
    if isinstance(value, int):
        return _head(UNSIGNED, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(TEXT, len(raw)) + raw
    if isinstance(value, list):
        return _head(ARRAY, len(value)) + b"".join(encode(v) for v in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _head(major: int, arg: int) -> bytes:
    if arg < 0:
        raise ValueError("negative numbers are not part of this format")
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("number too large")


def _item(data: bytes, at: int) -> tuple[Value, int]:
    if at >= len(data):
        raise ValueError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise ValueError("truncated CBOR")
        arg, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"unsupported CBOR length code {info}")
    if major == UNSIGNED:
        return arg, at
    if major == TEXT:
        if at + arg > len(data):
            raise ValueError("truncated CBOR")
        return data[at:at + arg].decode("utf-8"), at + arg
    if major == ARRAY:
        items = []
        for _ in range(arg):
            item, at = _item(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unsupported CBOR major type {major}")


PACK = b"collab-site search files 1\n"


def pack_files(files: Mapping[str, bytes]) -> bytes:
    """{name: bytes} as one blob: each name and content after its length, in name order."""
    parts = [PACK]
    for name in sorted(files):
        raw = name.encode("utf-8")
        parts += [len(raw).to_bytes(4, "big"), raw, len(files[name]).to_bytes(8, "big"), files[name]]
    return b"".join(parts)


def unpack_files(blob: bytes) -> dict[str, bytes]:
    """What `pack_files` packed; ValueError when the blob is not whole."""
    if not blob.startswith(PACK):
        raise ValueError("not a packed set of files")
    files, at = {}, len(PACK)
    while at < len(blob):
        name, at = _sized(blob, at, 4)
        data, at = _sized(blob, at, 8)
        files[name.decode("utf-8")] = data
    return files


def _sized(blob: bytes, at: int, width: int) -> tuple[bytes, int]:
    size = int.from_bytes(blob[at:at + width], "big")
    start, end = at + width, at + width + size
    if len(blob) < end or len(blob) < start:
        raise ValueError("a packed set of files cut short")
    return blob[start:end], end
