"""Credentials in the OS keyring: one entry per environment and venue, nothing leaks.

Every test runs on the empty in-memory keyring installed by ``tests/conftest.py``; tests
that need another backend install it with ``keyring.set_keyring`` (the fixture restores
the original afterwards).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail, null

from kraken_tui import credentials as cr
from kraken_tui.model.secret import Secret
from tests.conftest import MemoryKeyring

# Distinctive values: if either shows up in a message, a secret leaked.
CANARY_SECRET = "Q2FuYXJ5U2VjcmV0LWtyYWtlbi10dWktOTk4ODc3NjY1NQ=="  # valid base64
OTHER_SECRET = "T3RoZXJTZWNyZXQtZm9yLWxpdmUtb25seS0xMjM0NTY3OA=="
API_KEY = "KeyIdCanaryXyZw0123AB12"
OTHER_KEY = "AnotherKeyIdQwErty98CD34"
SLOTS = [(env, venue) for env in ("demo", "live") for venue in ("spot", "futures")]


def no_secret_in(text: str) -> bool:
    return CANARY_SECRET not in text and OTHER_SECRET not in text


def library_locals(error: BaseException) -> str:
    """Every local of every kraken_tui frame the exception passed through, as repr text.

    (The test's own frame is left out: its parameters hold the canary on purpose.)
    """
    summary = traceback.TracebackException.from_exception(error, capture_locals=True)
    frames = [f for f in summary.stack if "kraken_tui" in f.filename]
    assert frames, "expected the error to come from kraken_tui"
    return "\n".join(f"{f.name}: {f.locals}" for f in frames) + str(error)


def only_entries(store: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    return sorted(store)


@pytest.mark.parametrize(("env", "venue"), SLOTS)
def test_store_load_show_delete_each_slot(
    env: str, venue: str, memory_keyring: MemoryKeyring
) -> None:
    info = cr.store_credentials(env, venue, API_KEY, Secret(CANARY_SECRET))
    assert (info.env, info.venue, info.key_id) == (env, venue, "…AB12")
    assert info.entry == f"{env}/{venue}"
    assert info.location().endswith(f"(service kraken-tui, entry {env}/{venue})")
    # Exactly one entry, under service kraken-tui, holding compact JSON.
    assert only_entries(memory_keyring.store) == [("kraken-tui", f"{env}/{venue}")]
    assert memory_keyring.store[("kraken-tui", f"{env}/{venue}")] == (
        '{"api_key":"KeyIdCanaryXyZw0123AB12",'
        '"api_secret":"Q2FuYXJ5U2VjcmV0LWtyYWtlbi10dWktOTk4ODc3NjY1NQ=="}'
    )

    lookup = cr.load_credentials(env, venue)
    assert lookup.credentials is not None
    assert lookup.credentials.api_key == API_KEY
    assert lookup.credentials.api_secret == Secret(CANARY_SECRET)
    assert lookup.credentials.source == "keyring"
    assert "…AB12" in lookup.message and f"entry {env}/{venue}" in lookup.message
    assert no_secret_in(lookup.message) and no_secret_in(repr(lookup))

    shown = cr.stored_info(env, venue)
    assert shown is not None and shown.key_id == "…AB12"
    assert no_secret_in(repr(shown))

    assert cr.delete_credentials(env, venue) is True
    assert memory_keyring.store == {}
    assert cr.stored_info(env, venue) is None
    assert cr.delete_credentials(env, venue) is False


def test_demo_and_live_never_mix(memory_keyring: MemoryKeyring) -> None:
    cr.store_credentials("demo", "futures", API_KEY, Secret(CANARY_SECRET))
    cr.store_credentials("live", "futures", OTHER_KEY, Secret(OTHER_SECRET))
    demo = cr.load_credentials("demo", "futures").credentials
    live = cr.load_credentials("live", "futures").credentials
    assert demo is not None and live is not None
    assert (demo.api_key, demo.api_secret) == (API_KEY, Secret(CANARY_SECRET))
    assert (live.api_key, live.api_secret) == (OTHER_KEY, Secret(OTHER_SECRET))
    # Spot slots of either environment stay empty.
    assert cr.load_credentials("live", "spot").credentials is None

    assert cr.delete_credentials("demo", "futures") is True
    gone = cr.load_credentials("demo", "futures")
    assert gone.credentials is None
    assert gone.message == (
        "no futures key stored for demo: run `kraken-tui keys set --env demo --venue futures`"
    )
    kept = cr.load_credentials("live", "futures").credentials
    assert kept is not None and kept.api_secret == Secret(OTHER_SECRET)
    assert only_entries(memory_keyring.store) == [("kraken-tui", "live/futures")]


def test_updating_one_slot_leaves_the_other(memory_keyring: MemoryKeyring) -> None:
    cr.store_credentials("demo", "spot", API_KEY, Secret(CANARY_SECRET))
    cr.store_credentials("live", "spot", API_KEY, Secret(CANARY_SECRET))
    cr.store_credentials("live", "spot", OTHER_KEY, Secret(OTHER_SECRET))
    demo = cr.load_credentials("demo", "spot").credentials
    live = cr.load_credentials("live", "spot").credentials
    assert demo is not None and demo.api_key == API_KEY
    assert live is not None and live.api_key == OTHER_KEY
    assert len(memory_keyring.store) == 2


def test_fail_backend_gives_actionable_messages_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]

    problem = cr.keyring_problem()
    assert problem is not None
    for needle in ("no OS keyring", "Secret Service", "dbus-run-session", "--keys-from-env"):
        assert needle in problem

    lookup = cr.load_credentials("live", "futures")
    assert lookup.credentials is None
    for needle in (
        "no OS keyring",
        "gnome-keyring",
        "dbus-run-session",
        "--keys-from-env",
        "KRAKEN_TUI_LIVE_FUTURES_API_KEY",
        "KRAKEN_TUI_LIVE_FUTURES_API_SECRET",
    ):
        assert needle in lookup.message

    with pytest.raises(cr.KeyringUnavailableError) as stored:
        cr.store_credentials("live", "futures", API_KEY, Secret(CANARY_SECRET))
    assert "no OS keyring" in str(stored.value) and "Nothing was written" in str(stored.value)
    assert no_secret_in(str(stored.value))
    with pytest.raises(cr.KeyringUnavailableError):
        cr.stored_info("live", "futures")
    with pytest.raises(cr.KeyringUnavailableError):
        cr.delete_credentials("live", "futures")
    assert cr.describe_backend() == "no keyring backend"
    assert list(tmp_path.iterdir()) == []


def test_disabled_null_backend_is_reported() -> None:
    keyring.set_keyring(null.Keyring())  # type: ignore[no-untyped-call]
    problem = cr.keyring_problem()
    assert problem is not None and "disabled" in problem
    lookup = cr.load_credentials("demo", "spot")
    assert lookup.credentials is None and "disabled" in lookup.message
    with pytest.raises(cr.KeyringUnavailableError):
        cr.store_credentials("demo", "spot", API_KEY, Secret(CANARY_SECRET))


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_locked_keyring_is_unavailable_not_a_crash() -> None:
    keyring.set_keyring(LockedKeyring())
    assert cr.keyring_problem() is None  # only an actual call can find a lock
    lookup = cr.load_credentials("live", "spot")
    assert lookup.credentials is None
    assert "locked" in lookup.message and "entry live/spot" in lookup.message
    with pytest.raises(cr.KeyringUnavailableError, match="locked"):
        cr.store_credentials("live", "spot", API_KEY, Secret(CANARY_SECRET))


class QuotingKeyring(MemoryKeyring):
    """A badly behaved backend whose error repeats the password it was given."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"D-Bus refused to store {password!r}")


def test_backend_error_never_carries_the_secret() -> None:
    keyring.set_keyring(QuotingKeyring())
    with pytest.raises(cr.CredentialsError) as caught:
        cr.store_credentials("live", "futures", API_KEY, Secret(CANARY_SECRET))
    error = caught.value
    assert "RuntimeError" in str(error) and "<redacted>" in str(error)
    assert no_secret_in(str(error))
    # Nothing chained: the backend's exception (which holds the password) is gone.
    assert error.__context__ is None and error.__cause__ is None
    assert no_secret_in(library_locals(error))


class ForgetfulKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        """Accepts the write and keeps nothing."""


def test_a_write_that_does_not_read_back_is_an_error() -> None:
    keyring.set_keyring(ForgetfulKeyring())
    with pytest.raises(cr.CredentialsError, match="read back"):
        cr.store_credentials("demo", "futures", API_KEY, Secret(CANARY_SECRET))


# A stand-in for keyrings.alt.file.PlaintextKeyring: only its module name matters.
PlaintextKeyring = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})


