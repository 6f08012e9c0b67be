"""Textual user interface: app, screens and market panes (the only package importing textual)."""
