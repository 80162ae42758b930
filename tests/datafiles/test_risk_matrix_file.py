"""`ir-app measures validate` also checks the risk matrix next to the libraries (level_dossiers/risks/)."""
from __future__ import annotations

import shutil


def test_measures_validate_names_a_broken_risk_matrix_cell(app, tmp_path):
    from ir_app.cli.admin import measures_validate

    runner = app.test_cli_runner()
    assert runner.invoke(measures_validate, []).exit_code == 0
    shipped_root = app.config["IR_LEVEL_DOSSIERS_DIR"]
    for folder in ("measures", "threats", "risks"):
        shutil.copytree(shipped_root / folder, tmp_path / folder)
    assert runner.invoke(measures_validate, [str(tmp_path / "measures")]).exit_code == 0
    matrix = tmp_path / "risks" / "commune-risk-matrix.yaml"
    matrix.write_text(matrix.read_text(encoding="utf-8").replace(
        "5: [medium, high, high, critical, critical]", "5: [medium, high, high, critical, low]"), encoding="utf-8")
    broken = runner.invoke(measures_validate, [str(tmp_path / "measures")])
    assert broken.exit_code == 1
    assert "commune-risk-matrix.yaml: matrix[5][4]" in broken.output and "không được giảm" in broken.output
    matrix.write_text("id: x\n", encoding="utf-8")
    schema = runner.invoke(measures_validate, [str(tmp_path / "measures")])
    assert schema.exit_code == 1 and "commune-risk-matrix.yaml: $: thiếu trường bắt buộc" in schema.output
