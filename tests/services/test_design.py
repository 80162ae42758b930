"""A system's design: the starter draft from the inventory, saving edits (checked, versioned,
audited), the model paragraphs, and the picture (a real PNG whose Vietnamese labels have glyphs)."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image, ImageChops, ImageFont
from sqlalchemy import select

from ir_app.models import AuditEvent, InformationSystem, Role, SystemComponent, SystemDesign
from ir_app.services.audit import Actor
from ir_app.services.design import store
from ir_app.services.design.diagram import BOLD, REGULAR, render_png
from ir_app.services.design.model import Design, Link, Node, Zone, parse_design
from ir_app.services.design.starter import starter_design
from ir_app.services.errors import ConflictError, ValidationFailed

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
LABEL = "Trung tâm Phục vụ hành chính công"


def make_system(session, commune, *, hosting="on_premises", code="QLVB", system_type="internal", exposed=False,
                components=()):
    system = InformationSystem(commune_id=commune.id, code=code, name=f"Hệ thống {code}", hosting=hosting,
                               hosting_detail="", system_type=system_type, internet_exposed=exposed,
                               created_at=NOW, updated_at=NOW)
    system.components.extend(components)
    session.add(system)
    session.commit()
    return system


@pytest.fixture
def actor(make_user, commune):
    return Actor.of(make_user(Role.STAFF, organisation=commune))


def kinds(design: Design) -> list[str]:
    return [zone.kind for zone in design.zones]


def test_provincial_platform_starter_lives_at_the_data_centre_reached_over_the_government_network(session,
                                                                                                   commune):
    system = make_system(session, commune, hosting="provincial_dc", code="MOTCUA", system_type="citizen_service",
                         components=[SystemComponent(kind="application", name="Phần mềm một cửa điện tử"),
                                     SystemComponent(kind="equipment", name="Máy tính bộ phận một cửa",
                                                     component_type="PC")])
    design = starter_design(system)
    assert kinds(design) == ["internet", "gov_network", "provider", "edge", "lan"]
    app = next(node for node in design.nodes if node.name == "Phần mềm một cửa điện tử")
    assert app.zone == "DC" and design.zone("DC").name == "Trung tâm dữ liệu tỉnh"
    assert "khoản 8 Điều 30 Nghị định số 331/2026/NĐ-CP" in design.zone("DC").note
    assert next(n for n in design.nodes if n.name == "Máy tính bộ phận một cửa").zone == "LAN"
    channels = {(design.name_of(link.source), link.channel) for link in design.links if link.target == app.code}
    assert ("Thiết bị đầu cuối mạng truyền số liệu chuyên dùng", "gov_network") in channels
    assert ("Người dân, doanh nghiệp", "internet") in channels  # serves citizens online
    assert all(link.encrypted for link in design.links if link.target == app.code and link.channel != "lan")


def test_on_premises_internal_system_keeps_its_servers_in_the_office_without_a_dmz(session, commune):
    system = make_system(session, commune, components=[
        SystemComponent(kind="equipment", name="Máy chủ Dell R250", component_type="Máy chủ"),
        SystemComponent(kind="equipment", name="Tường lửa FortiGate 40F", component_type="UTM"),
        SystemComponent(kind="network_zone", name="Mạng LAN trụ sở", ip_range="192.168.10.0/24")])
    design = starter_design(system)
    assert "dmz" not in kinds(design) and "gov_network" not in kinds(design) and "server" in kinds(design)
    assert design.zone("LAN").name == "Mạng LAN trụ sở" and "192.168.10.0/24" in design.zone("LAN").note
    placed = {node.name: design.zone(node.zone).kind for node in design.nodes}
    assert placed["Máy chủ Dell R250"] == "server" and placed["Tường lửa FortiGate 40F"] == "edge"
    assert "Bộ định tuyến có tường lửa của nhà mạng" not in placed  # the declared firewall is the gateway
    assert not any(link.channel == "internet" and design.zone(link.target) is None
                   and design.name_of(link.source) == "Người dân, doanh nghiệp" for link in design.links)


def test_on_premises_public_service_is_published_from_a_dmz(session, commune):
    design = starter_design(make_system(session, commune, code="WEB", system_type="citizen_service", exposed=True))
    app = next(node for node in design.nodes if node.kind == "application")
    assert design.zone(app.zone).kind == "dmz"
    assert any(design.name_of(link.source) == "Người dân, doanh nghiệp" and link.target == app.code
               and link.protocol == "HTTPS/443" for link in design.links)


def test_the_page_and_documents_use_the_starter_until_the_commune_saves_one(session, commune, actor):
    system = make_system(session, commune, hosting="provincial_dc", code="QLVB")
    view = store.view_of(session, system)
    assert view.is_draft and view.design == starter_design(system)
    assert view.logical.startswith("Hệ thống QLVB được tổ chức thành 5 vùng mạng")
    assert "mạng truyền số liệu chuyên dùng" in view.logical and "Trung tâm dữ liệu tỉnh" in view.physical
    row = store.adopt_starter(session, actor, system, NOW)
    again = store.adopt_starter(session, actor, system, NOW)  # one click twice: still one design
    session.commit()
    assert again.id == row.id and session.scalar(select(SystemDesign.id).where(
        SystemDesign.system_id == system.id)) == row.id
    assert not store.view_of(session, system).is_draft
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "system_design")).all()
    assert [event.action for event in events] == ["create"]


def rows_of(design: Design) -> dict:
    return design.as_rows()


def test_saving_an_edit_checks_rows_and_versions_and_audits_what_changed(session, commune, actor):
    system = make_system(session, commune)
    row = store.adopt_starter(session, actor, system, NOW)
    session.commit()
    rows = rows_of(store.view_of(session, system).design)
    rows["zones"].append({"code": "", "kind": "management", "name": "Vùng quản trị", "note": "VLAN 99"})
    new_zone = f"Z{len(rows['zones'])}"  # the code a zone typed without one receives
    rows["nodes"].append({"code": "", "zone": new_zone, "kind": "server", "name": "Máy chủ nhật ký", "note": ""})
    rows["links"].append({"source": "PC", "target": "INTERNET", "channel": "internet", "protocol": "HTTPS/443",
                          "encrypted": "y", "protection": "Tường lửa", "purpose": "Cập nhật"})
    version = row.version
    store.save_design(session, actor, system, rows["zones"], rows["nodes"], rows["links"], "", "Tự viết.", NOW,
                      version)
    session.commit()
    saved = store.view_of(session, system)
    assert saved.design.zone(new_zone).name == "Vùng quản trị"          # a code given to the new zone
    assert saved.design.nodes[-1].code.startswith("N") and saved.design.nodes[-1].zone == new_zone
    assert saved.design.links[-1].encrypted is True
    assert saved.physical == "Tự viết." and saved.logical.startswith("Hệ thống QLVB")  # own text wins
    update = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "system_design",
                                                      AuditEvent.action == "update")).one()
    assert set(update.changes) == {"zones", "nodes", "links", "physical_text"}
    with pytest.raises(ConflictError):  # a colleague's save from the old version
        store.save_design(session, actor, system, rows["zones"], [], [], "", "", NOW, version)


@pytest.mark.parametrize(("zones", "nodes", "links", "field"), [
    ([{"code": "A", "kind": "lan", "name": "", "note": "192.168.1.0/24"}], [], [], "zones-0-name"),
    ([{"code": "A", "kind": "lan", "name": ""}], [], [], "zones"),  # a row with only its code is blank
    ([{"code": "A", "kind": "lan", "name": "LAN"}, {"code": "a", "kind": "lan", "name": "LAN 2"}], [], [],
     "zones-1-code"),
    ([{"code": "A", "kind": "xyz", "name": "LAN"}], [], [], "zones-0-kind"),
    ([{"code": "Á", "kind": "lan", "name": "LAN"}], [], [], "zones-0-code"),
    ([{"code": "A", "kind": "lan", "name": "LAN"}], [{"zone": "B", "kind": "server", "name": "Máy chủ"}], [],
     "nodes-0-zone"),
    ([{"code": "A", "kind": "lan", "name": "LAN"}], [], [{"source": "A", "target": "A", "channel": "lan"}],
     "links-0-target"),
    ([{"code": "A", "kind": "lan", "name": "LAN"}], [], [{"source": "A", "target": "Q", "channel": "lan"}],
     "links-0-target"),
    ([{"code": "A", "kind": "lan", "name": "x" * 121}], [], [], "zones-0-name"),
])
def test_bad_rows_are_refused_with_a_message_on_the_row(zones, nodes, links, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_design(zones, nodes, links)
    assert field in refused.value.errors


def test_blank_rows_are_dropped_and_text_is_cleaned():
    design = parse_design([{"code": " lan ", "kind": "lan", "name": " Mạng\x07 nội bộ "}, {"name": " ", "note": ""}],
                          [{"zone": "lan", "kind": "", "name": "Máy trạm"}], [])
    assert [(zone.code, zone.name) for zone in design.zones] == [("LAN", "Mạng  nội bộ")]
    assert design.nodes == (Node("N1", "LAN", "other", "Máy trạm"),)


def test_deleting_the_saved_design_goes_back_to_the_draft(session, commune, actor):
    system = make_system(session, commune)
    row = store.adopt_starter(session, actor, system, NOW)
    store.delete_design(session, actor, system, NOW, row.version)
    session.commit()
    assert store.view_of(session, system).is_draft


def test_a_submitted_version_keeps_the_design_it_was_submitted_with(session, commune, actor):
    """Frozen at submission (zones, components, links and the two paragraphs as printed); deleting or
    editing the saved design afterwards changes the live view only; an unsubmitted version reads live."""
    from ir_app.models import Dossier

    system = make_system(session, commune, hosting="provincial_dc", code="MOTCUA", system_type="citizen_service",
                         components=[SystemComponent(kind="application", name="Phần mềm một cửa điện tử")])
    store.adopt_starter(session, actor, system, NOW)
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="submitted",
                      proposed_level=3, answers={}, reasons=[], created_at=NOW, updated_at=NOW,
                      frozen_plan={"level": 3, "rows": {}})
    draft = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="draft", version_no=2,
                    proposed_level=3, answers={}, reasons=[], created_at=NOW, updated_at=NOW)
    session.add_all([dossier, draft])
    session.flush()
    before = store.view_of(session, system)
    store.freeze_design(session, dossier)
    assert dossier.frozen_plan["rows"] == {} and dossier.frozen_plan["design"]["logical_text"] == before.logical
    saved = store.saved_design(session, system)
    rows = before.design.as_rows()
    store.save_design(session, actor, system, rows["zones"][:2], [], [], "Bản sửa sau khi nộp.", "", NOW,
                      saved.version)
    kept, live = store.dossier_design(session, dossier), store.dossier_design(session, draft)
    assert (kept.logical, kept.physical, kept.title) == (before.logical, before.physical, before.title)
    assert kept.design.as_rows() == before.design.as_rows() and kept.picture() == before.picture()
    assert not kept.is_draft and live.logical == "Bản sửa sau khi nộp." and len(live.design.zones) == 2
    store.delete_design(session, actor, system, NOW, store.saved_design(session, system).version)
    assert store.dossier_design(session, dossier).logical == before.logical
    store.freeze_design(session, draft)  # never submitted: nothing to freeze into
    assert draft.frozen_plan is None


# --------------------------------------------------------------------------- the picture
def _mask(font: ImageFont.FreeTypeFont, char: str) -> Image.Image:
    image = Image.new("L", (64, 64), 0)
    from PIL import ImageDraw
    ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
    return image


@pytest.mark.parametrize("path", [REGULAR, BOLD])
def test_the_shipped_font_has_every_vietnamese_letter(path):
    """A letter the font lacks is drawn as the "missing glyph" box: none of ours may look like it."""
    font = ImageFont.truetype(str(path), 32)
    missing = _mask(font, "\ue000")  # a private-use code point no font draws
    letters = set(LABEL + "ăâđêôơưĂÂĐÊÔƠƯáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ→…")
    lacking = [c for c in sorted(letters) if c != " " and ImageChops.difference(_mask(font, c), missing).getbbox()
               is None]
    assert lacking == []


def sample_design() -> Design:
    return Design((Zone("DC", "provider", LABEL), Zone("LAN", "lan", "Mạng nội bộ UBND xã", "192.168.1.0/24")),
                  (Node("APP", "DC", "application", "Dịch vụ công trực tuyến"),
                   Node("PC", "LAN", "workstation", "Máy trạm một cửa")),
                  (Link("PC", "APP", "gov_network", "HTTPS/443", True, "Tường lửa", "Tiếp nhận hồ sơ"),))


def test_the_picture_is_a_real_png_of_sensible_size_and_the_same_every_time():
    data = render_png(sample_design(), f"Sơ đồ mô hình hệ thống {LABEL}")
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 1600 and 400 < image.height < 3000
    assert len(data) < 2_000_000
    assert render_png(sample_design(), f"Sơ đồ mô hình hệ thống {LABEL}") == data
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 10  # bands, boxes, text and lines were drawn, not a blank canvas
    assert render_png(Design(), "Trống")[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_big_design_still_draws(session, commune):
    zones = tuple(Zone(f"Z{i}", "lan", f"Vùng {i} " + "rất dài " * 10) for i in range(40))
    nodes = tuple(Node(f"N{i}", f"Z{i % 40}", "server", "Máy chủ " + "tên dài " * 20) for i in range(40))
    links = tuple(Link(f"N{i}", f"Z{(i + 1) % 40}", "internet") for i in range(40))
    image = Image.open(io.BytesIO(render_png(Design(zones, nodes, links), "x" * 500)))
    assert image.height < 20_000
