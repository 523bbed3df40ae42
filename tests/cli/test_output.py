"""What every command prints: JSON or a table (--json/--table before or after the command),
``{"ok": true}`` for no result, typed results without their bookkeeping, --limit and the
pager, shell completion, and help that shows every option's default."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from afilnet_async.cli.app import cli
from afilnet_async.cli.options import walk
from afilnet_async.spec import METHODS

from .helpers import Account, Served, clean_environment, new_group, run, run_many, run_on_terminal


def commands() -> list[tuple[str, click.Command]]:
    """Every command of the tree with its path (``contacts list``)."""
    found: list[tuple[str, click.Command]] = []

    def visit(command: click.Command, path: str) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                visit(sub, f"{path} {name}".strip())

    visit(cli, "")
    return found


def options_of(command: click.Command) -> list[click.Option]:
    with click.Context(command) as ctx:
        params = command.get_params(ctx)  # the emulator's options are generated here
    return [p for p in params if isinstance(p, click.Option)]


def test_every_command_takes_json_table_and_verbose_before_or_after_it() -> None:
    assert len(list(walk(cli))) == len(commands()) >= 27
    for path, command in commands():
        flags = {flag for option in options_of(command) for flag in option.opts}
        assert {"--json", "-v", "--verbose"} <= flags, path or "afilnet"
        secondary = {flag for option in options_of(command) for flag in option.secondary_opts}
        assert "--table" in secondary, path or "afilnet"


def test_every_option_has_help_and_shows_its_default() -> None:
    for path, command in commands():
        for option in options_of(command):
            name = f"afilnet {path} {option.opts[0]}"
            if {"--help", "--version"} & set(option.opts):
                continue
            assert option.help, f"{name} has no help"
            shown = option.show_default or "[default: " in option.help
            assert shown, f"{name} does not show its default"


def test_help_shows_defaults() -> None:
    shown = run(["import", "--help"], clean_environment())

    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    assert "--concurrency INTEGER RANGE Requests in flight at most" in text
    assert "[default: 8; 1<=x<=100]" in text
    assert "[default: ($AFILNET_COUNTRY)]" in text
    assert "--json / --table Print the result as JSON or as a table." in text


@pytest.fixture
def group(account: Account) -> int:
    return new_group(
        account, "mobile", "name",
        contacts=[{"mobile": f"3460000{n:04d}", "name": f"Person {n}"} for n in range(60)],
    )  # fmt: skip


def test_json_or_table_wherever_the_flag_is(account: Account, group: int) -> None:
    listing = ["contacts", "list", str(group), "--limit", "2"]
    runs = {
        "methods --json": ["methods", "--json"],
        "--json methods": ["--json", "methods"],
        "balance --table": ["balance", "--table"],
        "--table balance": ["--table", "balance"],
        "list --table": [*listing, "--table"],
        "--table list": ["--table", *listing],
        "list piped": listing,
        "channels --json": ["channels", "--json"],
        "addresses --table": ["addresses", "--table"],
        "columns --table": ["groups", "columns", str(group), "--table"],
        "call --json": ["call", "user", "getchannels", "--json"],
        "methods -v --table": ["methods", "-v", "--table"],
    }
    results = dict(zip(runs, run_many(list(runs.values()), account.env), strict=True))
    for name, result in results.items():
        assert result.returncode == 0, f"{name}: {result.stderr}"

    assert results["methods --json"].stdout == results["--json methods"].stdout
    assert len(results["methods --json"].json()) == len(METHODS)
    assert results["balance --table"].stdout == results["--table balance"].stdout
    assert "│ balance │ 250.5 │" in results["balance --table"].stdout
    assert results["list --table"].stdout == results["--table list"].stdout
    assert "┃ idcontact ┃ mobile      ┃ name     ┃" in results["list --table"].stdout
    assert [c["name"] for c in results["list piped"].json()] == ["Person 0", "Person 1"]
    assert [c["channelname"] for c in results["channels --json"].json()] == [
        "sms", "email", "voice",
    ]  # fmt: skip
    assert results["addresses --table"].stdout == "(empty)\n"
    assert results["columns --table"].stdout == "mobile\nname\n"
    assert results["call --json"].json()[0]["channelname"] == "sms"
    assert "┃ method " in results["methods -v --table"].stdout


def test_no_result_is_ok_never_null(account: Account) -> None:
    first, second = new_group(account, "mobile"), new_group(account, "mobile")

    as_json, as_table = run_many(
        [["groups", "delete", str(first)], ["groups", "delete", str(second), "--table"]],
        account.env,
    )

    assert as_json.returncode == as_table.returncode == 0
    assert as_json.json() == {"ok": True}
    assert as_table.stdout == "OK\n"
    assert "null" not in as_json.stdout + as_table.stdout


def test_typed_results_print_their_values_not_their_bookkeeping(
    emulator: Served, account: Account
) -> None:
    owner = emulator.emulator.state.find(account.user)
    assert owner is not None
    owner.balance = 1000.0
    login = f"sub-{account.user}@example.com"
    emulator.emulator.state.add_account(login, "pw-sub-S3cr3t", parent=owner, balance=12.75)

    balance, subaccounts, table = run_many(
        [["balance"], ["subaccounts"], ["subaccounts", "--table"]], account.env
    )

    assert balance.stdout == '{\n  "balance": 1000\n}\n'  # a Decimal, whole: a JSON integer
    [sub] = subaccounts.json()
    assert sub["accountemail"] == login
    assert sub["balance"] == 12.75  # a number, not text
    assert "raw" not in sub
    assert "request_id" not in sub
    assert re.search(rf"│ {re.escape(login)} │ 12.75 +│", table.stdout), table.stdout


def test_limit_says_how_many_were_not_shown(account: Account, group: int) -> None:
    limited, everything = run_many(
        [["contacts", "list", str(group), "--limit", "10"], ["contacts", "list", str(group)]],
        account.env,
    )

    assert len(limited.json()) == 10
    assert limited.error_line == "50 more contacts not shown (--limit 10; 60 in the group)"
    assert len(everything.json()) == 60
    assert everything.stderr == ""


@pytest.fixture
def pager(tmp_path: Path) -> Path:
    """A pager that says it was used and how many lines it was given."""
    script = tmp_path / "pager.sh"
    script.write_text('#!/bin/sh\necho "PAGED $(wc -l) lines"\n')
    script.chmod(0o755)
    return script


def test_a_long_table_goes_through_the_pager_on_a_terminal(
    account: Account, group: int, pager: Path
) -> None:
    env = {**account.env, "PAGER": str(pager)}

    long, paged = run_on_terminal(
        ["contacts", "list", str(group)], env, terminal="stdout", stdin_terminal=True, rows=30
    )
    _, short = run_on_terminal(
        ["contacts", "list", str(group), "--limit", "5"],
        env,
        terminal="stdout",
        stdin_terminal=True,
        rows=30,
    )
    piped = run(["--table", "contacts", "list", str(group)], env)

    assert long.returncode == 0
    paged_lines = re.fullmatch(r"\s*PAGED (\d+) lines\s*", paged)
    assert paged_lines, paged  # the pager got the table, nothing else was printed
    assert 64 <= int(paged_lines.group(1)) <= 65  # 60 rows, the header and the borders
    assert "PAGED" not in short
    assert "Person 4" in short
    assert "PAGED" not in piped.stdout  # never when piped, even as a table
    assert piped.stdout.count("Person ") == 60


@pytest.mark.parametrize(
    ("shell", "marks"),
    [
        ("bash", ["_afilnet_completion()", "_AFILNET_COMPLETE=bash_complete", "complete -o"]),
        ("zsh", ["#compdef afilnet", "_AFILNET_COMPLETE=zsh_complete"]),
        ("fish", ["complete --no-files --command afilnet", "_AFILNET_COMPLETE=fish_complete"]),
    ],
)
def test_completion_scripts(shell: str, marks: list[str]) -> None:
    script = run(["completion", shell], clean_environment())

    assert script.returncode == 0, script.stderr
    for mark in marks:
        assert mark in script.stdout


def test_completion_completes_commands_and_options() -> None:
    def asking(words: str) -> dict[str, str]:
        count = str(len(words.split()) - 1)
        return clean_environment(
            _AFILNET_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=count
        )

    commands = run([], asking("afilnet gro"))
    options = run([], asking("afilnet import --dry"))

    assert commands.stdout.split() == ["plain,groups"]
    assert options.stdout.split() == ["plain,--dry-run"]


def test_verbose_shows_each_request_with_its_id_and_never_a_secret(
    emulator: Served, account: Account
) -> None:
    root = emulator.base_url
    runs = [
        ["-v", "balance"],
        ["--auth", "query", "balance", "-v"],
        ["--auth", "oauth2", "-v", "channels"],
    ]

    form, query, oauth2 = run_many(runs, account.env)

    line = r"→ {} {}(http|json)/ {} \[[0-9a-f]{{8}}\] attempt 1 … 200 in [\d,]+ ms"
    assert re.fullmatch(line.format("POST", re.escape(root), "user.getbalance"), form.error_line)
    assert re.fullmatch(line.format("GET", re.escape(root), "user.getbalance"), query.error_line)
    assert re.fullmatch(line.format("POST", re.escape(root), "user.getchannels"), oauth2.error_line)
    for result in (form, query, oauth2):  # one line each (error_line): nothing else printed
        assert account.password not in result.stderr  # the grep
        assert "password" not in result.stderr
        assert "?" not in result.stderr  # no query string
        assert "Bearer" not in result.stderr
    assert json.loads(form.stdout) == {"balance": 250.5}  # stdout is the result alone
