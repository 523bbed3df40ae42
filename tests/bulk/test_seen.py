"""SeenValues: duplicate detection for millions of rows in 16 to 24 bytes per value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afilnet_async.bulk import seen as seen_module
from afilnet_async.bulk.seen import SeenValues


def test_a_new_value_gives_none_a_repeat_the_line_it_was_first_seen_on() -> None:
    seen = SeenValues()
    assert seen.add("34600111222", 2) is None
    assert seen.add("ana@example.com", 3) is None
    assert seen.add("34600111222", 9) == 2
    assert seen.add("34600111222", 12) == 2  # still the first line
    assert seen.add("ana@example.com", 10) == 3
    assert len(seen) == 2
    assert "34600111222" in seen
    assert "ana@example.com" in seen
    assert "34600111223" not in seen
    assert "Ana@example.com" not in seen  # values are compared as given: normalise first


def test_leading_zeros_and_lengths_keep_digit_values_apart() -> None:
    seen = SeenValues()
    for line, value in enumerate(["34", "034", "0034", "0", "00", "000000000000000000"], 1):
        assert seen.add(value, line) is None
    assert len(seen) == 6
    assert seen.add("0034", 99) == 3


def test_digit_and_other_values_never_share_a_fingerprint() -> None:
    exact = [seen_module._fingerprint(v) for v in ("0", "999999999999999999", "34600111222")]
    hashed = [seen_module._fingerprint(v) for v in ("", "a", "1" * 19, "\u0663\u0664", "+34")]
    assert all(0 < f < 2**63 for f in exact)
    assert all(2**63 <= f < 2**64 for f in hashed)


def test_unicode_digits_and_long_numbers_are_not_confused_with_ascii_ones() -> None:
    seen = SeenValues()
    assert seen.add("34", 1) is None
    assert seen.add("\u0663\u0664", 2) is None  # Arabic-Indic 3 4: str.isdigit() is True
    assert seen.add("1" * 19, 3) is None  # 19 digits: digested
    assert seen.add("1" * 18, 4) is None  # 18: exact
    assert seen.add("1" * 19, 5) == 3
    assert seen.add("\ud800 a lone surrogate", 6) is None  # any str can be added
    assert "\ud800 a lone surrogate" in seen


def test_other_types_are_simply_not_in_it() -> None:
    seen = SeenValues()
    seen.add("34600111222", 1)
    assert 34600111222 not in seen
    assert None not in seen


def test_it_grows_keeping_every_value_and_its_line() -> None:
    seen = SeenValues()
    values = [f"3460{n:07d}" for n in range(0, 60_000, 3)] + [f"u{n}@x.es" for n in range(5000)]
    for line, value in enumerate(values, 2):
        assert seen.add(value, line) is None
    assert len(seen) == len(values)
    for line, value in enumerate(values, 2):
        assert seen.add(value, 0) == line
    assert "34600000001" not in seen
    assert len(seen) == len(values)


@pytest.mark.parametrize("count", [1_000, 10_000, 100_000])
def test_memory_stays_between_16_and_24_bytes_per_value(count: int) -> None:
    seen = SeenValues()
    for n in range(count):
        seen.add(f"34{n:09d}", n)
    assert 16 * count <= seen.nbytes <= 24 * count
    assert f"{count:,} values" in repr(seen)


def test_lines_over_32_bits_widen_the_line_table() -> None:
    seen = SeenValues()
    seen.add("a", 7)
    before = seen.nbytes  # 8 bytes of fingerprint and 4 of line per slot
    assert seen.add("b", 2**32 + 5) is None
    assert seen.nbytes == before // 12 * 16  # lines now take 8 bytes too
    assert seen.add("b", 1) == 2**32 + 5
    assert seen.add("a", 1) == 7


def test_a_refused_line_leaves_no_trace() -> None:
    seen = SeenValues()
    with pytest.raises(ValueError, match="line must be >= 0"):
        seen.add("34600111222", -1)
    with pytest.raises(TypeError, match="line must be an int, not str"):
        seen.add("34600111222", "2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="over 2\\*\\*64"):
        seen.add("34600111222", 2**64)
    assert len(seen) == 0
    assert "34600111222" not in seen
    assert seen.add("34600111222", 2) is None


def test_probing_wraps_around_the_end_of_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every value lands on the last slot: each new one probes past the end to the start.
    monkeypatch.setattr(seen_module, "_GOLDEN", 1)
    monkeypatch.setattr(seen_module, "_fingerprint", lambda value: 2**64 - 1 - int(value))
    seen = SeenValues()
    for n in range(200):  # past several growths
        assert seen.add(str(n), n + 1) is None
    for n in range(200):
        assert str(n) in seen
        assert seen.add(str(n), 0) == n + 1
    assert "200" not in seen


# Agreement with a dict, collisions of digit and non-digit values included ---------------------

_values = st.one_of(
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),  # leading zeros, over 18 digits
    st.sampled_from(["0", "00", "34", "034", "1" * 18, "1" * 19, "", " 34"]),
    st.emails(),
    st.text(max_size=12),
)


@settings(max_examples=150)
@given(st.lists(_values, max_size=300))
def test_it_agrees_with_a_dict_of_first_lines(stream: list[str]) -> None:
    seen = SeenValues()
    first_lines: dict[str, int] = {}
    for line, value in enumerate(stream, 1):
        assert seen.add(value, line) == first_lines.get(value)
        first_lines.setdefault(value, line)
        assert len(seen) == len(first_lines)
    for value in first_lines:
        assert value in seen
