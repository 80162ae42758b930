"""Deterministic ZIP packaging: the same input gives the same bytes.

python-docx and zipfile stamp every member with the current time; rewriting the archive with
one fixed timestamp (taken from the context's ``generated_at``), fixed attributes and a fixed
member order makes a regenerated document or bundle byte-identical.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import BinaryIO
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_DOS_EPOCH = (1980, 1, 1, 0, 0, 0)


def zip_timestamp(when: datetime) -> tuple[int, int, int, int, int, int]:
    """ZIP stores local wall-clock time without a zone: use Vietnam time, seconds even."""
    if when.tzinfo is not None:
        when = when.astimezone(LOCAL_TZ)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    return max(stamp, _DOS_EPOCH)


def _info(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0          # the platform that wrote it would otherwise leak in
    info.external_attr = 0o644 << 16
    return info


def normalise_zip(data: bytes, when: datetime, *, sort: bool = False) -> bytes:
    """Rewrite an archive with fixed timestamps; keep member order unless ``sort``.

    A .docx keeps python-docx's order ([Content_Types].xml first, as Word expects).
    """
    stamp = zip_timestamp(when)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = [info.filename for info in source.infolist()]
        for name in sorted(names) if sort else names:
            target.writestr(_info(name, stamp), source.read(name), compresslevel=6)
    return out.getvalue()


def build_zip(files: list[tuple[str, bytes]], generated_at: datetime) -> bytes:
    """Bundle files (sorted by name) plus MANIFEST.txt and manifest.json with SHA-256 and size.

    MANIFEST.txt uses the ``sha256sum`` format, so ``sha256sum -c MANIFEST.txt`` verifies an
    unpacked bundle.
    """
    entries = sorted(files, key=lambda item: item[0])
    _check_names([name for name, _ in entries])
    out = io.BytesIO()
    with BundleWriter(out, generated_at) as bundle:
        for name, blob in entries:
            bundle.add(name, blob)
    return out.getvalue()


@dataclass(frozen=True)
class BundleEntry:
    """What the manifest says of one file: all a bundle keeps of it once it is written."""

    name: str
    size: int
    sha256: str


class BundleWriter:
    """A bundle written as it goes (the same bytes as ``build_zip``): each file is compressed into
    the archive when it is added and only its ``BundleEntry`` is kept, so a province's thousands
    of documents never sit in memory together. Files must come in ascending name order, which
    keeps the archive deterministic without holding them all to sort them."""

    def __init__(self, target: BinaryIO, generated_at: datetime) -> None:
        self.generated_at = generated_at
        self.entries: list[BundleEntry] = []
        self._stamp = zip_timestamp(generated_at)
        self._archive = zipfile.ZipFile(target, "w")

    def add(self, name: str, data: bytes) -> None:
        _check_name(name)
        if self.entries and name <= self.entries[-1].name:
            raise ValueError(f"tệp trong gói phải theo thứ tự tên: {name!r} sau {self.entries[-1].name!r}")
        self._write(name, data)
        self.entries.append(BundleEntry(name, len(data), hashlib.sha256(data).hexdigest()))

    def close(self) -> None:
        """Write MANIFEST.txt and manifest.json last, then the archive's directory."""
        listing = [{"name": entry.name, "size": entry.size, "sha256": entry.sha256} for entry in self.entries]
        manifest_txt = "".join(f"{item['sha256']}  {item['name']}\n" for item in listing)
        manifest_json = json.dumps({"generated_at": _iso_utc(self.generated_at), "files": listing},
                                   ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        self._write("MANIFEST.txt", manifest_txt.encode("utf-8"))
        self._write("manifest.json", manifest_json.encode("utf-8"))
        self._archive.close()

    def __enter__(self) -> BundleWriter:
        return self

    def __exit__(self, error_type, *_details) -> None:
        if error_type is None:
            self.close()
        else:
            self._archive.close()  # the caller drops the partial file

    def _write(self, name: str, data: bytes) -> None:
        self._archive.writestr(_info(name, self._stamp), data, compresslevel=6)


def _iso_utc(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _check_names(names: list[str]) -> None:
    for name in names:
        _check_name(name)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"tên tệp bị trùng trong gói: {', '.join(duplicates)}")


def _check_name(name: str) -> None:
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or ".." in parts or "" in parts
            or name in ("MANIFEST.txt", "manifest.json")):
        raise ValueError(f"tên tệp không hợp lệ trong gói: {name!r}")
