"""The settings file: order limits per instrument, per venue and for everything (TOML).

Default location ``$XDG_CONFIG_HOME/kraken-tui/config.toml`` (else
``~/.config/kraken-tui/config.toml``), or ``--config PATH``. A missing default file
means "no settings"; a missing ``--config`` file, a syntax error, an unknown key, a
bad value or a soft limit above its hard limit is an error naming the file, the line
and the key, reported before the dashboard starts::

    [limits]                 # every instrument
    soft_notional = 25000
    [limits.futures]         # one venue: spot or futures
    hard_notional = 100000
    [limits."PF_XBTUSD"]     # one instrument, by its exact symbol
    hard_size = 2
    soft_band = "1%"         # or 0.01

For each limit the most specific table wins: instrument, venue, ``[limits]``, then
the built-in default. API keys never belong here: they live in the OS keyring.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kraken_tui.feeds.risk import Limits
from kraken_tui.model import Venue
from kraken_tui.toml_lines import KeyPath, key_lines, line_of, split_key, syntax_position

AMOUNTS = ("soft_notional", "hard_notional", "soft_size", "hard_size")
BANDS = ("soft_band", "hard_band")
LIMIT_KEYS = (*AMOUNTS, *BANDS, "max_price_age")
PAIRS = (("soft_notional", "hard_notional"), ("soft_size", "hard_size"), ("soft_band", "hard_band"))
VENUE_TABLES = {"spot": Venue.SPOT, "futures": Venue.FUTURES}
SECRET_WORDS = ("api_key", "apikey", "secret", "password", "passphrase", "private_key", "token")
KEYS_HINT = (
    "API keys and secrets never go in the settings file: store them in the OS keyring "
    "with `kraken-tui keys set`"
)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with the settings file, with where it is."""

    key: str
    reason: str
    line: int | None = None
    column: int | None = None

    def where(self, path: Path) -> str:
        place = str(path)
        if self.line is not None:
            place += f" line {self.line}"
            if self.column is not None:
                place += f", column {self.column}"
        return f"{place}: {self.key}: {self.reason}" if self.key else f"{place}: {self.reason}"


class ConfigError(Exception):
    """The settings file cannot be used; ``str()`` is one line per problem."""

    def __init__(self, path: Path, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problem.where(path) for problem in problems))


@dataclass(frozen=True, slots=True)
class LimitTable:
    """The limits one table sets; ``header`` is how it is written (``[limits.spot]``)."""

    header: str
    values: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings; :meth:`limits_for` resolves one instrument's limits."""

    path: Path | None = None
    defaults: LimitTable = field(default_factory=lambda: LimitTable("[limits]"))
    venues: Mapping[Venue, LimitTable] = field(default_factory=dict)
    instruments: Mapping[str, LimitTable] = field(default_factory=dict)

    def limits_for(self, venue: Venue, symbol: str) -> Limits:
        values: dict[str, Decimal] = {}
        origins: dict[str, str] = {}
        name = self.path.name if self.path is not None else "settings"
        for table in _chain(self, venue, symbol):
            for key, value in table.values.items():
                values[key] = value
                origins[key] = f"{name} {table.header}"
        return _limits(values, origins)


def _chain(settings: Settings, venue: Venue, symbol: str) -> Iterator[LimitTable]:
    """Least specific first, so later tables override earlier ones."""
    yield settings.defaults
    if venue in settings.venues:
        yield settings.venues[venue]
    if symbol in settings.instruments:
        yield settings.instruments[symbol]


