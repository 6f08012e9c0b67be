"""API keys in the OS keyring: store, look up and remove one key pair per environment and venue.

Each pair lives in one keyring entry: service ``kraken-tui``, username ``"{env}/{venue}"``
(``demo/spot``, ``live/futures``, ...), password a compact JSON object
``{"api_key": ..., "api_secret": ...}``. Nothing is ever written anywhere else.
Environment variables (``KRAKEN_TUI_{ENV}_{VENUE}_API_KEY`` / ``..._API_SECRET``) are read
only when the caller opts in with ``from_env=True``.

Secrecy: messages name entries and variables, never values. Internal steps *return* their
errors as exception objects and the public function raises them, so no exception is raised
from a frame whose locals hold the decoded entry, and no backend exception (which may hold
what it was given) is chained to ours. Plaintext backends (``keyrings.alt``) are refused
for writing unless the caller opts in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from kraken_tui.model.secret import (
    REDACTED,
    CredentialError,
    Credentials,
    Secret,
    check_api_secret,
    mask_key,
)

SERVICE = "kraken-tui"
ENVIRONMENTS = ("demo", "live")
VENUES = ("spot", "futures")
FROM_ENV_FLAG = "--keys-from-env"
"""The dashboard option that opts in to environment variables (named in messages)."""
ALLOW_INSECURE_FLAG = "--allow-insecure-keyring"
"""The ``keys set`` option that accepts a plaintext backend (named in messages)."""

_BACKEND_NAMES = {
    "keyring.backends.SecretService": "Secret Service (GNOME Keyring / KWallet)",
    "keyring.backends.libsecret": "Secret Service (libsecret)",
    "keyring.backends.kwallet": "KDE Wallet",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Locker",
    "keyring.backends.fail": "no keyring backend",
    "keyring.backends.null": "disabled keyring (null backend)",
    "keyring.backends.chainer": "chain of keyring backends",
    "keyrings.alt": "keyrings.alt file (NOT secure)",
}
_NO_KEYRING = (
    "no OS keyring is available, so API keys cannot be stored or read. `kraken-tui keys` "
    "needs a Secret Service (GNOME Keyring, KWallet), the macOS Keychain or the Windows "
    "Credential Locker. On a headless Linux box install gnome-keyring and run kraken-tui "
    "inside `dbus-run-session -- $SHELL` after unlocking it with "
    "`gnome-keyring-daemon --unlock` (it reads the keyring password from stdin)."
)
_DISABLED = (
    "the keyring is disabled (keyring.backends.null, chosen by PYTHON_KEYRING_BACKEND or "
    "keyringrc.cfg), so API keys cannot be stored or read; remove that setting to use the "
    "OS keyring."
)


class CredentialsError(Exception):
    """A credential operation failed; the message says what to do and never holds a secret."""


class KeyringUnavailableError(CredentialsError):
    """No usable keyring: none installed, disabled, locked, or refused as plaintext."""


@dataclass(frozen=True, slots=True)
class StoredInfo:
    """Where one key pair is stored, for display: the key is masked, the secret absent."""

    env: str
    venue: str
    key_id: str
    backend: str
    service: str = SERVICE

    @property
    def entry(self) -> str:
        return entry_name(self.env, self.venue)

    def location(self) -> str:
        return f"{self.backend} (service {self.service}, entry {self.entry})"


@dataclass(frozen=True, slots=True)
class CredentialLookup:
    """The result of :func:`load_credentials`: credentials, or why there are none.

    ``message`` is always a sentence for the user: where the key came from, or what to
    do to get one.
    """

    credentials: Credentials | None
    message: str


def entry_name(env: str, venue: str) -> str:
    """The keyring username of one slot, e.g. ``live/futures``."""
    if env not in ENVIRONMENTS:
        raise ValueError(f"environment must be one of {ENVIRONMENTS}, not {env!r}")
    if venue not in VENUES:
        raise ValueError(f"venue must be one of {VENUES}, not {venue!r}")
    return f"{env}/{venue}"


def env_var_names(env: str, venue: str) -> tuple[str, str]:
    """The (key, secret) environment variable names read with ``from_env=True``."""
    entry_name(env, venue)
    prefix = f"KRAKEN_TUI_{env.upper()}_{venue.upper()}"
    return f"{prefix}_API_KEY", f"{prefix}_API_SECRET"


def describe_backend() -> str:
    """A human name for the active keyring backend."""
    backend = _active_backend()
    return "no loadable keyring backend" if isinstance(backend, str) else _backend_name(backend)


def keyring_problem() -> str | None:
    """Why the keyring cannot be used, or None when it can (an actionable sentence)."""
    backend = _usable_or_why()
    if not isinstance(backend, str):
        return None
    return (
        f"{backend} Or, for one run only, start the dashboard with {FROM_ENV_FLAG} and set "
        "KRAKEN_TUI_<ENV>_<VENUE>_API_KEY and KRAKEN_TUI_<ENV>_<VENUE>_API_SECRET "
        "(ENV is DEMO or LIVE, VENUE is SPOT or FUTURES)."
    )


def ensure_writable(env: str, venue: str, *, allow_insecure: bool = False) -> None:
    """Raise KeyringUnavailableError unless a key for this slot could be stored now.

    Lets a command refuse before it asks the user to type a secret.
    """
    _writable_backend(env, venue, allow_insecure=allow_insecure)


def keyring_is_insecure() -> bool:
    """True when the active backend keeps secrets unencrypted (keyrings.alt)."""
    backend = _active_backend()
    return not isinstance(backend, str) and _is_insecure(backend)


def store_credentials(
    env: str,
    venue: str,
    api_key: str,
    api_secret: Secret,
    *,
    allow_insecure: bool = False,
) -> StoredInfo:
    """Validate a key pair, store it in the keyring entry ``env/venue`` and read it back.

    Raises KeyringUnavailableError when no usable keyring exists (or it is a plaintext one
    and ``allow_insecure`` is false), CredentialsError for bad input or a failed write.
    """
    entry = entry_name(env, venue)
    checked = _validated(api_key, api_secret, "keyring", lambda reason: reason)
    if isinstance(checked, str):
        raise CredentialsError(checked)
    backend = _writable_backend(env, venue, allow_insecure=allow_insecure)
    failure = _keyring_call(
        "store",
        entry,
        lambda: backend.set_password(SERVICE, entry, _encode(api_key, api_secret)),
        scrub=api_secret,
    )
    if failure is not None:
        raise failure
    readback = _stored_credentials(backend, env, venue)
    if isinstance(readback, CredentialsError):
        raise readback
    if readback != checked:
        raise CredentialsError(
            f"{_backend_name(backend)} accepted the entry {entry} but did not return it when "
            "it was read back (is it read-only or disabled?), so nothing usable was stored"
        )
    return StoredInfo(env, venue, mask_key(api_key), _backend_name(backend))


def stored_info(env: str, venue: str) -> StoredInfo | None:
    """What is stored for one slot (masked key and location), or None when nothing is.

    Raises KeyringUnavailableError without a usable keyring, CredentialsError when the
    entry cannot be read or is not a kraken-tui credential.
    """
    backend = _usable_backend(env, venue)
    found = _stored_credentials(backend, env, venue)
    if isinstance(found, CredentialsError):
        raise found
    if found is None:
        return None
    return StoredInfo(env, venue, mask_key(found.api_key), _backend_name(backend))


def load_credentials(
    env: str,
    venue: str,
    *,
    from_env: bool = False,
    environ: Mapping[str, str] | None = None,
) -> CredentialLookup:
    """The key pair for one slot, from the environment (only if ``from_env``) or the keyring.

    With ``from_env`` both variables, when set, win over the keyring; when neither is set
    the keyring is asked. Never raises for a missing, locked or broken keyring: the lookup
    then has no credentials and a message saying what to do.
    """
    entry = entry_name(env, venue)
    key_var, secret_var = env_var_names(env, venue)
    env_note = ""
    if from_env:
        found = _from_environment(env, venue, os.environ if environ is None else environ)
        if found is not None:
            return found
        env_note = f" ({FROM_ENV_FLAG}: {key_var} and {secret_var} are not set.)"
    backend = _usable_or_why()
    if isinstance(backend, str):
        return CredentialLookup(None, backend + (env_note or _fallback_hint(env, venue)))
    stored = _stored_credentials(backend, env, venue)
    if isinstance(stored, CredentialsError):
        return CredentialLookup(None, f"{stored}{env_note}")
    if stored is None:
        return CredentialLookup(
            None,
            f"no {venue} key stored for {env}: run "
            f"`kraken-tui keys set --env {env} --venue {venue}`{env_note}",
        )
    warning = "; warning: this backend does not encrypt secrets" if _is_insecure(backend) else ""
    return CredentialLookup(
        stored,
        f"{env} {venue} key {mask_key(stored.api_key)} from {_backend_name(backend)} "
        f"(entry {entry}){warning}",
    )


def delete_credentials(env: str, venue: str) -> bool:
    """Remove one slot's entry (even a malformed one); False when there was none."""
    entry = entry_name(env, venue)
    backend = _usable_backend(env, venue)
    stored = _read_entry(backend, entry)
    if isinstance(stored, CredentialsError):
        raise stored
    if stored is None:
        return False
    failure = _keyring_call("remove", entry, lambda: backend.delete_password(SERVICE, entry))
    if failure is not None:
        raise failure
    return True


