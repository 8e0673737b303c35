"""Every Cypher statement bigfinder runs, loaded by name.

Statements live in ``*.cypher`` files beside this module, one block per statement, each opened by a
``// name: <name>`` line. ``load("admin", "server_components")`` returns the text of that block.
Templates that need a label or relationship type (which Cypher cannot take as a parameter) carry
placeholders such as ``__LABEL__``; they are filled only by builders in ``graph/`` from the schema
whitelist, never from user input.

>>> "dbms.components" in load("admin", "server_components")
True
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["UnknownQuery", "load", "names"]

_DIR = Path(__file__).resolve().parent
_HEADER = re.compile(r"^//\s*name:\s*([a-z][a-z0-9_]*)\s*$", re.MULTILINE)


class UnknownQuery(KeyError):
    """No statement of that name in that file."""


@cache
def _statements(file: str) -> dict[str, str]:
    text = (_DIR / f"{file}.cypher").read_text(encoding="utf-8")
    headers = list(_HEADER.finditer(text))
    statements: dict[str, str] = {}
    for header, following in zip(headers, [*headers[1:], None], strict=True):
        end = following.start() if following else len(text)
        body = "\n".join(
            line
            for line in text[header.end() : end].strip().splitlines()
            if not line.lstrip().startswith("//")
        ).strip()
        if header.group(1) in statements:
            raise ValueError(f"{file}.cypher names {header.group(1)!r} twice")
        statements[header.group(1)] = body
    return statements


def load(file: str, name: str) -> str:
    """The statement ``name`` from ``cypher/<file>.cypher``."""
    try:
        return _statements(file)[name]
    except KeyError:
        raise UnknownQuery(f"no statement {name!r} in cypher/{file}.cypher") from None


def names(file: str) -> list[str]:
    """The statement names defined in ``cypher/<file>.cypher``, in file order."""
    return list(_statements(file))
