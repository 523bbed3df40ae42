"""A stateful local Afilnet API, as moto is for AWS: in process, on a loopback port, from the CLI.

    from afilnet_async import FormAuth
    from afilnet_async.emulator import Emulator, Faults

    emu = Emulator.demo()                              # demo / demo, a reseller, balance 1000
    async with emu.client(FormAuth("demo", "demo")) as client:      # in process, no sockets
        await client.user.get_balance()                # {"balance": 1000.0}
    async with emu.serve() as server:                  # uvicorn on 127.0.0.1, a free port
        AfilnetClient(auth, base_url=server.base_url)
    emu.faults = Faults(rate_429=0.1, latency=0.05)    # what goes wrong, from now on
    emu.counters.peak_in_flight                        # what the server saw

Needs the ``emulator`` extra (Starlette and uvicorn).

ASSUMPTIONS
===========

Where the vendor's documents are silent, the emulator chooses as follows (and the client
agrees). Numbers live in :mod:`afilnet_async.emulator.constants`.

Protocol

- Paths: ``/api/http/`` (GET query or POST form; on POST, query keys are read too and the body
  wins), ``/api/basic/`` (GET or POST, ``Authorization: Basic``; ``user``/``password``
  parameters ignored), ``/api/json/`` (POST JSON object, ``Authorization: Bearer``),
  ``/api/oauth/token`` (POST form, RFC 6749 password grant). Each with or without the
  trailing slash. Absolute-form targets (``GET http://www.afilnet.com/api/http/?...``, as
  sent through an HTTP proxy) are served as their path.
- A repeated key: the last one wins. Only ``application/x-www-form-urlencoded`` bodies (or
  bodies without a content type) are read as forms.
- JSON bodies: strings as given, numbers as their JSON text, ``true``/``false`` as ``1``/``0``,
  ``null`` as absent; as the client encodes natural values, an object becomes ``k:v,k:v`` (a
  contact), an array of objects compact JSON text (contacts), any other array its items joined
  by commas (fields). A body that is not a JSON object counts as empty (MISSING_CLASS).
- Every API outcome, success or error code, is HTTP 200 with ``Content-Type:
  application/json``: ``{"status": "SUCCESS", "result": ...}`` (no ``result`` key for methods
  documented to answer "no additional values") or ``{"status": "ERROR", "error": CODE}``.
  Exceptions: credential errors on ``/api/basic/`` are HTTP 401 with
  ``WWW-Authenticate: Basic realm="Afilnet"`` and the envelope; a missing, unknown or expired
  bearer token on ``/api/json/`` is HTTP 401 with ``WWW-Authenticate: Bearer
  error="invalid_token"`` and ``INCORRECT_USER_PASSWORD``.
- GET request targets over 4,096 bytes get HTTP 414; bodies over 16 MiB get HTTP 413.
- Token endpoint: ``grant_type=password`` with ``username`` and ``password`` gives
  ``{"access_token", "token_type": "bearer", "expires_in"}``; no grant type, user or password:
  400 ``invalid_request``; another grant type: 400 ``unsupported_grant_type``; wrong
  credentials: 400 ``invalid_grant``. Tokens are random opaque strings living
  ``Faults.token_lifetime`` seconds (3600); they outlive a password change but not the account.

Error precedence

- MISSING_USER, MISSING_PASSWORD, INCORRECT_USER_PASSWORD, MISSING_CLASS, MISSING_METHOD,
  INCORRECT_CLASS, INCORRECT_METHOD, MISSING_COMPULSORY_PARAM, then the method's own codes.
- A blank value (empty or only spaces) counts as missing, except an empty ``password``
  (missing) versus spaces (a password). A compulsory parameter that is blank is
  MISSING_COMPULSORY_PARAM unless the method has its own code for it: EMPTY_COUNTRYCODE
  (``countrycode``), EMPTY_CITY (``cityid``/``cityname``), EMPTY_FIELDS (any other compulsory
  field of addsubaccount / modifysubaccount).
- A malformed value is MISSING_COMPULSORY_PARAM, checked before the method's own codes: a flag
  (``iscompany``, ``active``, ``modifypassword``) other than ``0``/``1``; ``fields`` with an
  empty item or a name containing ``:``; a ``field`` name containing ``,`` or ``:``; a
  ``contact`` that is not ``k:v`` pairs joined by commas (exactly one ``:`` per pair, a
  non-empty key, no key twice; values may be empty); ``contacts`` that is not a JSON array of
  objects whose values are strings or numbers.
- An id that names nothing of the caller's is not malformed but not found: ``idgroup`` ->
  NOT_ACCESS_TO_GROUP (unknown, another account's, or not a number), ``idcontact`` ->
  NOT_ACCESS_TO_CONTACT, ``idaddress`` -> a no-op success (no code is documented).
- Class and method names match exactly (the documented lower case): ``getBalance`` is
  INCORRECT_METHOD.

Accounts and sub-accounts

- Logins (user names, sub-account e-mails) match case-insensitively; passwords exactly. The
  demo account is ``demo`` / ``demo``, a reseller with balance 1000.
- Every account starts with the channels ``sms``, ``email`` and ``voice``
  (``channeltype`` = ``channelname``), all active. modifychannel of an unknown name is a no-op.
- getbalance -> ``{"balance": <float>}``.
- Addresses get ids from the shared sequence (from 1000); ``verified`` and
  ``addressverified`` are 0; flags are answered as 0/1 ints, ``cityid`` as an int,
  ``countrycode`` as lower-case alpha-2.
- Countries: a built-in table (us, es, fr, de, gb, pt, it, dk, ee, mx, nl, be, ar, br) with
  alpha-2 and alpha-3 codes matched in any case; city ids are per country, from 1 (us 1 is New
  York). ``cityname`` is free text; only ``cityid`` is looked up.
- addsubaccount: RESELLER_ACCOUNT_REQUIRED first (after malformed flags), then in the
  documented order EMPTY_COUNTRYCODE, EMPTY_FIELDS, COUNTRY_NOT_FOUND, EMPTY_CITY,
  CITY_NOT_FOUND, INCORRECT_EMAIL (not ``local@domain.tld``, or already a login),
  INCORRECT_PASSWORD (shorter than 6). The sub-account is an account of its own (logs in with
  its e-mail and password; not a reseller; balance 0).
- modifysubaccount: the same checks, then ACCOUNT_NOT_FOUND (not a direct sub-account of the
  caller), then with ``modifypassword=1`` INCORRECT_PASSWORD for a missing or short
  ``accountpassword``; with ``modifypassword=0`` the password is left alone. All details are
  replaced (``companyname`` becomes "" when not sent).
- getsubaccounts -> list of ``{accountemail, namelastname, iscompany, companyname,
  documentid, language, countrycode, cityid, cityname, zipcode, address, balance}``.
- deletesubaccount deletes its groups and its balance with it; a malformed e-mail is
  ACCOUNT_NOT_FOUND.
- transferbalance: ACCOUNT_NOT_FOUND, then INCORRECT_MIN_BALANCE (not a number, or
  ``|amount| < 1``), then NOT_ENOUGH_BALANCE (the payer, the caller for a positive amount or
  the sub-account for a negative one, has less than ``|amount|``). Balances are rounded to 6
  decimals.

Groups and contacts

- Group and contact ids come from one shared sequence starting at 1000. A group belongs to
  the account that created it; no other account (not even its reseller) may use it.
- creategroup -> ``{"idgroup": <int>}``; ``type`` must be exactly ``mobile`` or ``email``
  (INCORRECT_TYPE) and ``fields`` must contain it (MISSING_MAIN_FIELD); duplicate field names
  are dropped. The group's ``name`` is free text (names may repeat).
- getgroupcolumns -> the list of field names in order. addcolumntogroup of an existing column
  and deletecolumnfromgroup of an unknown one are no-ops; deleting the main column is
  MISSING_MAIN_FIELD. Deleting a column deletes its values.
- assigncountrytogroup: alpha-3 in any case (COUNTRY_NOT_FOUND otherwise), after
  NOT_ACCESS_TO_GROUP.
- Contacts keep only values of the group's columns (other keys are dropped silently). Values
  are not validated (a ``mobile`` need not be digits, an ``email`` need not be an address).
  getcontacts -> list of ``{"idcontact": <int>, <column>: <value>, ...}`` with every column
  ("" when unset), oldest first; getcontact -> one such object.
- addcontact -> ``{"idcontact": <int>}``; a blank main field is MISSING_MAIN_FIELD; a main
  value already stored in the group (exact string) is CONTACT_EXISTS.
- addcontactlist -> ``{"added": n, "invalid": m}``: rows with a blank or absent main field are
  not stored and counted invalid; rows are NOT de-duplicated (against each other or the
  group), so a replayed list stores its contacts twice. An empty array adds nothing.
- modifycontact overwrites the given columns; blanking the main field is MISSING_MAIN_FIELD;
  no uniqueness check. modifycontact / deletecontact of an unknown contact:
  NOT_ACCESS_TO_CONTACT (as getcontact).

Faults, limits and counters (see :class:`Faults` and :class:`Counters`)

- One seeded RNG per emulator (seed 0 unless given) draws each request's latency and at most
  one fault, in arrival order. Faults apply to the API paths; to the token endpoint only with
  ``Faults(token_endpoint_faults=True)``.
- Injected 429 and 5xx answers and drops happen before the call is processed (nothing
  applied); their bodies are not Afilnet envelopes (plain text / HTML). A drop starts a 200
  answer and closes the connection mid-body. ``rate_applied_then_500`` processes the call,
  then answers 500 with an HTML body.
- ``rps_limit``: per authenticated account, accepted requests in a sliding 1-second window;
  refused requests do not count; their 429 carries ``Retry-After`` = seconds until a slot
  frees, with up to millisecond precision (``0.25``). Unauthenticated requests are not
  limited. ``Faults.retry_after`` (default 1) is the Retry-After of injected 429s.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "the Afilnet emulator needs Starlette and uvicorn: pip install 'afilnet-async[emulator]'"
    ) from exc

from .constants import DEMO_BALANCE, DEMO_PASSWORD, DEMO_USER
from .counters import Counters
from .emulator import Emulator
from .errors import EmulatorError, PortInUseError
from .faults import Faults
from .server import RunningServer
from .state import Account, EmulatorState, Group

__all__ = [
    "DEMO_BALANCE",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "Account",
    "Counters",
    "Emulator",
    "EmulatorError",
    "EmulatorState",
    "Faults",
    "Group",
    "PortInUseError",
    "RunningServer",
]
