"""``kraken-tui keys set|show|delete``: API keys in the OS keyring, from the command line.

Secrets are read with ``getpass`` (no echo) from a terminal, or as the second line of
standard input from a pipe; no option ever takes one. ``kraken_tui.credentials`` (and so
``keyring``) is imported only when a command runs, so ``kraken-tui --help`` stays fast.

Exit status: 0 done; 1 nothing to do or bad input (missing entry, malformed key or
secret, a keyring error); 2 no usable keyring (nothing written).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import textwrap

ENVIRONMENTS = ("demo", "live")
VENUES = ("spot", "futures")

KEYS_DESCRIPTION = """\
Store, show or delete Kraken API keys in the OS keyring (Secret Service, macOS
Keychain, Windows Credential Locker): service kraken-tui, one entry per environment
and venue (demo/spot, demo/futures, live/spot, live/futures). Nothing is written to
any file. Secrets are never taken from the command line.
"""

KEYS_EPILOG = """\
examples:
  kraken-tui keys set --env live --venue futures     prompt for the key and secret (hidden)
  printf '%s\\n%s\\n' "$KEY" "$SECRET" | kraken-tui keys set --env demo --venue spot
  kraken-tui keys show                               list all four slots (key id only)
  kraken-tui keys delete --env demo --venue futures

exit status: 0 done, 1 nothing to do or bad input, 2 no usable keyring
"""

_SET_EPILOG = """\
From a terminal both values are prompted for without echo. From a pipe, standard
input holds two lines: the API key, then the API secret. The entry is read back once
to confirm it was stored.

examples:
  kraken-tui keys set --env live --venue futures
  printf '%s\\n%s\\n' "$KEY" "$SECRET" | kraken-tui keys set --env demo --venue spot
"""

_SHOW_EPILOG = """\
Prints the key id (its last four characters) and where it is stored; never the secret.

examples:
  kraken-tui keys show                          all four slots
  kraken-tui keys show --env live               live spot and live futures
  kraken-tui keys show --env live --venue spot  one slot (exit 1 when it is empty)
"""

_DELETE_EPILOG = """\
Removes one entry; the other environment and venue are untouched. Exit 1 when the
entry does not exist.

example:
  kraken-tui keys delete --env demo --venue futures
"""


def add_keys_arguments(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` (the ``keys`` command) its description and the set/show/delete actions."""
    parser.description = KEYS_DESCRIPTION
    parser.epilog = KEYS_EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    raw = argparse.RawDescriptionHelpFormatter

    store = actions.add_parser(
        "set",
        help="store the API key and secret of one environment and venue",
        description="Store one API key pair in the OS keyring.",
        epilog=_SET_EPILOG,
        formatter_class=raw,
    )
    _slot_options(store, required=True)
    store.add_argument(
        "--allow-insecure-keyring",
        action="store_true",
        help="store even when the active keyring backend keeps secrets in an unencrypted "
        "file (keyrings.alt); refused without this option",
    )

    show = actions.add_parser(
        "show",
        help="show which keys are stored (key id and location, never the secret)",
        description="Show the stored key id and its keyring entry.",
        epilog=_SHOW_EPILOG,
        formatter_class=raw,
    )
    _slot_options(show, required=False)

    delete = actions.add_parser(
        "delete",
        help="remove the key of one environment and venue",
        description="Remove one API key pair from the OS keyring.",
        epilog=_DELETE_EPILOG,
        formatter_class=raw,
    )
    _slot_options(delete, required=True)


def _slot_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    # Own dest names: the top-level --env (sim|live) means something else.
    every = "" if required else "; omit for both"
    parser.add_argument(
        "--env",
        dest="keys_env",
        choices=ENVIRONMENTS,
        required=required,
        help=f"demo (Kraken's demo environment) or live (real money){every}",
    )
    parser.add_argument(
        "--venue",
        dest="keys_venue",
        choices=VENUES,
        required=required,
        help=f"spot or futures: Kraken issues separate keys for each{every}",
    )


