"""Layering contract: nothing outside kraken_tui.ui may load textual (checked in a fresh process).

Each top-level package is imported with every submodule, in its own interpreter, so a
stray ``import textual`` anywhere below ui is caught along with the module that did it.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys

import pytest

import kraken_tui

PROBE = """
import importlib, pkgutil, sys
root = sys.argv[1]
names = [root]
module = importlib.import_module(root)
if hasattr(module, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(module.__path__, root + ".")]
for name in names:
    if name.endswith("__main__"):
        continue
    importlib.import_module(name)
    if "textual" in sys.modules:
        print("TEXTUAL LOADED BY", name)
        sys.exit(1)
print("OK", len(names))
"""

REQUIRED = ["model", "book", "venues", "feeds", "sim", "endpoints", "cli"]
"""The layers the architecture names; each must exist and stay free of textual."""

PACKAGES = sorted(
    {f"kraken_tui.{name}" for name in REQUIRED}
    | {
        f"kraken_tui.{info.name}"
        for info in pkgutil.iter_modules(kraken_tui.__path__)
        if info.name not in ("ui", "__main__")
    }
)
"""Every top-level module except the UI, so a new module is covered without editing this."""


@pytest.mark.parametrize("package", PACKAGES)
def test_package_does_not_load_textual(package: str) -> None:
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} does not exist yet")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, package],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK"), result.stdout


def test_probe_detects_textual() -> None:
    """The probe itself must be able to fail: importing the UI package trips it."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "kraken_tui.ui.app"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "TEXTUAL LOADED BY kraken_tui.ui.app" in result.stdout
