"""PDF copies of generated documents: converted by LibreOffice where it is installed, cached by the
DOCX's SHA-256 in the data folder; where it is not, the page says how to install it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ir_app.cli.serving import demo
from ir_app.models import AuditEvent, Dossier, InformationSystem, Organisation
from ir_app.services import pdf_copies
from tests.document_support import soffice


@pytest.fixture
def lan_dossier(app, session) -> Dossier:
    result = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output
    return session.scalar(select(Dossier).join(InformationSystem)
                          .join(Organisation, Organisation.id == Dossier.commune_id)
                          .where(InformationSystem.code == "LAN", Organisation.slug == "vinh-lai"))


def _pdf_links(page: str) -> list[str]:
    return re.findall(r'href="(/dossiers/\d+/documents/[^"]+?(?<!draft)\.pdf)"', page)


@pytest.mark.skipif(soffice() is None, reason="cần LibreOffice (soffice) để chuyển DOCX sang PDF; "
                                               ".ci/run cài libreoffice-writer-nogui")
def test_a_document_downloads_as_pdf_and_the_copy_is_cached(app, make_web, lan_dossier, session):
    auditor = make_web()
    auditor.login("auditor@vinh-lai.demo.vn", "demo12345")
    links = _pdf_links(auditor.get(f"/dossiers/{lan_dossier.id}/documents").get_data(as_text=True))
    assert links, "no PDF link on the documents page"
    response = auditor.get(links[0])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].endswith(".pdf")
    from pypdf import PdfReader
    import io

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text

    cached = list((app.config["IR_DATA_DIR"] / pdf_copies.CACHE_FOLDER).glob("*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == response.data
    # Served from the cache: the same document again needs no LibreOffice at all.
    app.config["IR_SOFFICE"] = "/nonexistent/soffice"
    again = auditor.get(links[0])
    assert again.status_code == 200 and again.data == response.data
    summaries = session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "download")).all()
    assert sum("bản PDF" in summary for summary in summaries) == 2


def test_without_libreoffice_the_button_explains_how_to_install_it(app, make_web, lan_dossier):
    app.config["IR_SOFFICE"] = "/nonexistent/soffice"
    auditor = make_web()
    auditor.login("auditor@vinh-lai.demo.vn", "demo12345")
    page = auditor.get(f"/dossiers/{lan_dossier.id}/documents").get_data(as_text=True)
    assert "libreoffice-writer-nogui" in page and not _pdf_links(page)
    docx = re.search(r'href="(/dossiers/\d+/documents/[^"]+?(?<!draft)\.docx)"', page).group(1)
    response = auditor.get(docx[:-len(".docx")] + ".pdf", follow_redirects=True)
    assert "Bản PDF cần LibreOffice" in response.get_data(as_text=True)
    assert auditor.get(docx).mimetype.endswith("wordprocessingml.document")  # the DOCX stays available


def test_conversion_that_hangs_is_stopped(tmp_path):
    """A LibreOffice that never finishes is killed after the timeout, with a clear message."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    with pytest.raises(pdf_copies.PdfUnavailable, match="quá 1 giây"):
        pdf_copies.convert(b"PK\x03\x04 not really a docx", tmp_path / "data", str(fake), timeout=1)
