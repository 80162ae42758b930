"""The laws a document cites ("Căn cứ …") and the regime's terms come from the regime files
(level_dossiers/regimes/*.yaml › legal_basis[].citation, security_term), not from the code."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ir_app.documents.context import RegimeInfo, default_legal_bases
from ir_app.documents.context import legal

ROOT = Path(__file__).resolve().parents[2]


def test_the_citations_are_the_regime_files_own():
    assert default_legal_bases("nd331-2026") == (
        "Căn cứ Luật An ninh mạng số 116/2025/QH15",
        "Căn cứ Nghị định số 331/2026/NĐ-CP ngày 19 tháng 8 năm 2026 của Chính phủ về bảo vệ an ninh mạng "
        "đối với hệ thống thông tin",
    )
    assert len(default_legal_bases("nd85-2016")) == 3  # the law, the decree and Thông tư 12/2022
    info = RegimeInfo(id="nd85-2016")
    assert (info.short_title, info.security_term) == ("NĐ 85/2016", "an toàn thông tin")
    assert info.law == "Luật An toàn thông tin mạng ngày 19 tháng 11 năm 2015"


def test_an_edited_regime_folder_changes_what_documents_cite(tmp_path, monkeypatch):
    folder = Path(shutil.copytree(ROOT / "level_dossiers", tmp_path / "level_dossiers"))
    path = folder / "regimes" / "nd331-2026.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["legal_basis"][1]["citation"] = "Nghị định số 331/2026/NĐ-CP (đã sửa đổi, bổ sung)"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("IR_LEVEL_DOSSIERS_DIR", str(folder))
    assert default_legal_bases("nd331-2026")[1] == "Căn cứ Nghị định số 331/2026/NĐ-CP (đã sửa đổi, bổ sung)"
    assert RegimeInfo(id="nd331-2026").decree == "Nghị định số 331/2026/NĐ-CP (đã sửa đổi, bổ sung)"


def test_the_code_repeats_no_legal_text():
    source = (ROOT / "ir_app" / "documents" / "context" / "legal.py").read_text(encoding="utf-8")
    assert "Nghị định số" not in source and "Luật An" not in source
    assert legal.regime_texts("nd99-1999") is None
