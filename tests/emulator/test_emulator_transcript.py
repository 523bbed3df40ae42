"""Emulator.from_transcript: answering in the shapes an ``afilnet doctor`` transcript recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from afilnet_async.emulator import (
    Emulator,
    EmulatorError,
    TranscriptError,
    dialect_from_transcript,
    load_transcript,
)

SAMPLE = Path(__file__).parent / "fixtures" / "doctor-transcript.json"


async def _results(emu: Emulator) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:

        async def answer(api_class: str, api_method: str, **params: str) -> Any:
            form = {"user": "demo", "password": "demo", "class": api_class, "method": api_method}
            return (await http.post("/api/http/", data={**form, **params})).json()

        await answer(
            "user",
            "addaddress",
            namelastname="Ann",
            iscompany="1",
            documentid="D",
            countrycode="es",
            cityid="1",
            cityname="Madrid",
            zipcode="1",
            address="A",
        )
        await answer("group", "creategroup", name="g", type="mobile", fields="mobile,name")
        await answer("group", "addcontact", idgroup="1001", contact="mobile:34600000001,name:Ann")
        sent = await answer("sms", "sendsms", **{"from": "S", "to": "34600000000", "sms": "x"})
        return {
            "sendsms": sent,
            "getbalance": await answer("user", "getbalance"),
            "getaddresses": await answer("user", "getaddresses"),
            "getchannels": await answer("user", "getchannels"),
            "getgroupcolumns": await answer("group", "getgroupcolumns", idgroup="1001"),
            "getcontacts": await answer("group", "getcontacts", idgroup="1001"),
            "getcontact": await answer("group", "getcontact", idgroup="1001", idcontact="1002"),
            "getdeliverystatus": await answer("sms", "getdeliverystatus", messages="1003"),
            "error": await answer("group", "getcontacts", idgroup="1"),
        }  # fmt: skip


async def test_the_sample_transcripts_shapes_are_reproduced() -> None:
    emu = Emulator.from_transcript(SAMPLE)
    assert emu.dialect.name == "transcript:doctor-transcript.json"
    results = await _results(emu)
    assert results["getbalance"] == {"status": "success", "result": {"saldo": "999"}}
    assert results["getaddresses"]["result"] == {"1000": {
        "id": "1000", "namelastname": "Ann", "iscompany": "1", "companyname": "",
        "documentid": "D", "countrycode": "es", "cityid": "1", "cityname": "Madrid",
        "zipcode": "1", "address": "A", "verified": "0", "addressverified": "0",
    }}  # fmt: skip
    assert results["getchannels"]["result"] == {"data": [
        {"channeltype": n, "channelname": n, "active": True} for n in ("sms", "email", "voice")
    ]}  # fmt: skip
    assert results["getgroupcolumns"]["result"] == "mobile,name"  # the first entry wins
    assert results["getcontacts"]["result"] == [
        {"idcontact": 1002, "mobile": "34600000001", "name": "Ann"}
    ]
    assert results["getdeliverystatus"]["result"] == {"1003": "PENDING"}
    assert results["error"] == {"status": "error", "error": "NOT_ACCESS_TO_GROUP"}
    # what the transcript does not show answers as the vendor dialect would
    assert results["getcontact"]["result"] == {"idcontact": 1002, "mobile": "34600000001",
                                               "name": "Ann"}  # fmt: skip
    assert results["sendsms"]["result"] == {"messageid": "1003", "credits": "1"}


def test_inference_per_method() -> None:
    def dialect(*entries: tuple[str, Any]) -> Any:
        recorded = [
            {"style": "form", "method": method, "http_status": 200,
             "answer": {"status": "SUCCESS", "result": result}}
            for method, result in entries
        ]  # fmt: skip
        transcript = {"format": "afilnet-doctor transcript", "version": 1, "entries": recorded}
        return dialect_from_transcript(transcript)

    shown = dialect(
        ("user.getbalance", 0),
        ("group.getgroupcolumns", {"0": "***", "1": "***"}),
        ("group.getcontacts", {"list": [{"idcontact": "0"}]}),
        ("subaccount.getsubaccounts", {"x@y.z": {"accountemail": "***", "iscompany": False}}),
        ("sms.sendsms", 0),
        ("email.sendemail", {"messages": {"0": {"messageid": "0"}}, "credits": "0"}),
    )
    assert shown.status_case == "upper"
    assert dict(shown.methods) == {
        "user.getbalance": {"balance": "bare", "numbers": "number"},
        "group.getgroupcolumns": {"columns": "keyed"},
        "group.getcontacts": {"lists": "wrapped", "list_key": "list", "numbers": "string"},
        "subaccount.getsubaccounts": {"lists": "keyed", "booleans": "bool"},
        "sms.sendsms": {"sends": "bare", "numbers": "number"},
        "email.sendemail": {"sends": "messages", "lists": "keyed", "numbers": "string"},
    }
    assert dict(dialect(("user.getbalance", {"weird": []})).methods) == {}


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"format": "something else"}),
     json.dumps({"format": "afilnet-doctor transcript", "version": 2, "entries": []}),
     json.dumps({"format": "afilnet-doctor transcript", "version": 1})],
)  # fmt: skip
def test_unreadable_transcripts_are_emulator_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(TranscriptError) as raised:
        Emulator.from_transcript(path)
    assert isinstance(raised.value, EmulatorError)
    with pytest.raises(TranscriptError):
        load_transcript(tmp_path / "missing.json")
