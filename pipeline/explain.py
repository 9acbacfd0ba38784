"""``nelm explain``: why each eligibility status was given, as text or as a self-contained HTML page.

What is shown, per patient:

* the stored ``eligibility`` rows (status, reasons with rule ids, missing, needs_review) — the statuses
  the run wrote, which are what a registry sees;
* the decision module's explanation over the stored ``patients`` row
  (:func:`pipeline.decision.explain_patient`): features, derived values and every rule that fired, with
  its type, sentence and the verbatim quote of the source article;
* the evidence: for every report in the patient's ``evidence`` list, its mentions (label, offsets,
  negated/uncertain/historical/hypothetical flags) and, when the report text can be read back from the
  archive, the sentence around each mention and the whole report with every span highlighted.

The output tables hold no report text (CONTRACT §3) beyond mention spans. The text is re-read from the
archive (``archive=``, else the ``input`` recorded in ``DIR/.nelm/run.json``) and used only when its
sha256 still matches ``documents.text_sha256``: a report edited since the run would have offsets that
no longer fit, so its spans are listed without the surrounding text.

The HTML page has no script and no external asset: inline CSS only, every piece of report text and
every value ``html.escape``-d, and a Content-Security-Policy that forbids loading anything.
"""
from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import NelmError

log = logging.getLogger(__name__)

THERAPIES = ("resection", "ablation", "transarterial", "transplant", "prrt")
FLAGS = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical")
FLAG_WORDS = {"is_negated": "negated", "is_uncertain": "uncertain", "is_historical": "historical",
              "is_hypothetical": "hypothetical"}
_RULE_ID = re.compile(r"^(?:[A-Z]{1,5}[0-9]*[a-z]?(?:-[A-Z0-9]+)*|[A-Z]{1,4}-[A-Za-z]+)$")
NOTICE = "Flags support a multidisciplinary review; they are never a treatment decision."


class ExplainError(NelmError):
    """The patient or the tables an explanation needs cannot be found."""


# ----------------------------------------------------------------------------- gathering

@dataclass
class ReportEvidence:
    report_id: str
    report_type: str | None
    report_date: dt.date | None
    status: str | None
    mentions: list[dict[str, Any]]
    text: str | None = None
    text_note: str | None = None       # why the text is not shown


@dataclass
class Explanation:
    patient_id: str
    patient: dict[str, Any]
    stored: dict[str, dict[str, Any]]             # therapy -> eligibility row
    decision: dict[str, Any] | None               # decision.explain_patient output
    decision_note: str | None
    reports: list[ReportEvidence]
    other_reports: list[dict[str, Any]] = field(default_factory=list)
    archive: str | None = None
    archive_note: str | None = None

    @property
    def rules_version(self) -> str | None:
        for row in self.stored.values():
            return row.get("rules_version")
        return (self.decision or {}).get("rules_version")


def _table_path(out: Path, name: str) -> Path:
    path = out / f"{name}.parquet"
    if not path.exists():
        raise ExplainError(f"[E001] {path} not found: is {out} the --out folder of a finished nelm run?")
    return path


def _rows_where(path: Path, column: str, values: Iterable[str]) -> list[dict[str, Any]]:
    values = sorted(set(values))
    if not values:
        return []
    table = pq.read_table(path)
    mask = pc.is_in(table.column(column), value_set=pa.array(values, pa.string()))
    return table.filter(mask).to_pylist()


def _run_input(out: Path) -> str | None:
    try:
        info = json.loads((out / ".nelm" / "run.json").read_text())
    except (OSError, ValueError):
        return None
    value = info.get("input") if isinstance(info, dict) else None
    return str(value) if value else None


