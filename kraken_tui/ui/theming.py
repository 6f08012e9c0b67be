"""Load dashboard themes from TOML files, validate them, and report problems without raising.

One theme per ``*.toml`` file. Top-level keys are :class:`textual.theme.Theme` fields
(``name``, ``primary``, ``secondary``, ``accent``, ``foreground``, ``background``,
``surface``, ``panel``, ``boost``, ``warning``, ``error``, ``success``, ``dark``,
``luminosity_spread``, ``text_alpha``); an optional ``[variables]`` table holds our
domain colours (``bid``, ``ask``, ``profit``, ``env-live`` ...). Textual has no file
loader, so this module is ours.

Search order: the packaged ``kraken_tui/themes`` (wheel), else the repository's
``themes/`` (checkout), then the user directory (``$XDG_CONFIG_HOME/kraken-tui/themes``);
a later file with the same ``name`` replaces an earlier one.
"""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "kraken-dark"
"""The theme used when none is asked for, or the one asked for cannot be used."""

_STYLE_SUFFIXES = ("-text-style", "-style")
"""Textual variables whose values are text styles ("bold"), not colours."""


def _check_colour(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ValueError(f"not a colour: {value!r} ({exc})") from None
    return value


class ThemeFile(BaseModel):
    """The validated content of one theme file; unknown keys are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    primary: str
    secondary: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    luminosity_spread: float = 0.15
    text_alpha: float = 0.95
    variables: dict[str, str] = {}

    @field_validator(
        "primary",
        "secondary",
        "warning",
        "error",
        "success",
        "accent",
        "foreground",
        "background",
        "surface",
        "panel",
        "boost",
    )
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        return None if value is None else _check_colour(value)

    @field_validator("variables")
    @classmethod
    def _variable_colours(cls, variables: dict[str, str]) -> dict[str, str]:
        # Checked one by one so the error names the offending variable, not the table.
        bad = []
        for key, value in variables.items():
            if key.endswith(_STYLE_SUFFIXES):
                continue
            try:
                _check_colour(value)
            except ValueError as exc:
                bad.append(f"variables.{key}: {exc}")
        if bad:
            raise ValueError("; ".join(bad))
        return variables

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


@dataclass(frozen=True, slots=True)
class ThemeLoadError:
    """Why one theme file was not loaded: which file, which key, what is wrong."""

    path: Path
    key: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.path.name}: {self.key}" if self.key else self.path.name
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ThemeCatalog:
    """Themes that loaded (by name) and the files that did not."""

    themes: dict[str, Theme] = field(default_factory=dict)
    errors: list[ThemeLoadError] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)
    """Which file each theme came from (the last one wins)."""


def _errors_from_validation(path: Path, exc: ValidationError) -> list[ThemeLoadError]:
    errors = []
    for item in exc.errors():
        key = ".".join(str(part) for part in item["loc"])
        reason = item["msg"]
        if item["type"] == "extra_forbidden":
            reason = f"unknown key {key!r}"
        elif item["type"] == "missing":
            reason = f"missing required key {key!r}"
        elif reason.startswith("Value error, "):
            reason = reason.removeprefix("Value error, ")
        if key == "variables" and reason.startswith("variables."):
            # Our validator already names the variable; lift that into the key.
            for part in reason.split("; "):
                var_key, _, var_reason = part.partition(": ")
                errors.append(ThemeLoadError(path, var_key, var_reason))
            continue
        errors.append(ThemeLoadError(path, key, reason))
    return errors


def load_theme_file(path: Path) -> Theme | list[ThemeLoadError]:
    """Parse and validate one file; returns the Theme or the reasons it was rejected."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [ThemeLoadError(path, "", f"cannot read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return [ThemeLoadError(path, "", f"invalid TOML: {exc}")]
    try:
        model = ThemeFile.model_validate(data)
    except ValidationError as exc:
        return _errors_from_validation(path, exc)
    return model.to_theme()


def load_themes(directories: Iterable[Path]) -> ThemeCatalog:
    """Load every ``*.toml`` in each directory, in order; later names override earlier."""
    catalog = ThemeCatalog()
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            result = load_theme_file(path)
            if isinstance(result, Theme):
                catalog.themes[result.name] = result
                catalog.sources[result.name] = path
            else:
                catalog.errors.extend(result)
    return catalog


def builtin_theme_dir() -> Path:
    """The shipped themes: packaged copy in a wheel, else the repository's ``themes/``."""
    packaged = importlib.resources.files("kraken_tui") / "themes"
    if packaged.is_dir() and isinstance(packaged, Path):
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def user_theme_dir() -> Path:
    """Where a user drops their own theme files (overriding shipped ones by name)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kraken-tui" / "themes"


def default_theme_dirs() -> list[Path]:
    return [builtin_theme_dir(), user_theme_dir()]


FALLBACK_THEME = Theme(
    name=DEFAULT_THEME,
    primary="#5B8DEF",
    secondary="#7C5CFF",
    accent="#F5A524",
    foreground="#D8DEE9",
    background="#0E1117",
    surface="#151A23",
    panel="#1D2430",
    warning="#F5A524",
    error="#EF5350",
    success="#26A69A",
    dark=True,
)
"""Used only when ``kraken-dark.toml`` itself is missing or broken, so the app still starts."""


def resolve_theme_name(requested: str | None, available: Sequence[str]) -> tuple[str, str | None]:
    """The theme to start with and, if the request could not be honoured, why."""
    if requested is None or requested in available:
        return (requested or DEFAULT_THEME), None
    return DEFAULT_THEME, f"unknown theme {requested!r}; using {DEFAULT_THEME}"
