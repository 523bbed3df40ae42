"""Reading contact files: spreadsheet CSV exports, streamed row by row.

:func:`read_contacts` opens a CSV (or TSV) file, reads its header and tells the delimiter
from a small sample; iterating the :class:`ContactFile` it returns then yields one
:class:`ContactRow` per record, lazily, so memory stays flat whatever the file's size.

Files as Excel writes them are the norm: UTF-8 with a byte-order mark ("CSV UTF-8"), ``;``
in Spanish and other locales that write decimal commas, CRLF line ends, header names with
stray spaces and capitals. Every problem with the file is a :class:`ContactFileError` of one
line naming the file and, where there is one, the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Final, Literal

from .errors import ValidationError

if TYPE_CHECKING:
    from _csv import Reader

__all__ = ["DELIMITERS", "ContactFile", "ContactFileError", "ContactRow", "read_contacts"]

#: The delimiters told apart when none is given, in order of preference on a tie.
DELIMITERS: Final = (",", ";", "\t", "|")
MAIN_FIELDS: Final = ("mobile", "email")
_SAMPLE_CHARS: Final = 64 * 1024  # whole lines read at open: decoded, and sniffed
_SNIFF_RECORDS: Final = 200  # of which at most this many records tell the delimiter
_UTF16_32_BOMS: Final = (
    codecs.BOM_UTF32_LE,  # before UTF-16 LE, of which it is an extension
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
#: The first line Excel writes (and reads) to name a file's delimiter: ``sep=;``.
_SEP_DIRECTIVE: Final = re.compile(r'sep=([^"\r\n])(?:\r\n|\r|\n)?', re.IGNORECASE)
_ESCAPED_BYTE: Final = re.compile(r"[\udc80-\udcff]")  # what errors="surrogateescape" makes
_UTF8_ADVICE: Final = (
    "save it as UTF-8 (in Excel: CSV UTF-8), or pass encoding='latin-1' / --encoding latin-1"
)


class ContactFileError(ValidationError):
    """A contact file cannot be read. ``path`` is the file; ``line`` (1-based) the line at
    fault, or ``None`` when the problem is not with one line."""

    def __init__(self, message: str, *, path: Path, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only arguments defeat Exception's pickling, which calls cls(*args).
        return (_rebuild_error, (type(self), self.args[0], self.path, self.line))


def _rebuild_error(
    cls: type[ContactFileError], message: str, path: Path, line: int | None
) -> ContactFileError:
    return cls(message, path=path, line=line)


def _error(path: Path, message: str, line: int | None = None) -> ContactFileError:
    where = f"{path}, line {line}" if line is not None else f"{path}"
    return ContactFileError(f"{where}: {message}", path=path, line=line)


class ContactRow(dict[str, str]):
    """The non-empty cells of one record, stripped, keyed by the normalised header names.

    ``line`` is the 1-based line of the file where the record starts; ``problem`` says why
    the row cannot be imported as it is (``"line 7 has 4 values, the header has 3"``), else
    ``None``. Built like a dict (``ContactRow(mobile="34600111222")``), then ``line`` set:
    no ``__init__`` of its own, as one is built per row of a file. Equality is the dict's:
    ``line`` and ``problem`` are not compared.
    """

    line: int = 0
    problem: str | None = None

    def __repr__(self) -> str:
        problem = f", problem={self.problem!r}" if self.problem is not None else ""
        return f"ContactRow({super().__repr__()}, line={self.line}{problem})"


def read_contacts(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    main_field: Literal["mobile", "email"] | None = None,
) -> ContactFile:
    """Open a contact file: read its header now, its rows as you iterate the result.

    ``delimiter``: one character; by default told from the header and the first lines among
    ``,`` ``;`` tab and ``|`` (``,`` for a single column). ``encoding``: UTF-8 by default,
    with or without a byte-order mark; any Python codec otherwise (``"latin-1"``,
    ``"cp1252"``, ``"utf-16"``). ``main_field``: the column the header must have; by default
    it must have ``mobile`` or ``email``.

    Raises :class:`ContactFileError` if the file cannot be opened or decoded, or its header is
    unusable (an empty or repeated name, no main field). A byte the encoding cannot decode
    after the first 64 KiB is reported when iteration reaches it.
    """
    return ContactFile(path, delimiter=delimiter, encoding=encoding, main_field=main_field)


class ContactFile:
    """An open contact file (see :func:`read_contacts`); iterate it once for its rows.

    Like a file, a second iteration continues where the first stopped. The file is closed
    when iteration ends, by :meth:`close`, or at the end of a ``with`` block.
    """

    path: Path
    #: The header names, normalised (trimmed, lower-cased, BOM removed), in file order.
    header: tuple[str, ...]
    #: The header names as the file has them.
    original_header: tuple[str, ...]
    delimiter: str
    #: The codec the file is decoded with, as Python names it (``"utf-8"``, ``"iso8859-1"``).
    encoding: str
    #: Whether the file starts with a byte-order mark (not part of the first header name).
    had_bom: bool
    #: Things worth telling the user once, one line each.
    warnings: list[str]

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        delimiter: str | None = None,
        encoding: str = "utf-8",
        main_field: Literal["mobile", "email"] | None = None,
    ) -> None:
        self.path = Path(os.fspath(path))
        self.warnings = []
        self._state: Literal["open", "read", "closed"] = "open"
        if main_field is not None and main_field not in MAIN_FIELDS:
            raise _error(self.path, f"main_field must be 'mobile' or 'email', not {main_field!r}")
        if delimiter is not None and (
            type(delimiter) is not str or len(delimiter) != 1 or delimiter in '"\r\n'
        ):
            raise _error(
                self.path,
                f"delimiter must be one character other than a quote or a line break, "
                f"not {delimiter!r:.20}",
            )
        self._codec = self.encoding = _codec(self.path, encoding)
        self._text, self._skip, self.had_bom = self._open()
        try:
            sample, complete = self._sample()
            directive = _SEP_DIRECTIVE.fullmatch(sample[0]) if sample else None
            if directive is not None:  # Excel's "sep=;" line: it names the delimiter
                self.delimiter = delimiter or directive.group(1)
            else:
                self.delimiter = delimiter or _sniff(sample, complete)
            self._reader: Reader = csv.reader(
                itertools.chain(sample, self._text), delimiter=self.delimiter, strict=False
            )
            self.original_header, header_line = self._read_header(skip=directive is not None)
            self.header = self._normalised_header(header_line)
            if self.header:
                self._check_main_field(main_field, header_line)
        except BaseException:
            self._text.close()
            raise
        self._rows = self._read_rows()

    # Opening ----------------------------------------------------------------------------------

    def _open(self) -> tuple[IO[str], int, bool]:
        """The file as text at its first character (a UTF-8 BOM skipped), the bytes skipped,
        and whether it has a BOM."""
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 (closed by close(), or below)
        except OSError as exc:
            raise _error(self.path, f"cannot open it: {exc.strerror or exc}") from None
        try:
            head = raw.read(4)
            skip = 0
            had_bom = head.startswith(codecs.BOM_UTF8)
            utf16_or_32 = self._codec.startswith(("utf-16", "utf-32"))
            if had_bom and not utf16_or_32:
                skip = len(codecs.BOM_UTF8)
                if self.encoding == "utf-8":
                    self.warnings.append(
                        "removed the UTF-8 byte-order mark (BOM) at the start of the file"
                    )
                else:
                    self.warnings.append(
                        f"it starts with a UTF-8 byte-order mark but is read as {self.encoding}:"
                        " if letters look wrong (Ã± for ñ), read it as UTF-8"
                    )
            elif head.startswith(_UTF16_32_BOMS):
                had_bom = True
                if not utf16_or_32:
                    kind = "UTF-32" if head.startswith(_UTF16_32_BOMS[:2]) else "UTF-16"
                    raise _error(
                        self.path,
                        f"it is {kind} text (Excel's 'Unicode Text'), not {self.encoding}: pass "
                        f"encoding='{kind.lower()}' / --encoding {kind.lower()}, or save it as "
                        "CSV UTF-8",
                    )
            raw.seek(skip)
            return io.TextIOWrapper(raw, encoding=self._codec, newline=""), skip, had_bom
        except BaseException:
            raw.close()
            raise

    def _sample(self) -> tuple[list[str], bool]:
        """Whole lines from the start (about 64 KiB), and whether they are the whole file."""
        lines: list[str] = []
        size = 0
        try:
            while size < _SAMPLE_CHARS:
                line = self._text.readline()
                if not line:
                    return lines, True
                lines.append(line)
                size += len(line)
        except UnicodeError as exc:
            raise self._undecodable(exc) from None
        return lines, False

    def _read_header(self, skip: bool) -> tuple[tuple[str, ...], int]:
        """The first record with a non-blank cell (after the ``skip``-ped first line), and its
        line; ``()`` for an empty file."""
        try:
            if skip:
                next(self._reader)
            for cells in self._reader:
                if any(cell.strip() for cell in cells):
                    if cells[0].startswith("\ufeff"):  # a BOM a UTF-16-LE/BE codec keeps
                        cells[0] = cells[0][1:]
                    return tuple(cells), self._reader.line_num
        except UnicodeError as exc:
            raise self._undecodable(exc) from None
        except csv.Error as exc:
            raise self._csv_error(exc) from None
        return (), 0

    def _normalised_header(self, line: int) -> tuple[str, ...]:
        if any("\x00" in name for name in self.original_header):
            raise _error(
                self.path,
                "the header holds NUL characters: if the file is UTF-16 (Excel's 'Unicode "
                "Text'), pass encoding='utf-16' / --encoding utf-16",
                line,
            )
        names = tuple(name.replace("\ufeff", "").strip().lower() for name in self.original_header)
        first_seen: dict[str, int] = {}
        for column, name in enumerate(names, 1):
            if not name:
                raise _error(self.path, f"column {column} of the header has no name", line)
            if name in first_seen:
                raise _error(
                    self.path,
                    f"columns {first_seen[name]} and {column} of the header are both named "
                    f"{name!r:.60} (after trimming and lower-casing)",
                    line,
                )
            first_seen[name] = column
        changed = [
            f"{original!r:.40} -> {name!r:.40}"
            for original, name in zip(self.original_header, names, strict=True)
            if original != name
        ]
        if changed:
            more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
            self.warnings.append(
                "header names trimmed and lower-cased: " + ", ".join(changed[:5]) + more
            )
        return names

    def _check_main_field(self, main_field: str | None, line: int) -> None:
        if main_field is not None:
            if main_field in self.header:
                return
            wanted = f"no {main_field!r} column"
        elif any(field in self.header for field in MAIN_FIELDS):
            return
        else:
            wanted = "neither a 'mobile' nor an 'email' column"
        shown = ", ".join(repr(name[:40]) for name in self.header[:10])
        if len(self.header) > 10:
            shown += f" and {len(self.header) - 10} more"
        hint = ""
        if len(self.header) == 1:
            others = [d for d in DELIMITERS if d != self.delimiter and d in self.header[0]]
            if others:
                hint = f"; read with delimiter {self.delimiter!r}: pass delimiter={others[0]!r}?"
        raise _error(self.path, f"the header has {wanted} (columns: {shown}){hint}", line)

    # Reading -----------------------------------------------------------------------------------

    def _read_rows(self) -> Generator[ContactRow, None, None]:
        header = self.header
        width = len(header)
        reader = self._reader
        previous = reader.line_num  # a record starts on the line after the previous one ended
        try:
            for cells in reader:
                start = previous + 1
                previous = reader.line_num
                if len(cells) == width:
                    values = list(map(str.strip, cells))
                    row = ContactRow(zip(header, values, strict=True))
                    row.line = start
                    if "" in values:
                        if not any(values):
                            continue  # a blank record (";;;" from a spreadsheet's empty row)
                        for name, value in zip(header, values, strict=True):
                            if not value:
                                del row[name]
                    yield row
                elif cells:
                    odd = self._odd_row(cells, start)
                    if odd is not None:
                        yield odd
        except UnicodeError as exc:
            raise self._undecodable(exc) from None
        except csv.Error as exc:
            raise self._csv_error(exc) from None
        finally:
            if self._state == "open":
                self._state = "read"
            self._text.close()

    def _odd_row(self, cells: list[str], line: int) -> ContactRow | None:
        """A record with more or fewer values than the header (``None`` if blank)."""
        values = [cell.strip() for cell in cells]
        if not any(values):
            return None
        width = len(self.header)
        problem: str | None = None
        if len(values) < width or any(values[width:]):  # empty cells past the header: harmless
            noun = "value" if len(values) == 1 else "values"
            problem = f"line {line} has {len(values)} {noun}, the header has {width}"
        pairs = ((name, value) for name, value in zip(self.header, values, strict=False) if value)
        row = ContactRow(pairs)
        row.line = line
        row.problem = problem
        return row

    def __iter__(self) -> Iterator[ContactRow]:
        if self._state == "closed":
            raise ValueError(f"{self.path} was closed before it was read to the end")
        return self._rows

    # Errors -----------------------------------------------------------------------------------

    def _undecodable(self, exc: UnicodeError) -> ContactFileError:
        """The error for bytes the codec cannot decode: the file is read again (up to the
        first such byte only) to find its line, as the decoder works on blocks of 8 KiB."""
        self._text.close()
        if self.encoding == "utf-8":
            what, advice = "UTF-8", _UTF8_ADVICE
        else:
            what, advice = self.encoding, "pass the file's encoding (encoding= / --encoding)"
        found = _first_undecodable(self.path, self._codec, self._skip)
        if found is None:  # not a byte but the stream ("UTF-16 stream does not start with BOM")
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
            return _error(self.path, f"it is not {what} text ({reason}); {advice}")
        line, byte, before = found
        where = f"after {before[-30:]!r}" if before.strip() else "at the start of the line"
        return _error(self.path, f"byte 0x{byte:02X} {where} is not {what}; {advice}", line)

    def _csv_error(self, exc: csv.Error) -> ContactFileError:
        self._text.close()
        line = self._reader.line_num
        message = str(exc)
        if "field larger than field limit" in message:
            message = (
                f"a value is longer than {csv.field_size_limit():,} characters "
                "(a quote opened and never closed?)"
            )
        return _error(self.path, message, line)

    # Closing ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file; iterating it afterwards is an error unless it was read to the end."""
        if self._state == "open":
            self._state = "closed"
        self._rows.close()  # suspended at a row: its finally runs; not started: never will
        self._text.close()

    def __enter__(self) -> ContactFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._state == "open" else "closed"
        return (
            f"<ContactFile {str(self.path)!r} {state}, delimiter {self.delimiter!r}, "
            f"{len(self.header)} columns>"
        )


