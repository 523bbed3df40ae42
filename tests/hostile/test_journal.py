"""A journal that does not match its input (a row edited between two runs).

``import_contacts`` raises :class:`JournalError` itself (an :class:`AfilnetError`), never an
``ExceptionGroup`` around it, and sends nothing more; ``afilnet import FILE --group ID
--journal J`` prints it on one stderr line, no traceback, and exits 1.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import anyio

from afilnet_async import AfilnetError, FormAuth, JournalError
from afilnet_async.emulator import Emulator

from .helpers import Case, client_on, environment, rows

COUNT, CHUNK = 30, 10
EDITED = 15  # in the second chunk: the first one is skipped, the second one mismatches
#: Bound of the steps around a case (creating the group, the first import).
SETUP_BOUND = 20
_SCRIPT = Path(sys.executable).with_name("afilnet")  # the console script of this venv
AFILNET = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "afilnet_async.cli"]


def edited(data: list[dict[str, str]]) -> list[dict[str, str]]:
    changed = [dict(row) for row in data]
    changed[EDITED]["name"] = "Edited between the runs"
    return changed


async def test_a_mismatched_journal_is_a_journal_error(case: Case, tmp_path: Path) -> None:
    emulator = Emulator.demo()
    journal = tmp_path / "import.journal"
    data = rows(COUNT)
    async with emulator.client(FormAuth("demo", "demo")) as client:
        with anyio.fail_after(SETUP_BOUND):
            group = await client.group.create_group(
                name="hostile", type="mobile", fields=["mobile", "name"]
            )
            assert group.idgroup is not None
            idgroup = group.idgroup
            first = await client.group.import_contacts(
                idgroup, data, main_field="mobile", journal=journal, chunk_size=CHUNK
            )
        assert (first.imported, first.failed) == (COUNT, 0)
        requests_before = emulator.counters.requests

        async def rerun() -> object:
            return await client.group.import_contacts(
                idgroup, edited(data), main_field="mobile", journal=journal, chunk_size=CHUNK
            )

        outcome = await case.run(rerun, bound=10)
    error = outcome.error
    assert isinstance(error, JournalError), outcome.describe()
    assert isinstance(error, AfilnetError)
    assert "journal" in str(error)
    assert emulator.counters.requests == requests_before, "the mismatched run sent requests"
    assert len(emulator.state.groups[idgroup].contacts) == COUNT


def write_csv(path: Path, data: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["mobile", "name"])
        writer.writeheader()
        writer.writerows(data)


async def test_the_cli_prints_a_journal_mismatch_on_one_line(case: Case, tmp_path: Path) -> None:
    emulator = Emulator.demo()
    journal = tmp_path / "import.journal"
    data = rows(COUNT)
    async with emulator.serve() as served:
        async with client_on(served.base_url, auth=FormAuth("demo", "demo")) as client:
            with anyio.fail_after(SETUP_BOUND):
                group = await client.group.create_group(
                    name="hostile", type="mobile", fields=["mobile", "name"]
                )
                assert group.idgroup is not None
                first = await client.group.import_contacts(
                    group.idgroup, data, main_field="mobile", journal=journal, chunk_size=CHUNK
                )
        assert (first.imported, first.failed) == (COUNT, 0)
        csv_file = tmp_path / "contacts.csv"
        write_csv(csv_file, edited(data))
        command = [
            *AFILNET, "import", str(csv_file), "--group", str(group.idgroup),
            "--journal", str(journal), "--chunk-size", str(CHUNK),
        ]  # fmt: skip
        env = environment(
            AFILNET_USER="demo", AFILNET_PASSWORD="demo", AFILNET_BASE_URL=served.base_url
        )

        async def cli() -> subprocess.CompletedProcess[bytes]:
            return await anyio.run_process(command, env=env, cwd=tmp_path, check=False)

        outcome = await case.run(cli, bound=30)
    assert outcome.error is None, outcome.describe()
    done = outcome.result
    stderr = done.stderr.decode(errors="replace")
    meaningful = [line.strip(" |+-") for line in stderr.splitlines() if line.strip(" |+-")]
    last = meaningful[-1] if meaningful else ""  # a traceback's last line, its borders off
    case.note(exception=f"exit {done.returncode}", stderr_lines=len(stderr.splitlines()))
    case.note(stderr_last_line=last[:200])
    assert "Traceback" not in stderr, f"a traceback on stderr, ending: {last}"
    assert done.returncode == 1, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {stderr!r}"
    assert lines[0].startswith("afilnet: error:") and "journal" in lines[0], lines[0]
    assert len(emulator.state.groups[group.idgroup].contacts) == COUNT
