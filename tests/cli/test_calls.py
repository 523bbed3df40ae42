"""Everyday calls: ``afilnet call`` and the friendly subcommands, in every auth style and format."""

from __future__ import annotations

import json

import pytest

from .helpers import Account, Seen, Served, new_group, run, run_many, run_on_terminal

#: What each auth style must put on the wire for an API call: method, path, Authorization.
WIRE = {
    "form": ("POST", "/api/http/", ""),
    "query": ("GET", "/api/http/", ""),
    "basic": ("POST", "/api/basic/", "Basic"),
    "oauth2": ("POST", "/api/json/", "Bearer"),
}


def api_requests(emulator: Served) -> list[Seen]:
    return [seen for seen in emulator.recorder.seen if seen.call is not None]


@pytest.mark.parametrize(
    ("style", "chosen_by"),
    [("form", "flag"), ("query", "environment"), ("basic", "flag"), ("oauth2", "environment")],
)
def test_every_auth_style_from_the_flag_or_the_environment(
    emulator: Served, account: Account, style: str, chosen_by: str
) -> None:
    if chosen_by == "flag":
        result = run(["--auth", style.upper(), "balance"], account.env)
    else:
        result = run(["call", "user", "getbalance"], {**account.env, "AFILNET_AUTH": style})

    assert result.returncode == 0, result.stderr
    # `balance` prints the Balance read; `call` the result as it came (a bare number here)
    assert result.json() == ({"balance": 250.5} if chosen_by == "flag" else 250.5)
    [call] = api_requests(emulator)
    assert call.call == "user.getbalance"
    assert (call.method, call.path, call.authorization) == WIRE[style]
    if style in ("form", "query"):
        where = call.body.decode() if style == "form" else call.query
        assert f"user={account.user}" in where
    if style == "oauth2":
        assert [s.path for s in emulator.recorder.seen] == ["/api/oauth/token", "/api/json/"]


def test_flags_beat_the_environment(emulator: Served, account: Account) -> None:
    env = {
        **account.env,
        "AFILNET_AUTH": "query",
        "AFILNET_BASE_URL": "http://127.0.0.1:9/api/",  # nothing listens there
    }

    result = run(["--auth", "basic", "--base-url", emulator.base_url, "balance"], env)

    assert result.returncode == 0, result.stderr
    assert result.json() == {"balance": 250.5}
    assert [(s.method, s.path) for s in api_requests(emulator)] == [("POST", "/api/basic/")]


def test_groups_and_contacts_from_the_shell(account: Account) -> None:
    env = account.env
    created = run(["groups", "create", "Customers", "--fields", "mobile,name"], env)
    assert created.returncode == 0, created.stderr
    assert list(created.json()) == ["idgroup"]
    idgroup = created.json()["idgroup"]
    assert run(["groups", "columns", str(idgroup)], env).json() == ["mobile", "name"]

    ann = run(["contacts", "add", str(idgroup), "mobile=34600000001", "name=Ann"], env).json()
    bob = run(["contacts", "add", str(idgroup), "mobile=34600000002", "name=Bob"], env).json()
    assert set(ann) == set(bob) == {"idcontact"}

    listed = run(["contacts", "list", str(idgroup)], env).json()
    assert [(c["mobile"], c["name"]) for c in listed] == [
        ("34600000001", "Ann"),
        ("34600000002", "Bob"),
    ]
    one = run(["contacts", "get", str(idgroup), str(ann["idcontact"])], env).json()
    assert one == {"idcontact": ann["idcontact"], "mobile": "34600000001", "name": "Ann"}

    deleted = run(["contacts", "delete", str(idgroup), str(ann["idcontact"])], env)
    assert deleted.returncode == 0, deleted.stderr
    remaining = run(["call", "group", "getcontacts", f"idgroup={idgroup}"], env).json()
    assert [c["name"] for c in remaining] == ["Bob"]

    assert run(["groups", "delete", str(idgroup)], env).returncode == 0
    gone = run(["contacts", "list", str(idgroup)], env)
    assert gone.returncode == 1
    assert gone.error_line == "afilnet: error: NOT_ACCESS_TO_GROUP: no permission on that group"


def test_channels_lists_the_accounts_channels(account: Account) -> None:
    channels = run(["channels"], account.env)

    assert channels.returncode == 0, channels.stderr
    assert sorted(c["channelname"] for c in channels.json()) == ["email", "sms", "voice"]


