"""The README's Python blocks run, so none goes stale.

Every Python block compiles. A block preceded by ``<!-- test: run -->`` runs as a user would
copy it, with ``AFILNET_USER=demo AFILNET_PASSWORD=demo`` and ``AFILNET_BASE_URL`` pointing at
an emulator served on 127.0.0.1. The fragments of the "Bulk import" and "The emulator"
sections (top-level ``await``, names defined earlier in the reader's program) run inside a
harness that provides those names. Each run is checked by what it did to the emulator.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import attrs
import pytest

from afilnet_async import AfilnetClient
from afilnet_async.blocking.portal import THREAD_NAME
from afilnet_async.emulator import Emulator, RunningServer

README = Path(__file__).resolve().parent.parent / "README.md"
MARKER = re.compile(r"<!-- test: (\w+) -->")
#: Sections whose one Python block runs in a harness (see the module doc).
HARNESSED = ("Bulk import", "The emulator")


@attrs.frozen
class Block:
    """One fenced code block of the README."""

    line: int  # of the opening fence, 1-based
    language: str
    code: str
    section: str  # the heading it sits under
    marker: str | None  # what the ``<!-- test: ... -->`` comment before it says

    @property
    def name(self) -> str:
        return f"README.md:{self.line} ({self.section})"

    def compiled(self) -> Any:
        return compile(self.code, self.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    section, previous, fence = "", "", None
    code: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is None:
            if line.startswith("```"):
                marker = MARKER.fullmatch(previous.strip())
                fence = (number, line[3:].strip(), marker.group(1) if marker else None)
                code = []
            elif line.startswith("#"):
                section = line.lstrip("#").strip()
            if line.strip():
                previous = line
        elif line.startswith("```"):
            start, language, mark = fence
            blocks.append(Block(start, language, "\n".join(code) + "\n", section, mark))
            fence, previous = None, line
        else:
            code.append(line)
    assert fence is None, "an unclosed code block"
    return blocks


BLOCKS = read_blocks(README.read_text("utf-8"))
PYTHON = [b for b in BLOCKS if b.language == "python"]
RUN = [b for b in PYTHON if b.marker == "run"]


def _section_block(section: str) -> Block:
    (block,) = (b for b in PYTHON if b.section == section)
    return block


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture
def server(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[RunningServer]:
    """``emu`` on a loopback port; the environment a reader sets for it; a scratch folder."""
    with emu.serve_in_thread() as running:
        for name in ("AFILNET_AUTH", "AFILNET_TOKEN", "AFILNET_COUNTRY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AFILNET_USER", "demo")
        monkeypatch.setenv("AFILNET_PASSWORD", "demo")
        monkeypatch.setenv("AFILNET_BASE_URL", running.base_url)
        monkeypatch.chdir(tmp_path)
        yield running


def run_block(block: Block, names: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execute ``block`` as a module would; a top-level ``await`` runs on a fresh loop."""
    namespace: dict[str, Any] = {"__name__": "__readme__", **(names or {})}
    result = eval(block.compiled(), namespace)  # noqa: S307 (the README's own code)
    if inspect.iscoroutine(result):

        async def finish() -> None:
            await result

        anyio.run(finish)
    return namespace


def _mobiles(emu: Emulator, name: str) -> list[str]:
    (group,) = (g for g in emu.state.groups.values() if g.name == name)
    return sorted(contact["mobile"] for contact in group.contacts.values())


@pytest.mark.parametrize("block", PYTHON, ids=[b.name for b in PYTHON])
def test_every_python_block_compiles(block: Block) -> None:
    block.compiled()


def test_the_blocks_a_user_copies_are_marked_to_run() -> None:
    sections = {b.section for b in RUN}
    assert {"Quick start", "Choosing an auth strategy", "Blocking client"} <= sections
    assert all(b.language == "python" for b in BLOCKS if b.marker is not None)
    assert {b.marker for b in BLOCKS} <= {None, "run"}
    for section in HARNESSED:
        assert _section_block(section).marker is None  # run by its own test below


def test_quick_start(emu: Emulator, server: RunningServer, capsys: pytest.CaptureFixture[str]):
    run_block(_section_block("Quick start"))
    assert capsys.readouterr().out.startswith("Balance(balance=Decimal('1000.0')")
    assert _mobiles(emu, "Customers") == ["34600000000", "34600000001", "34600000002"]


def test_auth_strategies(server: RunningServer) -> None:
    namespace = run_block(_section_block("Choosing an auth strategy"))
    assert namespace["AfilnetClient"] is AfilnetClient  # six clients made; none called


def test_web_service(server: RunningServer) -> None:
    namespace = run_block(_section_block("In a web service: share one connection pool"))

    async def use() -> None:
        async with namespace["client"] as client:  # the emulator one, made last
            assert (await client.user.get_balance()).balance == 1000
        await namespace["http"].aclose()

    anyio.run(use)


def test_blocking_client(emu: Emulator, server: RunningServer) -> None:
    run_block(_section_block("Blocking client"))
    (group,) = (g for g in emu.state.groups.values() if g.name == "Customers")
    assert len(group.contacts) == 1001
    assert not [t for t in threading.enumerate() if t.name == THREAD_NAME]  # closed by `with`


def test_bulk_import(emu: Emulator, server: RunningServer, tmp_path: Path) -> None:
    """The fragment runs inside ``async with AfilnetClient.from_env() as client:``, with a
    group and a CSV reader as ``idgroup`` and ``rows``."""
    block = _section_block("Bulk import")

    async def harness() -> None:
        async with AfilnetClient.from_env() as client:
            group = await client.group.create_group(name="Bulk", type="mobile", fields=["mobile"])
            rows = csv.DictReader(io.StringIO("mobile\n34600000001\n34600000002\nbad\n"))
            names = {"client": client, "idgroup": group.idgroup, "rows": rows}
            namespace: dict[str, Any] = {"__name__": "__readme__", **names}
            await eval(block.compiled(), namespace)  # noqa: S307 (the README's own code)
            assert namespace["report"].failed == 1

    anyio.run(harness)
    assert _mobiles(emu, "Bulk") == ["34600000001", "34600000002"]
    assert (tmp_path / "import.journal").exists()


def test_the_emulator_section(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fragment uses AfilnetClient without importing it: the harness provides it, and
    the ``doctor.json`` transcript it loads (a getbalance answered as a string)."""
    transcript = {
        "format": "afilnet-doctor transcript",
        "version": 1,
        "entries": [
            {
                "style": "form",
                "method": "user.getbalance",
                "http_status": 200,
                "answer": {"status": "SUCCESS", "result": "0"},
            }
        ],
    }
    (tmp_path / "doctor.json").write_text(json.dumps(transcript), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace = run_block(_section_block("The emulator"), {"AfilnetClient": AfilnetClient})
    assert namespace["emulator"].faults.rate_429 == 0.04
