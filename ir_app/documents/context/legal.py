"""Regime ids and the legal texts each regime cites (law, decree, "Căn cứ …" lines)."""
from __future__ import annotations

DEFAULT_REGIME = "nd331-2026"
REGIMES = ("nd331-2026", "nd85-2016")

_REGIME_TEXTS = {
    "nd331-2026": {
        "short_title": "NĐ 331/2026",
        "law": "Luật An ninh mạng số 116/2025/QH15",
        "decree": "Nghị định số 331/2026/NĐ-CP ngày 19 tháng 8 năm 2026 của Chính phủ về bảo vệ "
                  "an ninh mạng đối với hệ thống thông tin",
        "security_term": "an ninh mạng",
    },
    "nd85-2016": {
        "short_title": "NĐ 85/2016",
        "law": "Luật An toàn thông tin mạng ngày 19 tháng 11 năm 2015",
        "decree": "Nghị định số 85/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ về bảo đảm "
                  "an toàn hệ thống thông tin theo cấp độ",
        "security_term": "an toàn thông tin",
    },
}
_CIRCULAR_85 = ("Thông tư số 12/2022/TT-BTTTT ngày 12 tháng 8 năm 2022 của Bộ trưởng Bộ Thông tin "
                "và Truyền thông quy định chi tiết và hướng dẫn một số điều của Nghị định số "
                "85/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ về bảo đảm an toàn hệ thống "
                "thông tin theo cấp độ")


# --------------------------------------------------------------------------- legal bases
def default_legal_bases(regime: str) -> tuple[str, ...]:
    """The "Căn cứ …" lines of the regime (the issuer adds its own competence basis first)."""
    texts = _REGIME_TEXTS[regime]
    bases = [f"Căn cứ {texts['law']}", f"Căn cứ {texts['decree']}"]
    if regime == "nd85-2016":
        bases.append(f"Căn cứ {_CIRCULAR_85}")
    return tuple(bases)
