"""Every text of the data files that an English page shows has its English beside it: the level
wizard (steps, questions, hints, answers, messages, criteria, warnings) and the default morning-check
items. The schemas require it, so an edited file without English is refused when loaded."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ir_app.datafiles.checklist import load_checklist
from ir_app.datafiles.regimes import load_regime
from ir_app.domain.playbooks.errors import PlaybookError
from ir_app.domain.regimes import RegimeError

ROOT = Path(__file__).resolve().parents[2]
REGIMES = sorted((ROOT / "level_dossiers" / "regimes").glob("*.yaml"))


def _missing_english(regime) -> list[str]:
    """(what, Vietnamese) of every text shown on the wizard or its result page without English."""
    texts = [("title", regime.title, regime.title_en),
             ("undetermined", regime.undetermined.message, regime.undetermined.message_en)]
    for step in regime.wizard_steps:
        texts += [(f"step {step.id}", step.title, step.title_en), (f"step {step.id} help", step.help, step.help_en)]
    for field in regime.input_fields:
        texts += [(field.name, field.label, field.label_en), (f"{field.name} help", field.help, field.help_en)]
        texts += [(f"{field.name}={choice.value}", choice.label, choice.label_en) for choice in field.choices]
        texts += [(f"{field.name} condition", condition.message, condition.message_en)
                  for condition in (field.required_when, field.only_when) if condition]
    texts += [(criterion.id, criterion.text, criterion.text_en) for criterion in regime.criteria]
    texts += [(warning.id, warning.message, warning.message_en) for warning in regime.warnings]
    texts += [(rule.id, rule.text, rule.text_en) for rule in regime.procedure_levels]
    return [f"{what}: {vietnamese[:50]}" for what, vietnamese, english in texts
            if vietnamese.strip() and not english.strip()]


@pytest.mark.parametrize("path", REGIMES, ids=lambda path: path.stem)
def test_every_wizard_question_answer_and_message_has_english(path):
    regime = load_regime(path)
    assert _missing_english(regime) == []
    # The English is a translation, not a copy of the Vietnamese.
    assert regime.english(regime.field("system_type").label) == "What type of system is it?"


def test_every_default_morning_check_item_has_english():
    items = load_checklist(ROOT / "playbooks" / "morning-check.yaml")
    assert len(items) >= 5
    assert all(vietnamese and english and english != vietnamese for vietnamese, english in items)
    assert ("Máy tính của cán bộ", "Staff computers") in items


def _copy(tmp_path: Path, folder: str) -> Path:
    return Path(shutil.copytree(ROOT / folder, tmp_path / Path(folder).name))


def _edit(path: Path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_answer_without_english_is_refused_with_its_json_path(tmp_path):
    regimes = _copy(tmp_path, "level_dossiers/regimes")
    _edit(regimes / "nd331-2026.yaml", lambda raw: raw["input_fields"][0]["choices"][1].pop("label_en"))
    with pytest.raises(RegimeError) as caught:
        load_regime(regimes / "nd331-2026.yaml")
    assert "input_fields[0].choices[1]" in str(caught.value) and "label_en" in str(caught.value)


def test_a_hint_without_english_is_refused(tmp_path):
    regimes = _copy(tmp_path, "level_dossiers/regimes")
    _edit(regimes / "nd85-2016.yaml", lambda raw: raw["input_fields"][2].pop("help_en"))
    with pytest.raises(RegimeError, match="help_en"):
        load_regime(regimes / "nd85-2016.yaml")


def test_a_morning_check_item_without_english_is_refused(tmp_path):
    playbooks = _copy(tmp_path, "playbooks")
    _edit(playbooks / "morning-check.yaml", lambda raw: raw["items"][3].pop("label_en"))
    with pytest.raises(PlaybookError) as caught:
        load_checklist(playbooks / "morning-check.yaml")
    assert caught.value.where == "$.items[3]" and "label_en" in caught.value.reason


def test_the_playbooks_check_reports_a_broken_morning_check_list(tmp_path):
    from ir_app.datafiles.playbooks import validate_directory

    playbooks = _copy(tmp_path, "playbooks")
    assert validate_directory(playbooks) == []
    _edit(playbooks / "morning-check.yaml", lambda raw: raw["items"][0].pop("label_en"))
    assert [error.where for error in validate_directory(playbooks)] == ["$.items[0]"]