def test_plaintext_backend_is_refused_unless_allowed() -> None:
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    assert cr.keyring_is_insecure()
    assert cr.describe_backend() == "keyrings.alt file (NOT secure)"
    with pytest.raises(cr.KeyringUnavailableError) as refused:
        cr.store_credentials("live", "spot", API_KEY, Secret(CANARY_SECRET))
    assert "not encrypted" in str(refused.value)
    assert "--allow-insecure-keyring" in str(refused.value)
    assert backend.store == {}
    with pytest.raises(cr.KeyringUnavailableError):
        cr.ensure_writable("live", "spot")

    cr.store_credentials("live", "spot", API_KEY, Secret(CANARY_SECRET), allow_insecure=True)
    lookup = cr.load_credentials("live", "spot")
    assert lookup.credentials is not None and "does not encrypt" in lookup.message


def test_memory_backend_is_secure_and_writable() -> None:
    assert cr.keyring_problem() is None
    assert not cr.keyring_is_insecure()
    cr.ensure_writable("demo", "spot")  # does not raise
    assert cr.describe_backend().endswith("MemoryKeyring")


def test_environment_is_ignored_unless_opted_in(memory_keyring: MemoryKeyring) -> None:
    cr.store_credentials("live", "spot", API_KEY, Secret(CANARY_SECRET))
    environ = {
        "KRAKEN_TUI_LIVE_SPOT_API_KEY": OTHER_KEY,
        "KRAKEN_TUI_LIVE_SPOT_API_SECRET": OTHER_SECRET,
    }
    ignored = cr.load_credentials("live", "spot", environ=environ)
    assert ignored.credentials is not None
    assert (ignored.credentials.api_key, ignored.credentials.source) == (API_KEY, "keyring")

    used = cr.load_credentials("live", "spot", from_env=True, environ=environ)
    assert used.credentials is not None
    assert used.credentials.api_key == OTHER_KEY
    assert used.credentials.api_secret == Secret(OTHER_SECRET)
    assert used.credentials.source == "environment"
    assert "KRAKEN_TUI_LIVE_SPOT_API_KEY" in used.message and no_secret_in(used.message)
    # Never written back.
    assert only_entries(memory_keyring.store) == [("kraken-tui", "live/spot")]