def _read_texts(archive: str, wanted: dict[str, str], config: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Texts of the wanted report ids whose sha256 matches; (texts, notes for those not usable)."""
    from .ingest import iter_records

    texts: dict[str, str] = {}
    notes: dict[str, str] = {}
    remaining = set(wanted)
    for record in iter_records(archive, config):
        if record.report_id not in remaining:
            continue
        remaining.discard(record.report_id)
        if record.text is None:
            notes[record.report_id] = "the report is quarantined in the archive now"
        elif wanted[record.report_id] and record.text_sha256 != wanted[record.report_id]:
            notes[record.report_id] = "the report text changed in the archive since the run (offsets would not fit)"
        else:
            texts[record.report_id] = record.text
        if not remaining:
            break
    for report_id in remaining:
        notes[report_id] = "the report is no longer in the archive"
    return texts, notes


def gather(out_dir: str | Path, patient_id: str, config_path: str | Path | None = None,
           archive: str | Path | None = None) -> Explanation:
    """Everything ``explain`` shows for one patient."""
    from .config import load_config

    out = Path(out_dir)
    patients_path = _table_path(out, "patients")
    patient_rows = _rows_where(patients_path, "patient_id", [patient_id])
    if not patient_rows:
        ids = pq.read_table(patients_path, columns=["patient_id"]).column("patient_id").to_pylist()
        close = [i for i in ids if i.strip().lower() == patient_id.strip().lower()]
        close += [i for i in difflib.get_close_matches(patient_id, ids, n=3, cutoff=0.6) if i not in close]
        close = close[:3]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ExplainError(f"[E002] patient {patient_id!r} is not in {patients_path} ({len(ids)} patients){hint}")
    patient = patient_rows[0]

    stored = {r["therapy"]: r for r in _rows_where(_table_path(out, "eligibility"), "patient_id", [patient_id])}

    config = load_config(config_path)
    decision: dict[str, Any] | None = None
    decision_note = None
    try:
        from .decision import explain_patient, load_ruleset

        ruleset = load_ruleset(config.resolve(config.decision.ruleset))
        decision = explain_patient(patient, ruleset)
    except NelmError as exc:
        decision_note = f"the decision rules could not be explained: {exc}"
    except ImportError as exc:  # pragma: no cover - the module ships with nelm
        decision_note = f"the decision module is not available ({exc})"

    evidence = list(patient.get("evidence") or [])
    documents = {r["report_id"]: r for r in _rows_where(_table_path(out, "documents"), "patient_id", [patient_id])}
    documents.update({r["report_id"]: r for r in _rows_where(out / "documents.parquet", "report_id", evidence)})
    mentions_path = out / "mentions.parquet"
    mentions = _rows_where(mentions_path, "report_id", evidence) if mentions_path.exists() else []
    by_report: dict[str, list[dict[str, Any]]] = {rid: [] for rid in evidence}
    for m in sorted(mentions, key=lambda m: (m["report_id"], m["start_char"], m["end_char"], m["label"])):
        by_report.setdefault(m["report_id"], []).append(m)

    reports = []
    for rid in evidence:
        doc = documents.get(rid, {})
        reports.append(ReportEvidence(rid, doc.get("report_type"), doc.get("report_date"), doc.get("status"),
                                      by_report.get(rid, [])))
    reports.sort(key=lambda r: (r.report_date or dt.date.min, r.report_id))
    other = [d for rid, d in sorted(documents.items()) if rid not in set(evidence)]

    source = str(archive) if archive else _run_input(out)
    archive_note = None
    if source is None:
        archive_note = ("report text not available: pass the archive (--archive INPUT) to see the reports; "
                        "spans are listed with their offsets")
    elif not Path(source).exists():
        archive_note = f"report text not available: the archive {source} does not exist any more"
    elif reports:
        wanted = {r.report_id: documents.get(r.report_id, {}).get("text_sha256") or "" for r in reports}
        try:
            texts, notes = _read_texts(source, wanted, config)
        except NelmError as exc:
            texts, notes = {}, {}
            archive_note = f"report text not available: {exc}"
        for report in reports:
            report.text = texts.get(report.report_id)
            report.text_note = notes.get(report.report_id)
    if archive_note:
        for report in reports:
            report.text_note = archive_note
    return Explanation(patient_id, patient, stored, decision, decision_note, reports, other, source, archive_note)


# ----------------------------------------------------------------------------- shared helpers

def _fmt(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _flags(mention: dict[str, Any]) -> list[str]:
    return [FLAG_WORDS[f] for f in FLAGS if mention.get(f)]


def _sentence(report: ReportEvidence, mention: dict[str, Any]) -> str | None:
    if report.text is None:
        return None
    start, end = mention.get("sentence_start"), mention.get("sentence_end")
    if start is None or end is None or not 0 <= start <= end <= len(report.text):
        return None
    return " ".join(report.text[start:end].split())


def _span_ok(report: ReportEvidence, mention: dict[str, Any]) -> bool:
    text = report.text
    start, end = mention["start_char"], mention["end_char"]
    return text is not None and 0 <= start < end <= len(text) and text[start:end] == mention["text"]


def _value(mention: dict[str, Any]) -> str:
    parts = []
    if mention.get("value_num") is not None:
        parts.append(f"{mention['value_num']:g}{(' ' + mention['value_unit']) if mention.get('value_unit') else ''}")
    if mention.get("value_norm"):
        parts.append(str(mention["value_norm"]))
    return " / ".join(parts)


def _therapy(exp: Explanation, therapy: str) -> dict[str, Any]:
    """Status, reasons, missing and needs_review (stored row first), plus rules from the decision module."""
    stored = exp.stored.get(therapy)
    decided = ((exp.decision or {}).get("therapies") or {}).get(therapy) or {}
    source = stored or decided
    rules, seen = [], set()
    for rule in decided.get("rules") or []:  # a rule shared by two sub-flags is traced twice
        key = (rule.get("id"), rule.get("outcome"), rule.get("effect"), rule.get("sentence"))
        if key not in seen:
            seen.add(key)
            rules.append(rule)
    return {
        "status": source.get("status") or "not decided",
        "reasons": list(source.get("reasons") or []),
        "missing": list(source.get("missing") or []),
        "needs_review": list(source.get("needs_review") or []),
        "recomputed": decided.get("status"),
        "sub_flags": decided.get("sub_flags") or {},
        "fired": [r for r in rules if r.get("outcome") == "fired"],
        "open": [r for r in rules if r.get("outcome") != "fired" and r.get("effect") not in (None, "no_effect")],
        "inert": [r for r in rules if r.get("outcome") != "fired" and r.get("effect") in (None, "no_effect")],
    }


def _quotes(rule: dict[str, Any]) -> list[str]:
    quote = rule.get("quote") or []
    return [quote] if isinstance(quote, str) else [str(q) for q in quote]


# ----------------------------------------------------------------------------- text

def explain_patient_text(out_dir: str | Path, patient_id: str, config_path: str | Path | None = None,
                         archive: str | Path | None = None) -> str:
    """The explanation as plain text for the terminal."""
    return render_text(gather(out_dir, patient_id, config_path, archive))


def render_text(exp: Explanation) -> str:
    p = exp.patient
    lines = [f"Patient {exp.patient_id}: as of {_fmt(p.get('as_of'))}, {p.get('n_reports')} report(s) with status ok; "
             f"rules {exp.rules_version or 'unknown'}", NOTICE, ""]
    lines.append("Eligibility")
    for therapy in THERAPIES:
        t = _therapy(exp, therapy)
        extra = f"  (re-derived from the patients row: {t['recomputed']})" if t["recomputed"] and t["recomputed"] != t["status"] else ""
        lines.append(f"  {therapy:<14} {t['status']}{extra}")
    for therapy in THERAPIES:
        t = _therapy(exp, therapy)
        lines += ["", f"{therapy}: {t['status'].upper()}"]
        if t["sub_flags"] and len(t["sub_flags"]) > 1:
            lines.append("  sub-flags: " + ", ".join(f"{k} {v}" for k, v in sorted(t["sub_flags"].items())))
        lines.append("  reasons:" if t["reasons"] else "  reasons: none")
        lines += [f"    - {r}" for r in t["reasons"]]
        lines.append(f"  missing: {', '.join(t['missing']) if t['missing'] else 'none'}")
        lines.append("  needs review:" if t["needs_review"] else "  needs review: none")
        lines += [f"    - {r}" for r in t["needs_review"]]
        if t["fired"] or t["open"]:
            lines.append("  rules:")
        for rule in t["fired"] + t["open"]:
            state = "fired" if rule.get("outcome") == "fired" else f"unknown ({rule.get('effect')})"
            lines.append(f"    {rule.get('id')} [{rule.get('type')}] {state}: {rule.get('sentence')}")
            lines += [f"      quote: \"{q}\"" for q in _quotes(rule)]
    if exp.decision_note:
        lines += ["", f"note: {exp.decision_note}"]

    lines += ["", "Features (patients row; unknown = not stated, never assumed)"]
    width = max(len(k) for k in p)
    for key, value in p.items():
        if key in ("patient_id", "evidence"):
            continue
        lines.append(f"  {key:<{width}}  {_fmt(value)}")
    derived = (exp.decision or {}).get("derived") or {}
    if derived:
        lines += ["", "Derived values"]
        width = max(len(k) for k in derived)
        lines += [f"  {k:<{width}}  {_fmt(v)}" for k, v in derived.items()]

    lines += ["", f"Evidence ({len(exp.reports)} report(s))"]
    if exp.archive_note:
        lines.append(f"  {exp.archive_note}")
    for report in exp.reports:
        lines.append(f"  {report.report_id} ({report.report_type or '?'}, {_fmt(report.report_date)}): "
                     f"{len(report.mentions)} mention(s)")
        if report.text_note and not exp.archive_note:
            lines.append(f"    text not shown: {report.text_note}")
        for m in report.mentions:
            flags = f" [{', '.join(_flags(m))}]" if _flags(m) else ""
            value = f" = {_value(m)}" if _value(m) else ""
            lines.append(f"    {m['start_char']}-{m['end_char']} {m['label']} \"{m['text']}\"{value}{flags}"
                         f" (rule {m.get('rule_id') or '-'})")
            sentence = _sentence(report, m)
            if sentence is not None:
                lines.append(f"      sentence {m['sentence_start']}-{m['sentence_end']}: {sentence}")
            else:
                lines.append(f"      sentence {m['sentence_start']}-{m['sentence_end']}")
    if exp.other_reports:
        lines += ["", "Other reports of the patient (not used for the current features)"]
        lines += [f"  {d['report_id']} ({d.get('report_type')}, {_fmt(d.get('report_date'))}, {d.get('status')})"
                  for d in exp.other_reports]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- HTML

def e(value: Any) -> str:
    """HTML-escape anything (quotes too, so the result is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1.2em 1.5em 4em; color: #1d232a; background: #fff; }
h1 { margin: .2em 0; font-size: 1.6em; } h2 { border-bottom: 2px solid #d5dbe1; padding-bottom: .2em; margin-top: 1.8em; }
h3 { margin: 1.2em 0 .3em; } h4 { margin: .8em 0 .2em; font-size: .95em; color: #4a5561; }
.notice { background: #fff7e0; border-left: 4px solid #e0a100; padding: .5em .8em; }
.meta { color: #4a5561; font-size: .9em; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #d5dbe1; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f1f4f7; }
.status { font-weight: 700; padding: .05em .5em; border-radius: 3px; white-space: nowrap; }
.status.eligible { background: #d9f2dc; color: #135c1d; }
.status.ineligible { background: #fbdcdc; color: #7d1414; }
.status.indeterminate { background: #fff0c2; color: #6b4d00; }
.status.not-decided { background: #e6e6e6; color: #444; }
.therapy { border: 1px solid #d5dbe1; border-radius: 6px; padding: .3em 1em .8em; margin: 1em 0; }
code.rule { background: #eef1f5; padding: 0 .3em; border-radius: 3px; font-weight: 600; }
.rtype { font-size: .8em; border: 1px solid #9aa6b2; border-radius: 3px; padding: 0 .3em; margin: 0 .3em; }
blockquote { margin: .2em 0 .4em 1.2em; padding-left: .6em; border-left: 3px solid #c5ccd3; color: #3c4650; font-style: italic; }
ul { margin: .2em 0; padding-left: 1.4em; }
.therapy p.none { margin: .2em 0; }
.none { color: #6b7680; font-style: italic; }
pre.report-text { white-space: pre-wrap; word-wrap: break-word; background: #fafbfc; border: 1px solid #d5dbe1;
                  padding: .8em; font: 14px/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
mark { background: #ffe98a; color: inherit; border-bottom: 2px solid #c9a400; padding: 0 1px; }
mark.negated { background: #f3d1d1; border-bottom: 2px solid #b22; text-decoration: line-through; text-decoration-color: #b22; }
mark.uncertain { background: #e3dcf7; border-bottom: 2px dashed #5b3fb5; }
mark.historical { background: #dfe4ea; border-bottom: 2px dotted #556; font-style: italic; }
mark.hypothetical { background: #dff1f5; border-bottom: 2px dotted #167; }
.tag { font: 600 10px/1 system-ui, sans-serif; vertical-align: super; padding: 1px 3px; margin: 0 2px;
       border-radius: 3px; background: #5b6470; color: #fff; white-space: nowrap; }
.tag.negated { background: #b22; } .tag.uncertain { background: #5b3fb5; } .tag.historical { background: #556; }
.tag.hypothetical { background: #167; }
.legend span { margin-right: 1em; }
.warn { color: #7d1414; }
.cols { display: grid; grid-template-columns: 3fr 2fr; gap: 0 1.5em; }
details { margin: .4em 0; }
table.mentions { width: 100%; font-size: .9em; } table.mentions td { overflow-wrap: anywhere; } summary { cursor: pointer; color: #4a5561; }
"""


def _status_html(status: str, therapy: str) -> str:
    cls = status if status in ("eligible", "ineligible", "indeterminate") else "not-decided"
    return (f'<span class="status {cls}" data-therapy="{e(therapy)}" data-status="{e(status)}">'
            f'{e(status)}</span>')


def _list_html(items: list[str], empty: str = "none", rules: dict[str, dict[str, Any]] | None = None) -> str:
    """Items as a list; an item starting with a rule id that fired gets the rule's quote under it."""
    if not items:
        return f'<p class="none">{e(empty)}</p>'
    out = []
    for item in items:
        rule_id = _leading_id(item)
        quotes = _quotes(rules[rule_id]) if rules and rule_id in rules else []
        attr = f' data-rule="{e(rule_id)}"' if rule_id else ""
        out.append(f"<li{attr}>{_rule_line(item)}" + "".join(f"<blockquote>“{e(q)}”</blockquote>" for q in quotes) + "</li>")
    return "<ul>" + "".join(out) + "</ul>"


def _leading_id(line: str) -> str | None:
    for head in (line.partition(": ")[0], line.partition(" ")[0]):
        if _RULE_ID.match(head):
            return head
    return None


def _rule_line(line: str) -> str:
    """'R10f: sentence' or 'CR1 item' with the rule id set in code; anything else escaped as is."""
    head, sep, rest = line.partition(": ")
    if not (sep and _RULE_ID.match(head)):
        head, sep, rest = line.partition(" ")
    if sep and _RULE_ID.match(head):
        return f'<code class="rule">{e(head)}</code> {e(rest)}'
    return e(line)


def _rule_html(rule: dict[str, Any]) -> str:
    state = "fired" if rule.get("outcome") == "fired" else f"unknown: {rule.get('effect')}"
    quotes = "".join(f"<blockquote>“{e(q)}”</blockquote>" for q in _quotes(rule))
    missing = f' <span class="meta">(missing: {e(", ".join(rule["missing"]))})</span>' if rule.get("missing") else ""
    return (f'<li data-rule="{e(rule.get("id"))}"><code class="rule">{e(rule.get("id"))}</code>'
            f'<span class="rtype">{e(rule.get("type"))}</span><span class="meta">{e(state)}</span> '
            f'{e(rule.get("sentence"))}{missing}{quotes}</li>')


def _highlight(report: ReportEvidence) -> tuple[str, list[dict[str, Any]]]:
    """The report text with every span marked; returns (html, mentions whose offsets did not fit)."""
    text = report.text or ""
    good = [(i, m) for i, m in enumerate(report.mentions, 1) if _span_ok(report, m)]
    bad = [m for m in report.mentions if not _span_ok(report, m)]
    cuts = sorted({0, len(text)} | {m["start_char"] for _, m in good} | {m["end_char"] for _, m in good})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        cover = [(i, m) for i, m in good if m["start_char"] <= a and m["end_char"] >= b]
        chunk = e(text[a:b])
        if cover:
            flags = sorted({f for _, m in cover for f in _flags(m)})
            labels = " ".join(dict.fromkeys(m["label"] for _, m in cover))
            ids = " ".join(f"m{i}" for i, _ in cover)
            title = "; ".join(f"{m['label']}{' (' + ', '.join(_flags(m)) + ')' if _flags(m) else ''}" for _, m in cover)
            out.append(f'<mark class="{e(" ".join(["span"] + flags))}" data-label="{e(labels)}" '
                       f'data-mentions="{e(ids)}" title="{e(title)}">{chunk}</mark>')
        else:
            out.append(chunk)
        for i, m in good:
            if m["end_char"] == b:
                flags = _flags(m)
                words = " · ".join([m["label"]] + [f.upper() for f in flags])
                out.append(f'<span class="tag {e(" ".join(flags))}" data-mention="m{i}">{e(words)}</span>')
    return "".join(out), bad


def _mentions_table(report: ReportEvidence) -> str:
    rows = []
    for i, m in enumerate(report.mentions, 1):
        flags = _flags(m)
        sentence = _sentence(report, m)
        sentence_cell = e(sentence) if sentence is not None else f'<span class="none">chars {m["sentence_start"]}–{m["sentence_end"]}</span>'
        span = (f'<mark class="{e(" ".join(["span"] + flags))}" data-label="{e(m["label"])}">{e(m["text"])}</mark>'
                if report.text is None else e(m["text"]))
        rows.append(
            f'<tr id="{e(report.report_id)}-m{i}"><td>m{i}</td><td>{e(m["label"])}</td><td>{span}</td>'
            f'<td>{m["start_char"]}–{m["end_char"]}</td><td>{e(_value(m))}</td>'
            f'<td>{e(", ".join(flags)) if flags else "—"}</td><td>{e(m.get("section") or "")}</td>'
            f'<td><code>{e(m.get("rule_id") or "")}</code></td><td>{sentence_cell}</td></tr>')
    if not rows:
        return '<p class="none">no mentions in this report</p>'
    return (f'<details class="mentions" open><summary>{len(rows)} mention(s): label, offsets, flags, sentence</summary>'
            "<table class=\"mentions\"><tr><th>#</th><th>label</th><th>span</th><th>offsets</th><th>value</th>"
            "<th>flags</th><th>section</th><th>rule</th><th>sentence</th></tr>" + "".join(rows) + "</table></details>")


def render_html(exp: Explanation) -> str:
    p = exp.patient
    title = f"nelm explain — patient {exp.patient_id}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>Patient <span id="patient-id">{e(exp.patient_id)}</span></h1>',
        f'<p class="meta">as of {e(_fmt(p.get("as_of")))} · {e(p.get("n_reports"))} report(s) · '
        f'rules {e(exp.rules_version or "unknown")} · generated {e(dt.date.today().isoformat())} by nelm explain</p>',
        f'<p class="notice">{e(NOTICE)}</p></header>',
        '<section id="eligibility"><h2>Eligibility</h2><table class="summary"><tr><th>therapy</th><th>status</th>'
        '<th>missing</th><th>needs review</th></tr>',
    ]
    for therapy in THERAPIES:
        t = _therapy(exp, therapy)
        parts.append(f'<tr><td><a href="#therapy-{e(therapy)}">{e(therapy)}</a></td><td>{_status_html(t["status"], therapy)}</td>'
                     f'<td>{len(t["missing"])}</td><td>{len(t["needs_review"])}</td></tr>')
    parts.append("</table>")
    if exp.decision_note:
        parts.append(f'<p class="warn">{e(exp.decision_note)}</p>')
    for therapy in THERAPIES:
        t = _therapy(exp, therapy)
        parts.append(f'<article class="therapy" id="therapy-{e(therapy)}"><h3>{e(therapy)}: {_status_html(t["status"], therapy)}</h3>')
        if t["recomputed"] and t["recomputed"] != t["status"]:
            parts.append(f'<p class="warn">Re-derived from the stored patients row today the status would be '
                         f'{e(t["recomputed"])} (the rules or clinical side facts differ from the run).</p>')
        if len(t["sub_flags"]) > 1:
            parts.append('<p class="meta">sub-flags: ' + ", ".join(f"{e(k)} {e(v)}" for k, v in sorted(t["sub_flags"].items())) + "</p>")
        by_id = {str(r.get("id")): r for r in t["open"] + t["fired"]}
        parts.append('<div class="cols"><div>')
        parts.append("<h4>Reasons</h4>" + _list_html(t["reasons"], rules=by_id))
        parts.append('</div><div>')
        parts.append("<h4>Missing</h4>" + _list_html(t["missing"]))
        parts.append("<h4>Needs review</h4>" + _list_html(t["needs_review"], rules=by_id))
        parts.append("</div></div>")
        trace = t["fired"] + t["open"]
        if trace or t["inert"]:
            parts.append(f'<details class="trace"><summary>Rule trace: {len(t["fired"])} fired, {len(t["open"])} unknown '
                         f'with an effect, {len(t["inert"])} unknown without effect</summary><ul class="rules">'
                         + "".join(_rule_html(r) for r in trace + t["inert"]) + "</ul></details>")
        parts.append("</article>")
    parts.append("</section>")

    parts.append('<section id="evidence"><h2>Source reports</h2>')
    parts.append('<p class="legend">Legend: <span><mark class="span">finding</mark></span>'
                 '<span><mark class="span negated">negated</mark> <span class="tag negated">NEGATED</span></span>'
                 '<span><mark class="span uncertain">uncertain</mark> <span class="tag uncertain">UNCERTAIN</span></span>'
                 '<span><mark class="span historical">historical</mark> <span class="tag historical">HISTORICAL</span></span>'
                 '<span><mark class="span hypothetical">hypothetical</mark> <span class="tag hypothetical">HYPOTHETICAL</span></span>'
                 '</p>')
    if exp.archive_note:
        parts.append(f'<p class="warn">{e(exp.archive_note)}</p>')
    if not exp.reports:
        parts.append('<p class="none">no report contributed to the features</p>')
    for report in exp.reports:
        parts.append(f'<article class="report" id="report-{e(report.report_id)}" data-report-id="{e(report.report_id)}">'
                     f'<h3>{e(report.report_id)} · {e(report.report_type or "?")} · {e(_fmt(report.report_date))}</h3>')
        if report.text is not None:
            body, bad = _highlight(report)
            parts.append(f'<pre class="report-text">{body}</pre>')
            if bad:
                parts.append(f'<p class="warn">{len(bad)} span(s) whose offsets do not match the text are listed below only.</p>')
        elif report.text_note and not exp.archive_note:
            parts.append(f'<p class="warn">text not shown: {e(report.text_note)}</p>')
        parts.append(_mentions_table(report))
        parts.append("</article>")
    if exp.other_reports:
        parts.append("<h3>Other reports of the patient</h3><p class=\"meta\">Not used for the current features.</p><ul>")
        parts += [f"<li>{e(d['report_id'])} · {e(d.get('report_type'))} · {e(_fmt(d.get('report_date')))} · {e(d.get('status'))}</li>"
                  for d in exp.other_reports]
        parts.append("</ul>")
    parts.append("</section>")
    parts.append('<section id="features"><h2>Features</h2><p class="meta">From the patients table; '
                 'unknown means not stated in the reports, never assumed.</p><table>')
    for key, value in p.items():
        if key in ("patient_id",):
            continue
        cls = ' class="none"' if value is None else ""
        parts.append(f"<tr><th>{e(key)}</th><td{cls}>{e(_fmt(value))}</td></tr>")
    parts.append("</table>")
    derived = (exp.decision or {}).get("derived") or {}
    if derived:
        parts.append("<details><summary>Derived values (decision rules §2)</summary><table>")
        parts += [f"<tr><th>{e(k)}</th><td>{e(_fmt(v))}</td></tr>" for k, v in derived.items()]
        parts.append("</table></details>")
    parts.append("</section>")

    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(out_dir: str | Path, patient_id: str, html_path: str | Path, config_path: str | Path | None = None,
               archive: str | Path | None = None) -> Path:
    """Write the self-contained evidence page; returns its path."""
    from .io import write_bytes_atomic

    page = render_html(gather(out_dir, patient_id, config_path, archive))
    return write_bytes_atomic(page.encode("utf-8"), Path(html_path))
