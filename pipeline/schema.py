"""The six output tables of CONTRACT.md §3: the single source of truth for names and types.

Every writer goes through :func:`to_table`, which coerces plain Python rows into the
Arrow schema, sorts and de-duplicates list columns and checks non-nullable fields,
naming the offending row's key instead of failing deep inside Parquet.
"""
from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

import pyarrow as pa

SCHEMA_VERSION = "1"

STR = pa.string()
I32 = pa.int32()
F64 = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
STR_LIST = pa.list_(pa.string())


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


def _schema(name: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(fields, metadata={"table": name, "schema_version": SCHEMA_VERSION})


DOCUMENTS = _schema("documents", [
    _f("report_id", STR, "unique id within the archive", nullable=False),
    _f("patient_id", STR, "patient the report belongs to"),
    _f("report_date", DATE, "date of the report"),
    _f("report_type", STR, "CT|MRI|PET|PATHOLOGY|OTHER", nullable=False),
    _f("report_type_source", STR, "input|inferred", nullable=False),
    _f("status", STR, "ok|quarantined", nullable=False),
    _f("error", STR, "one-line reason when quarantined"),
    _f("n_chars", I32, "length of the text in characters", nullable=False),
    _f("text_sha256", STR, "sha256 of the UTF-8 text", nullable=False),
    _f("source", STR, "file and row/line the record came from", nullable=False),
    _f("pipeline_version", STR, "nelm version and extractor fingerprint", nullable=False),
    _f("run_id", STR, "run that wrote the row", nullable=False),
])

MENTIONS = _schema("mentions", [
    _f("report_id", STR, "report the mention is in", nullable=False),
    _f("patient_id", STR, "patient of the report"),
    _f("label", STR, "concept label, e.g. LIVER_LESION, SIZE, KI67", nullable=False),
    _f("text", STR, "the span text", nullable=False),
    _f("start_char", I32, "start offset into the original text", nullable=False),
    _f("end_char", I32, "end offset into the original text", nullable=False),
    _f("section", STR, "section category the mention lies in"),
    _f("sentence_start", I32, "start offset of the sentence", nullable=False),
    _f("sentence_end", I32, "end offset of the sentence", nullable=False),
    _f("is_negated", BOOL, "negated by ConText", nullable=False),
    _f("is_uncertain", BOOL, "hedged by ConText", nullable=False),
    _f("is_historical", BOOL, "historical by ConText or section", nullable=False),
    _f("is_hypothetical", BOOL, "hypothetical by ConText", nullable=False),
    _f("value_num", F64, "numeric value (mm, %, count, SUV)"),
    _f("value_unit", STR, "unit of value_num"),
    _f("value_norm", STR, "normalised value (segment, site, grade...)"),
    _f("extractor", STR, "extractor (spaCy factory) that made the mention", nullable=False),
    _f("rule_id", STR, "id of the rule that matched"),
])

_REPORT_KEYS = [
    _f("report_id", STR, "report id", nullable=False),
    _f("patient_id", STR, "patient id"),
    _f("report_date", DATE, "report date"),
]

IMAGING = _schema("imaging", _REPORT_KEYS + [
    _f("report_type", STR, "CT|MRI|PET", nullable=False),
    _f("liver_lesion_count", I32, "viable (non-benign) liver lesions; 0 = none; null = not stated/uncountable"),
    _f("liver_lesion_count_category", STR, "none|single|few|multiple"),
    _f("largest_liver_lesion_mm", F64, "largest current liver lesion, mm"),
    _f("liver_segments", STR_LIST, "Couinaud segments with lesions", nullable=False),
    _f("bilobar", BOOL, "lesions in both hemilivers"),
    _f("extrahepatic_sites", STR_LIST, "current extrahepatic tumour sites", nullable=False),
    _f("peritoneal_carcinomatosis", BOOL, "peritoneal carcinomatosis present"),
    _f("sstr_avid", BOOL, "PET only: somatostatin-receptor avid disease"),
    _f("suv_max", F64, "highest SUVmax of disease"),
    _f("lesion_near_major_vessel", BOOL, "lesion abuts hepatic vein/IVC/main portal vein"),
    _f("hilar_or_central_bile_duct", BOOL, "hilar location or abutting central bile duct"),
    _f("liver_involvement_percent", F64, "percent of liver replaced by tumour"),
    _f("disease_trend", STR, "progression|stable|response"),
])

PATHOLOGY = _schema("pathology", _REPORT_KEYS + [
    _f("specimen_site", STR, "liver|pancreas|small_bowel|lymph_node|other"),
    _f("procedure", STR, "biopsy|resection"),
    _f("ki67_percent", F64, "Ki-67 index, %, highest of the current specimen"),
    _f("mitoses_per_2mm2", F64, "mitoses per 2 mm2 (per 10 HPF taken as per 2 mm2)"),
    _f("who_grade", STR, "G1|G2|G3"),
    _f("who_grade_source", STR, "stated|ki67|mitoses"),
    _f("differentiation", STR, "well|poorly"),
    _f("tumor_type", STR, "NET|NEC|MiNEN|other"),
    _f("margin_status", STR, "R0|R1|R2"),
    _f("primary_site", STR, "primary tumour site"),
])

PATIENTS = _schema("patients", [
    _f("patient_id", STR, "patient id", nullable=False),
    _f("as_of", DATE, "latest report date used"),
    _f("n_reports", I32, "reports of the patient with status ok", nullable=False),
    _f("liver_lesion_count", I32, "see imaging"),
    _f("liver_lesion_count_category", STR, "see imaging"),
    _f("largest_liver_lesion_mm", F64, "see imaging"),
    _f("liver_segments", STR_LIST, "see imaging", nullable=False),
    _f("bilobar", BOOL, "see imaging"),
    _f("extrahepatic_sites", STR_LIST, "union over latest imaging date and PET within 90 days"),
    _f("peritoneal_carcinomatosis", BOOL, "see imaging"),
    _f("sstr_avid", BOOL, "latest PET"),
    _f("ki67_percent", F64, "metastasis over primary, the higher"),
    _f("who_grade", STR, "G1|G2|G3"),
    _f("differentiation", STR, "well|poorly"),
    _f("prior_pancreatoduodenectomy", BOOL, "prior Whipple"),
    _f("primary_resected", BOOL, "primary tumour resected"),
    _f("lesion_near_major_vessel", BOOL, "see imaging"),
    _f("hilar_or_central_bile_duct", BOOL, "see imaging"),
    _f("liver_involvement_percent", F64, "see imaging"),
    _f("mitoses_per_2mm2", F64, "see pathology"),
    _f("primary_site", STR, "primary tumour site"),
    _f("extrahepatic_burden", STR, "none|low|high"),
    _f("disease_stable_months", F64, "months stable or responding on serial imaging"),
    _f("grade_discordant", BOOL, "primary and metastasis grades differ"),
    _f("evidence", STR_LIST, "report ids the features came from", nullable=False),
])

ELIGIBILITY = _schema("eligibility", [
    _f("patient_id", STR, "patient id", nullable=False),
    _f("therapy", STR, "resection|ablation|transarterial|transplant|prrt", nullable=False),
    _f("status", STR, "eligible|ineligible|indeterminate", nullable=False),
    _f("reasons", STR_LIST, "rule id and a short sentence each", nullable=False),
    _f("missing", STR_LIST, "features whose absence made it indeterminate", nullable=False),
    _f("needs_review", STR_LIST, "facts a clinician must confirm", nullable=False),
    _f("rules_version", STR, "version of the decision rules", nullable=False),
    _f("as_of", DATE, "date of the data the decision used"),
])

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "mentions": MENTIONS,
    "imaging": IMAGING,
    "pathology": PATHOLOGY,
    "patients": PATIENTS,
    "eligibility": ELIGIBILITY,
}

