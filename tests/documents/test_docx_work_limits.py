"""An uploaded template cannot keep the server busy: huge numbers, repeated or joined text, big
ranges, nested loops and wide formats are refused with a clear message, at upload (check_template)
and at render time, and every render is time-boxed (issue 14, D16)."""
from __future__ import annotations

import io
import time

import pytest
from docx import Document

from ir_app.documents import DocumentError, check_template, render_document, sample_context
from ir_app.documents import sandbox
from tests.documents.test_docx_sandbox import make_template

# Each would be accepted without the limits, after tens of milliseconds to several seconds of CPU and
# up to 100 MB of memory; made a little larger, each takes minutes or all the memory.
HEAVY = [
    "{% set a = 9 ** 64 %}{% set b = a ** 64 %}{{ (b ** 64) > 0 }}",
    "{% set a = 9 ** 60 %}{% set a = a * a %}{% set a = a * a %}{% set a = a * a %}{% set a = a * a %}"
    "{% set a = a * a %}{% set a = a * a %}{% set a = a * a %}{{ a > 0 }}",
    "{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}",
    "{% for i in range(20000) %}{% endfor %}",
    "{{ (('x' * 10000) * 10000)|length }}",
    "{% set s = 'x' * 10000 %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}"
    "{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{{ s|length }}",
    "{% set s = 'x' * 10000 %}{{ (s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s "
    "+ s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s "
    "+ s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s "
    "+ s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s + s "
    "+ s + s + s + s + s)|length }}",
    "{{ ([('x' * 10000)] * 1000)|join|length }}",
    "{{ ('x' * 10000)|replace('x', 'y' * 1000)|length }}",
    "{{ ('x' * 10000).replace('x', 'y' * 1000)|length }}",
    "{{ ('x'|center(20000))|length }}",
    "{{ ('x'.ljust(20000))|length }}",
    "{{ ('{:>20000}'.format(1))|length }}",
    "{{ ('%20000s'|format('x'))|length }}",
    "{{ ('%*d' % (20000, 1))|length }}",
    "{% for x in [[1], [2]] recursive %}{{ loop(x) }}{% endfor %}",
]


@pytest.mark.parametrize("tag", HEAVY)
def test_heavy_template_is_refused_at_upload_and_at_render(tag):
    template = make_template("QUYẾT ĐỊNH", tag)
    started = time.monotonic()
    problems = check_template(template)
    assert len(problems) == 1 and problems[0].startswith("Mẫu có biểu thức không được phép:"), problems
    with pytest.raises(DocumentError) as error:
        render_document(template, sample_context(3))
    assert str(error.value) == problems[0]
    assert time.monotonic() - started < 10


def test_a_render_is_time_boxed(monkeypatch):
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.0)
    template = make_template("{% for i in range(5000) %}{{ i }}{% endfor %}")
    with pytest.raises(DocumentError, match="mẫu chạy quá lâu"):
        render_document(template, sample_context(3))


def test_ordinary_arithmetic_text_and_loops_still_render():
    template = make_template(
        "{{ 'Số %s/%s' % (12, 2026) }}; {{ '{} × {}'.format(2, 3) }}; {{ 2 ** 10 }}; {{ 'a' ~ 'b' }}; "
        "{% for i in range(3) %}{{ i }}{% endfor %}; {{ ['x', 'y']|join(', ') }}; {{ 'abc'|replace('b', 'đ') }}; "
        "{{ '0225 3 111 222 %s'|format('ok') }}; {{ 'Điểm ' + 'a' }}; {{ 7 % 3 }}")
    assert check_template(template) == []
    text = Document(io.BytesIO(render_document(template, sample_context(3)))).paragraphs[0].text
    assert text == "Số 12/2026; 2 × 3; 1024; ab; 012; x, y; ađc; 0225 3 111 222 ok; Điểm a; 1"
