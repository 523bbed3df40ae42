"""The built-in country and city table behind COUNTRY_NOT_FOUND and CITY_NOT_FOUND.

City ids are per country and start at 1, so the vendor's sample (``countrycode=us``,
``cityid=1``, ``cityname=town``) names New York. ``cityname`` is free text: only the id is
looked up.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["COUNTRIES", "Country", "country_by_alpha2", "country_by_alpha3"]


@attrs.frozen
class Country:
    """A country by its ISO 3166-1 codes (lower case), with a few cities by id."""

    alpha2: str
    alpha3: str
    name: str
    cities: Mapping[int, str]

    def has_city(self, cityid: int) -> bool:
        """Whether ``cityid`` is one of this country's cities."""
        return cityid in self.cities


def _country(alpha2: str, alpha3: str, name: str, *cities: str) -> Country:
    return Country(alpha2, alpha3, name, dict(enumerate(cities, start=1)))


COUNTRIES: tuple[Country, ...] = (
    _country("us", "usa", "United States", "New York", "Los Angeles", "Chicago", "Houston"),
    _country("es", "esp", "Spain", "Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza"),
    _country("fr", "fra", "France", "Paris", "Marseille", "Lyon", "Toulouse"),
    _country("de", "deu", "Germany", "Berlin", "Hamburg", "München", "Köln"),
    _country("gb", "gbr", "United Kingdom", "London", "Birmingham", "Manchester", "Glasgow"),
    _country("pt", "prt", "Portugal", "Lisboa", "Porto", "Braga", "Coimbra"),
    _country("it", "ita", "Italy", "Roma", "Milano", "Napoli", "Torino"),
    _country("dk", "dnk", "Denmark", "København", "Aarhus", "Odense", "Aalborg"),
    _country("ee", "est", "Estonia", "Tallinn", "Tartu", "Narva", "Pärnu"),
    _country("mx", "mex", "Mexico", "Ciudad de México", "Guadalajara", "Monterrey", "Puebla"),
    _country("nl", "nld", "Netherlands", "Amsterdam", "Rotterdam", "Utrecht"),
    _country("be", "bel", "Belgium", "Bruxelles", "Antwerpen", "Gent"),
    _country("ar", "arg", "Argentina", "Buenos Aires", "Córdoba", "Rosario"),
    _country("br", "bra", "Brazil", "São Paulo", "Rio de Janeiro", "Brasília"),
)

_BY_ALPHA2 = {country.alpha2: country for country in COUNTRIES}
_BY_ALPHA3 = {country.alpha3: country for country in COUNTRIES}


def country_by_alpha2(code: str) -> Country | None:
    """The country with this ISO 3166-1 alpha-2 code (any case), or ``None``."""
    return _BY_ALPHA2.get(code.strip().lower())


def country_by_alpha3(code: str) -> Country | None:
    """The country with this ISO 3166-1 alpha-3 code (any case), or ``None``."""
    return _BY_ALPHA3.get(code.strip().lower())