def test_process_environment_is_read_only_with_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRAKEN_TUI_DEMO_FUTURES_API_KEY", API_KEY)
    monkeypatch.setenv("KRAKEN_TUI_DEMO_FUTURES_API_SECRET", CANARY_SECRET)
    assert cr.load_credentials("demo", "futures").credentials is None
    found = cr.load_credentials("demo", "futures", from_env=True).credentials
    assert found is not None and found.source == "environment"
    # Another slot's variables are not borrowed.
    assert cr.load_credentials("live", "futures", from_env=True).credentials is None


def test_env_var_names() -> None:
    assert cr.env_var_names("live", "futures") == (
        "KRAKEN_TUI_LIVE_FUTURES_API_KEY",
        "KRAKEN_TUI_LIVE_FUTURES_API_SECRET",
    )
    assert cr.env_var_names("demo", "spot") == (
        "KRAKEN_TUI_DEMO_SPOT_API_KEY",
        "KRAKEN_TUI_DEMO_SPOT_API_SECRET",
    )


def test_from_env_with_nothing_set_falls_back_to_the_keyring() -> None:
    cr.store_credentials("demo", "spot", API_KEY, Secret(CANARY_SECRET))
    found = cr.load_credentials("demo", "spot", from_env=True, environ={})
    assert found.credentials is not None and found.credentials.source == "keyring"
    missing = cr.load_credentials("live", "spot", from_env=True, environ={})
    assert missing.credentials is None
    assert "KRAKEN_TUI_LIVE_SPOT_API_KEY" in missing.message


