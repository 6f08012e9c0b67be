"""Shared fixtures: the embedded exchange on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from kraken_tui.sim import ExchangeServer


@pytest_asyncio.fixture
async def exchange() -> AsyncIterator[ExchangeServer]:
    """A running ExchangeServer(seed=1, scenario="calm"); stopped after the test."""
    server = ExchangeServer(seed=1, scenario="calm")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# --- OS keyring isolation: every test gets an empty in-memory keyring -----------------------

from collections.abc import Iterator  # noqa: E402

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import keyring.errors  # noqa: E402
import pytest  # noqa: E402

CREDENTIAL_ENV_VARS = [
    f"KRAKEN_TUI_{env}_{venue}_API_{part}"
    for env in ("DEMO", "LIVE")
    for venue in ("SPOT", "FUTURES")
    for part in ("KEY", "SECRET")
]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend that keeps entries in a dict, so no test touches the real one."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Install an empty MemoryKeyring and hide credential variables; restore afterwards."""
    for name in CREDENTIAL_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
