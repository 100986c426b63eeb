"""Calling one reader the way `read_inputs` does: a bucket path and its text in, Found out."""
from __future__ import annotations

from builder.config import Config
from builder.readers.kinds import Found, InputFile, Reader


def read_one(reader: Reader, path: str, data: bytes | str, config: Config = Config()) -> Found:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return reader(InputFile(path, text), config)
