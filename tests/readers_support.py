"""Calling one reader the way `read_inputs` does: a bucket path and its text in, Found out."""
from __future__ import annotations

from builder.config import Config
from builder.readers.kinds import Found, InputFile, Reader


# Names a visitor could not tell from another ("bo\u200bb" from "bob") or that turn the text after
# them around ("evil\u202egnp.exe" shows as "evilexe.png"), written as YAML escapes and as is.
HIDDEN_NAMES = [("\"evil\\u202egnp.exe\"", "evilgnp.exe", "U+202E"),
                ("\"bo\u200bb\"", "bob", "U+200B"),
                ("\"\u2067iso\u2069late\"", "isolate", "U+2067, U+2069")]


def read_one(reader: Reader, path: str, data: bytes | str, config: Config = Config()) -> Found:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return reader(InputFile(path, text), config)
