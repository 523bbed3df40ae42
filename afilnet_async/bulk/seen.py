"""Which values an import has seen already, for millions of rows in little memory.

A Python ``set`` of short strings costs about 90 bytes per entry; :class:`SeenValues` costs 16
to 24: one 64-bit fingerprint and one 32-bit line number per slot of an open-addressing table
kept between half and three quarters full.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b
from typing import Final

__all__ = ["SeenValues"]

_MAX_EXACT_DIGITS: Final = 18  # "1" + 18 digits < 2**63: exact fingerprints stay under that bit
_HASHED: Final = 1 << 63  # set on every digest fingerprint, never on an exact one
_MASK64: Final = (1 << 64) - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: Fibonacci hashing
_EMPTY: Final = 0  # no fingerprint is 0: exact ones are >= 10, digests >= 2**63
_MAX_LINE64: Final = (1 << 64) - 1
_INITIAL_SLOTS: Final = 64
#: Grow when more than 3/4 of the slots are used, by half: the table is then 1/2 full. Linear
#: probing stays short (at most ~8.5 probes for a new value just before growing, 2.5 for a
#: value seen before), and the table costs 12 / load = 16 to 24 bytes per value.
_MAX_LOAD_NUM, _MAX_LOAD_DEN = 3, 4


def _fingerprint(value: str) -> int:
    """A 64-bit fingerprint of ``value``, never 0.

    Up to 18 ASCII digits (a mobile number): the digits themselves behind a leading 1
    (``"0034"`` and ``"34"`` stay apart), so exact: two different such values never share one.
    Anything else: an 8-byte BLAKE2b digest with its top bit set, so that it never equals an
    exact fingerprint either.
    """
    if len(value) <= _MAX_EXACT_DIGITS and value.isdigit() and value.isascii():
        return int("1" + value)
    digest = blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") | _HASHED


class SeenValues:
    """The values seen so far, each with the line it was first seen on.

    ``add(value, line)`` returns ``None`` for a new value, else the line where it was first
    seen. Mobile numbers (up to 18 digits) are stored exactly. Other values (e-mails) are
    stored as 63-bit digests: two different ones share a digest with odds of about n**2 / 2**64,
    i.e. about 1 in 184,000 for 10 million values. Such a collision can only make a new value
    look like a duplicate, never let a duplicate through.

    Memory is in :attr:`nbytes`: 16 to 24 bytes per value (12 per slot, 1/2 to 3/4 full;
    line numbers of 2**32 and over double the line table).
    """

    __slots__ = ("_count", "_keys", "_limit", "_lines")

    def __init__(self) -> None:
        self._keys = array("Q", [_EMPTY]) * _INITIAL_SLOTS
        self._lines = array("I", [0]) * _INITIAL_SLOTS
        self._count = 0
        self._limit = _INITIAL_SLOTS * _MAX_LOAD_NUM // _MAX_LOAD_DEN

    def add(self, value: str, line: int) -> int | None:
        """Remember ``value`` as first seen on ``line``, or say where it was first seen."""
        fingerprint = _fingerprint(value)
        keys = self._keys
        slots = len(keys)
        slot = (((fingerprint * _GOLDEN) & _MASK64) * slots) >> 64
        while True:
            found = keys[slot]
            if found == fingerprint:
                return self._lines[slot]
            if found == _EMPTY:
                break
            slot += 1
            if slot == slots:
                slot = 0
        self._set_line(slot, line)  # before the key: a refused line leaves no trace
        keys[slot] = fingerprint
        self._count += 1
        if self._count > self._limit:
            self._grow()
        return None

    def __contains__(self, value: object) -> bool:
        if type(value) is not str:
            return False
        fingerprint = _fingerprint(value)
        keys = self._keys
        slots = len(keys)
        slot = (((fingerprint * _GOLDEN) & _MASK64) * slots) >> 64
        while True:
            found = keys[slot]
            if found == fingerprint:
                return True
            if found == _EMPTY:
                return False
            slot += 1
            if slot == slots:
                slot = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Bytes held by the two tables (the object's own few dozen bytes aside)."""
        return len(self._keys) * self._keys.itemsize + len(self._lines) * self._lines.itemsize

    def __repr__(self) -> str:
        return f"<SeenValues: {self._count:,} values in {self.nbytes:,} bytes>"

    def _set_line(self, slot: int, line: int) -> None:
        try:
            self._lines[slot] = line
        except OverflowError:
            if line < 0:
                raise ValueError(f"line must be >= 0, not {line}") from None
            if line > _MAX_LINE64:
                raise ValueError(f"line {line} is over 2**64 - 1") from None
            self._lines = array("Q", self._lines)  # a file of over 4 billion lines
            self._lines[slot] = line
        except TypeError:
            raise TypeError(f"line must be an int, not {type(line).__name__}") from None

    def _grow(self) -> None:
        old_keys, old_lines = self._keys, self._lines
        slots = len(old_keys) * 3 // 2
        keys = array("Q", [_EMPTY]) * slots
        lines = array(old_lines.typecode, [0]) * slots
        for fingerprint, line in zip(old_keys, old_lines, strict=True):
            if fingerprint == _EMPTY:
                continue
            slot = (((fingerprint * _GOLDEN) & _MASK64) * slots) >> 64
            while keys[slot] != _EMPTY:
                slot += 1
                if slot == slots:
                    slot = 0
            keys[slot] = fingerprint
            lines[slot] = line
        self._keys, self._lines = keys, lines
        self._limit = slots * _MAX_LOAD_NUM // _MAX_LOAD_DEN