def test_call_sends_any_known_method_with_its_parameters(
    emulator: Served, account: Account
) -> None:
    idgroup = new_group(account, "mobile")

    result = run(
        ["call", "group", "addcolumntogroup", f"idgroup={idgroup}", "field=city=Madrid?"],
        account.env,
    )

    assert result.returncode == 0, result.stderr
    [call] = api_requests(emulator)
    assert call.fields["field"] == "city=Madrid?"  # only the first "=" splits
    assert emulator.emulator.state.groups[idgroup].fields == ["mobile", "city=Madrid?"]


def test_json_when_piped_and_a_table_when_forced(account: Account) -> None:
    idgroup = new_group(account, "mobile", "name")
    contacts = [
        {"mobile": "34600000001", "name": "[bold]Ann[/bold]"},
        {"mobile": "34600000002", "name": "[/oops]"},
    ]
    listed = f"contacts={json.dumps(contacts)}"
    added = run(["call", "group", "addcontactlist", f"idgroup={idgroup}", listed], account.env)
    assert added.json() == {"added": 2, "invalid": 0}

    piped = run(["contacts", "list", str(idgroup)], account.env)
    table = run(["--table", "contacts", "list", str(idgroup)], account.env)

    assert [c["name"] for c in json.loads(piped.stdout)] == ["[bold]Ann[/bold]", "[/oops]"]
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[1].split("┃")[1:4] == [" idcontact ", " mobile      ", " name             "]
    body = [line.split("│")[2:4] for line in lines[3:-1]]
    assert body == [
        [" 34600000001 ", " [bold]Ann[/bold] "],  # data is shown as is, never as markup
        [" 34600000002 ", " [/oops]          "],
    ]


def test_a_table_for_a_record_a_list_of_names_and_nothing(account: Account) -> None:
    idgroup = new_group(account, "mobile", "name")

    record, names, nothing = (
        result.stdout
        for result in run_many(
            [
                ["--table", "balance"],
                ["--table", "groups", "columns", str(idgroup)],
                ["--table", "subaccounts"],
            ],
            account.env,
        )
    )

    assert "┃ field   ┃ value ┃" in record
    assert "│ balance │ 250.5 │" in record
    assert names == "mobile\nname\n"
    assert nothing == "(empty)\n"


def test_a_table_on_a_terminal_unless_json_is_asked(account: Account) -> None:
    result, shown = run_on_terminal(["balance"], account.env, terminal="stdout")
    as_json, shown_json = run_on_terminal(["--json", "balance"], account.env, terminal="stdout")

    assert result.returncode == 0, result.stderr
    assert "│ balance │ 250.5 │" in shown
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(shown_json) == {"balance": 250.5}


def test_contacts_add_checks_like_the_library_and_takes_a_country(
    emulator: Served, account: Account
) -> None:
    idgroup = new_group(account, "mobile", "name")

    refused = run(["contacts", "add", str(idgroup), "mobile=abc"], account.env)
    national = run(
        ["contacts", "add", str(idgroup), "mobile=600 111 222", "name=Ann", "--country", "es"],
        account.env,
    )

    assert refused.returncode == 1
    assert refused.error_line.endswith("mobile 'abc' holds 'a', which is not a digit")
    assert national.returncode == 0, national.stderr
    assert emulator.recorder.calls() == ["group.addcontact"]  # the refused one was never sent
    stored = list(emulator.emulator.state.groups[idgroup].contacts.values())
    assert stored == [{"mobile": "34600111222", "name": "Ann"}]


def test_plain_http_to_another_host_only_with_allow_insecure_http(
    emulator: Served, account: Account
) -> None:
    # 0.0.0.0 reaches this machine, but the library cannot tell it is loopback: it refuses
    elsewhere = emulator.base_url.replace("127.0.0.1", "0.0.0.0")  # noqa: S104
    env = {**account.env, "AFILNET_BASE_URL": elsewhere}

    refused, allowed = run_many([["balance"], ["--allow-insecure-http", "balance"]], env)

    assert refused.returncode == 1
    assert refused.error_line.startswith(
        "afilnet: error: refusing to send credentials over plain http to '0.0.0.0'"
    )
    assert "--allow-insecure-http" in refused.error_line
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.json() == {"balance": 250.5}