#: Sort keys that make every table's row order deterministic.
SORT_KEYS: dict[str, list[str]] = {
    "documents": ["report_id", "source"],
    "mentions": ["report_id", "start_char", "end_char", "label", "rule_id"],
    "imaging": ["report_id"],
    "pathology": ["report_id"],
    "patients": ["patient_id"],
    "eligibility": ["patient_id", "therapy"],
}


class SchemaError(ValueError):
    """A row does not fit its table's schema."""


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:  # pandas NA / NaT
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover
        return False


def _coerce(value: Any, type_: pa.DataType) -> Any:
    if _is_missing(value):
        return None
    if pa.types.is_list(type_):
        if isinstance(value, str):
            raise SchemaError(f"expected a list, got a string {value[:40]!r}")
        return sorted({str(v) for v in value if not _is_missing(v)})
    if pa.types.is_date32(type_):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if hasattr(value, "date"):  # pandas Timestamp
            return value.date()
        return dt.date.fromisoformat(str(value)[:10])
    if pa.types.is_int32(type_):
        return int(value)
    if pa.types.is_float64(type_):
        return float(value)
    if pa.types.is_boolean(type_):
        return bool(value)
    if pa.types.is_string(type_):
        return str(value)
    return value


def normalize_row(row: Mapping[str, Any], schema: pa.Schema) -> dict[str, Any]:
    """Coerce one row to the schema's Python types; unknown keys are dropped."""
    out: dict[str, Any] = {}
    for field in schema:
        value = _coerce(row.get(field.name), field.type)
        if value is None and pa.types.is_list(field.type) and not field.nullable:
            value = []
        out[field.name] = value
    return out