# --- validation and the stored format ---------------------------------------------------


def _validated(
    api_key: str, api_secret: Secret, source: str, explain: Callable[[str], str]
) -> Credentials | str:
    """Credentials if both parts are well formed, else ``explain(reason)``."""
    if not api_key:
        return explain("the API key is empty")
    if any(ch.isspace() for ch in api_key) or not api_key.isprintable():
        return explain(
            f"the API key contains spaces or control characters ({len(api_key)} characters); "
            "paste it exactly as Kraken showed it"
        )
    try:
        check_api_secret(api_secret)
    except CredentialError as exc:
        reason = str(exc)  # check_api_secret's messages carry the length, never the text
    else:
        return Credentials(api_key, api_secret, source)
    return explain(reason)


def _encode(api_key: str, api_secret: Secret) -> str:
    return json.dumps(
        {"api_key": api_key, "api_secret": api_secret.reveal()}, separators=(",", ":")
    )


def _decode(stored: Secret, env: str, venue: str) -> Credentials | CredentialsError:
    """Parse an entry; a problem comes back (not raised) naming the entry, never its text."""
    try:
        fields = json.loads(stored.reveal())
    except ValueError:
        return _malformed(env, venue, "it is not JSON")
    if not (
        isinstance(fields, dict)
        and isinstance(fields.get("api_key"), str)
        and isinstance(fields.get("api_secret"), str)
    ):
        return _malformed(env, venue, "it lacks the api_key or api_secret text")
    found = _validated(
        fields["api_key"],
        Secret(fields.pop("api_secret")),
        "keyring",
        lambda reason: f"the stored {reason.removeprefix('the ')}",
    )
    return _malformed(env, venue, found) if isinstance(found, str) else found


