"""The ladder repaints only the lines a rebuild changed (``changed_lines``)."""

from __future__ import annotations

from textual.geometry import Region

from kraken_tui.ui.widgets.ladder import changed_lines
from kraken_tui.ui.widgets.ladder_layout import Frame
from kraken_tui.ui.widgets.pane import Line

WIDTH = 30


def frame(
    body: list[str], *, cursor: int | None = None, title: str = "T", width: int = WIDTH
) -> Frame:
    lines: list[Line] = [[(text, "size")] if text else [] for text in body]
    return Frame([(title, "title")], [("price size", "header")], lines, cursor, 2, width)


def test_identical_frames_repaint_nothing() -> None:
    body = ["1", "2", "", "3"]
    assert changed_lines(frame(body), frame(list(body)), WIDTH) == []


def test_changed_lines_come_as_runs_offset_by_the_title_and_header() -> None:
    old = frame(["a", "b", "c", "d", "e"])
    new = frame(["a", "B", "C", "d", "E"])
    # Body line 1 is pane line 3 (title and column header come first).
    assert changed_lines(old, new, WIDTH) == [Region(0, 3, WIDTH, 2), Region(0, 6, WIDTH, 1)]


def test_a_new_title_repaints_the_first_line() -> None:
    assert changed_lines(frame(["a"]), frame(["a"], title="U"), WIDTH) == [Region(0, 0, WIDTH, 1)]


def test_a_moved_cursor_repaints_the_line_it_left_and_the_line_it_reached() -> None:
    old = frame(["a", "b", "c", "d"], cursor=0)
    new = frame(["a", "b", "c", "d"], cursor=2)
    assert changed_lines(old, new, WIDTH) == [Region(0, 2, WIDTH, 1), Region(0, 4, WIDTH, 1)]


def test_another_size_repaints_the_whole_pane() -> None:
    assert changed_lines(frame(["a"]), frame(["a"], width=40), 40) is None
    assert changed_lines(frame(["a"]), frame(["a", "b"]), WIDTH) is None
    assert changed_lines(frame(["a"]), frame(["a"]), 40) is None
