"""AfilnetClient.from_env(): the AFILNET_* variables, as the afilnet command reads them."""

from __future__ import annotations

import pytest

from afilnet_async import (
    AfilnetClient,
    BasicAuth,
    BearerAuth,
    ConfigurationError,
    FormAuth,
    OAuth2Auth,
    QueryAuth,
)

ENV = {"AFILNET_USER": "ann@example.com", "AFILNET_PASSWORD": "pw-S3cr3t!"}


@pytest.mark.parametrize(
    ("style", "auth_type"),
    [(None, FormAuth), ("form", FormAuth), ("query", QueryAuth), ("BASIC", BasicAuth),
     ("oauth2", OAuth2Auth)],
)  # fmt: skip
def test_the_style_comes_from_afilnet_auth(style: str | None, auth_type: type) -> None:
    environ = {**ENV, **({"AFILNET_AUTH": style} if style else {})}
    client = AfilnetClient.from_env(environ)
    assert type(client.auth) is auth_type
    assert client.auth.user == "ann@example.com"  # type: ignore[attr-defined]
    assert str(client.base_url) == "https://www.afilnet.com/api/"


def test_bearer_takes_the_token_and_needs_no_password() -> None:
    client = AfilnetClient.from_env({"AFILNET_AUTH": "bearer", "AFILNET_TOKEN": "tok-XYZ"})
    assert client.auth == BearerAuth("tok-XYZ")


def test_arguments_win_over_the_environment() -> None:
    environ = {**ENV, "AFILNET_AUTH": "query", "AFILNET_BASE_URL": "https://a.example/api/",
               "AFILNET_COUNTRY": "es"}  # fmt: skip
    client = AfilnetClient.from_env(
        environ, auth_style="form", base_url="https://b.example/api/", timeout=2
    )
    assert type(client.auth) is FormAuth
    assert str(client.base_url) == "https://b.example/api/"
    assert str(AfilnetClient.from_env(environ).base_url) == "https://a.example/api/"


@pytest.mark.parametrize(
    ("environ", "named"),
    [({}, "AFILNET_USER"), ({"AFILNET_USER": "ann"}, "AFILNET_PASSWORD"),
     ({**ENV, "AFILNET_PASSWORD": ""}, "AFILNET_PASSWORD"),
     ({"AFILNET_AUTH": "bearer"}, "AFILNET_TOKEN"), ({**ENV, "AFILNET_AUTH": "soap"}, "soap")],
)  # fmt: skip
def test_a_missing_or_unknown_variable_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named) as caught:
        AfilnetClient.from_env(environ)
    assert "S3cr3t" not in str(caught.value)


def test_the_country_is_checked_like_the_constructor_s() -> None:
    with pytest.raises(ConfigurationError, match="default_country"):
        AfilnetClient.from_env({**ENV, "AFILNET_COUNTRY": "Spain"})
