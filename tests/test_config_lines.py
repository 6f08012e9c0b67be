"""Finding the line of a TOML key (tomllib gives lines only for syntax errors)."""

from __future__ import annotations

from kraken_tui.toml_lines import key_lines, line_of, split_key, syntax_position

DOCUMENT = """\
# comment = not a key
top = 1

[limits]
soft_size = 1   # trailing comment
futures.hard_size = 2

  [ limits . "BTC/USD" ]
"odd key" = 3
'x.y' = 4
[[things]]
name = "a=b"
"""


def test_split_key_reads_bare_quoted_and_dotted_parts() -> None:
    assert split_key("a.\"b.c\" . 'd'") == ["a", "b.c", "d"]
    assert split_key(' limits . "BTC/USD" ') == ["limits", "BTC/USD"]
    assert split_key('"say \\"hi\\""') == ['say "hi"']


def test_key_lines_follow_tables_and_dotted_keys() -> None:
    lines = key_lines(DOCUMENT)
    assert lines[("top",)] == 2
    assert lines[("limits",)] == 4
    assert lines[("limits", "soft_size")] == 5
    assert lines[("limits", "futures")] == 6
    assert lines[("limits", "futures", "hard_size")] == 6
    assert lines[("limits", "BTC/USD")] == 8
    assert lines[("limits", "BTC/USD", "odd key")] == 9
    assert lines[("limits", "BTC/USD", "x.y")] == 10
    assert lines[("things", "name")] == 12
    assert ("comment",) not in lines


def test_line_of_falls_back_to_the_enclosing_table() -> None:
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("limits", "BTC/USD", "missing")) == 8
    assert line_of(lines, ("nowhere",)) is None


def test_syntax_positions() -> None:
    assert syntax_position("Invalid value (at line 3, column 12)") == ("invalid value", 3, 12)
    assert syntax_position("Unterminated string (at end of document)") == (
        "unterminated string at the end of the file",
        None,
        None,
    )
