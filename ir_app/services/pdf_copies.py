"""PDF copies of generated DOCX documents, made by LibreOffice (`soffice`) when it is installed.

Each conversion runs in its own process group with a fresh LibreOffice profile (two conversions at
once do not share a profile, which LibreOffice refuses) and is killed whole after a timeout. The
result is cached in the data folder under the DOCX's SHA-256: the same document is converted once.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ir_app.i18n_markers import N_

CACHE_FOLDER = "pdf_cache"
CACHE_LIMIT = 200  # files kept; the oldest go first
INSTALL_HINT = N_("Bản PDF cần LibreOffice trên máy chủ. Cài đặt: trên Debian/Ubuntu chạy "
                   "«sudo apt install libreoffice-writer-nogui»; trên Windows tải LibreOffice tại "
                   "https://www.libreoffice.org/download/ rồi khởi động lại ứng dụng (hoặc đặt IR_SOFFICE "
                   "là đường dẫn tới soffice). Trong lúc chờ, hãy tải bản DOCX và lưu thành PDF bằng Word.")


class PdfUnavailable(Exception):
    """No PDF now: LibreOffice missing, too slow or failed; the message says what to do (Vietnamese)."""


def find_soffice(configured: str = "") -> str | None:
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(docx: bytes, data_dir: Path, soffice: str | None, timeout: int) -> bytes:
    """The PDF of this DOCX, from the cache or converted now."""
    cache = data_dir / CACHE_FOLDER
    target = cache / f"{hashlib.sha256(docx).hexdigest()}.pdf"
    if target.is_file():
        return target.read_bytes()
    if not soffice:
        raise PdfUnavailable(INSTALL_HINT)
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work_dir:
        work = Path(work_dir)
        source = work / "document.docx"
        source.write_bytes(docx)
        _run(soffice, work, source, timeout)
        produced = work / "document.pdf"
        if not produced.is_file():
            raise PdfUnavailable(N_("LibreOffice không tạo được bản PDF của văn bản này; hãy tải bản DOCX."))
        data = produced.read_bytes()
        os.replace(produced, target)  # atomic: a parallel request reads a whole file or none
    _prune(cache)
    return data


def _run(soffice: str, work: Path, source: Path, timeout: int) -> None:
    command = [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={work.as_uri()}/profile",
               "--convert-to", "pdf", "--outdir", str(work), str(source)]
    # The program is the configured or installed soffice and the arguments are our own paths: no shell.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: S603
                               start_new_session=True)  # its own group: soffice.bin dies with it
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise PdfUnavailable(f"Chuyển sang PDF quá {timeout} giây nên đã dừng; hãy thử lại sau "
                             "hoặc tải bản DOCX.") from None


def _kill_group(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def _prune(cache: Path) -> None:
    files = sorted(cache.glob("*.pdf"), key=lambda path: path.stat().st_mtime)
    for old in files[:-CACHE_LIMIT]:
        old.unlink(missing_ok=True)
