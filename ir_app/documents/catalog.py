"""The document catalogue (level_dossiers/documents.yaml): which forms exist, per regime.

Read once, checked at load time (keys, levels, roles, file-name stems), so a typo in the data
file fails here with the file and the key rather than later in a download.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ir_app.config import bundled_root
from ir_app.datafiles.loader import DOCUMENTS, load_document
from ir_app.documents.text import safe_filename

LEVELS = (1, 2, 3, 4, 5)
ROLES = ("owner", "operator", "specialised_unit", "appraiser")
KINDS = ("cong_van", "to_trinh", "quyet_dinh", "bao_cao", "thuyet_minh")
SCOPES = ("system", "commune", "review")
_KEYS = {"title", "short_title", "form", "kind", "template", "filename", "levels", "scope",
         "issuer", "symbol", "recipients", "required"}
_OPTIONAL_KEYS = {"numbering"}
# Where an issued document's number and date are recorded (services/dossiers/numbering.py).
NUMBERINGS = ("request", "appraisal", "decision", "register", "none")


class CatalogueError(ValueError):
    """documents.yaml is unusable; names the file, the entry and the reason."""


def _catalogue_error(source: str, where: str, reason: str) -> CatalogueError:
    return CatalogueError(f"{source}: {where}: {reason}")


@dataclass(frozen=True)
class RequiredField:
    path: str
    label: str
    levels: tuple[int, ...] = LEVELS


@dataclass(frozen=True)
class DocumentSpec:
    regime: str
    key: str
    title: str
    short_title: str
    form: str | None
    kind: str
    template: str
    filename: str
    levels: tuple[int, ...]
    scope: str
    issuers: tuple[tuple[int, str], ...]
    symbol: str
    recipients: tuple[str, ...]
    required: tuple[RequiredField, ...]
    numbering: str = "register"

    def applies_to(self, level: int) -> bool:
        return level in self.levels

    def issuer_for(self, level: int) -> str:
        """Role issuing the document at this level (owner, operator, …)."""
        for issuer_level, role in self.issuers:
            if issuer_level == level:
                return role
        return self.issuers[0][1]

    def required_for(self, level: int | None) -> tuple[RequiredField, ...]:
        return tuple(f for f in self.required if level is None or level in f.levels)

    @property
    def display_name(self) -> str:
        """"Mẫu số 06 – Quyết định phê duyệt cấp độ" (form number first when there is one)."""
        return f"{self.form} – {self.short_title}" if self.form else self.short_title


@dataclass(frozen=True)
class DocumentCatalogue:
    specs: tuple[DocumentSpec, ...]
    templates_dir: Path
    source: str = ""

    def get(self, regime: str, key: str) -> DocumentSpec:
        for spec in self.specs:
            if spec.regime == regime and spec.key == key:
                return spec
        raise KeyError(f"{regime}/{key}")

    def for_regime(self, regime: str) -> tuple[DocumentSpec, ...]:
        return tuple(spec for spec in self.specs if spec.regime == regime)

    def for_level(self, regime: str, level: int, scope: str | None = None) -> tuple[DocumentSpec, ...]:
        return tuple(spec for spec in self.for_regime(regime)
                     if spec.applies_to(level) and (scope is None or spec.scope == scope))

    def template_path(self, spec: DocumentSpec) -> Path:
        return self.templates_dir / spec.template

    @property
    def regimes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(spec.regime for spec in self.specs))


def default_catalogue_path() -> Path:
    return bundled_root() / DOCUMENTS.folder / DOCUMENTS.pattern


@lru_cache(maxsize=8)
def _load_cached(path: str, templates_dir: str) -> DocumentCatalogue:
    return _load(Path(path), Path(templates_dir))


def load_documents(path: Path | str | None = None,
                   templates_dir: Path | str | None = None) -> DocumentCatalogue:
    """Load and check documents.yaml; templates default to the ``templates/`` folder beside it."""
    path = Path(path) if path else default_catalogue_path()
    templates = Path(templates_dir) if templates_dir else path.parent / "templates"
    return _load_cached(str(path.resolve()), str(templates.resolve()))


def _load(path: Path, templates_dir: Path) -> DocumentCatalogue:
    """The schema (level_dossiers/documents.schema.json) checks the shape; here, what it cannot say."""
    source = str(path)
    raw = load_document(path, DOCUMENTS, _catalogue_error).raw
    regimes = raw.get("regimes") if isinstance(raw, Mapping) else None
    if not isinstance(regimes, Mapping) or not regimes:
        raise CatalogueError(f"{source}: thiếu bảng 'regimes'")
    specs = tuple(
        _spec(source, str(regime), str(key), entry)
        for regime, entries in regimes.items()
        for key, entry in _mapping(source, str(regime), entries).items()
    )
    return DocumentCatalogue(specs=specs, templates_dir=templates_dir, source=source)


def _mapping(source: str, where: str, value: Any) -> Mapping:
    if not isinstance(value, Mapping):
        raise CatalogueError(f"{source}: {where}: phải là một bảng")
    return value


def _spec(source: str, regime: str, key: str, entry: Any) -> DocumentSpec:
    where = f"{regime}.{key}"
    entry = _mapping(source, where, entry)

    def fail(reason: str) -> None:
        raise CatalogueError(f"{source}: {where}: {reason}")

    unknown = set(entry) - _KEYS - _OPTIONAL_KEYS
    missing = _KEYS - set(entry)
    if unknown or missing:
        fail(f"khóa không hợp lệ {sorted(unknown)} / thiếu {sorted(missing)}")
    levels = tuple(entry["levels"] or ())
    if not levels or any(level not in LEVELS for level in levels):
        fail(f"levels phải là các cấp độ 1..5, nhận được {levels!r}")
    if entry["kind"] not in KINDS:
        fail(f"kind '{entry['kind']}' không hợp lệ ({', '.join(KINDS)})")
    if entry["scope"] not in SCOPES:
        fail(f"scope '{entry['scope']}' không hợp lệ ({', '.join(SCOPES)})")
    issuers = _issuers(entry["issuer"], levels, fail)
    numbering = entry.get("numbering", "register")
    if numbering not in NUMBERINGS:
        fail(f"numbering '{numbering}' không hợp lệ ({', '.join(NUMBERINGS)})")
    form = entry["form"]
    expected = _expected_filename(form, entry["short_title"])
    if entry["filename"] != expected:
        fail(f"filename phải là '{expected}' (suy ra từ số mẫu và short_title)")
    return DocumentSpec(
        regime=regime, key=key, title=entry["title"], short_title=entry["short_title"],
        form=form, kind=entry["kind"], template=entry["template"], filename=entry["filename"],
        levels=levels, scope=entry["scope"], issuers=issuers, symbol=entry["symbol"] or "",
        recipients=tuple(entry["recipients"] or ()),
        required=tuple(_required(item, fail) for item in entry["required"] or ()),
        numbering=numbering,
    )


def _issuers(raw: Any, levels: tuple[int, ...], fail) -> tuple[tuple[int, str], ...]:
    by_level = dict(raw) if isinstance(raw, Mapping) else {level: raw for level in levels}
    if set(by_level) != set(levels) or any(role not in ROLES for role in by_level.values()):
        fail(f"issuer phải là một vai trò ({', '.join(ROLES)}) hoặc bảng cho mọi cấp độ {levels}")
    return tuple(sorted(by_level.items()))


def _required(item: Any, fail) -> RequiredField:
    if not isinstance(item, Mapping) or not item.get("field") or not item.get("label"):
        fail(f"required: mỗi mục cần 'field' và 'label', nhận được {item!r}")
    levels = tuple(item.get("levels") or LEVELS)
    return RequiredField(path=item["field"], label=item["label"], levels=levels)


def _expected_filename(form: str | None, short_title: str) -> str:
    """"Mẫu số 06" + "Quyết định phê duyệt cấp độ" -> "mau-06-quyet-dinh-phe-duyet-cap-do"."""
    if not form:
        return safe_filename(short_title)
    return safe_filename(f"{form.replace('Mẫu số', 'Mẫu')} – {short_title}")
