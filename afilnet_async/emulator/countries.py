"""The built-in country table: COUNTRY_NOT_FOUND, CITY_NOT_FOUND and the message routes.

City ids are per country and start at 1, so the vendor's sample (``countrycode=us``,
``cityid=1``, ``cityname=town``) names New York. ``cityname`` is free text: only the id is
looked up. A number has a route when it starts with one of the table's calling codes
(``34600000000`` is Spain's); any other (``99...``) answers NO_ROUTE_AVAILABLE.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = [
    "COUNTRIES",
    "Country",
    "country_by_alpha2",
    "country_by_alpha3",
    "country_by_prefix",
    "route_for",
]


@attrs.frozen
class Country:
    """A country by its ISO 3166-1 codes (lower case) and calling code, with a few cities."""

    alpha2: str
    alpha3: str
    name: str
    calling_code: str
    cities: Mapping[int, str]

    def has_city(self, cityid: int) -> bool:
        """Whether ``cityid`` is one of this country's cities."""
        return cityid in self.cities


def _country(alpha2: str, alpha3: str, code: str, name: str, *cities: str) -> Country:
    return Country(alpha2, alpha3, name, code, dict(enumerate(cities, start=1)))


COUNTRIES: tuple[Country, ...] = (
    _country("us", "usa", "1", "United States", "New York", "Los Angeles", "Chicago", "Houston"),
    _country("es", "esp", "34", "Spain", "Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza"),
    _country("fr", "fra", "33", "France", "Paris", "Marseille", "Lyon", "Toulouse"),
    _country("de", "deu", "49", "Germany", "Berlin", "Hamburg", "München", "Köln"),
    _country("gb", "gbr", "44", "United Kingdom", "London", "Birmingham", "Manchester", "Glasgow"),
    _country("pt", "prt", "351", "Portugal", "Lisboa", "Porto", "Braga", "Coimbra"),
    _country("it", "ita", "39", "Italy", "Roma", "Milano", "Napoli", "Torino"),
    _country("dk", "dnk", "45", "Denmark", "København", "Aarhus", "Odense", "Aalborg"),
    _country("ee", "est", "372", "Estonia", "Tallinn", "Tartu", "Narva", "Pärnu"),
    _country("mx", "mex", "52", "Mexico", "Ciudad de México", "Guadalajara", "Monterrey", "Puebla"),
    _country("nl", "nld", "31", "Netherlands", "Amsterdam", "Rotterdam", "Utrecht"),
    _country("be", "bel", "32", "Belgium", "Bruxelles", "Antwerpen", "Gent"),
    _country("ar", "arg", "54", "Argentina", "Buenos Aires", "Córdoba", "Rosario"),
    _country("br", "bra", "55", "Brazil", "São Paulo", "Rio de Janeiro", "Brasília"),
)

_BY_ALPHA2 = {country.alpha2: country for country in COUNTRIES}
_BY_ALPHA3 = {country.alpha3: country for country in COUNTRIES}
_BY_CODE = {country.calling_code: country for country in COUNTRIES}
_CODE_LENGTHS = sorted({len(code) for code in _BY_CODE}, reverse=True)


def country_by_alpha2(code: str) -> Country | None:
    """The country with this ISO 3166-1 alpha-2 code (any case), or ``None``."""
    return _BY_ALPHA2.get(code.strip().lower())


def country_by_alpha3(code: str) -> Country | None:
    """The country with this ISO 3166-1 alpha-3 code (any case), or ``None``."""
    return _BY_ALPHA3.get(code.strip().lower())


def country_by_prefix(code: str) -> Country | None:
    """The country named by an alpha-2 code (``es``) or a calling code (``34``, ``+34``)."""
    text = code.strip().lstrip("+")
    return _BY_CODE.get(text) if text.isdigit() else country_by_alpha2(text)


def route_for(number: str) -> Country | None:
    """The country whose calling code starts ``number`` (digits), or ``None``: no route."""
    for length in _CODE_LENGTHS:
        country = _BY_CODE.get(number[:length])
        if country is not None:
            return country
    return None