def _plain_type(type_: pa.DataType) -> type | None:
    """The Python type on which :func:`_coerce` to ``type_`` is the identity (None for lists)."""
    if pa.types.is_string(type_):
        return str
    if pa.types.is_int32(type_):
        return int
    if pa.types.is_float64(type_):
        return float
    if pa.types.is_boolean(type_):
        return bool
    if pa.types.is_date32(type_):
        return dt.date
    return None


_STR_ONLY = frozenset({str})


def _column_coercer(field: pa.Field) -> Callable[[list[Any]], list[Any]]:
    """:func:`normalize_row` for one field over a whole column, with the common cases inlined.

    ``_coerce`` returns a value of the exact Python type unchanged (``str(s) is s``, ``float(x) is x``...)
    unless it is NaN, and a list of str as its sorted set, so those cells skip the generic path; every
    other cell goes through ``_coerce``. The result is the same value for every cell.
    """
    type_ = field.type
    empty_list = pa.types.is_list(type_) and not field.nullable

    def generic(value: Any) -> Any:
        value = _coerce(value, type_)
        return [] if value is None and empty_list else value

    if pa.types.is_list(type_):
        def coerce_lists(values: list[Any]) -> list[Any]:
            return [sorted(set(v)) if type(v) is list and set(map(type, v)) <= _STR_ONLY else generic(v)
                    for v in values]
        return coerce_lists
    plain = _plain_type(type_)
    if plain is float:
        return lambda values: [v if type(v) is float and v == v else generic(v) for v in values]
    if plain is not None:
        return lambda values: [v if type(v) is plain else generic(v) for v in values]
    return lambda values: [generic(v) for v in values]


@lru_cache(maxsize=None)
def _coercers(name: str) -> tuple[Callable[[list[Any]], list[Any]], ...]:
    """The column coercers of a table's fields, in schema order."""
    return tuple(_column_coercer(f) for f in TABLES[name])


def _normalized_table(rows: Iterable[Mapping[str, Any]], name: str) -> pa.Table:
    """``Table.from_pylist([normalize_row(r, schema) for r in rows], schema)``, built column by column.

    ``from_pylist`` itself gathers one list per schema field and calls ``from_arrays``, so building the
    same lists here gives the same table. A cell that fails to coerce falls back to the row-wise path, so
    the error raised is the same (first bad row, then first bad field) as before.
    """
    schema = TABLES[name]
    rows = rows if isinstance(rows, list) else list(rows)
    try:
        arrays = [coerce([row.get(f.name) for row in rows]) for f, coerce in zip(schema, _coercers(name))]
    except Exception:
        return pa.Table.from_pylist([normalize_row(r, schema) for r in rows], schema=schema)
    return pa.Table.from_arrays(arrays, schema=schema)


def to_table(rows: Iterable[Mapping[str, Any]], name: str, *, trusted: bool = False) -> pa.Table:
    """Build the named table from rows, sorted by its keys, checking non-null fields.

    ``trusted`` rows come from nelm's own extraction (plain Python values, no NaN or numpy
    scalars): Arrow converts them directly and only list columns are normalised, which is an
    order of magnitude faster for the mentions table. Other rows (pandas frames, user files)
    go through :func:`normalize_row` first.
    """
    schema = TABLES[name]
    if trusted:
        list_fields = [f.name for f in schema if pa.types.is_list(f.type)]
        rows = list(rows)
        if list_fields:
            rows = [dict(r, **{k: sorted(set(r.get(k) or ())) for k in list_fields}) for r in rows]
        table = pa.Table.from_pylist(rows, schema=schema)
    else:
        table = _normalized_table(rows, name)
    keys = SORT_KEYS[name]
    if table.num_rows:
        table = table.sort_by([(k, "ascending") for k in keys])
    for field in schema:
        if not field.nullable and table.column(field.name).null_count:
            import pyarrow.compute as pc

            first = pc.index(pc.is_null(table.column(field.name)), True).as_py()
            ident = {k: table.column(k)[first].as_py() for k in keys}
            raise SchemaError(f"[S001] {name}.{field.name} is null in row {ident}")
    return table
