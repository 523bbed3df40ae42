"""The spec (afilnet_async/spec/methods.toml) says what the vendor's pages say.

The pages are fixtures under tests/fixtures/vendor-docs/ (English user API, Danish reseller
API, French contacts API); see vendor_docs.py for how each layout is read.
"""

from __future__ import annotations

import attrs
import pytest
from vendor_docs import (
    BASE_ERROR_CODES,
    ROUTING,
    DocMethod,
    documented,
    documented_methods,
    parse_danish,
    parse_english,
    parse_french,
    sample_request_urls,
    url_pairs,
)

from afilnet_async import ERROR_CODES, Address, Channel
from afilnet_async.spec import METHODS, MethodSpec

#: The methods whose source is the vendor's pages (the messaging methods come from the
#: vendor's own clients instead: their spec entries name them, and tests/test_messaging_parity.py
#: holds the wire to the vendor's Python package).
SPEC = tuple(spec for spec in METHODS if spec.source.startswith("vendor page"))
SPEC_BY_NAME = {spec.qualname: spec for spec in SPEC}


def by_method(specs: tuple[MethodSpec, ...]) -> list[tuple[MethodSpec, DocMethod]]:
    return [(spec, documented(spec.qualname)) for spec in specs]


PAIRS = pytest.mark.parametrize(
    ("spec", "doc"), by_method(SPEC), ids=[spec.qualname for spec in SPEC]
)


def test_the_pages_document_23_methods_in_three_classes() -> None:
    counts = {"user": 0, "subaccount": 0, "group": 0}
    for method in documented_methods():
        counts[method.api_class] += 1
    assert counts == {"user": 6, "subaccount": 5, "group": 12}
    assert len({m.qualname for m in documented_methods()}) == 23


def test_each_page_is_read_in_its_own_language() -> None:
    assert {m.api_class for m in parse_english()} == {"user"}
    assert {m.api_class for m in parse_danish()} == {"subaccount"}
    assert {m.api_class for m in parse_french()} == {"group"}


def test_spec_has_exactly_the_documented_methods_in_page_order() -> None:
    assert [spec.qualname for spec in SPEC] == [m.qualname for m in documented_methods()]


@PAIRS
def test_parameters_and_compulsory_flags(spec: MethodSpec, doc: DocMethod) -> None:
    documented_params = dict(doc.params)
    spec_params = {param.name: not param.optional for param in spec.params}
    assert list(spec_params.items()) == list(documented_params.items())


@PAIRS
def test_error_table_is_the_base_codes_then_the_spec_s_extra_codes(
    spec: MethodSpec, doc: DocMethod
) -> None:
    assert tuple(doc.errors[: len(BASE_ERROR_CODES)]) == BASE_ERROR_CODES
    assert tuple(doc.extra_errors) == spec.errors
    assert len(doc.errors) == len(BASE_ERROR_CODES) + len(spec.errors)


@PAIRS
def test_example_values_are_the_vendor_sample_values(spec: MethodSpec, doc: DocMethod) -> None:
    sample = doc.sample
    assert sample[:4] == [
        ("class", spec.api_class),
        ("method", spec.api_method),
        ("user", "user"),
        ("password", "password"),
    ], "the sample names the method and the credentials first"
    examples = [(param.name, param.example) for param in spec.params]
    assert examples == sample[4:]


@PAIRS
def test_every_documented_parameter_has_an_example(spec: MethodSpec, doc: DocMethod) -> None:
    assert all(param.example is not None for param in spec.params)
    assert set(doc.sample_params) == set(doc.params)


def test_plus_in_vendor_samples_is_a_space() -> None:
    doc = documented("subaccount.addsubaccount")
    assert doc.sample_params["namelastname"] == "name lastname"
    assert SPEC_BY_NAME["subaccount.addsubaccount"].params[2].example == "name lastname"


def test_french_samples_come_from_the_snippet_of_the_same_method() -> None:
    # The "getgroupcolumns" section opens with a stale copy of the creategroup snippet.
    doc = documented("group.getgroupcolumns")
    assert doc.sample_params == {"idgroup": "1000"}
    contacts = documented("group.addcontactlist").sample_params["contacts"]
    assert contacts == (
        '[{"name":"Test","mobile":"34600000000"},{"name":"Test","mobile":"34600000001"}]'
    )


#: Codes the vendor's pages in hand do not list, known from its own Node and PHP clients
#: (Afilnet/api-npmjs and Afilnet/api-php READMEs) for the messaging methods.
FROM_VENDOR_CLIENTS = {"NO_CREDITS", "NO_ROUTE_AVAILABLE"}


def test_every_documented_error_code_has_a_meaning_and_no_code_is_invented() -> None:
    documented_codes = {code for m in documented_methods() for code in m.errors}
    assert not documented_codes & FROM_VENDOR_CLIENTS
    assert documented_codes | FROM_VENDOR_CLIENTS == set(ERROR_CODES)
    assert all(meaning.strip() for meaning in ERROR_CODES.values())


def test_danish_request_urls_carry_the_sample_values() -> None:
    with_urls = [m for m in parse_danish() if m.request_url]
    assert len(with_urls) == 5
    for method in with_urls:
        assert method.request_url is not None
        assert url_pairs(method.request_url) == method.sample


def test_the_digest_sample_urls_are_vendor_samples() -> None:
    urls = sample_request_urls()
    assert len(urls) == 4
    for url in urls:
        pairs = url_pairs(url)
        qualname = f"{pairs[0][1]}.{pairs[1][1]}"
        assert pairs == documented(qualname).sample, qualname


def test_routing_keys_are_never_spec_parameters() -> None:
    assert not {param.name for spec in SPEC for param in spec.params} & set(ROUTING)


@pytest.mark.parametrize(
    ("qualname", "model"), [("user.getaddresses", Address), ("user.getchannels", Channel)]
)
def test_result_models_have_the_documented_fields(qualname: str, model: type) -> None:
    fields = {f.name for f in attrs.fields(model)} - {"raw", "request_id"}
    assert fields == set(documented(qualname).result_fields)
    assert SPEC_BY_NAME[qualname].result in ("addresses", "channels")


def test_methods_answering_no_values_return_the_raw_result() -> None:
    """Every method the pages document as answering "no additional values" returns what came
    (usually None); the others are read by a reader of their own."""
    read = {
        "user.getbalance", "user.getaddresses", "user.getchannels",
        "subaccount.getsubaccounts", "group.creategroup", "group.getgroupcolumns",
        "group.getcontacts", "group.getcontact",
    }  # fmt: skip
    for spec in SPEC:
        assert (spec.result != "raw") == (spec.qualname in read), spec.qualname
