"""``nelm explain``: text output, the self-contained HTML page, escaping and highlights (issue 8)."""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import HOSTILE, REPORTS, build_run
from pipeline.cli import main
from pipeline.errors import NelmError
from pipeline.explain import Explanation, ReportEvidence, explain_patient_text, gather, render_html, write_html

THERAPIES = ("resection", "ablation", "transarterial", "transplant", "prrt")
CT_TEXT = next(r["text"] for r in REPORTS if r["report_id"] == "P1-CT")


def _statuses(out: Path, patient_id: str) -> dict[str, str]:
    rows = pq.read_table(out / "eligibility.parquet").to_pylist()
    return {r["therapy"]: r["status"] for r in rows if r["patient_id"] == patient_id}


class _Page(HTMLParser):
    """Collects, per <pre class="report-text">, the text outside label badges, plus every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.reports: list[str] = []
        self._in_pre = False
        self._badge_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "pre" and "report-text" in (attrs.get("class") or ""):
            self._in_pre = True
            self.reports.append("")
        elif self._in_pre and tag == "span" and "tag" in (attrs.get("class") or "").split():
            self._badge_depth += 1

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre = False
        elif tag == "span" and self._badge_depth:
            self._badge_depth -= 1

    def handle_data(self, data):
        if self._in_pre and not self._badge_depth:
            self.reports[-1] += data


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


# ----------------------------------------------------------------------------- text

def test_text_output(decided_dir):
    text = explain_patient_text(decided_dir, "P1")
    statuses = _statuses(decided_dir, "P1")
    for therapy in THERAPIES:
        assert f"{therapy}: {statuses[therapy].upper()}" in text
    assert "R10f: unilobar disease" in text                       # reason with its rule id
    assert 'quote: "Accurate preoperative imaging' in text         # the rule's quote
    assert "needs review:" in text and "CR1 performance status" in text
    assert "never a treatment decision" in text
    assert "ki67_percent" in text and "unknown" in text            # features, unknown never assumed
    # evidence: report id, offsets, label, flags and the sentence text
    assert "P1-CT (CT, 2024-01-10): 8 mention(s)" in text
    assert '47-53 LIVER_LESION "lesion" [negated]' in text
    assert "sentence 44-71: No lesion in the left lobe." in text
    assert '[historical]' in text and '[uncertain]' in text


def test_text_without_archive_lists_offsets(tmp_path):
    out = tmp_path / "out"
    build_run(out, with_input=False, decided=True)
    text = explain_patient_text(out, "P1")
    assert "pass the archive (--archive INPUT)" in text
    assert "sentence 44-71" in text and "No lesion in the left lobe" not in text
    # an explicit archive brings the sentences back
    text = explain_patient_text(out, "P1", archive=tmp_path / "out-archive.jsonl")
    assert "sentence 44-71: No lesion in the left lobe." in text


def test_changed_archive_text_is_not_used(decided_dir):
    archive = decided_dir.parent / "out-archive.jsonl"
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    lines[0]["text"] = "EDITED " + lines[0]["text"]
    archive.write_text("".join(json.dumps(r) + "\n" for r in lines))
    exp = gather(decided_dir, "P1")
    ct = next(r for r in exp.reports if r.report_id == "P1-CT")
    assert ct.text is None and "changed in the archive since the run" in ct.text_note
    assert next(r for r in exp.reports if r.report_id == "P1-PATH").text is not None
    assert "text not shown: the report text changed" in explain_patient_text(decided_dir, "P1")


@pytest.mark.parametrize("patient,fragment", [
    ("p1", "[E002] patient 'p1' is not in"),
    ("nobody", "[E002] patient 'nobody' is not in"),
])
def test_unknown_patient(decided_dir, patient, fragment):
    with pytest.raises(NelmError) as info:
        explain_patient_text(decided_dir, patient)
    assert fragment in str(info.value)
    if patient == "p1":
        assert "did you mean P1?" in str(info.value)


def test_not_a_run_folder(tmp_path):
    with pytest.raises(NelmError, match=r"\[E001\] .*patients.parquet not found"):
        explain_patient_text(tmp_path, "P1")


def test_patient_without_evidence(decided_dir):
    text = explain_patient_text(decided_dir, "P3")
    assert "Evidence (0 report(s))" in text
    page = render_html(gather(decided_dir, "P3"))
    assert "no report contributed to the features" in page


# ----------------------------------------------------------------------------- HTML

def test_html_escapes_report_text(decided_dir, tmp_path):
    path = write_html(decided_dir, "P1", tmp_path / "p1.html")
    page = path.read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;double&quot; &amp; &#x27;single&#x27;" in page
    # the text a browser shows is exactly the report text (plus the label badges, skipped here)
    parsed = _parse(page)
    assert CT_TEXT in parsed.reports


def test_html_is_self_contained(decided_dir, tmp_path):
    page = write_html(decided_dir, "P1", tmp_path / "p1.html").read_text()
    parsed = _parse(page)
    tags = {t for t, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for _, attrs in parsed.tags:
        assert "src" not in attrs
        assert not (attrs.get("href") or "#").lstrip().startswith(("http", "//", "javascript")), attrs
        assert not any(k.startswith("on") for k in attrs), attrs
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_html_shows_statuses_reasons_missing_and_review(decided_dir, tmp_path):
    page = write_html(decided_dir, "P1", tmp_path / "p1.html").read_text()
    for therapy, status in _statuses(decided_dir, "P1").items():
        assert f'data-therapy="{therapy}" data-status="{status}"' in page
        assert f'id="therapy-{therapy}"' in page
    assert '<code class="rule">R10f</code> unilobar disease' in page
    assert "<blockquote>“Accurate preoperative imaging" in page
    assert "<h4>Missing</h4>" in page and "<h4>Needs review</h4>" in page
    assert '<code class="rule">CR1</code> performance status' in page


def test_html_highlights_every_span_with_flags(decided_dir, tmp_path):
    page = write_html(decided_dir, "P1", tmp_path / "p1.html").read_text()
    mentions = [m for m in pq.read_table(decided_dir / "mentions.parquet").to_pylist() if m["patient_id"] == "P1"]
    parsed = _parse(page)
    marks = [a for t, a in parsed.tags if t == "mark" and "data-mentions" in a]
    for label in {m["label"] for m in mentions}:
        assert any(label in a["data-label"].split() for a in marks), label
    badges = [a for t, a in parsed.tags if t == "span" and "tag" in (a.get("class") or "").split() and "data-mention" in a]
    assert len(badges) == len(mentions)                            # every span labelled
    assert "LIVER_LESION · NEGATED" in page and "LIVER_LOBE · NEGATED" in page
    assert "LIVER_LESION · HISTORICAL" in page and "EXTRAHEPATIC_SITE · UNCERTAIN" in page
    assert any("negated" in a["class"].split() for a in marks)
    assert any("uncertain" in a["class"].split() for a in marks)
    assert any("historical" in a["class"].split() for a in marks)
    assert 'class="legend"' in page


def test_html_without_text_still_marks_spans(tmp_path):
    out = tmp_path / "out"
    build_run(out, with_input=False, decided=True)
    page = write_html(out, "P1", tmp_path / "p1.html").read_text()
    assert 'class="report-text"' not in page
    assert "pass the archive (--archive INPUT)" in page
    assert '<mark class="span negated" data-label="LIVER_LESION">lesion</mark>' in page


def test_hostile_ids_and_values_are_escaped():
    bad = '"><script>alert(2)</script><b x=\''
    mention = {"report_id": bad, "patient_id": bad, "label": bad, "text": "ab", "start_char": 0, "end_char": 2,
               "section": bad, "sentence_start": 0, "sentence_end": 4, "is_negated": True, "is_uncertain": False,
               "is_historical": False, "is_hypothetical": False, "value_num": None, "value_unit": None,
               "value_norm": bad, "extractor": "x", "rule_id": bad}
    exp = Explanation(
        patient_id=bad, patient={"patient_id": bad, "as_of": dt.date(2024, 1, 1), "n_reports": 1, "who_grade": bad,
                                 "evidence": [bad]},
        stored={"resection": {"status": bad, "reasons": [f"R1: {bad}"], "missing": [bad], "needs_review": [bad],
                              "rules_version": bad}},
        decision={"therapies": {"resection": {"status": "eligible", "rules": [
            {"id": bad, "type": bad, "outcome": "fired", "effect": "x", "sentence": bad, "quote": [bad]}]}},
            "derived": {bad: bad}},
        decision_note=bad,
        reports=[ReportEvidence(bad, bad, None, "ok", [mention], text="ab <script>cd</script>")],
        other_reports=[{"report_id": bad, "report_type": bad, "report_date": None, "status": bad}],
        archive=None, archive_note=None)
    page = render_html(exp)
    assert "<script" not in page.lower()
    assert "<b x=" not in page
    parsed = _parse(page)
    assert {t for t, _ in parsed.tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "span", "p",
                                           "section", "h2", "table", "tr", "th", "td", "a", "article", "h3", "div", "h4",
                                           "ul", "li", "code", "blockquote", "details", "summary", "pre", "mark"}


def test_offsets_that_do_not_fit_are_not_highlighted(decided_dir):
    exp = gather(decided_dir, "P1")
    ct = next(r for r in exp.reports if r.report_id == "P1-CT")
    ct.mentions[0] = {**ct.mentions[0], "start_char": 0, "end_char": 5}   # text no longer matches "23 mm"
    page = render_html(exp)
    assert "1 span(s) whose offsets do not match the text are listed below only." in page
    assert CT_TEXT in _parse(page).reports


def test_cli_explain(decided_dir, tmp_path, capsys):
    target = tmp_path / "page.html"
    assert main(["explain", "P1", "--out", str(decided_dir), "--html", str(target)]) == 0
    out = capsys.readouterr().out
    assert "resection: ELIGIBLE" in out and f"HTML written to {target}" in out
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert main(["explain", "NOPE", "--out", str(decided_dir)]) == 1
    assert "[E002] patient 'NOPE'" in capsys.readouterr().err


def test_evidence_is_ordered_by_date(decided_dir):
    exp = gather(decided_dir, "P1")
    assert [r.report_id for r in exp.reports] == ["P1-PATH", "P1-CT"]
    assert re.search(r"P1-PATH .*\n(?:.*\n)*.*P1-CT", explain_patient_text(decided_dir, "P1"))
