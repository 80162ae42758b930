#!/usr/bin/env python3
"""Benchmark the DOCX document layer.

    .venv/bin/python bench/bench_documents.py [-n 50]

Part 1 renders the level-3 explanatory dossier (thuyết minh, 66 protection-plan rows) N times
with the template engine (docxtpl in the Jinja sandbox, deterministic packaging) and, in the same
run, writes the same content N times with plain python-docx calls (the layout helpers the
template generator uses, values instead of tags). Prints mean and median of each and the ratio.

Part 2 bundles a whole commune: the seven demo systems of xã Vĩnh Lại, each with the documents
its level needs (thuyết minh, request, appraisal opinion, submission, decision), plus the
annual report (Mẫu số 08), into one deterministic zip with a manifest.

Part 3 (``--province-bundle``) bundles every current dossier of the synthetic province with the
real command, ``ir-app dossier bundle --province CODE``, in a child process against a copy of
the province database (never the shared one: ``createdb -T scale_bench h_<name>_bench``), and
prints wall and CPU time, dossiers, documents, ZIP size and the child's peak RSS.

    .venv/bin/python bench/bench_documents.py --province-bundle \
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/h_bundle_bench --province-code 91
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ir_app.documents import build_zip, load_documents, render_document, sample_context  # noqa: E402
from ir_app.documents import layout as L  # noqa: E402
from ir_app.documents.context import DocumentContext, sample_commune_systems  # noqa: E402
from ir_app.documents.format import SIZES  # noqa: E402
from ir_app.documents.layout import B, I, P  # noqa: E402
from ir_app.documents.text import vn_date, vn_number  # noqa: E402


# --------------------------------------------------------------------------- plain python-docx
def _table(doc, widths, header, rows) -> None:
    L.grid_table(doc, widths, [header], rows or [["", "(Không có)"] + [""] * (len(widths) - 2)])


def write_explanation_plain(ctx: DocumentContext) -> bytes:
    """The level-3 thuyết minh written directly with python-docx (no template engine)."""
    d, s, o, dossier = ctx.document, ctx.system, ctx.owner, ctx.dossier
    doc = L.new_document()
    issuer = [P(d.issuer.parent_name.upper(), style=L.BLOCK, size=SIZES.parent_body)] if d.issuer.parent_name else []
    issuer.append(P(B(d.issuer.header_name.upper()), style=L.BLOCK, size=SIZES.issuing_body))
    L.title_block(doc, issuer, [L.number_line(d.number_text)], [L.place_date_line(d.place_date_text)])
    L.document_title(doc, "THUYẾT MINH", ["Hồ sơ đề xuất cấp độ hệ thống thông tin", s.name])
    width = L.text_width_cm(doc)

    def add(*items):
        for item in items:
            L.add(doc, item, width)

    def heading(text):
        return P(B(text), keep_next=True)

    add(P("Thuyết minh được lập theo Điều 21, Điều 22 Nghị định số 331/2026/NĐ-CP, gồm ba phần."))
    add(P(B("Phần I"), style=L.CENTER, size=SIZES.body),
        P(B("THUYẾT MINH TỔNG QUAN VỀ HỆ THỐNG THÔNG TIN"), style=L.CENTER, size=SIZES.body))
    for number, party, label in (("1", o, "chủ quản hệ thống thông tin"),
                                 ("2", ctx.operator, "đơn vị vận hành hệ thống thông tin")):
        add(heading(f"{number}. Thông tin về {label}"), P(f"a) Tên {label}: {party.name}"),
            P(f"b) Quy định chức năng, nhiệm vụ và quyền hạn: {party.functions}"),
            P(f"c) Người đại diện, chức vụ: {party.representative}, {party.position}"),
            P(f"d) Địa chỉ: {party.address}"),
            P(f"đ) Thông tin liên hệ: điện thoại {party.phone}; thư điện tử {party.email}"))
    add(heading("3. Mô tả phạm vi, quy mô của hệ thống thông tin"), P(f"a) Phạm vi của hệ thống: {s.scope}"),
        P(f"b) Quy mô của hệ thống: {s.scale}"), P(f"c) Đối tượng phục vụ của hệ thống: {s.users_served}"),
        heading("4. Mô tả kiến trúc hệ thống"), P(f"a) Mô hình lô-gic: {s.logical_model}"),
        P(f"b) Mô hình vật lý: {s.physical_model}"),
        P("c) Danh mục thiết bị và thiết bị mạng chính trong hệ thống:"))
    _table(doc, [1.3, 4.2, 3.2, 3.6, 4.2], ["STT", "Tên thiết bị", "Chủng loại", "Vị trí triển khai",
                                            "Mục đích sử dụng"],
           [[str(i), e.name, e.model, e.location, e.purpose] for i, e in enumerate(s.equipment, 1)])
    add(P("d) Danh mục ứng dụng, dịch vụ cung cấp bởi hệ thống:"))
    _table(doc, [1.3, 3.4, 3.0, 3.0, 2.4, 3.4], ["STT", "Tên dịch vụ", "Máy chủ triển khai", "Vị trí triển khai",
                                                 "Hệ điều hành máy chủ", "Mục đích sử dụng dịch vụ"],
           [[str(i), a.name, a.server, a.location, a.operating_system, a.purpose]
            for i, a in enumerate(s.applications, 1)])
    add(P("đ) Quy hoạch các vùng mạng và địa chỉ IP trong hệ thống:"))
    _table(doc, [1.3, 3.6, 4.0, 3.6, 4.0], ["STT", "Vùng mạng", "Địa chỉ IP nội bộ (IP Private)",
                                            "Địa chỉ IP công khai (IP Public)", "Ghi chú"],
           [[str(i), z.name, z.private_ips, z.public_ips, z.purpose] for i, z in enumerate(s.zones, 1)])
    add(P(B("Phần II"), style=L.CENTER, size=SIZES.body),
        P(B("THUYẾT MINH VỀ VIỆC ĐỀ XUẤT CẤP ĐỘ"), style=L.CENTER, size=SIZES.body),
        heading("1. Danh mục các hệ thống thông tin và cấp độ tương ứng"))
    _table(doc, [1.3, 5.9, 2.3, 7.0], ["STT", "Tên hệ thống thông tin", "Cấp độ đề xuất", "Căn cứ đề xuất"],
           [[str(i), x.name, str(x.level), x.grounds] for i, x in enumerate(dossier.systems, 1)])
    add(heading(f"2. Thuyết minh chi tiết đối với hệ thống thông tin {s.name}"),
        P(f"a) Loại thông tin được xử lý: {s.information_text} (dữ liệu cá nhân cơ bản của khoảng "
          f"{vn_number(s.personal_data_subjects)} người)."),
        P(f"b) Loại hệ thống thông tin: {s.system_type_label}."),
        P("c) Căn cứ đề xuất cấp độ: hệ thống đáp ứng các tiêu chí sau:"))
    _table(doc, [1.3, 10.2, 2.6, 2.4], ["STT", "Tiêu chí được đáp ứng", "Điều khoản", "Cấp độ"],
           [[str(i), r.text, r.article, str(r.level)] for i, r in enumerate(dossier.reasons, 1)])
    add(P(dossier.justification), heading("3. Nhận diện sơ bộ các nguy cơ, rủi ro an ninh mạng chính"))
    _table(doc, [1.3, 4.3, 4.0, 2.3, 4.6], ["STT", "Nguy cơ, rủi ro", "Mức độ ảnh hưởng dự kiến",
                                            "Khả năng xảy ra", "Biện pháp giảm thiểu"],
           [[str(i), r.threat, r.impact, r.likelihood, r.measures] for i, r in enumerate(dossier.risks, 1)])
    plan = dossier.plan
    add(P(B("Phần III"), style=L.CENTER, size=SIZES.body),
        P(B("THUYẾT MINH PHƯƠNG ÁN BẢO ĐẢM AN NINH MẠNG"), style=L.CENTER, size=SIZES.body),
        P(f"Phương án bảo đảm an ninh mạng của hệ thống đáp ứng các yêu cầu tương ứng với {dossier.level_text} "
          f"theo {plan.standard}, gồm {plan.requirement_count} yêu cầu."),
        P(f"Quy chế bảo đảm an ninh mạng của hệ thống: {dossier.security_policy.text}."))
    for index, part in enumerate(plan.parts, 1):
        add(P(B(f"{index}. {part.title}"), keep_next=True, space_before=6))
        if not part.requirements:
            add(P(I(f"Không có yêu cầu thuộc phần này ở {dossier.level_text}.")))
            continue
        rows = []
        for item in part.requirements:
            tcvn = f" (TCVN mục {item.tcvn})" if item.tcvn else ""
            due = f" (hạn {vn_date(item.due_date)})" if item.due_date else ""
            rows.append([str(item.number),
                         [P(f"{item.code} – {item.title}", style=L.TABLE),
                          P(I(f"{item.group_label}: {item.area}{tcvn}"), style=L.TABLE, size=SIZES.table - 1)],
                         item.measure, item.status_label + due + (f": {item.na_reason}" if item.na_reason else ""),
                         item.responsible])
        L.grid_table(doc, [1.3, 5.0, 5.6, 2.3, 2.3],
                     [["STT", "Yêu cầu", "Phương án đáp ứng", "Tình trạng", "Trách nhiệm"]], rows)
    signer = L.signer_lines(d.signer.authority or None, d.signer.position.upper(), d.signer.name)
    L.signature_block(doc, None, signer)
    return L.save_bytes(doc, title="Thuyết minh hồ sơ đề xuất cấp độ", when=ctx.generated_at)


# --------------------------------------------------------------------------- timing
def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def describe(label: str, times: list[float]) -> str:
    return (f"{label:<34} mean {statistics.mean(times) * 1000:7.1f} ms   "
            f"median {statistics.median(times) * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms")


def part1(repeat: int) -> None:
    catalogue = load_documents()
    spec = catalogue.get("nd331-2026", "thuyet_minh")
    template = catalogue.template_path(spec).read_bytes()
    context = sample_context(3)
    rows = context.dossier.plan.requirement_count
    render_document(template, context)  # warm-up: imports, catalogue, caches
    write_explanation_plain(context)
    engine = timed(lambda: render_document(template, context), repeat)
    plain = timed(lambda: write_explanation_plain(context), repeat)
    print(f"Part 1 — thuyết minh cấp độ 3 ({rows} requirement rows), {repeat} runs each")
    print(describe("template engine (docxtpl, sandbox)", engine))
    print(describe("plain python-docx", plain))
    print(f"{'ratio engine / plain':<34} mean {statistics.mean(engine) / statistics.mean(plain):5.2f}×"
          f"    median {statistics.median(engine) / statistics.median(plain):5.2f}×")


def commune_files() -> list[tuple[str, bytes]]:
    """Every system's dossier documents (nd331) plus the commune's annual report."""
    catalogue = load_documents()
    files = []
    for code, name, _operator, level in sample_commune_systems():
        for spec in catalogue.for_level("nd331-2026", level, scope="system"):
            context = sample_context(level, "nd331-2026", spec.key)
            context = replace(context, system=replace(context.system, code=code, name=name))
            data = render_document(catalogue.template_path(spec), context)
            files.append((f"{code}/{spec.filename}.docx", data))
    report = catalogue.get("nd331-2026", "annual_report_mau08")
    files.append((f"{report.filename}.docx",
                  render_document(catalogue.template_path(report), sample_context(3, doc_key=report.key))))
    return files


def part2() -> None:
    start = time.perf_counter()
    files = commune_files()
    rendered = time.perf_counter()
    bundle = build_zip(files, sample_context(3).generated_at)
    done = time.perf_counter()
    print(f"Part 2 — commune bundle: {len(sample_commune_systems())} systems, {len(files)} documents, "
          f"zip {len(bundle) / 1024:.0f} KiB")
    print(f"{'render all documents':<34} {(rendered - start) * 1000:7.0f} ms")
    print(f"{'zip with manifest':<34} {(done - rendered) * 1000:7.0f} ms")
    print(f"{'total':<34} {(done - start) * 1000:7.0f} ms")


def part3(pg_url: str, province_code: str, data_dir: Path) -> None:
    from bench import province as bench_province

    env = bench_province.server_env(pg_url, data_dir)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "tinh.zip"
        command = [str(Path(sys.executable).with_name("ir-app")), "dossier", "bundle", "--province", province_code,
                   "--out", str(out)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        finished = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if finished.returncode != 0:
            raise SystemExit(f"bundle failed: {finished.stderr.strip() or finished.stdout.strip()}")
        with zipfile.ZipFile(out) as archive:
            names = archive.namelist()
        folders = {name.rsplit("/", 1)[0] for name in names if "/" in name}
        documents = sum(name.endswith(".docx") for name in names)
        cpu = (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime)
        print(f"Part 3 — province bundle ({province_code}): {len(folders)} dossier folders, {documents} documents, "
              f"{len(names) - documents} other files, zip {out.stat().st_size / 2**20:.1f} MiB")
        print(f"{'wall time':<34} {wall:7.1f} s")
        print(f"{'CPU time of the command':<34} {cpu:7.1f} s (user {usage.ru_utime - before.ru_utime:.1f}, "
              f"system {usage.ru_stime - before.ru_stime:.1f})")
        print(f"{'peak RSS of the command':<34} {usage.ru_maxrss / 1024:7.0f} MiB")
        print(finished.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the DOCX document layer.")
    parser.add_argument("-n", "--repeat", type=int, default=50, help="runs per variant (default 50)")
    parser.add_argument("--province-bundle", action="store_true",
                        help="part 3 only: bundle every dossier of the province at --pg-url")
    parser.add_argument("--pg-url", help="a copy of the synthetic province database (part 3)")
    parser.add_argument("--province-code", default="91", help="the province to bundle (part 3)")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench-documents",
                        help="secret key and logs of the bundle command (part 3)")
    args = parser.parse_args(argv)
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU(s)"
          + (f", load average {load[0]:.1f}" if load else ""))
    if args.province_bundle:
        if not args.pg_url:
            parser.error("--province-bundle needs --pg-url")
        part3(args.pg_url, args.province_code, args.data_dir)
        return 0
    part1(args.repeat)
    print()
    part2()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
