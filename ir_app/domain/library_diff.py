"""What differs between a commune's copy of a library item and the library's current text, as
plain data a page can show: a word-level text diff and the ids added or removed. Standard library only."""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Piece:
    kind: str      # "same" | "added" (only in the library) | "removed" (only in the commune's copy)
    text: str


def word_diff(mine: str, theirs: str) -> tuple[Piece, ...]:
    """The commune's text turned into the library's, word by word (spaces kept)."""
    old, new = _WORDS.findall(mine or ""), _WORDS.findall(theirs or "")
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return tuple(pieces)


@dataclass(frozen=True)
class ListChange:
    added: tuple[str, ...]     # in the library, not in the commune's copy
    removed: tuple[str, ...]   # in the commune's copy, not in the library

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def list_change(mine: Sequence[str], theirs: Sequence[str]) -> ListChange:
    return ListChange(tuple(item for item in theirs if item not in mine),
                      tuple(item for item in mine if item not in theirs))
