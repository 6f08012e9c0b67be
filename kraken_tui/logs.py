"""Optional log file (``--log-file``) whose every line passes a redacting filter.

Nothing in kraken-tui logs a secret on purpose; this is the second line of
defence for the things that could slip through: a token inside a frame that a
library logs, a signed header in an error text, a secret a future change prints.
Registered secrets are replaced wherever they appear, and the values of known
sensitive JSON fields and headers are masked whatever they hold.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from kraken_tui.model.secret import REDACTED, Secret

_SENSITIVE_FIELD = re.compile(
    r'("(?:token|signed_challenge|original_challenge|api_secret|secret|password)"\s*:\s*)"[^"]*"',
    re.IGNORECASE,
)
_SENSITIVE_HEADER = re.compile(
    r"\b(Authent|API-Sign|APIKey|API-Key|Nonce)(['\"]?\s*[:=]\s*['\"]?)[^\s,'\"}]+",
    re.IGNORECASE,
)

_registered: list[Secret] = []
_lock = threading.Lock()


def register_secret(secret: Secret) -> None:
    """Mask this secret's text in every log record from now on."""
    with _lock:
        if secret and secret not in _registered:
            _registered.append(secret)


def redact(text: str) -> str:
    """``text`` with registered secrets and sensitive fields/headers masked."""
    with _lock:
        for secret in _registered:
            text = text.replace(secret.reveal(), REDACTED)
    text = _SENSITIVE_FIELD.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    return _SENSITIVE_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


class NoFrameDumps(logging.Filter):
    """Drops websockets' DEBUG records: they dump frames, cut in the middle with "...",
    so a token's tail could slip past any pattern. Connection-level records stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("websockets") and record.levelno < logging.INFO)


class RedactingFormatter(logging.Formatter):
    """Formats as usual (tracebacks included), then redacts the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_log_file(path: Path, level: int = logging.INFO) -> logging.Handler:
    """Send kraken-tui's log records to ``path`` through the redacting formatter.

    Libraries' chatty DEBUG output stays off unless ``level`` asks for DEBUG;
    websockets' frame dumps never reach the file.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(NoFrameDumps())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("websockets", "aiohttp", "asyncio"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))
    return handler
