"""Registry cohort export (``nelm cohort``): one wide row per patient, filtered by a safe expression.

The row is the ``patients`` table plus one status column per therapy (``resection``, ``ablation``,
``transarterial``, ``transplant``, ``prrt``) pivoted from ``eligibility``.

The ``--where`` expression is parsed with :mod:`ast` and evaluated by a small interpreter, never
by ``eval``. Allowed:

* column names (a patients column or a therapy), constants (text, numbers, ``True``/``False``/``None``);
* comparisons ``== != < <= > >=`` (chains such as ``3 <= ki67_percent <= 20`` too);
* ``x in ('a', 'b')`` / ``x not in [...]`` over a tuple or list of constants, and ``'bone' in
  extrahepatic_sites`` over a list column;
* ``x is None`` / ``x is not None``; ``and``, ``or``, ``not``; a yes/no column on its own (``bilobar``).

Missing values follow SQL's three-valued logic: a comparison that involves a missing value is
*unknown*, ``and``/``or``/``not`` propagate unknown, and only rows where the whole expression is
true are kept. So ``ki67_percent < 20`` and ``not ki67_percent < 20`` both leave out a patient
whose Ki-67 is unknown; ask for those with ``ki67_percent is None``.

Example:
    ``resection == 'eligible' and ki67_percent < 20``
    ``prrt in ('eligible', 'indeterminate') and 'bone' not in extrahepatic_sites``
    ``as_of >= '2023-01-01' and (bilobar or liver_lesion_count > 3)``

Deliberately not handled: arithmetic, function calls, attribute access, indexing, regular
expressions. Export the table and use DuckDB or pandas for those (README).
"""
from __future__ import annotations

import ast
import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import NelmError
from .io import write_bytes_atomic, write_parquet_atomic
from .schema import PATIENTS
from .tristate import first_decisive

THERAPIES = ("resection", "ablation", "transarterial", "transplant", "prrt")
STATUSES = ("eligible", "ineligible", "indeterminate")

#: kinds of column the interpreter knows how to compare
NUMBER, TEXT, BOOL, DATE, LIST = "number", "text", "yes/no", "date", "list"


class QueryError(NelmError):
    """A ``--where`` expression is malformed, unsafe or names an unknown column."""


class CohortError(NelmError):
    """The output folder does not hold the tables a cohort export needs."""


def column_kinds() -> dict[str, str]:
    """Every column a ``--where`` expression may name, with its kind."""
    kinds: dict[str, str] = {}
    for field in PATIENTS:
        t = field.type
        if pa.types.is_list(t):
            kinds[field.name] = LIST
        elif pa.types.is_boolean(t):
            kinds[field.name] = BOOL
        elif pa.types.is_integer(t) or pa.types.is_floating(t):
            kinds[field.name] = NUMBER
        elif pa.types.is_date(t):
            kinds[field.name] = DATE
        else:
            kinds[field.name] = TEXT
    for therapy in THERAPIES:
        kinds[therapy] = TEXT
    return kinds


# ----------------------------------------------------------------------------- the expression compiler

Row = dict[str, Any]
Predicate = Callable[[Row], "bool | None"]  # None = unknown (a missing value was involved)

_NODE_MESSAGES: list[tuple[type, str, str]] = [
    (ast.Attribute, "Q002", "attribute access is not allowed in --where"),
    (ast.Call, "Q003", "function calls are not allowed in --where"),
    (ast.Subscript, "Q004", "indexing and slicing are not allowed in --where"),
    (ast.Lambda, "Q006", "lambda is not allowed in --where"),
    (ast.BinOp, "Q006", "arithmetic is not allowed in --where; compare a column with a constant"),
    (ast.IfExp, "Q006", "'x if c else y' is not allowed in --where"),
    (ast.NamedExpr, "Q006", "assignment (:=) is not allowed in --where"),
    (ast.ListComp, "Q006", "comprehensions are not allowed in --where"),
    (ast.SetComp, "Q006", "comprehensions are not allowed in --where"),
    (ast.DictComp, "Q006", "comprehensions are not allowed in --where"),
    (ast.GeneratorExp, "Q006", "comprehensions are not allowed in --where"),
    (ast.JoinedStr, "Q006", "f-strings are not allowed in --where"),
    (ast.Starred, "Q006", "starred expressions are not allowed in --where"),
    (ast.Await, "Q006", "await is not allowed in --where"),
]