def _limits(values: Mapping[str, Decimal], origins: Mapping[str, str]) -> Limits:
    kwargs: dict[str, Any] = dict(values)
    if "max_price_age" in kwargs:
        kwargs["max_price_age"] = float(kwargs["max_price_age"])
    return Limits(**kwargs, origins=dict(origins))


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kraken-tui" / "config.toml"


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the settings file; ``None`` means the default location, which
    may be absent. Raises :class:`ConfigError`."""
    explicit = path is not None
    where = Path(path) if path is not None else default_config_path()
    if not explicit and not where.exists():
        return Settings()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(where, [ConfigProblem("", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(where, [ConfigProblem("", f"cannot read: {exc}")]) from None
    return parse_settings(text, where)


def parse_settings(text: str, path: Path) -> Settings:
    """Validate ``text`` (the content of ``path``). Raises :class:`ConfigError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        what, line, column = syntax_position(str(exc))
        problem = ConfigProblem("", f"not valid TOML: {what}", line, column)
        raise ConfigError(path, [problem]) from None
    validator = _Validator(key_lines(text))
    settings = validator.settings(data, path)
    if validator.problems:
        raise ConfigError(path, validator.problems)
    return settings


class _Validator:
    """Collects every problem instead of stopping at the first one."""

    def __init__(self, lines: dict[KeyPath, int]) -> None:
        self.lines = lines
        self.problems: list[ConfigProblem] = []

    def problem(self, path: KeyPath, reason: str) -> None:
        self.problems.append(ConfigProblem(".".join(path), reason, line_of(self.lines, path)))

    def settings(self, data: dict[str, Any], path: Path) -> Settings:
        self._refuse_secrets(data, ())
        for key in data:
            if key != "limits" and not _looks_secret(key):
                self.problem((key,), _unknown(key, ["limits"]))
        limits = data.get("limits", {})
        if not isinstance(limits, dict):
            self.problem(("limits",), "must be a table: [limits]")
            return Settings(path)
        defaults: dict[str, Decimal] = {}
        venues: dict[Venue, LimitTable] = {}
        instruments: dict[str, LimitTable] = {}
        for key, value in limits.items():
            here = ("limits", key)
            if _looks_secret(key):
                continue
            if key in LIMIT_KEYS:
                parsed = self._value(here, value)
                if parsed is not None:
                    defaults[key] = parsed
            elif not isinstance(value, dict):
                self.problem(here, _unknown(key, [*LIMIT_KEYS, *VENUE_TABLES]))
            elif key in VENUE_TABLES:
                venues[VENUE_TABLES[key]] = self._table(here, value)
            elif venue := _misspelt_venue(key):
                self.problem(
                    here,
                    f"unknown venue; did you mean {venue!r}? (an instrument table uses the "
                    'exact symbol, e.g. [limits."BTC/USD"])',
                )
            else:
                instruments[key] = self._table(here, value)
        settings = Settings(path, LimitTable("[limits]", defaults), venues, instruments)
        self._check_order(settings)
        return settings

    def _refuse_secrets(self, table: dict[str, Any], path: KeyPath) -> None:
        for key, value in table.items():
            if _looks_secret(key):
                self.problem((*path, key), KEYS_HINT)
            elif isinstance(value, dict):
                self._refuse_secrets(value, (*path, key))

    def _table(self, path: KeyPath, table: dict[str, Any]) -> LimitTable:
        values: dict[str, Decimal] = {}
        for key, value in table.items():
            here = (*path, key)
            if _looks_secret(key):
                continue
            if key not in LIMIT_KEYS:
                if isinstance(value, dict) and path[-1] in VENUE_TABLES:
                    reason = f'instrument tables go directly under [limits], e.g. [limits."{key}"]'
                    self.problem(here, reason)
                else:
                    self.problem(here, _unknown(key, LIMIT_KEYS))
                continue
            parsed = self._value(here, value)
            if parsed is not None:
                values[key] = parsed
        return LimitTable(_header(path), values)

    def _value(self, path: KeyPath, value: object) -> Decimal | None:
        key = path[-1]
        if key in BANDS:
            parsed = _band(value)
            if parsed is None:
                self.problem(
                    path,
                    'must be a fraction below 1 (0.02) or a percentage below 100% ("2%"), '
                    f"got {_shown(value)}",
                )
            return parsed
        parsed = _positive(value)
        if parsed is None:
            self.problem(path, f"must be a positive number, got {_shown(value)}")
        return parsed

    def _check_order(self, settings: Settings) -> None:
        """A soft limit above its hard limit, in any table's effective limits."""
        seen: set[tuple[str, str]] = set()
        chains = [[settings.defaults]]
        chains += [[settings.defaults, table] for table in settings.venues.values()]
        for symbol in settings.instruments:
            chains.append(list(_chain(settings, symbol_venue(symbol), symbol)))
        code = Limits()
        for chain in chains:
            for soft_key, hard_key in PAIRS:
                soft, soft_from = _effective(chain, soft_key, getattr(code, soft_key))
                hard, hard_from = _effective(chain, hard_key, getattr(code, hard_key))
                if soft is None or hard is None or soft <= hard:
                    continue
                # Blame the most specific table that set either one.
                blamed = max(soft_from, hard_from)
                table = chain[blamed]
                key = soft_key if soft_key in table.values else hard_key
                if (table.header, key) in seen:
                    continue
                seen.add((table.header, key))
                other, other_from = (
                    (hard_key, hard_from) if key == soft_key else (soft_key, soft_from)
                )
                origin = "built-in default" if other_from < 0 else chain[other_from].header
                self.problem(
                    (*_path_of(table.header), key),
                    f"{soft_key} {soft} is above {hard_key} {hard}"
                    + ("" if other_from == blamed else f" ({other} from {origin})"),
                )


def symbol_venue(symbol: str) -> Venue:
    """Kraken spot symbols are ``BASE/QUOTE``; futures symbols never have a slash."""
    return Venue.SPOT if "/" in symbol else Venue.FUTURES


def _effective(
    chain: list[LimitTable], key: str, default: Decimal | float | None
) -> tuple[Decimal | None, int]:
    """The value ``key`` ends up with along ``chain`` and which table set it (-1: code)."""
    for index in range(len(chain) - 1, -1, -1):
        if key in chain[index].values:
            return chain[index].values[key], index
    return (None if default is None else Decimal(str(default))), -1


def _header(path: KeyPath) -> str:
    return "[" + ".".join(part if _bare(part) else json.dumps(part) for part in path) + "]"


def _path_of(header: str) -> KeyPath:
    return tuple(split_key(header[1:-1]))


def _bare(key: str) -> bool:
    return bool(key) and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)


def _misspelt_venue(key: str) -> str | None:
    """``spto``, ``Futures``: a venue table written wrong, not an instrument symbol."""
    close = difflib.get_close_matches(key.lower(), list(VENUE_TABLES), n=1, cutoff=0.75)
    return close[0] if close else None


def _looks_secret(key: str) -> bool:
    folded = key.lower().replace("-", "_")
    return any(word in folded for word in SECRET_WORDS)


def _unknown(key: str, known: Sequence[str]) -> str:
    options = list(known)
    close = difflib.get_close_matches(key, options, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(options)})"
    return f"unknown key{hint}"


def _shown(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _positive(value: object) -> Decimal | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _band(value: object) -> Decimal | None:
    if isinstance(value, str) and value.strip().endswith("%"):
        percent = _number(value.strip().removesuffix("%"))
        number = None if percent is None else percent / 100
    else:
        number = _number(value)
    return number if number is not None and 0 < number < 1 else None
