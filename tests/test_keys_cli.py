"""``kraken-tui keys set|show|delete`` end to end through ``kraken_tui.cli.main``.

Runs on the in-memory keyring from ``tests/conftest.py``. Every test that handles a
secret checks that the canary never reaches stdout or stderr.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from kraken_tui import credentials, keys_cli
from kraken_tui.cli import build_parser, main
from tests.conftest import MemoryKeyring

CANARY_SECRET = "Q2FuYXJ5U2VjcmV0LWtyYWtlbi10dWktOTk4ODc3NjY1NQ=="
OTHER_SECRET = "T3RoZXJTZWNyZXQtZm9yLWxpdmUtb25seS0xMjM0NTY3OA=="
API_KEY = "KeyIdCanaryXyZw0123AB12"
OTHER_KEY = "AnotherKeyIdQwErty98CD34"


class TtyInput(io.StringIO):
    """Empty standard input that claims to be a terminal: only getpass can answer."""

    def isatty(self) -> bool:
        return True


def pipe_in(monkeypatch: pytest.MonkeyPatch, text: str) -> io.StringIO:
    stdin = io.StringIO(text)
    monkeypatch.setattr(sys, "stdin", stdin)
    return stdin


def run(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    status = main(["keys", *words])
    out, err = capsys.readouterr()
    for secret in (CANARY_SECRET, OTHER_SECRET):
        assert secret not in out and secret not in err, "a secret reached the terminal"
    return status, out, " ".join(err.split())  # stderr is wrapped; compare it unwrapped


def test_set_from_a_pipe_then_show_and_delete(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    status, out, err = run(capsys, "set", "--env", "live", "--venue", "futures")
    assert status == 0, err
    line = out.strip()
    assert line.startswith("stored live futures key …AB12 in ")
    assert line.endswith("(service kraken-tui, entry live/futures)")
    assert API_KEY not in out
    assert list(memory_keyring.store) == [("kraken-tui", "live/futures")]

    status, out, _ = run(capsys, "show", "--env", "live", "--venue", "futures")
    assert status == 0
    assert out.startswith("live futures: key …AB12 in ")
    assert "entry live/futures" in out and API_KEY not in out

    status, out, _ = run(capsys, "delete", "--env", "live", "--venue", "futures")
    assert status == 0
    assert out.startswith("removed live futures key …AB12 from ")
    assert memory_keyring.store == {}

    status, out, err = run(capsys, "delete", "--env", "live", "--venue", "futures")
    assert status == 1
    assert out == "" and "no live futures key is stored" in err and "nothing removed" in err


def test_set_from_a_terminal_uses_getpass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", TtyInput())
    prompts: list[str] = []
    answers: Iterator[str] = iter([f"  {OTHER_KEY} ", f"{OTHER_SECRET}\n"])

    def fake_getpass(prompt: str = "Password: ", stream: object = None) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    status, out, err = run(capsys, "set", "--env", "demo", "--venue", "spot")
    assert status == 0, err
    assert len(prompts) == 2
    assert "API key" in prompts[0] and "API secret" in prompts[1]
    assert "stored demo spot key …CD34" in out
    found = credentials.load_credentials("demo", "spot").credentials
    assert found is not None and found.api_key == OTHER_KEY  # surrounding blanks trimmed
    assert found.api_secret.reveal() == OTHER_SECRET


def test_show_lists_all_four_slots(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    assert run(capsys, "set", "--env", "demo", "--venue", "futures")[0] == 0
    pipe_in(monkeypatch, f"{OTHER_KEY}\n{OTHER_SECRET}\n")
    assert run(capsys, "set", "--env", "live", "--venue", "spot")[0] == 0

    status, out, _ = run(capsys, "show")
    assert status == 0
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "demo spot",
        "demo futures",
        "live spot",
        "live futures",
    ]
    assert "no key stored" in lines[0] and "--env demo --venue spot" in lines[0]
    assert "key …AB12" in lines[1] and "entry demo/futures" in lines[1]
    assert "key …CD34" in lines[2] and "entry live/spot" in lines[2]
    assert "no key stored" in lines[3]

    status, out, _ = run(capsys, "show", "--env", "live")
    assert status == 0 and len(out.splitlines()) == 2

    status, out, _ = run(capsys, "show", "--env", "live", "--venue", "futures")
    assert status == 1 and "no key stored" in out


def test_demo_and_live_stay_apart_through_the_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    run(capsys, "set", "--env", "demo", "--venue", "futures")
    pipe_in(monkeypatch, f"{OTHER_KEY}\n{OTHER_SECRET}\n")
    run(capsys, "set", "--env", "live", "--venue", "futures")
    assert run(capsys, "delete", "--env", "demo", "--venue", "futures")[0] == 0
    status, out, _ = run(capsys, "show", "--venue", "futures")
    assert status == 0
    assert "demo futures: no key stored" in out and "live futures: key …CD34" in out
    assert list(memory_keyring.store) == [("kraken-tui", "live/futures")]


def test_fail_backend_exits_2_before_reading_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    stdin = pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    status, out, err = run(capsys, "set", "--env", "live", "--venue", "futures")
    assert status == 2 and out == ""
    for needle in (
        "no OS keyring",
        "dbus-run-session",
        "gnome-keyring",
        "--keys-from-env",
        "KRAKEN_TUI_LIVE_FUTURES_API_KEY",
        "Nothing was written",
    ):
        assert needle in err
    assert stdin.tell() == 0, "the secret was read although it could not be stored"

    for words in (("show",), ("show", "--env", "demo", "--venue", "spot")):
        status, out, err = run(capsys, *words)
        assert status == 2 and out == "" and "no OS keyring" in err
    status, _, err = run(capsys, "delete", "--env", "demo", "--venue", "spot")
    assert status == 2 and "no OS keyring" in err


PlaintextKeyring = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})


def test_plaintext_backend_needs_explicit_opt_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    stdin = pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    status, _, err = run(capsys, "set", "--env", "live", "--venue", "spot")
    assert status == 2 and "not encrypted" in err and "--allow-insecure-keyring" in err
    assert stdin.tell() == 0 and backend.store == {}

    pipe_in(monkeypatch, f"{API_KEY}\n{CANARY_SECRET}\n")
    status, out, err = run(
        capsys, "set", "--env", "live", "--venue", "spot", "--allow-insecure-keyring"
    )
    assert status == 0 and "warning" in err and "does not encrypt" in err
    assert "stored live spot key …AB12" in out


@pytest.mark.parametrize(
    ("stdin_text", "needle"),
    [
        (f"{API_KEY}\nnot base64 {CANARY_SECRET}\n", "base64"),
        (f"{API_KEY}\n{CANARY_SECRET[:-2]}\n", "base64"),
        (f"{API_KEY}\n", "expected two lines"),
        ("", "expected two lines"),
        (f"with space{API_KEY}\n{CANARY_SECRET}\n", "spaces"),
    ],
)
def test_bad_input_exits_1_and_stores_nothing(
    stdin_text: str,
    needle: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    pipe_in(monkeypatch, stdin_text)
    status, out, err = run(capsys, "set", "--env", "demo", "--venue", "futures")
    assert status == 1 and out == ""
    assert needle in err
    assert CANARY_SECRET[:-2] not in err
    assert memory_keyring.store == {}


def test_malformed_entry_is_reported_by_show_and_removable(
    capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[("kraken-tui", "live/spot")] = "garbage " + CANARY_SECRET
    status, _, err = run(capsys, "show", "--env", "live", "--venue", "spot")
    assert status == 1 and "entry live/spot" in err and "not JSON" in err
    status, out, _ = run(capsys, "delete", "--env", "live", "--venue", "spot")
    assert status == 0 and out.startswith("removed live spot entry from ")
    assert memory_keyring.store == {}


def test_show_ignores_environment_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KRAKEN_TUI_LIVE_SPOT_API_KEY", API_KEY)
    monkeypatch.setenv("KRAKEN_TUI_LIVE_SPOT_API_SECRET", CANARY_SECRET)
    status, out, _ = run(capsys, "show", "--env", "live", "--venue", "spot")
    assert status == 1 and "no key stored" in out


def test_set_and_delete_require_env_and_venue(capsys: pytest.CaptureFixture[str]) -> None:
    for words in (
        ["keys", "set", "--env", "live"],
        ["keys", "delete", "--venue", "spot"],
        ["keys", "set", "--env", "sim", "--venue", "spot"],
        ["keys"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(words)
        assert exc.value.code == 2
    capsys.readouterr()


def test_no_option_takes_a_secret() -> None:
    def options(parser: argparse.ArgumentParser) -> Iterator[str]:
        for action in parser._actions:
            yield from action.option_strings
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from options(sub)

    every = list(options(build_parser()))
    assert "--allow-insecure-keyring" in every  # the walk reaches the keys commands
    assert not [o for o in every if "secret" in o or "api-key" in o or "password" in o]


@pytest.mark.parametrize(
    ("words", "needles"),
    [
        (("keys",), ["set", "show", "delete", "examples", "kraken-tui keys set --env"]),
        (("keys", "set"), ["--env", "--venue", "two lines", "examples"]),
        (("keys", "show"), ["never the secret", "examples"]),
        (("keys", "delete"), ["--env", "--venue", "example"]),
    ],
)
def test_every_keys_command_explains_itself(
    words: tuple[str, ...], needles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*words, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for needle in needles:
        assert needle in out, f"{needle!r} missing from `{' '.join(words)} --help`"


def test_cli_choices_match_the_credentials_module() -> None:
    assert keys_cli.ENVIRONMENTS == credentials.ENVIRONMENTS
    assert keys_cli.VENUES == credentials.VENUES


def test_building_the_parser_does_not_import_keyring() -> None:
    code = (
        "import sys; from kraken_tui.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('keyring', 'kraken_tui.credentials') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert out.strip() == "[]"


def test_fail_backend_in_a_real_process(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "KRAKEN_TUI_", "DBUS_", "PYTHON_KEYRING"))
    }
    env.update(HOME=str(tmp_path), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = subprocess.run(
        [sys.executable, "-m", "kraken_tui.cli", *"keys show --env live --venue spot".split()],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    err = " ".join(result.stderr.split())
    assert err.startswith("kraken-tui keys show: no OS keyring is available")
    assert "KRAKEN_TUI_LIVE_SPOT_API_KEY" in err and "dbus-run-session" in err
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
