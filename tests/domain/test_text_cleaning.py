"""The one cleaning rule for text kept and written out (input, spreadsheets, documents)."""
from __future__ import annotations

import pytest

from ir_app.domain.text import clean_text, clean_value, defuse_formula, looks_like_formula, strip_bidi


def test_a_line_break_pasted_from_word_becomes_a_space():
    assert clean_text("Một cửa\x0bđiện tử") == "Một cửa điện tử"


def test_multi_line_text_keeps_its_tabs_and_line_breaks():
    assert clean_text("Dòng 1\r\n\tDòng 2\x07") == "Dòng 1\n\tDòng 2 "  # Windows line ends: one break


def test_one_line_text_has_no_line_breaks():
    assert clean_text("Dòng 1\nDòng 2\tx", multiline=False) == "Dòng 1 Dòng 2 x"


def test_decomposed_vietnamese_is_composed():
    decomposed = "Vi\u0303nh La\u0323i"  # how some Mac and Zalo keyboards send "Vĩnh Lại"
    assert clean_text(decomposed) == "Vĩnh Lại"


@pytest.mark.parametrize("odd", ["\x00", "\x1f", "\x7f", "\ufffe", "\uffff", "\ud800"])
def test_characters_xml_cannot_hold_never_survive(odd):
    cleaned = clean_text(f"a{odd}b")
    assert cleaned in ("a b", "ab")


def test_clean_value_reaches_every_string_of_a_context():
    assert clean_value({"rows": [{"name": "a\x0bb", "n": 3}], "t": ("x\x01",)}) == \
        {"rows": [{"name": "a b", "n": 3}], "t": ("x ",)}


def test_bidi_overrides_are_removed_from_names():
    assert strip_bidi("bao-cao\u202efdp.exe") == "bao-caofdp.exe"


@pytest.mark.parametrize("text", ["=1+1", "+84 912", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_trigger_gets_an_apostrophe(text):
    assert looks_like_formula(text) and defuse_formula(text) == "'" + text


def test_ordinary_text_is_left_alone():
    assert defuse_formula("Một cửa = 1") == "Một cửa = 1"