_CMP: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
_CMP_TEXT = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
             ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


def _fail(code: str, message: str) -> QueryError:
    return QueryError(f"[{code}] {message}")


@dataclass(frozen=True)
class _Operand:
    """A compiled operand: a column reference or a constant."""

    column: str | None = None
    kind: str | None = None          # column kind, or the constant's kind
    value: Any = None                # the constant's value (lists as tuples)

    @property
    def is_column(self) -> bool:
        return self.column is not None

    def describe(self) -> str:
        return self.column if self.column else repr(self.value)

    def get(self, row: Row) -> Any:
        return row.get(self.column) if self.column else self.value


def _constant_kind(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, tuple):
        return LIST
    raise _fail("Q006", f"constant {value!r} is not allowed in --where (use text, numbers, True, False or None)")


class _Compiler:
    def __init__(self, kinds: dict[str, str]) -> None:
        self.kinds = kinds

    # -- entry
    def compile(self, expression: str) -> Predicate:
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except SyntaxError as exc:
            where = f" at column {exc.offset}" if exc.offset else ""
            raise _fail("Q001", f"cannot parse --where{where}: {exc.msg}") from None
        except (RecursionError, MemoryError, ValueError):
            raise _fail("Q001", "cannot parse --where: expression is too deeply nested or malformed") from None
        self._screen(tree)
        return self._predicate(tree.body)

    def _screen(self, tree: ast.AST) -> None:
        """Reject forbidden constructs anywhere in the tree before looking at the structure."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id.startswith("__"):
                raise _fail("Q007", f"dunder names such as {node.id!r} are not allowed in --where")
        for node in ast.walk(tree):
            for type_, code, message in _NODE_MESSAGES:
                if isinstance(node, type_):
                    raise _fail(code, message)

    # -- boolean level
    def _predicate(self, node: ast.AST) -> Predicate:
        if isinstance(node, ast.BoolOp):
            parts = [self._predicate(v) for v in node.values]
            return first_decisive(parts, decisive=not isinstance(node.op, ast.And))
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not):
                raise _fail("Q006", f"unary '{_op_text(node.op)}' is not allowed in --where; only 'not'")
            inner = self._predicate(node.operand)
            return lambda row: None if (v := inner(row)) is None else not v
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Name):
            operand = self._operand(node)
            if operand.kind != BOOL:
                raise _fail("Q008", f"{operand.column} is a {operand.kind} column, not yes/no; compare it, "
                                    f"e.g. '{operand.column} is not None'")
            return lambda row: operand.get(row)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            value = node.value
            return lambda row: value
        raise _fail("Q006", f"{_node_text(node)} is not a condition; use comparisons joined by and/or/not")

    # -- comparisons
    def _compare(self, node: ast.Compare) -> Predicate:
        parts: list[Predicate] = []
        left = self._operand(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self._operand(right_node)
            parts.append(self._one_compare(left, op, right))
            left = right
        return parts[0] if len(parts) == 1 else first_decisive(parts, decisive=False)

    def _one_compare(self, left: _Operand, op: ast.cmpop, right: _Operand) -> Predicate:
        sym = _CMP_TEXT[type(op)]
        if not left.is_column and not right.is_column and not isinstance(op, (ast.In, ast.NotIn)):
            raise _fail("Q008", f"'{left.describe()} {sym} {right.describe()}' compares two constants; name a column")
        if isinstance(op, (ast.Is, ast.IsNot)):
            if not left.is_column or right.is_column or right.value is not None:
                raise _fail("Q008", "'is' and 'is not' only test a column against None, e.g. 'who_grade is None'")
            negate = isinstance(op, ast.IsNot)
            return lambda row: (left.get(row) is None) != negate
        if isinstance(op, (ast.In, ast.NotIn)):
            return self._membership(left, right, isinstance(op, ast.NotIn))
        if (not left.is_column and left.value is None) or (not right.is_column and right.value is None):
            column = left.column or right.column
            hint = "is None" if isinstance(op, ast.Eq) else "is not None"
            raise _fail("Q009", f"a comparison with None is never true; write '{column} {hint}'")
        column, other = (left, right) if left.is_column else (right, left)
        if column.kind == LIST and type(op) not in (ast.Eq, ast.NotEq):
            raise _fail("Q008", f"{column.column} is a list; use '==', '!=' or \"'x' in {column.column}\"")
        self._check_comparable(column, other, sym)
        fn = _CMP[type(op)]
        lconv, rconv = self._converter(left, right), self._converter(right, left)

        def compare(row: Row) -> bool | None:
            a, b = left.get(row), right.get(row)
            if a is None or b is None:
                return None
            return fn(lconv(a), rconv(b))

        return compare

    def _membership(self, left: _Operand, right: _Operand, negate: bool) -> Predicate:
        if right.is_column:
            if right.kind != LIST:
                raise _fail("Q008", f"'in {right.column}' needs a list column ({', '.join(self._lists())}); "
                                    f"{right.column} is a {right.kind} column")
            if left.is_column or left.kind != TEXT:
                raise _fail("Q008", f"use a text constant before 'in {right.column}', e.g. \"'bone' in {right.column}\"")
            item = left.value

            def contains(row: Row) -> bool | None:
                values = row.get(right.column)
                return None if values is None else (item in values) != negate

            return contains
        if right.kind != LIST:
            raise _fail("Q008", "'in' needs a tuple or list of constants on its right, e.g. \"who_grade in ('G1', 'G2')\"")
        if not left.is_column:
            raise _fail("Q008", "name a column before 'in'")
        if left.kind == LIST:
            raise _fail("Q008", f"{left.column} is a list; test one value with \"'x' in {left.column}\"")
        values = tuple(v for v in right.value if v is not None)
        for v in values:
            self._check_comparable(left, _Operand(kind=_constant_kind(v), value=v), "in")
        conv = self._converter(left, _Operand(kind=TEXT))
        members = frozenset(_to_date(v) if left.kind == DATE else v for v in values)

        def member(row: Row) -> bool | None:
            value = row.get(left.column)
            return None if value is None else (conv(value) in members) != negate

        return member

    def _check_comparable(self, column: _Operand, other: _Operand, sym: str) -> None:
        if other.is_column:
            if column.kind != other.kind:
                raise _fail("Q008", f"cannot compare {column.column} ({column.kind}) with {other.column} ({other.kind})")
            return
        kind, value = column.kind, other.value
        ok = {
            NUMBER: other.kind == NUMBER,
            BOOL: other.kind == BOOL,
            TEXT: other.kind == TEXT,
            DATE: other.kind == TEXT and _is_date(value),
            LIST: other.kind == LIST,
        }[kind]
        if not ok:
            example = {NUMBER: "a number", BOOL: "True or False", TEXT: "quoted text", DATE: "a date like '2024-01-31'",
                       LIST: "a list like ['bone', 'lung']"}[kind]
            raise _fail("Q008", f"{column.column} is a {kind} column; compare it with {example}, not {value!r}")
        if column.column in THERAPIES and value not in STATUSES:
            close = difflib.get_close_matches(str(value), STATUSES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail("Q010", f"{column.column} is one of {', '.join(STATUSES)}; got {value!r}{hint}")
        if kind == BOOL and sym not in ("==", "!=", "in"):
            raise _fail("Q008", f"{column.column} is yes/no; use == or != with True or False")

    def _converter(self, this: _Operand, other: _Operand) -> Callable[[Any], Any]:
        """Constants compared with a date column become dates; lists compare as sorted tuples."""
        if not this.is_column and other.is_column and other.kind == DATE:
            return _to_date
        if this.kind == LIST:
            return lambda v: tuple(sorted(str(x) for x in v))
        return lambda v: v

    def _lists(self) -> list[str]:
        return [name for name, kind in self.kinds.items() if kind == LIST]

    # -- operands
    def _operand(self, node: ast.AST) -> _Operand:
        if isinstance(node, ast.Name):
            if node.id in ("True", "False", "None"):  # pragma: no cover - parsed as Constant in py3.8+
                return _Operand(kind=None, value={"True": True, "False": False, "None": None}[node.id])
            if node.id not in self.kinds:
                raise self._unknown(node.id)
            return _Operand(column=node.id, kind=self.kinds[node.id])
        if isinstance(node, ast.Constant):
            return _Operand(kind=_constant_kind(node.value), value=node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
                and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
            return _Operand(kind=NUMBER, value=-node.operand.value)
        if isinstance(node, (ast.Tuple, ast.List)):
            values = []
            for element in node.elts:
                if not isinstance(element, ast.Constant) or isinstance(element.value, tuple):
                    raise _fail("Q006", f"a list after 'in' may hold constants only, not {_node_text(element)}")
                _constant_kind(element.value)
                values.append(element.value)
            return _Operand(kind=LIST, value=tuple(values))
        raise _fail("Q006", f"{_node_text(node)} is not allowed in --where; compare a column with a constant")

    def _unknown(self, name: str) -> QueryError:
        close = difflib.get_close_matches(name, list(self.kinds), n=3, cutoff=0.6)
        close += [k for k in self.kinds if name.lower() in k and k not in close and len(name) >= 3]
        close = close[:3]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return _fail("Q005", f"unknown column {name!r} in --where{hint} "
                             f"(columns: {', '.join(self.kinds)})")


def _is_date(value: Any) -> bool:
    try:
        _to_date(value)
    except (TypeError, ValueError):
        return False
    return True


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _op_text(op: ast.AST) -> str:
    return {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}.get(type(op), type(op).__name__)


def _node_text(node: ast.AST) -> str:
    try:
        return repr(ast.unparse(node))
    except Exception:  # pragma: no cover
        return type(node).__name__


def compile_where(expression: str | None, kinds: dict[str, str] | None = None) -> Predicate:
    """A predicate over cohort rows; an empty expression keeps every row."""
    if expression is None or not expression.strip():
        return lambda row: True
    if len(expression) > 10_000:
        raise _fail("Q001", "--where expression is too long (over 10,000 characters)")
    return _Compiler(kinds or column_kinds()).compile(expression)


# ----------------------------------------------------------------------------- the wide table

def _read(out_dir: Path, name: str) -> pa.Table:
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise CohortError(f"[Q011] {path} not found: is {out_dir} the --out folder of a finished nelm run?")
    return pq.read_table(path)


def cohort_table(out_dir: str | Path) -> pa.Table:
    """patients joined with one status column per therapy (null when the therapy was not decided)."""
    out = Path(out_dir)
    patients = _read(out, "patients")
    eligibility = _read(out, "eligibility")
    status: dict[tuple[str, str], str] = {}
    for pid, therapy, value in zip(eligibility.column("patient_id").to_pylist(),
                                   eligibility.column("therapy").to_pylist(),
                                   eligibility.column("status").to_pylist()):
        status[(pid, therapy)] = value
    ids = patients.column("patient_id").to_pylist()
    table = patients
    for therapy in THERAPIES:
        values = [status.get((pid, therapy)) for pid in ids]
        table = table.append_column(pa.field(therapy, pa.string(), metadata={"doc": f"eligibility status for {therapy}"}),
                                    pa.array(values, pa.string()))
    return table


def export_cohort(out_dir: str | Path, where: str | None = "", fmt: str = "csv",
                  to: str | Path | None = None) -> tuple[Path, int]:
    """Write the filtered cohort as CSV or Parquet; returns (path, number of patients)."""
    if fmt not in ("csv", "parquet"):
        raise NelmError(f"[Q012] unknown format {fmt!r}: use csv or parquet")
    predicate = compile_where(where)  # fail on a bad expression before reading anything
    table = cohort_table(out_dir)
    rows = table.to_pylist()
    mask = [predicate(row) is True for row in rows]
    selected = table.filter(pa.array(mask, pa.bool_()))
    path = Path(to) if to else Path(out_dir) / f"cohort.{fmt}"
    if fmt == "parquet":
        write_parquet_atomic(selected, path)
    else:
        write_bytes_atomic(to_csv_bytes(selected), path)
    return path, selected.num_rows


def to_csv_bytes(table: pa.Table) -> bytes:
    """CSV with a header; lists as ';'-joined text, missing values empty, yes/no as true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([_csv_cell(row[name]) for name in table.column_names])
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