def _malformed(env: str, venue: str, reason: str) -> CredentialsError:
    return CredentialsError(
        f"the keyring entry {env}/{venue} (service {SERVICE}) is not a usable kraken-tui "
        f"credential: {reason}. Replace it with `kraken-tui keys set --env {env} "
        f"--venue {venue}` or remove it with `kraken-tui keys delete --env {env} "
        f"--venue {venue}`"
    )


def _from_environment(env: str, venue: str, environ: Mapping[str, str]) -> CredentialLookup | None:
    """Credentials from the two variables; None when neither is set."""
    key_var, secret_var = env_var_names(env, venue)
    has_key, has_secret = key_var in environ, secret_var in environ
    if not has_key and not has_secret:
        return None
    if not (has_key and has_secret):
        present, missing = (key_var, secret_var) if has_key else (secret_var, key_var)
        return CredentialLookup(None, f"{missing} is not set ({present} is); set both or neither")
    found = _validated(
        environ[key_var].strip(),
        Secret(environ[secret_var].strip()),
        "environment",
        lambda reason: f"{key_var} / {secret_var}: {reason}",
    )
    if isinstance(found, str):
        return CredentialLookup(None, found)
    return CredentialLookup(
        found,
        f"{env} {venue} key {mask_key(found.api_key)} from environment variables "
        f"{key_var} and {secret_var}",
    )


# --- the keyring backend ----------------------------------------------------------------


def _active_backend() -> KeyringBackend | str:
    try:
        return keyring.get_keyring()
    except Exception as exc:  # a bad PYTHON_KEYRING_BACKEND or keyringrc.cfg raises here
        return (
            f"the keyring backend could not be loaded ({type(exc).__name__}: {exc}); check "
            "PYTHON_KEYRING_BACKEND and keyringrc.cfg (`python -m keyring diagnose` shows them)."
        )


def _usable_or_why() -> KeyringBackend | str:
    """The active backend, or why it cannot hold keys."""
    backend = _active_backend()
    if isinstance(backend, fail.Keyring):
        return _NO_KEYRING
    if isinstance(backend, null.Keyring):
        return _DISABLED
    return backend


