"""Kịch bản ứng cứu: the playbooks as the commune reads and prints them."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, render_template
from markupsafe import Markup, escape

from ir_app.services.authz import Permission
from ir_app.web.access import requires
from ir_app.web.context import now
from ir_app.web.incidents.common import local_zone, response_data

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")


@bp.get("/")
@requires(Permission.VIEW)
def index():
    data = response_data()
    playbooks = sorted(data.playbooks.values(), key=lambda playbook: playbook.title)
    return render_template("playbooks/index.html", playbooks=playbooks, data=data, today=_today())


@bp.get("/<playbook_id>")
@requires(Permission.VIEW)
def detail(playbook_id: str):
    data = response_data()
    playbook = data.playbooks.get(playbook_id)
    if playbook is None:
        abort(404)
    phases = [(phase, [step for step in playbook.steps if step.phase == phase.id])
              for phase in data.lifecycle.phases if phase.id in playbook.phases]
    return render_template("playbooks/detail.html", playbook=playbook, phases=phases, data=data, today=_today())


def _today() -> date:
    return now().astimezone(local_zone()).date()


# --------------------------------------------------------------------------- guidance (Markdown subset)

_INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"<em>\1</em>"),
)
_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*]|\d+\.)\s+(?P<text>.*)$")


def _inline(text: str) -> str:
    html = str(escape(text))
    for pattern, replacement in _INLINE:
        html = pattern.sub(replacement, html)
    return html


@bp.app_template_filter("guidance")
def guidance(text: str) -> Markup:
    """The playbooks' Markdown subset: paragraphs, "-" and "1." lists (continuation lines join the
    item), **bold**, *italic*, `code`. Everything is escaped first, so no HTML gets through."""
    blocks: list[str] = []
    items: list[str] = []
    list_tag = ""
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + f"</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in (text or "").splitlines():
        item = _ITEM.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif item:
            close_paragraph()
            tag = "ol" if item["marker"][0].isdigit() else "ul"
            if tag != list_tag:
                close_list()
                list_tag = tag
            items.append(item["text"])
        elif items and line.startswith(" "):
            items[-1] += " " + line.strip()
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return Markup("".join(blocks))  # noqa: S704 - every text went through escape() in _inline; tags are ours
