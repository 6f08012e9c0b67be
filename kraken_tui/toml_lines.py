"""Where each key of a TOML document sits: ``tomllib`` reports line numbers only for
syntax errors, so a semantic error ("hard_size must be a positive number") needs this
to point at its line.

A light line scanner, not a parser: it reads table headers (``[a."b.c"]``,
``[[a]]``) and ``key = value`` lines, and understands quoted and dotted keys. It is
run only on documents ``tomllib`` has already accepted, so it can be forgiving; keys
inside inline tables or after a multi-line string may resolve to a nearby line.
"""

from __future__ import annotations

import re

KeyPath = tuple[str, ...]

_SYNTAX_WHERE = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def split_key(text: str) -> list[str]:
    """``a."b.c" . 'd'`` -> ``["a", "b.c", "d"]`` (bare, basic and literal parts)."""
    parts: list[str] = []
    current: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote is not None:
            if char == "\\" and quote == '"' and i + 1 < len(text):
                current.append(text[i + 1])
                i += 2
                continue
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current).strip())
    return parts


def _outside_quotes(text: str, wanted: str) -> int:
    """Index of the first ``wanted`` character not inside quotes, or -1."""
    quote: str | None = None
    for i, char in enumerate(text):
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == wanted:
            return i
    return -1


def key_lines(text: str) -> dict[KeyPath, int]:
    """Every table and key path in ``text`` with the (1-based) line it is first written on."""
    found: dict[KeyPath, int] = {}
    table: KeyPath = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            inner = line[2:] if line.startswith("[[") else line[1:]
            end = _outside_quotes(inner, "]")
            if end < 0:
                continue
            table = tuple(split_key(inner[:end]))
            found.setdefault(table, number)
            continue
        equals = _outside_quotes(line, "=")
        if equals <= 0:
            continue
        path = table + tuple(split_key(line[:equals]))
        for depth in range(len(table) + 1, len(path) + 1):
            found.setdefault(path[:depth], number)
    return found


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, else of its nearest enclosing table or key, else None."""
    for depth in range(len(path), 0, -1):
        number = lines.get(path[:depth])
        if number is not None:
            return number
    return None


def syntax_position(message: str) -> tuple[str, int | None, int | None]:
    """``tomllib``'s "Invalid value (at line 3, column 12)" -> ("invalid value", 3, 12)."""
    match = _SYNTAX_WHERE.match(message)
    if match is None:
        what = message.replace(" (at end of document)", " at the end of the file")
        return what[:1].lower() + what[1:], None, None
    what = match["what"]
    return what[:1].lower() + what[1:], int(match["line"]), int(match["column"])