def _fallback_hint(env: str, venue: str) -> str:
    key_var, secret_var = env_var_names(env, venue)
    return (
        f" Or, for one run only, start the dashboard with {FROM_ENV_FLAG} and set "
        f"{key_var} and {secret_var}."
    )


def _usable_backend(env: str, venue: str, *, writing: bool = False) -> KeyringBackend:
    backend = _usable_or_why()
    if isinstance(backend, str):
        written = " Nothing was written." if writing else ""
        raise KeyringUnavailableError(backend + _fallback_hint(env, venue) + written)
    return backend


def _writable_backend(env: str, venue: str, *, allow_insecure: bool) -> KeyringBackend:
    backend = _usable_backend(env, venue, writing=True)
    if _is_insecure(backend) and not allow_insecure:
        raise KeyringUnavailableError(
            f"the active keyring backend, {_backend_name(backend)}, keeps secrets in a file "
            "that is not encrypted, so kraken-tui will not store an API secret in it. Use a "
            "Secret Service, the macOS Keychain or the Windows Credential Locker instead "
            "(unset PYTHON_KEYRING_BACKEND or fix keyringrc.cfg; `python -m keyring diagnose` "
            f"shows which is used), or accept the risk with `kraken-tui keys set "
            f"{ALLOW_INSECURE_FLAG}`. Nothing was written."
        )
    return backend


def _backend_name(backend: KeyringBackend) -> str:
    module = type(backend).__module__
    for prefix, name in _BACKEND_NAMES.items():
        if module == prefix or module.startswith(prefix + "."):
            if prefix == "keyring.backends.chainer":
                return f"{name} ({', '.join(_backend_name(b) for b in _chained(backend))})"
            return name
    return f"{module}.{type(backend).__qualname__}"


def _chained(backend: KeyringBackend) -> list[KeyringBackend]:
    inner: Any = getattr(backend, "backends", [])
    return [b for b in inner if isinstance(b, KeyringBackend)]


def _is_insecure(backend: KeyringBackend) -> bool:
    """keyrings.alt backends (plaintext or weakly protected files), directly or chained."""
    module = type(backend).__module__
    if module == "keyrings.alt" or module.startswith("keyrings.alt."):
        return True
    return any(_is_insecure(b) for b in _chained(backend))


def _stored_credentials(
    backend: KeyringBackend, env: str, venue: str
) -> Credentials | CredentialsError | None:
    """One slot's credentials, None when absent, or the error saying what is wrong."""
    stored = _read_entry(backend, entry_name(env, venue))
    if stored is None or isinstance(stored, CredentialsError):
        return stored
    return _decode(stored, env, venue)


def _read_entry(backend: KeyringBackend, entry: str) -> Secret | CredentialsError | None:
    """The stored text, wrapped in a Secret before any local can hold it."""
    holder: list[Secret | None] = []
    failure = _keyring_call(
        "read", entry, lambda: holder.append(_wrap(backend.get_password(SERVICE, entry)))
    )
    return failure if failure is not None else holder[0]


def _wrap(text: str | None) -> Secret | None:
    return None if text is None else Secret(text)


def _keyring_call(
    action: str, entry: str, call: Callable[[], object], scrub: Secret | None = None
) -> CredentialsError | None:
    """Run one keyring operation; None on success, else the error for the caller to raise.

    Returning rather than raising here keeps the backend's exception out of ``__context__``.
    """
    where = f"could not {action} the keyring entry {entry} (service {SERVICE})"
    try:
        call()
    except keyring.errors.NoKeyringError:
        return KeyringUnavailableError(f"{where}: {_NO_KEYRING}")
    except (keyring.errors.KeyringLocked, keyring.errors.InitError) as exc:
        return KeyringUnavailableError(
            f"{where}: the keyring is locked, its unlock prompt was cancelled, or it could "
            f"not be opened ({type(exc).__name__}). Unlock it (on a headless box: "
            "`gnome-keyring-daemon --unlock`) and try again."
        )
    except Exception as exc:  # backends raise D-Bus, OS and their own errors
        detail = str(exc)
        if scrub:  # in case a backend quotes what it was given
            detail = detail.replace(scrub.reveal(), REDACTED)
        return CredentialsError(
            f"{where}: {type(exc).__name__}: {detail}. Check that the keyring is running and "
            "unlocked (`python -m keyring diagnose` shows its configuration)."
        )
    return None