def run_keys(args: argparse.Namespace) -> int:
    """Run ``keys set|show|delete``; returns the exit status."""
    from kraken_tui import credentials

    action: str = args.keys_action
    try:
        if action == "set":
            return _set(args.keys_env, args.keys_venue, args.allow_insecure_keyring)
        if action == "show":
            return _show(args.keys_env, args.keys_venue)
        return _delete(args.keys_env, args.keys_venue)
    except credentials.KeyringUnavailableError as exc:
        _error(action, str(exc))
        return 2
    except credentials.CredentialsError as exc:
        _error(action, str(exc))
        return 1
    except (KeyboardInterrupt, EOFError):
        _error(action, "cancelled; nothing was written")
        return 1


def _set(env: str, venue: str, allow_insecure: bool) -> int:
    from kraken_tui import credentials
    from kraken_tui.model.secret import Secret

    # Refuse before the user types a secret; store_credentials checks again.
    credentials.ensure_writable(env, venue, allow_insecure=allow_insecure)
    where = f"{credentials.describe_backend()} (service kraken-tui, entry {env}/{venue})"
    if credentials.keyring_is_insecure():
        _error("set", f"warning: {where} does not encrypt secrets")
    if sys.stdin.isatty():
        print(f"Storing the {env} {venue} API key in {where}.", file=sys.stderr)
        api_key = getpass.getpass(f"{env} {venue} API key (hidden): ").strip()
        api_secret = Secret(getpass.getpass(f"{env} {venue} API secret (hidden): ").strip())
    else:
        api_key = sys.stdin.readline().strip()
        api_secret = Secret(sys.stdin.readline().strip())
        if not api_secret:
            _error(
                "set",
                "expected two lines on standard input: the API key, then the API secret. "
                "Nothing was written.",
            )
            return 1
    info = credentials.store_credentials(
        env, venue, api_key, api_secret, allow_insecure=allow_insecure
    )
    print(f"stored {env} {venue} key {info.key_id} in {info.location()}")
    return 0


def _show(env: str | None, venue: str | None) -> int:
    from kraken_tui import credentials

    slots = [
        (e, v) for e in ([env] if env else ENVIRONMENTS) for v in ([venue] if venue else VENUES)
    ]
    if len(slots) > 1:
        problem = credentials.keyring_problem()
        if problem is not None:
            _error("show", problem)
            return 2
    status = 0
    for slot_env, slot_venue in slots:
        try:
            info = credentials.stored_info(slot_env, slot_venue)
        except credentials.KeyringUnavailableError:
            raise
        except credentials.CredentialsError as exc:
            _error("show", str(exc))
            status = 1
            continue
        if info is not None:
            print(f"{slot_env} {slot_venue}: key {info.key_id} in {info.location()}")
            continue
        line = (
            f"{slot_env} {slot_venue}: no key stored (set one with "
            f"`kraken-tui keys set --env {slot_env} --venue {slot_venue}`)"
        )
        print(line)
        if len(slots) == 1:
            status = 1
    return status


def _delete(env: str, venue: str) -> int:
    from kraken_tui import credentials

    try:
        info = credentials.stored_info(env, venue)
    except credentials.KeyringUnavailableError:
        raise
    except credentials.CredentialsError:
        info = None  # unreadable or malformed: still removable, but no key id to name
    where = f"{credentials.describe_backend()} (service kraken-tui, entry {env}/{venue})"
    if not credentials.delete_credentials(env, venue):
        _error("delete", f"no {env} {venue} key is stored in {where}; nothing removed")
        return 1
    what = f"key {info.key_id}" if info is not None else "entry"
    print(f"removed {env} {venue} {what} from {where}")
    return 0


def _error(action: str, message: str) -> None:
    text = textwrap.fill(
        f"kraken-tui keys {action}: {message}",
        width=88,
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    print(text, file=sys.stderr)
