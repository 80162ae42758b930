"""Legal regimes as data: level criteria, authority, deadlines, forms of one decree.

A regime file (level_dossiers/regimes/*.yaml) is read and schema-checked in ``ir_app.datafiles``;
``build_regime`` gets the plain dict and checks what a JSON Schema cannot: unique ids, every
level covered, rules that name declared input fields with operators and values fitting the
field's type. Criteria carry a small declarative rule (never code), so editing the law never
means editing Python. Standard library only.

Rule language: the one condition language of the data files (``ir_app.domain.conditions``),
    {all: [rule, ...]}   {any: [rule, ...]}   {not: rule}
    {field: NAME, OP: VALUE} with OP by field type (``rules.OPERATORS_BY_TYPE``):
        enum, nullable_enum, int, nullable_int: eq, ne, in, not_in
        int, nullable_int (also):               gt, gte, lt, lte   (false when the value is null)
        bool:                                   is
        enum_list:                              contains, contains_any, contains_all,
                                                contains_none, contains_only
"""

from ir_app.domain.conditions import AllOf, AnyOf, Compare, Not, Rule
from ir_app.domain.regimes.build import build_regime
from ir_app.domain.regimes.model import (
    APPROVAL_SUBJECTS,
    DEADLINE_KEYS,
    DEADLINE_UNITS,
    DOCUMENT_KINDS,
    FIELD_TYPES,
    LEVELS,
    PARTY_KEYS,
    AnnualReport,
    Approval,
    Arrangement,
    Authority,
    Choice,
    Condition,
    ConsistencyWarning,
    Criterion,
    Deadline,
    DocumentSpec,
    IndependentAppraisal,
    InputField,
    LegalDocument,
    MonthDay,
    NewDossiers,
    Party,
    ProcedureLevel,
    Regime,
    ReviewInterval,
    SecurityPolicyRule,
    Transition,
    Undetermined,
    WizardStep,
    article_sort_key,
)
from ir_app.domain.regimes.reader import RegimeError
from ir_app.domain.regimes.rules import OPERATORS_BY_TYPE

__all__ = [
    "APPROVAL_SUBJECTS",
    "DEADLINE_KEYS",
    "DEADLINE_UNITS",
    "DOCUMENT_KINDS",
    "FIELD_TYPES",
    "LEVELS",
    "OPERATORS_BY_TYPE",
    "PARTY_KEYS",
    "AllOf",
    "AnnualReport",
    "AnyOf",
    "Approval",
    "Arrangement",
    "Authority",
    "Choice",
    "Compare",
    "Condition",
    "ConsistencyWarning",
    "Criterion",
    "Deadline",
    "DocumentSpec",
    "IndependentAppraisal",
    "InputField",
    "LegalDocument",
    "MonthDay",
    "NewDossiers",
    "Not",
    "Party",
    "ProcedureLevel",
    "Regime",
    "RegimeError",
    "ReviewInterval",
    "Rule",
    "SecurityPolicyRule",
    "Transition",
    "Undetermined",
    "WizardStep",
    "article_sort_key",
    "build_regime",
]
