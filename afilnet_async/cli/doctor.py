"""``afilnet doctor``: a live, read-only check of what the account answers, style by style.

With the user's own credentials (the usual ``AFILNET_*`` variables) it calls read-only
methods only (``user.getbalance``, ``user.getaddresses``, ``user.getchannels``,
``subaccount.getsubaccounts``; with ``--group`` also ``group.getgroupcolumns`` and
``group.getcontacts``) under one access style or all of them, and prints a table of method x
style: ``ok`` with the model read and the shape the result had, or the error.

``--transcript FILE`` writes what was answered, masked, in the format
:meth:`afilnet_async.emulator.Emulator.from_transcript` reads: keys and shapes kept, every
value replaced (text ``"***"``, digit text ``"0"``, numbers ``0``; booleans and null kept),
object keys that look like a phone number or an e-mail replaced too; the envelope's
``status`` and ``error`` kept. No credential is ever in it.

Each call goes through ``client.call`` (the result as it came, the library's errors and
retries) and the result is read into its model with the library's reader, so one request
per method and style.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import attrs
import click

from .._version import __version__
from ..client import AfilnetClient
from ..config import AUTH_STYLES, settings_from_env
from ..errors import AfilnetAPIError, AfilnetError, AfilnetHTTPStatusError
from ..models import Balance, Channel, GroupColumns
from ..readers import read_result
from ..spec import method
from .context import CliState, pass_state
from .options import option
from .output import emit_summary, print_table, to_plain, wants_json

__all__ = [
    "ACCOUNT_READS",
    "GROUP_READS",
    "TRANSCRIPT_FORMAT",
    "Check",
    "KeyMasker",
    "describe_shape",
    "doctor",
    "mask",
]

#: The methods the doctor calls: reads only (checked below against the spec).
ACCOUNT_READS = (
    "user.getbalance",
    "user.getaddresses",
    "user.getchannels",
    "subaccount.getsubaccounts",
)
GROUP_READS = ("group.getgroupcolumns", "group.getcontacts")
for _qualname in (*ACCOUNT_READS, *GROUP_READS):
    _spec = method(_qualname)
    if not (_spec.idempotent and _spec.api_method.startswith("get")):  # pragma: no cover
        raise RuntimeError(f"afilnet doctor calls only reads; {_qualname} is not one")

#: The styles ``--auth all`` checks (bearer too when ``AFILNET_TOKEN`` is set).
ALL_STYLES = ("form", "query", "basic", "oauth2")
TRANSCRIPT_FORMAT = "afilnet-doctor transcript"
TRANSCRIPT_VERSION = 1

_NUMERIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_PHONE_KEY = re.compile(r"\+?[\d\s().-]+")
_EMAIL_KEY = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_DIGITS = 7  # a key of this many digits or more may be a phone number


# --- masking --------------------------------------------------------------------------------


def _is_phone(key: str) -> bool:
    return bool(_PHONE_KEY.fullmatch(key)) and sum(c.isdigit() for c in key) >= _PHONE_DIGITS


class KeyMasker:
    """Masks object keys that look like a phone number or an e-mail, each to a distinct
    stand-in (``"01"``, ``"02"``...; ``"***@***"``, ``"***2@***"``...), the same key to the
    same stand-in."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        self._phones = 0
        self._emails = 0

    def __call__(self, key: str) -> str:
        if key in self._seen:
            return self._seen[key]
        if _EMAIL_KEY.fullmatch(key):
            self._emails += 1
            masked = "***@***" if self._emails == 1 else f"***{self._emails}@***"
        elif _is_phone(key):
            self._phones += 1
            masked = f"0{self._phones}"
        else:
            return key
        self._seen[key] = masked
        return masked


def mask(value: Any, keys: KeyMasker | None = None) -> Any:
    """``value`` with every value masked and its shape kept (see the module doc)."""
    keys = keys if keys is not None else KeyMasker()
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    if isinstance(value, str):
        if not value:
            return ""
        return "0" if _NUMERIC.fullmatch(value.strip()) else "***"
    if isinstance(value, Mapping):
        return {keys(str(key)): mask(item, keys) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask(item, keys) for item in value]
    return "***"


