"""Client settings from the environment: one reading for ``AfilnetClient.from_env`` and the CLI.

| variable | meaning |
|---|---|
| ``AFILNET_USER``, ``AFILNET_PASSWORD`` | the account's credentials (every style but bearer) |
| ``AFILNET_TOKEN`` | a bearer token obtained elsewhere (``AFILNET_AUTH=bearer``) |
| ``AFILNET_AUTH`` | ``form`` (default), ``query``, ``basic``, ``oauth2`` or ``bearer`` |
| ``AFILNET_BASE_URL`` | the API root (default ``https://www.afilnet.com/api/``) |
| ``AFILNET_COUNTRY`` | the default country of national mobile numbers (``ES``) |

Explicit arguments (the CLI's flags) win over the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import attrs

from .auth import AuthStrategy, BasicAuth, BearerAuth, FormAuth, OAuth2Auth, QueryAuth
from .errors import ConfigurationError

__all__ = ["AUTH_STYLES", "DEFAULT_AUTH_STYLE", "EnvironmentSettings", "settings_from_env"]

DEFAULT_AUTH_STYLE = "form"
#: The access styles by the name ``AFILNET_AUTH`` (and ``afilnet --auth``) gives them.
AUTH_STYLES: Mapping[str, Callable[[str, str], AuthStrategy]] = {
    "form": FormAuth,
    "query": QueryAuth,
    "basic": BasicAuth,
    "oauth2": OAuth2Auth,
    "bearer": lambda token, _: BearerAuth(token),
}


@attrs.frozen
class EnvironmentSettings:
    """What the environment (and any explicit choices) say: the strategy and where it goes."""

    auth: AuthStrategy
    auth_style: str
    base_url: str | None
    default_country: str | None


def _required(environ: Mapping[str, str], name: str, why: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise ConfigurationError(f"set {name} ({why})")
    return value


def settings_from_env(
    environ: Mapping[str, str] | None = None,
    *,
    auth_style: str | None = None,
    base_url: str | None = None,
    default_country: str | None = None,
) -> EnvironmentSettings:
    """Read the ``AFILNET_*`` variables (see the module doc); arguments given win.

    A missing or unknown value is a :class:`ConfigurationError` naming the variable.
    """
    env = os.environ if environ is None else environ
    style = (auth_style or env.get("AFILNET_AUTH") or DEFAULT_AUTH_STYLE).strip().lower()
    if style not in AUTH_STYLES:
        raise ConfigurationError(
            f"unknown auth style {style!r} (AFILNET_AUTH or --auth); choose one of "
            f"{', '.join(AUTH_STYLES)}"
        )
    if style == "bearer":
        auth = AUTH_STYLES[style](_required(env, "AFILNET_TOKEN", "a bearer token"), "")
    else:
        user = _required(env, "AFILNET_USER", "the Afilnet user name or e-mail")
        password = _required(env, "AFILNET_PASSWORD", "the Afilnet password")
        auth = AUTH_STYLES[style](user, password)
    return EnvironmentSettings(
        auth=auth,
        auth_style=style,
        base_url=base_url or env.get("AFILNET_BASE_URL") or None,
        default_country=default_country or env.get("AFILNET_COUNTRY") or None,
    )
