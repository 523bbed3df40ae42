"""Readers for the vendor's documentation pages kept in tests/fixtures/vendor-docs/.

Three pages, three languages, three layouts:

- user-api.en.txt: ``name | description | Compulsory |`` tables, ``CODE | meaning |`` error
  tables, samples as ``- key : value`` lines (``+`` is an encoded space);
- reseller-api.da.txt: ``name description Obligatorisk|Valgfri`` rows, ``CODE meaning`` error
  rows, samples as `` • key : value`` lines (``+`` is an encoded space) and a request URL;
- contacts-api.fr.txt: ``name description Obligatoire|Optionnel`` rows, ``CODE meaning`` error
  rows, samples only inside Node.js snippets as ``var key = "value";`` lines. Those snippets
  are sometimes a copy of the previous method's, so a method's sample is taken from the
  snippets whose ``var method`` names it (and all of them must agree).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = FIXTURES / "vendor-docs"
SAMPLE_REQUESTS = FIXTURES / "vendor-sample-requests.txt"

#: Parameters every method takes; they are the credentials and the routing, not the spec's.
ROUTING = ("class", "method", "user", "password")
BASE_ERROR_CODES = (
    "MISSING_USER",
    "MISSING_PASSWORD",
    "MISSING_CLASS",
    "MISSING_METHOD",
    "MISSING_COMPULSORY_PARAM",
    "INCORRECT_USER_PASSWORD",
    "INCORRECT_CLASS",
    "INCORRECT_METHOD",
)
_CODE = re.compile(r"^[A-Z][A-Z0-9_]+$")


@dataclass
class DocMethod:
    """One method as a vendor page documents it."""

    source: str
    api_class: str = ""
    api_method: str = ""
    #: parameter -> compulsory?, in table order, without class/method/user/password
    params: dict[str, bool] = field(default_factory=dict)
    #: every error code of the method's table, in order
    errors: list[str] = field(default_factory=list)
    #: the sample request's (key, decoded value) pairs, in order, credentials included
    sample: list[tuple[str, str]] = field(default_factory=list)
    #: the sample request URL, where the page prints one
    request_url: str | None = None
    #: the documented fields of each result row (getaddresses, getchannels)
    result_fields: list[str] = field(default_factory=list)

    @property
    def qualname(self) -> str:
        return f"{self.api_class}.{self.api_method}"

    @property
    def extra_errors(self) -> list[str]:
        return [code for code in self.errors if code not in BASE_ERROR_CODES]

    @property
    def sample_params(self) -> dict[str, str]:
        """The sample's values of the method's own parameters (no routing, no credentials)."""
        return {k: v for k, v in self.sample if k not in ROUTING}


def _add_row(method: DocMethod, name: str, flag: str, compulsory_word: str) -> None:
    if name.startswith("class="):
        method.api_class = name.removeprefix("class=")
    elif name.startswith("method="):
        method.api_method = name.removeprefix("method=")
    elif name not in ROUTING:
        method.params[name] = flag == compulsory_word


def _read(name: str) -> list[str]:
    return (DOCS / name).read_text("utf-8").splitlines()


def parse_english(name: str = "user-api.en.txt") -> list[DocMethod]:
    """The English page: pipe tables, ``- key : value`` samples."""
    methods: list[DocMethod] = []
    lines = _read(name)
    state = ""
    for line in lines:
        text = line.strip()
        if text.startswith("Parameter | Description | Compulsory / Optional"):
            methods.append(DocMethod(source=name))
            state = "params"
        elif not methods or text.startswith("---"):
            continue
        elif text == "Answer:":
            state = "answer"
        elif text == "Error codes:":
            state = "errors"
        elif text == "Parameters:":
            state = "sample"
        elif text.startswith("Request:"):
            state = ""
        elif state == "params":
            cells = [cell.strip() for cell in text.split("|")]
            _add_row(methods[-1], cells[0], cells[2], "Compulsory")
        elif state == "answer" and text.startswith("- error"):
            state = ""
        elif state == "answer" and text.startswith("- ") and "result" not in text:
            if text not in ("- status", "- No additional values will be sent to you"):
                methods[-1].result_fields.append(text.removeprefix("- "))
        elif state == "errors" and "|" in text:
            code = text.split("|")[0].strip()
            if _CODE.match(code):
                methods[-1].errors.append(code)
        elif state == "sample" and text.startswith("- "):
            key, _, value = text.removeprefix("- ").partition(" : ")
            methods[-1].sample.append((key.strip(), unquote_plus(value.strip())))
    return methods


def parse_danish(name: str = "reseller-api.da.txt") -> list[DocMethod]:
    """The Danish page: space-separated rows, `` • key : value`` samples and request URLs."""
    methods: list[DocMethod] = []
    state = ""
    for line in _read(name):
        text = line.strip()
        if text.startswith("Parameter Beskrivelse Obligatorisk / valgfri"):
            methods.append(DocMethod(source=name))
            state = "params"
        elif not methods:
            continue
        elif text == "Fejlkoder:":
            state = "errors"
        elif text == "Parametre:":
            state = "sample"
        elif text == "Anmodning:":
            state = "request"
        elif not text:
            if state == "params":
                state = ""
        elif state == "params":
            words = text.split()
            _add_row(methods[-1], words[0], words[-1], "Obligatorisk")
        elif state == "errors" and _CODE.match(text.split()[0]):
            methods[-1].errors.append(text.split()[0])
        elif state == "sample" and text.startswith("•"):
            key, _, value = text.removeprefix("•").partition(" : ")
            methods[-1].sample.append((key.strip(), unquote_plus(value.strip())))
        elif state == "request" and text.startswith("http"):
            methods[-1].request_url = text
            state = ""
    return methods


_VAR = re.compile(r'\bvar (\w+) = ("(?:[^"\\]|\\.)*");')


def _node_samples(lines: list[str]) -> dict[str, list[list[tuple[str, str]]]]:
    """Every Node.js snippet's ``var`` block, grouped by the method it names."""
    blocks: list[list[tuple[str, str]]] = []
    for line in lines:
        match = _VAR.search(line)
        if match is None:
            continue
        key, value = match[1], json.loads(match[2])  # a JS string literal is a JSON string here
        if key == "aclass":
            blocks.append([])
            key = "class"
        blocks[-1].append((key, value))
    by_method: dict[str, list[list[tuple[str, str]]]] = {}
    for block in blocks:
        by_method.setdefault(dict(block)["method"], []).append(block)
    return by_method


