"""The streaming bundle writer: the same bytes as build_zip, files only in name order, and it
keeps each file's manifest line, never the file."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from ir_app.documents.package import BundleEntry, BundleWriter, build_zip

NOW = datetime(2026, 12, 7, 8, 0, 1, tzinfo=timezone.utc)
FILES = [("a-2/z.txt", b""), ("a/CON-THIEU.txt", "còn thiếu".encode()), ("b/x.docx", b"PK" * 5000)]


def test_writing_as_it_goes_gives_the_bytes_of_build_zip_and_keeps_only_manifest_lines():
    out = io.BytesIO()
    with BundleWriter(out, NOW) as writer:
        for name, data in FILES:
            before = out.tell()
            writer.add(name, data)
            assert out.tell() > before  # compressed into the target at once
    assert out.getvalue() == build_zip(list(reversed(FILES)), NOW)
    assert all(type(entry) is BundleEntry for entry in writer.entries)
    assert [entry.size for entry in writer.entries] == [0, len("còn thiếu".encode()), 10000]
    assert not [value for value in vars(writer).values() if isinstance(value, bytes)]


@pytest.mark.parametrize("second", ["a/CON-THIEU.txt", "a-2/z.txt", "MANIFEST.txt", "../x", "a//b"])
def test_out_of_order_duplicate_or_unsafe_names_are_refused(second):
    with pytest.raises(ValueError), BundleWriter(io.BytesIO(), NOW) as writer:
        writer.add("a/CON-THIEU.txt", b"1")
        writer.add(second, b"2")
