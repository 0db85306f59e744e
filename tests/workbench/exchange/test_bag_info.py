"""bag-info.txt folding (RFC 8493 §2.2.2): lines of 79 characters, read back whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.exchange.bag_info import WIDTH, fold, format_fields, parse, plain


def test_a_long_value_folds_before_a_space_and_unfolds_exactly() -> None:
    value = " ".join(f"word{i}" for i in range(40))
    folded = fold("External-Description", value)
    lines = folded.splitlines()
    assert len(lines) > 1 and all(len(line) <= WIDTH for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert folded.replace("\n ", " ").rstrip("\n") == f"External-Description: {value}"  # RFC 5322
    assert parse(folded) == [("External-Description", value)]


def test_a_word_longer_than_a_line_stays_whole() -> None:
    word = "a" * 120
    assert fold("Case", word) == f"Case: {word}\n"
    assert fold("Case", f"short {word} end").splitlines() == ["Case: short", f" {word}", " end"]


def test_short_and_empty_values_are_one_line() -> None:
    assert fold("Contact-Name", "alice") == "Contact-Name: alice\n"
    assert fold("Contact-Name", "") == "Contact-Name: \n"
    assert fold("Case", "two\nlines  and\tspaces") == "Case: two lines and spaces\n"


def test_arabic_is_counted_in_characters_and_kept_intact() -> None:
    value = " ".join(["قافلة على الطريق الساحلي"] * 6)
    lines = fold("Case", value).splitlines()
    assert len(lines) > 1 and all(len(line) <= WIDTH for line in lines)
    assert max(len(line.encode("utf-8")) for line in lines) > WIDTH  # bytes would fold more
    assert parse(fold("Case", value)) == [("Case", value)]


def test_parse_reads_every_line_break_tabs_a_bom_and_repeated_labels() -> None:
    text = "\ufeffCase: one\r\n\tcontinued\rCase: two\n\nBag-Size: 1 KB\n"
    assert parse(text) == [("Case", "one continued"), ("Case", "two"), ("Bag-Size", "1 KB")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [(" starts indented\n", "line 1: a continuation"), ("Case: ok\nno colon\n", "line 2")],
)
def test_parse_names_a_line_that_is_not_a_field(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse(text)


@given(st.lists(st.tuples(st.sampled_from(["Case", "Contact-Name"]), st.text()), max_size=5))
def test_any_value_round_trips(fields: list[tuple[str, str]]) -> None:
    text = format_fields(fields)
    assert parse(text) == [(label, plain(value)) for label, value in fields]
    for line in text.splitlines():
        assert len(line) <= WIDTH or " " not in line.split(": ", 1)[-1].strip()