def test_half_set_or_malformed_environment_is_explained() -> None:
    half = cr.load_credentials(
        "live", "futures", from_env=True, environ={"KRAKEN_TUI_LIVE_FUTURES_API_KEY": API_KEY}
    )
    assert half.credentials is None
    assert "KRAKEN_TUI_LIVE_FUTURES_API_SECRET is not set" in half.message
    bad_secret = "not*base64*" + CANARY_SECRET
    bad = cr.load_credentials(
        "live",
        "futures",
        from_env=True,
        environ={
            "KRAKEN_TUI_LIVE_FUTURES_API_KEY": API_KEY,
            "KRAKEN_TUI_LIVE_FUTURES_API_SECRET": bad_secret,
        },
    )
    assert bad.credentials is None
    assert "KRAKEN_TUI_LIVE_FUTURES_API_SECRET" in bad.message and "base64" in bad.message
    assert bad_secret not in bad.message and no_secret_in(bad.message)


@pytest.mark.parametrize(
    ("api_key", "secret", "needle"),
    [
        (API_KEY, "not base64 at all " + CANARY_SECRET, "base64"),
        (API_KEY, CANARY_SECRET[:-1], "base64"),
        (API_KEY, "", "base64"),
        ("", CANARY_SECRET, "API key is empty"),
        ("two words", CANARY_SECRET, "spaces"),
    ],
)
def test_malformed_input_is_refused_without_echoing_it(
    api_key: str, secret: str, needle: str, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(cr.CredentialsError) as refused:
        cr.store_credentials("live", "futures", api_key, Secret(secret))
    message = str(refused.value)
    assert needle in message
    assert no_secret_in(message) and (not secret or secret not in message)
    assert memory_keyring.store == {}


@pytest.mark.parametrize(
    ("stored", "needle"),
    [
        ("this is not json " + CANARY_SECRET, "not JSON"),
        ('{"api_key":"KeyIdCanaryXyZw0123AB12"}', "lacks the api_key or api_secret"),
        ('{"api_key":"KeyIdCanaryXyZw0123AB12","api_secret":"%%' + CANARY_SECRET + '"}', "base64"),
        ('["' + CANARY_SECRET + '"]', "lacks the api_key or api_secret"),
    ],
)
def test_malformed_stored_entry_names_the_entry_not_the_value(
    stored: str, needle: str, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[("kraken-tui", "live/spot")] = stored
    lookup = cr.load_credentials("live", "spot")
    assert lookup.credentials is None
    assert "entry live/spot" in lookup.message and needle in lookup.message
    assert "kraken-tui keys set --env live --venue spot" in lookup.message
    assert no_secret_in(lookup.message)

    with pytest.raises(cr.CredentialsError) as shown:
        cr.stored_info("live", "spot")
    assert no_secret_in(str(shown.value))
    assert no_secret_in(library_locals(shown.value))
    # A broken entry can still be removed.
    assert cr.delete_credentials("live", "spot") is True
    assert memory_keyring.store == {}


def test_unknown_environment_or_venue_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="environment"):
        cr.load_credentials("sim", "spot")
    with pytest.raises(ValueError, match="venue"):
        cr.entry_name("live", "options")
