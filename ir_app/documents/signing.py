"""Who signs a document and how the signature block says it (NĐ 30/2020 Phụ lục I, II.7.b).

- "TM." before the collective when one signs for a collective body (the UBND);
- "KT." before the head's position when a deputy signs for the head (also a deputy in charge);
- "Q." before the head's position when a deputy has been given the head's powers (acting).

Pure: titles and names come from the records (the commune's leaders, its units' heads and
deputies); when a unit has no title on record, the usual title of its kind of unit is used.
"""
from __future__ import annotations

from dataclasses import dataclass

from ir_app.documents.names import upper

SIGNER_MODES = ("head", "deputy", "acting")
# The usual head of each kind of commune unit (Luật Tổ chức chính quyền địa phương; the
# commune's own decisions on its units): used only when the unit's record has no title.
_HEAD_BY_PREFIX = (
    ("văn phòng", "Chánh Văn phòng"),
    ("trung tâm", "Giám đốc"),
    ("phòng", "Trưởng phòng"),
    ("ban", "Trưởng ban"),
    ("công an", "Trưởng Công an"),
    ("ủy ban nhân dân", "Chủ tịch"),
)


def usual_head_title(unit_name: str) -> str:
    """"Trung tâm Phục vụ hành chính công" -> "Giám đốc"; "Công an phường" -> "Trưởng Công an
    phường"; an unknown kind of unit -> "Trưởng <unit>"."""
    lowered = (unit_name or "").strip().lower()
    for prefix, title in _HEAD_BY_PREFIX:
        if lowered.startswith(prefix):
            if prefix == "công an":
                return f"Trưởng {unit_name.strip()}"
            return title
    return f"Trưởng {unit_name.strip()}" if unit_name.strip() else ""


def deputy_title_of(head_title: str) -> str:
    """"Giám đốc" -> "Phó Giám đốc"; "Trưởng Công an xã" -> "Phó Trưởng Công an xã"."""
    return f"Phó {head_title}" if head_title else ""


@dataclass(frozen=True)
class Leadership:
    """The head and deputy of a body and which of them signs its documents."""

    head_title: str
    head_name: str = ""
    deputy_title: str = ""
    deputy_name: str = ""
    signer: str = "head"

    @property
    def signer_name(self) -> str:
        return self.head_name if self.signer == "head" else self.deputy_name

    @property
    def signer_title(self) -> str:
        """The signer's own position in a sentence ("Phó Chủ tịch", "Giám đốc")."""
        if self.signer == "head":
            return self.head_title
        return self.deputy_title or deputy_title_of(self.head_title)

    def signed_by(self, name: str) -> Leadership:
        """The same body, signed by the person recorded as having signed (e.g. a decision)."""
        if not name or name == self.signer_name:
            return self
        if name == self.deputy_name:
            return Leadership(self.head_title, self.head_name, self.deputy_title, self.deputy_name, "deputy")
        if name == self.head_name:
            return Leadership(self.head_title, self.head_name, self.deputy_title, self.deputy_name, "head")
        return Leadership(self.head_title, name, self.deputy_title, self.deputy_name, "head")


def signature(leaders: Leadership, collective: str = "") -> dict[str, str]:
    """The signer block of the context: ``authority`` (TM./KT. lines), ``position``, ``name``.

    ``collective`` is the body's name when the document is issued by a collective ("ỦY BAN NHÂN
    DÂN"), empty for a body led by its head (Công an xã, a unit) or a Chairman's decision.
    """
    head = upper(leaders.head_title)
    lines = [f"TM. {upper(collective)}"] if collective else []
    if leaders.signer == "deputy":
        lines.append(f"KT. {head}")
        position = upper(leaders.deputy_title or deputy_title_of(leaders.head_title))
    elif leaders.signer == "acting":
        position = f"Q. {head}"
    else:
        position = head
    return {"authority": "\n".join(lines), "position": position, "name": leaders.signer_name}
