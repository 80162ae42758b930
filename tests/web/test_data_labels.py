"""Labels from the data files (incident states, actions, categories, severities, playbook titles,
dossier states and steps) show in English on an English page; a new label without English fails here."""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from ir_app.models import Role
from ir_app.services.incidents.data import response_data
from ir_app.services.lawdata import load_law_data
from ir_app.web.data_labels import DATA_LABELS
from tests.incident_support import quick_report

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "ir_app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _data_file_labels() -> set[str]:
    data = response_data(ROOT / "playbooks")
    workflow = load_law_data(str(ROOT / "level_dossiers")).workflow
    return {
        *(state.title for state in data.lifecycle.states), *(phase.title for phase in data.lifecycle.phases),
        *(transition.label for transition in data.lifecycle.transitions),
        *(category.title for category in data.catalogue.categories),
        *(severity.title for severity in data.catalogue.severities),
        *(playbook.title for playbook in data.playbooks.values()),
        *(state.title for state in workflow.states), *(rule.label for rule in workflow.transitions),
    }


def test_every_data_file_label_is_marked_and_has_english():
    labels = _data_file_labels()
    assert sorted(labels - set(DATA_LABELS)) == []
    with CATALOGUE.open("rb") as handle:
        english = {message.id: message.string for message in read_po(handle) if message.id}
    assert sorted(label for label in labels if not english.get(label)) == []


def test_an_english_page_shows_data_labels_in_english(make_web, make_user, commune, session, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    quick_report(session, officer, commune, clock.now())
    client = make_web(officer)
    client.set_cookie("lang", "en")
    incidents = client.get("/incidents/").get_data(as_text=True)
    assert "Received" in incidents and "Ransomware" in incidents and "Other incident" in incidents
    assert "Tiếp nhận" not in incidents and "Mã độc tống tiền (ransomware)" not in incidents
    dossiers = client.get("/dossiers/").get_data(as_text=True)
    assert "Level approved" in dossiers and "Đã phê duyệt cấp độ" not in dossiers
    playbooks = client.get("/playbooks/").get_data(as_text=True)
    assert "The commune&#39;s website defaced" in playbooks or "The commune's website defaced" in playbooks
    # Vietnamese stays the default.
    client.set_cookie("lang", "vi")
    assert "Tiếp nhận" in client.get("/incidents/").get_data(as_text=True)
