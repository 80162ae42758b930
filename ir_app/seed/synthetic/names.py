"""Vietnamese-looking names for synthetic communes and people: built from syllables, so every
index has a name and the same index always gets the same one."""
from __future__ import annotations

import random
import unicodedata

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Đinh", "Mai", "Trịnh", "Lương")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Hữu", "Thanh", "Ngọc", "Xuân", "Hồng", "Công")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn",
         "Việt", "Yến", "Hiếu", "Huyền")

# Commune names are two syllables, as most are: «Tân Phú», «Hòa Bình», «Vĩnh Lộc»…
FIRST = ("Tân", "Hòa", "Vĩnh", "An", "Phú", "Bình", "Thạnh", "Long", "Đông", "Tây", "Nam", "Bắc", "Hưng",
         "Quảng", "Thuận", "Phước", "Minh", "Đức", "Xuân", "Thanh", "Hải", "Kim", "Mỹ", "Cẩm")
SECOND = ("Phú", "Lộc", "Bình", "Hòa", "Thành", "Lợi", "Hưng", "An", "Thịnh", "Phong", "Sơn", "Tiến", "Lập",
          "Trung", "Xuyên", "Điền", "Khánh", "Mỹ", "Thủy", "Lâm", "Quang", "Hiệp", "Nghĩa", "Tường")


def commune_name(index: int) -> str:
    """A distinct name for the first len(FIRST) * len(SECOND) indexes, numbered after that."""
    pairs = [(a, b) for a in FIRST for b in SECOND if a != b]
    first, second = pairs[(index * 7919) % len(pairs)]  # a stride, so neighbours don't share a syllable
    suffix = f" {index // len(pairs) + 1}" if index >= len(pairs) else ""
    return f"{first} {second}{suffix}"


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def phone(rng: random.Random) -> str:
    return f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def ascii_slug(text: str) -> str:
    """«Vĩnh Lộc» → «vinh-loc» (đ has no decomposition, so it is mapped by hand)."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    letters = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in letters).split())
