"""The emulator's in-memory world: accounts (and sub-accounts), addresses, channels, groups,
templates and sent messages.

Plain mutable records. Handlers change them synchronously, between two awaits of the app, so
one asyncio loop needs no locks. Logins are matched case-insensitively; passwords exactly.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from .constants import DEFAULT_CHANNELS, DEFAULT_TEMPLATES, FIRST_ID
from .tokens import TokenStore

__all__ = [
    "Account",
    "Address",
    "Channel",
    "EmulatorState",
    "Group",
    "Message",
    "Profile",
    "Template",
    "fingerprint",
    "login_key",
]


def login_key(login: str) -> str:
    """How a user name or e-mail is looked up: trimmed and case-folded."""
    return login.strip().casefold()


@attrs.define
class Channel:
    """A sending channel of an account."""

    channeltype: str
    channelname: str
    active: bool = True

    def as_result(self) -> dict[str, Any]:
        """The ``getchannels`` item (a dialect renders the flag)."""
        return {
            "channeltype": self.channeltype,
            "channelname": self.channelname,
            "active": self.active,
        }


@attrs.define
class Profile:
    """The personal details of an address or a sub-account, as sent on the wire."""

    namelastname: str
    iscompany: bool
    companyname: str
    documentid: str
    countrycode: str
    cityid: int
    cityname: str
    zipcode: str
    address: str

    def as_result(self) -> dict[str, Any]:
        """The fields in their answer form (flags as bools: a dialect renders them)."""
        return {
            "namelastname": self.namelastname,
            "iscompany": self.iscompany,
            "companyname": self.companyname,
            "documentid": self.documentid,
            "countrycode": self.countrycode,
            "cityid": self.cityid,
            "cityname": self.cityname,
            "zipcode": self.zipcode,
            "address": self.address,
        }


@attrs.define
class Address:
    """A billing address of an account; new addresses are not verified."""

    id: int
    profile: Profile
    verified: bool = False
    addressverified: bool = False

    def as_result(self) -> dict[str, Any]:
        """The ``getaddresses`` item."""
        return {
            "id": self.id,
            **self.profile.as_result(),
            "verified": self.verified,
            "addressverified": self.addressverified,
        }


def _default_channels() -> dict[str, Channel]:
    return {name: Channel(name, name) for name in DEFAULT_CHANNELS}


_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


@attrs.define
class Template:
    """A message template of an account: ``{name}`` placeholders, and a subject for e-mail."""

    id: int
    text: str
    subject: str = ""

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with each ``{key}`` replaced by ``values[key]`` ("" when not given)."""
        return _PLACEHOLDER.sub(lambda match: values.get(match[1], ""), self.text)


def _default_templates() -> dict[int, Template]:
    return {
        number: Template(number, text, subject)
        for number, (subject, text) in enumerate(DEFAULT_TEMPLATES, start=1)
    }