def parse_french(name: str = "contacts-api.fr.txt") -> list[DocMethod]:
    """The French page: space-separated rows, samples from the matching Node.js snippets."""
    methods: list[DocMethod] = []
    lines = _read(name)
    state = ""
    for line in lines:
        text = line.strip()
        if text.startswith("Paramètre Description Obligatoire / Optionnel"):
            methods.append(DocMethod(source=name))
            state = "params"
        elif not methods:
            continue
        elif text.startswith("Répondre:"):
            state = ""
        elif text == "Codes d'erreur :":
            state = "errors"
        elif not text:
            if state == "errors" and methods[-1].errors:
                state = ""
        elif state == "params":
            words = text.split()
            _add_row(methods[-1], words[0], words[-1], "Obligatoire")
        elif state == "errors" and _CODE.match(text.split()[0]):
            methods[-1].errors.append(text.split()[0])
    samples = _node_samples(lines)
    for method in methods:
        blocks = samples.get(method.api_method, [])
        if blocks and all(block == blocks[0] for block in blocks):
            method.sample = blocks[0]
    return methods


@cache
def documented_methods() -> tuple[DocMethod, ...]:
    """All 23 methods, in page order: user (en), subaccount (da), group (fr)."""
    return (*parse_english(), *parse_danish(), *parse_french())


def documented(qualname: str) -> DocMethod:
    """The vendor's documentation of ``class.method``."""
    for method in documented_methods():
        if method.qualname == qualname:
            return method
    raise KeyError(qualname)


def sample_request_urls() -> list[str]:
    """The four vendor sample URLs of the API digest (the fixture file)."""
    lines = SAMPLE_REQUESTS.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def url_pairs(url: str) -> list[tuple[str, str]]:
    """A URL's query as decoded (key, value) pairs, in order."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