# --- describing what was read ---------------------------------------------------------------


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def _items(values: list[Any]) -> str:
    if all(isinstance(v, Mapping) for v in values):
        return _plural(len(values), "object")
    if all(isinstance(v, str) for v in values):
        return _plural(len(values), "string")
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return _plural(len(values), "number")
    return _plural(len(values), "item")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "numeric string" if _NUMERIC.fullmatch(value.strip()) else "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _shape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if not value:
            return "empty string"
        if _NUMERIC.fullmatch(value.strip()):
            return "numeric string"
        return "comma-separated text" if "," in value else "text"
    if isinstance(value, list):
        return f"array of {_items(value)}" if value else "empty array"
    if not isinstance(value, Mapping):
        return type(value).__name__
    if not value:
        return "empty object"
    keys = [str(key) for key in value]
    values = list(value.values())
    if len(value) == 1 and isinstance(values[0], list | Mapping) and _NAME.fullmatch(keys[0]):
        return f'{{"{keys[0]}": ...}} wrapper of {_shape(values[0])}'
    if all(key.isdigit() for key in keys):
        by = "position (a PHP array)" if "0" in keys else "id"
        return f"object of {_items(values)} keyed by {by}"
    if all(isinstance(v, Mapping) for v in values):
        return f"object of {_plural(len(values), 'object')} keyed by {_key_kind(keys)}"
    named = [key for key in keys if _NAME.fullmatch(key)]
    if len(named) == len(keys) and len(keys) <= 3:
        fields = ", ".join(f'"{key}": {_kind(value[key])}' for key in keys)
        return f"object {{{fields}}}"
    return f"object with {_plural(len(keys), 'key')}"


def _key_kind(keys: list[str]) -> str:
    if all(_EMAIL_KEY.fullmatch(key) for key in keys):
        return "e-mail"
    if all(_is_phone(key) for key in keys):
        return "phone number"
    return "name"


def describe_shape(result: Any) -> str:
    """How a result was written, never a value: ``array of 3 objects``, ``number``,
    ``object of 2 objects keyed by id``, ``{"list": ...} wrapper of array of 3 objects``."""
    return _shape(result)


_NOUNS = {
    "addresses": ("address", "addresses"),
    "channels": ("channel", "channels"),
    "subaccounts": ("sub-account", "sub-accounts"),
    "contacts": ("contact", "contacts"),
}


def _what_was_read(model: Any, reader: str) -> str:
    if isinstance(model, Balance):
        return f"Balance {to_plain(model.balance)}"
    if isinstance(model, GroupColumns):
        return f"{_plural(len(model), 'column')}: {', '.join(model.columns)}"
    if isinstance(model, list):
        singular, plural = _NOUNS.get(reader, ("item", "items"))
        read = _plural(len(model), singular, plural)
        if model and isinstance(model[0], Channel):
            read += f" ({sum(1 for channel in model if channel.active)} active)"
        return read
    return type(model).__name__


def _first(result: Any, limit: int | None) -> Any:
    """At most ``limit`` items of a list-like result (a list, an id-keyed object, or either
    under a one-key wrapper)."""
    if limit is None:
        return result
    if isinstance(result, list):
        return result[:limit]
    if isinstance(result, Mapping):
        if len(result) == 1:
            key, inner = next(iter(result.items()))
            if isinstance(inner, list | Mapping):
                return {key: _first(inner, limit)}
        if result and all(isinstance(v, Mapping) for v in result.values()):
            return dict(list(result.items())[:limit])
    return result


# --- checking -------------------------------------------------------------------------------


@attrs.frozen
class Check:
    """One method under one style: whether it was read, what was seen, the transcript entry."""

    style: str
    method: str
    ok: bool
    detail: str
    http_status: int | None
    answer: Any


def _failure(style: str, qualname: str, error: AfilnetError) -> Check:
    text = " ".join(str(error).split())
    detail = f"error · {type(error).__name__}: {text}"
    if isinstance(error, AfilnetAPIError):
        answer: Any = {"status": "ERROR", "error": error.code}
        return Check(style, qualname, False, f"error · {text}", error.status_code, answer)
    if isinstance(error, AfilnetHTTPStatusError):
        return Check(style, qualname, False, detail, error.status_code, None)
    return Check(style, qualname, False, detail, None, None)


async def _check(
    client: AfilnetClient, style: str, qualname: str, idgroup: int | None, limit: int | None
) -> Check:
    spec = method(qualname)
    params: dict[str, Any] = {"idgroup": idgroup} if spec.api_class == "group" else {}
    try:
        result = await client.call(spec.api_class, spec.api_method, **params)
    except AfilnetError as error:
        return _failure(style, qualname, error)
    if spec.api_method == "getcontacts":
        result = _first(result, limit)
    answer = {"status": "SUCCESS", "result": mask(result)}
    shape = describe_shape(result)
    try:
        model = read_result(spec.result, result, qualname)
    except AfilnetError as error:
        return Check(style, qualname, False, f"unreadable · {shape}: {error}", 200, answer)
    read = _what_was_read(model, spec.result)
    return Check(style, qualname, True, f"ok · {read} · {shape}", 200, answer)


