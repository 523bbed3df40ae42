"""The personal details shared by ``user.addaddress`` and the sub-account methods.

Checks run in the vendor's documented order: EMPTY_COUNTRYCODE, (EMPTY_FIELDS),
COUNTRY_NOT_FOUND, EMPTY_CITY, CITY_NOT_FOUND. ``countrycode`` is stored lower-case alpha-2.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..countries import country_by_alpha2
from ..exceptions import ApiError
from ..state import Profile
from ..values import parse_flag, parse_id
from ._context import Context

__all__ = ["check_flags", "read_profile"]

_LOCATION = ("countrycode", "cityid", "cityname")


def check_flags(ctx: Context, names: Iterable[str]) -> None:
    """Refuse (MISSING_COMPULSORY_PARAM) a non-blank flag that is not 0 or 1."""
    for name in names:
        if not ctx.blank(name):
            parse_flag(ctx.get(name))


def read_profile(ctx: Context, required: Iterable[str] = ()) -> Profile:
    """Validate the location; with ``required``, a blank one of them is EMPTY_FIELDS."""
    if ctx.blank("countrycode"):
        raise ApiError("EMPTY_COUNTRYCODE")
    if any(ctx.blank(name) for name in required if name not in _LOCATION):
        raise ApiError("EMPTY_FIELDS")
    country = country_by_alpha2(ctx.get("countrycode"))
    if country is None:
        raise ApiError("COUNTRY_NOT_FOUND")
    if ctx.blank("cityid") or ctx.blank("cityname"):
        raise ApiError("EMPTY_CITY")
    cityid = parse_id(ctx.get("cityid"))
    if cityid is None or not country.has_city(cityid):
        raise ApiError("CITY_NOT_FOUND")
    return Profile(
        namelastname=ctx.get("namelastname"),
        iscompany=ctx.get("iscompany").strip() == "1",
        companyname=ctx.get("companyname"),
        documentid=ctx.get("documentid"),
        countrycode=country.alpha2,
        cityid=cityid,
        cityname=ctx.get("cityname"),
        zipcode=ctx.get("zipcode"),
        address=ctx.get("address"),
    )
