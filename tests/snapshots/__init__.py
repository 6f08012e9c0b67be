"""Snapshot tests of the dashboard (SVG, compared with pytest-textual-snapshot)."""