async def _check_style(
    client: AfilnetClient,
    style: str,
    methods: tuple[str, ...],
    idgroup: int | None,
    limit: int | None,
) -> list[Check]:
    async with client:
        return [await _check(client, style, qualname, idgroup, limit) for qualname in methods]


def _styles(state: CliState, chosen: str | None) -> list[str]:
    if chosen == "all":
        styles = list(ALL_STYLES)
        try:
            settings_from_env(auth_style="bearer")
        except AfilnetError:  # no AFILNET_TOKEN: bearer is left out
            pass
        else:
            styles.append("bearer")
        return styles
    return [settings_from_env(auth_style=chosen or state.auth).auth_style]


def _transcript(checks: list[Check]) -> dict[str, Any]:
    return {
        "format": TRANSCRIPT_FORMAT,
        "version": TRANSCRIPT_VERSION,
        "written_by": f"afilnet doctor (afilnet-async {__version__}; every value masked)",
        "entries": [
            {
                "style": check.style,
                "method": check.method,
                "http_status": check.http_status,
                "answer": check.answer,
            }
            for check in checks
        ],
    }


def _table(styles: list[str], methods: tuple[str, ...], checks: list[Check]) -> Any:
    """Method x style; styles that read every method alike share one column."""
    from rich.table import Table
    from rich.text import Text

    cells = {(check.method, check.style): check for check in checks}
    alike: dict[tuple[str, ...], list[str]] = {}
    for style in styles:
        alike.setdefault(tuple(cells[(m, style)].detail for m in methods), []).append(style)
    columns = list(alike.values())
    table = Table(
        "method", *(" · ".join(group) for group in columns), title="afilnet doctor",
        show_lines=True,
    )  # fmt: skip
    for qualname in methods:
        row = [Text(qualname)]
        for group in columns:
            check = cells[(qualname, group[0])]
            row.append(Text(check.detail, style="green" if check.ok else "red"))
        table.add_row(*row)
    return table


@click.command()
@option(
    "--auth",
    "chosen",
    type=click.Choice([*AUTH_STYLES, "all"], case_sensitive=False),
    default=None,
    show_default="afilnet --auth, else $AFILNET_AUTH, else form",
    help="The access style to check, or all (form, query, basic, oauth2; bearer too when "
    "$AFILNET_TOKEN is set).",
)
@option(
    "--group",
    "idgroup",
    type=click.IntRange(1),
    default=None,
    show_default="none: the group reads are skipped",
    help="A group to read too (group.getgroupcolumns, group.getcontacts).",
)
@option(
    "--limit",
    type=click.IntRange(0),
    default=None,
    show_default="all",
    help="How many of the group's contacts to keep in the transcript.",
)
@option(
    "--transcript",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    show_default="none",
    help="Write the answers, every value masked, for 'afilnet emulator --transcript FILE'.",
)
@pass_state
def doctor(
    state: CliState,
    chosen: str | None,
    idgroup: int | None,
    limit: int | None,
    transcript: Path | None,
) -> None:
    """Check, read-only, what the account answers in each access style.

    Exits 0 when every call was read, 1 otherwise. Nothing is ever written to the account.
    """
    styles = _styles(state, chosen.lower() if chosen else None)
    methods = ACCOUNT_READS + (GROUP_READS if idgroup is not None else ())
    clients = {style: state.client(auth_style=style) for style in styles}  # config errors first

    async def main() -> list[Check]:
        checks: list[Check] = []
        for style in styles:
            checks += await _check_style(clients[style], style, methods, idgroup, limit)
        return checks

    checks = anyio.run(main)
    if transcript is not None:
        transcript.write_text(json.dumps(_transcript(checks), indent=2) + "\n", "utf-8")
    ok = all(check.ok for check in checks)
    if wants_json(state.as_json):
        plain = {
            "ok": ok,
            "styles": styles,
            "checks": [
                {"style": c.style, "method": c.method, "ok": c.ok, "detail": c.detail}
                for c in checks
            ],
            "transcript": None if transcript is None else str(transcript),
        }
        emit_summary("afilnet doctor", [], plain, as_json=True)
    else:
        print_table(_table(styles, methods, checks))
        if transcript is not None:
            state.note(f"transcript (every value masked) written to {transcript}")
    if not ok:
        raise click.exceptions.Exit(1)