def _codec(path: Path, encoding: str) -> str:
    """The codec's Python name; UTF-8 with or without BOM is read as ``utf-8`` (BOM skipped)."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise _error(path, f"unknown encoding {encoding!r:.40}") from None
    return "utf-8" if name == "utf-8-sig" else name


def _sniff(lines: list[str], complete: bool) -> str:
    """The delimiter among :data:`DELIMITERS` that splits the header in most columns with the
    sample's records agreeing most; ``,`` when none splits it (a single column)."""
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            records = [
                record
                for record in itertools.islice(
                    csv.reader(lines, delimiter=delimiter), _SNIFF_RECORDS
                )
                if any(map(str.strip, record))
            ]
        except csv.Error:
            continue
        if not complete and len(records) < _SNIFF_RECORDS:
            records = records[:-1]  # may be cut short
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rows = records[1:]
        agreeing = sum(len(row) == width for row in rows) / len(rows) if rows else 1.0
        if (agreeing, width) > best_score:
            best, best_score = delimiter, (agreeing, width)
    return best


def _first_undecodable(path: Path, codec: str, skip: int) -> tuple[int, int, str] | None:
    """The line, value and preceding text of the first byte ``codec`` cannot decode."""
    try:
        with open(path, "rb") as raw:
            raw.seek(skip)
            text = io.TextIOWrapper(raw, encoding=codec, errors="surrogateescape", newline="")
            for number, line in enumerate(text, 1):
                bad = _ESCAPED_BYTE.search(line)
                if bad is not None:
                    return number, ord(bad.group()) - 0xDC00, line[: bad.start()]
    except (OSError, UnicodeError):
        return None
    return None
