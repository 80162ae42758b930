"""The console script's contract (DESIGN.md §5)."""
from __future__ import annotations

from sqlalchemy import func, select

from ir_app.cli.admin import create_user
from ir_app.cli.serving import demo
from ir_app.models import InformationSystem, Organisation, User


def test_demo_loads_idempotently(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(demo, ["--no-serve"])
    assert first.exit_code == 0, first.output
    assert "overseer@hai-phong.demo.vn" in first.output and "staff@vinh-lai.demo.vn" in first.output
    counts = (session.scalar(select(func.count(InformationSystem.id))), session.scalar(select(func.count(User.id))))
    second = runner.invoke(demo, ["--no-serve"])
    assert "0 bản ghi mới" in second.output
    assert (session.scalar(select(func.count(InformationSystem.id))),
            session.scalar(select(func.count(User.id)))) == counts
    names = set(session.scalars(select(Organisation.name).where(Organisation.kind == "commune")))
    assert {"Vĩnh Lại", "Hải An", "Mai Phụ", "Chợ Đồn"} <= names


def test_demo_accounts_sign_in_and_see_only_their_commune(app, make_web):
    app.test_cli_runner().invoke(demo, ["--no-serve"])
    client = make_web()
    assert client.login("staff@vinh-lai.demo.vn", "demo12345").status_code == 302
    page = client.get("/systems/").get_data(as_text=True)
    assert "Vĩnh Lại" not in page or "Hải An" not in page
    assert client.get("/systems/?q=&page=1").status_code == 200
    overseer = make_web()
    overseer.login("overseer@hai-phong.demo.vn", "demo12345")
    overview = overseer.get("/").get_data(as_text=True)
    assert "Vĩnh Lại" in overview and "Hải An" in overview and "Mai Phụ" not in overview


def test_create_user_command(app, session, commune):
    runner = app.test_cli_runner()
    result = runner.invoke(create_user, ["--email", "Can.Bo@Vinh-Lai.vn", "--name", "Cán bộ", "--role", "officer",
                                         "--role", "staff", "--commune", commune.code],
                           input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "can.bo@vinh-lai.vn"))
    assert {r.value for r in user.roles} == {"officer", "staff"}
    bad = runner.invoke(create_user, ["--email", "x@y.vn", "--name", "X", "--role", "pilot", "--commune",
                                      commune.code], input="mat-khau-dai\nmat-khau-dai\n")
    assert bad.exit_code != 0 and "Vai trò không hợp lệ" in bad.output


def test_playbooks_validate_command(app, tmp_path):
    import shutil

    from ir_app.cli.admin import playbooks_validate

    runner = app.test_cli_runner()
    ok = runner.invoke(playbooks_validate, [])
    assert ok.exit_code == 0 and "9 kịch bản" in ok.output
    broken = tmp_path / "playbooks"
    shutil.copytree(app.config["IR_PLAYBOOKS_DIR"], broken)
    path = broken / "ransomware.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("phase: contain", "phase: dance", 1), encoding="utf-8")
    bad = runner.invoke(playbooks_validate, [str(broken)])
    assert bad.exit_code != 0
    assert "ransomware.yaml" in bad.output and "dance" in bad.output


def test_level_check_prints_the_contract(app, tmp_path):
    import json

    from ir_app.cli.admin import level_check

    path = tmp_path / "mot-cua.json"
    path.write_text(json.dumps({"regime": "nd331-2026", "system_type": "citizen_service",
                                "information": ["public", "personal"], "handles_admin_procedures": True}),
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(level_check, [str(path)])
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["level"] == 3 and decision["regime"] == "nd331-2026"
    assert {"level": 3, "article": "Đ13.2.b", "text": decision["reasons"][0]["text"]} == decision["reasons"][0]


def test_level_check_rejects_bad_input_with_exit_2(app, tmp_path):
    from ir_app.cli.admin import level_check

    runner = app.test_cli_runner()
    bad = tmp_path / "bad.json"
    bad.write_text('{"system_type": "robot", "personal_data_subjects": -1, "colour": "red"}', encoding="utf-8")
    result = runner.invoke(level_check, [str(bad)])
    assert result.exit_code == 2
    assert "colour" in result.output and "system_type" in result.output and "personal_data_subjects" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert runner.invoke(level_check, [str(broken)]).exit_code == 2


def test_measures_validate_checks_the_shipped_library_and_names_a_broken_copy(app, tmp_path):
    import shutil

    from ir_app.cli.admin import measures_validate

    runner = app.test_cli_runner()
    shipped = runner.invoke(measures_validate, [])
    assert shipped.exit_code == 0 and "Hợp lệ: 1 thư viện biện pháp" in shipped.output
    shipped_root = app.config["IR_LEVEL_DOSSIERS_DIR"]
    for folder in ("measures", "threats"):
        shutil.copytree(shipped_root / folder, tmp_path / folder)
    library = tmp_path / "measures" / "commune-starter.yaml"
    library.write_text(library.read_text(encoding="utf-8").replace("requirements: [QL.CS.3]",
                                                                   "requirements: [QL.XX.3]"), encoding="utf-8")
    broken = runner.invoke(measures_validate, [str(tmp_path / "measures")])
    assert broken.exit_code == 1
    assert "measures[BP.QL.RA-SOAT-QUY-CHE].requirements[0]" in broken.output and "QL.XX.3" in broken.output
    missing = runner.invoke(measures_validate, [str(tmp_path / "khong-co")])
    assert missing.exit_code != 0