def fingerprint(text: str) -> str:
    """A short digest of a message's text (what the counters compare, not the text itself)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@attrs.define(eq=False)
class Account:
    """An account: a main account, or a sub-account (``parent`` set, logs in by its e-mail)."""

    user: str
    password: str = attrs.field(repr=False)
    reseller: bool = False
    balance: float = 0.0
    parent: Account | None = attrs.field(default=None, repr=False)
    profile: Profile | None = attrs.field(default=None, repr=False)
    language: str = ""
    addresses: dict[int, Address] = attrs.field(factory=dict, repr=False)
    channels: dict[str, Channel] = attrs.field(factory=_default_channels, repr=False)
    subaccounts: dict[str, Account] = attrs.field(factory=dict, repr=False)
    templates: dict[int, Template] = attrs.field(factory=_default_templates, repr=False)

    def add_template(self, text: str, subject: str = "") -> Template:
        """A new template of this account, with the next id (ids start at 1)."""
        number = max(self.templates, default=0) + 1
        self.templates[number] = template = Template(number, text, subject)
        return template

    def as_subaccount_result(self) -> dict[str, Any]:
        """The ``getsubaccounts`` item."""
        details = self.profile.as_result() if self.profile else {}
        return {
            "accountemail": self.user,
            "namelastname": details.get("namelastname", ""),
            "iscompany": details.get("iscompany", False),
            "companyname": details.get("companyname", ""),
            "documentid": details.get("documentid", ""),
            "language": self.language,
            "countrycode": details.get("countrycode", ""),
            "cityid": details.get("cityid", 0),
            "cityname": details.get("cityname", ""),
            "zipcode": details.get("zipcode", ""),
            "address": details.get("address", ""),
            "balance": self.balance,
        }


@attrs.define(eq=False)
class Group:
    """A contact group: its columns (the main one first to be required) and its contacts."""

    id: int
    owner: Account = attrs.field(repr=False)
    name: str
    type: str
    fields: list[str]
    country: str | None = None
    contacts: dict[int, dict[str, str]] = attrs.field(factory=dict, repr=False)
    _main_values: Counter[str] = attrs.field(factory=Counter, repr=False)

    @property
    def main_field(self) -> str:
        """``mobile`` or ``email``: the field every contact must have."""
        return self.type

    def has_main_value(self, value: str) -> bool:
        """Whether a stored contact has this main-field value."""
        return self._main_values[value] > 0

    def store(self, contact_id: int, values: dict[str, str]) -> None:
        """Store a contact (only this group's columns are kept)."""
        kept = {name: value for name, value in values.items() if name in self.fields}
        self.contacts[contact_id] = kept
        self._main_values[kept.get(self.main_field, "")] += 1

    def update(self, contact_id: int, values: dict[str, str]) -> None:
        """Overwrite the given columns of a stored contact."""
        current = self.contacts[contact_id]
        self._main_values[current.get(self.main_field, "")] -= 1
        current.update((k, v) for k, v in values.items() if k in self.fields)
        self._main_values[current.get(self.main_field, "")] += 1

    def remove(self, contact_id: int) -> None:
        """Delete a stored contact."""
        values = self.contacts.pop(contact_id)
        self._main_values[values.get(self.main_field, "")] -= 1

    def drop_column(self, field: str) -> None:
        """Remove a (non-main) column and its values."""
        self.fields.remove(field)
        for values in self.contacts.values():
            values.pop(field, None)

    def contact_result(self, contact_id: int) -> dict[str, Any]:
        """The ``getcontact(s)`` item: the id, then every column ("" where unset)."""
        values = self.contacts[contact_id]
        return {"idcontact": contact_id, **{name: values.get(name, "") for name in self.fields}}


@attrs.frozen(eq=False)
class Message:
    """One message sent: by whom, by which class, to where, what, for how much, and when.

    ``text`` is what the recipient gets (an e-mail's subject, a blank line, its body; a
    WhatsApp file's type and URL, then its caption); ``sent_at`` is the emulator's clock.
    """

    id: int
    owner: Account = attrs.field(repr=False)
    api_class: str
    destination: str
    text: str = attrs.field(repr=False)
    credits: float
    sent_at: float
    sender: str = ""
    scheduled: str | None = None
    fingerprint: str = attrs.field(repr=False)

    @fingerprint.default
    def _digest(self) -> str:
        return fingerprint(self.text)


@attrs.define
class EmulatorState:
    """Every account by login key, every group and message by id, the id sequence, the tokens."""

    accounts: dict[str, Account] = attrs.field(factory=dict)
    groups: dict[int, Group] = attrs.field(factory=dict)
    messages: dict[int, Message] = attrs.field(factory=dict, repr=False)
    tokens: TokenStore = attrs.field(factory=TokenStore, repr=False)
    _ids: Iterator[int] = attrs.field(factory=lambda: itertools.count(FIRST_ID), repr=False)

    def next_id(self) -> int:
        """A fresh id (one sequence for groups, contacts, addresses and messages)."""
        return next(self._ids)

    def add_account(
        self,
        user: str,
        password: str,
        *,
        reseller: bool = False,
        balance: float = 0.0,
        parent: Account | None = None,
    ) -> Account:
        """Register an account; ``ValueError`` if its login is already taken."""
        key = login_key(user)
        if not key:
            raise ValueError("an account needs a non-empty user name")
        if key in self.accounts:
            raise ValueError(f"an account named {user!r} already exists")
        account = Account(user, password, reseller=reseller, balance=balance, parent=parent)
        self.accounts[key] = account
        if parent is not None:
            parent.subaccounts[key] = account
        return account

    def find(self, login: str) -> Account | None:
        """The account logging in as ``login`` (user name or e-mail, any case), if any."""
        return self.accounts.get(login_key(login))

    def authenticate(self, login: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else ``None``."""
        account = self.find(login)
        if account is None or account.password != password:
            return None
        return account

    def remove_account(self, account: Account) -> None:
        """Delete an account with its groups and its own sub-accounts."""
        for child in list(account.subaccounts.values()):
            self.remove_account(child)
        key = login_key(account.user)
        self.accounts.pop(key, None)
        if account.parent is not None:
            account.parent.subaccounts.pop(key, None)
        for group_id in [gid for gid, g in self.groups.items() if g.owner is account]:
            del self.groups[group_id]
