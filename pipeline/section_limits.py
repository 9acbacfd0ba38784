"""End "one-line" sections where their text ends, not at the next recognised header.

medspaCy's sectionizer runs a section until the next header it knows. Reports often write
``Comparison: CT 18/09/2023.`` or ``Indication: restaging.`` on one line and continue with
findings under a heading we cannot list in advance ("Hepatic lesions (long axis):"), so the whole
body would inherit the history/comparison section and every finding would look historical.
This component cuts such sections at a blank line, or at the end of a line when the next line
starts a new labelled line ("Liver: ...", "site: liver") or a new sentence, and gives the rest no
section. An intraoperative (frozen-section) block ends at its first blank line: its items are
labelled lines themselves ("FS-A: ...", "FS-C: ...").

Before that it drops header matches that are not headers: a lower-case header word in the middle
of a sentence ("... with a history: ...") is text. Header phrases match in any case (medspaCy's
phrase matcher reads lower case), so "hx:", "micro:", "dx:" start sections at the start of a line
or after a sentence's end; in mid-sentence only a capitalised header ("History:", "HISTORY:") does.

It also holds ``nelm_sectionizer``, medspaCy's sectionizer with cheaper header matching and a
cheaper way of writing ``token._.section`` (see :class:`FastSectionizer`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import _medspacy  # noqa: F401  (before any medspacy name: NLTK deferred)
from medspacy.common.util import prune_overlapping_matches
from medspacy.section_detection import Section, Sectionizer
from spacy.language import Language
from spacy.tokens import Doc, Token

from extractors._base import doc_text

#: sections that describe the request or the past and are usually short
LIMITED = frozenset({"history", "comparison", "technique", "exam"})
#: sections that end at their first blank line (or the next header), whatever their lines look like
BLANK_LINE_LIMITED = frozenset({"intraoperative"})
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_LINE_BREAK = re.compile(r"\n")
#: a new block: a labelled line ("Liver: ...", or a short lower-case label as in "site: liver"), a
#: capitalised word, a numbered item or a bullet
_NEW_BLOCK = re.compile(r"[ \t]*(?:[A-Z][A-Za-z0-9 /&().,'\-]{0,40}:|[a-z][a-z0-9/&()\-]{0,19}(?: [a-z][a-z0-9/&()\-]{0,19}){0,2}:(?:[ \t]|$)"
                        r"|[A-Z]{3,}\b|\d{1,2}[.)]\s|[-*\u2022]\s)")
#: what may stand before a lower-case header on its line: from the line start, a bullet or item mark and at
#: most two words of the header ("  - micro:", "A) dx:", "Revised diagnosis:", "Abdomen/pelvis:"); or the
#: same after a sentence end ("... raised. micro: ...", "pain.,history:")
_HEADER_WORDS = r"[ \t]*(?:[A-Za-z][A-Za-z'\-]*(?:[ \t]+|/)){0,2}$"
_HEADER_LINE_START = re.compile(r"^[ \t]*(?:(?:[-*\u2022\u00b7>]|\d{1,2}[.)]|[A-Za-z][.)])[ \t]*)?" + _HEADER_WORDS)
_HEADER_AFTER_SENTENCE = re.compile(r"(?:[.;:!?]|\.,)" + _HEADER_WORDS)


def section_end_char(text: str, body_start: int, body_end: int, blank_line_only: bool = False) -> int:
    """Where a limited section's text really ends (character offset, ≤ body_end); with
    ``blank_line_only``, at its first blank line."""
    blank = _BLANK_LINE.search(text, body_start, body_end)
    limit = blank.start() if blank else body_end
    if blank_line_only:
        return limit
    header_line_has_text = bool(text[body_start:text.find("\n", body_start) if "\n" in text[body_start:limit] else limit].strip(" \t:,"))
    for m in _LINE_BREAK.finditer(text, body_start, limit):
        before = text[body_start:m.start()].rstrip()
        if not before.strip(" \t:,"):
            continue  # header alone on its line: the body starts on the next line
        after = text[m.end():limit]
        if _NEW_BLOCK.match(after) or (header_line_has_text and before.endswith(".") and after[:1].isupper()):
            return m.start()
    return limit


#: headers whose text is one sentence, the reason for the study ("Indication: rising CgA after resection."): in a report
#: written as one paragraph (its next header on the same line), the next sentence is the study's own findings
_ONE_SENTENCE_HEADER = re.compile(r"(?i)(?:indications?|reason\s+for\s+(?:exam(?:ination)?|study|referral)|"
                                  r"clinical\s+(?:indication|question)|question)\s*:")


def _second_sentence_start(doc: Doc, text: str, section: Section, end: int) -> int:
    """Where the section body's second sentence starts on its first line (nelm_sentences' boundaries), ``end`` when
    the line holds one sentence before ``end``."""
    body_start = doc[section.body_start].idx
    line_end = text.find("\n", body_start, end)
    limit = end if line_end < 0 else line_end
    for token in doc[section.body_start + 1:section.body_end]:
        if token.idx >= limit:
            break
        if token.is_sent_start:
            return token.idx
    return end


def _line_prefix(text: str, start: int) -> str:
    """What stands on the line before character ``start``."""
    return text[text.rfind("\n", 0, start) + 1:start]


def is_inline_header(text: str, start: int, end: int) -> bool:
    """True when the header text[start:end] is a word in running text, not a header: its first letter
    is lower case and it stands in mid-sentence, after more than two words or a comma ("Correlation
    with the history: advised", "NET, see micro: below")."""
    first = next((c for c in text[start:end] if c.isalpha()), "")
    if not first or first.isupper():
        return False
    before = _line_prefix(text, start)
    return not (_HEADER_LINE_START.match(before) or _HEADER_AFTER_SENTENCE.search(before))


#: what may stand before a header without a colon on its line: nothing but a bullet, an item mark or a rule ("=== FINAL
#: READ ===")
_COLONLESS_LINE_START = re.compile(r"^[ \t]*(?:(?:[-*\u2022\u00b7>]|=+|#+|\d{1,2}[.)])[ \t]*)?$")
#: a word after a header word without a colon that makes it the subject of a sentence ("Findings are
#: consistent with ...", "Comparison is made with ...", "Impression of a mass"), not a header
_COLONLESS_NOT_HEADER = re.compile(
    r"[ \t]*(?:is|are|was|were|has|have|had|will|would|may|might|can|cannot|could|should|shows?|showed|suggests?|"
    r"suggested|demonstrates?|reveals?|confirms?|indicates?|consistent|and|or|to|as|by|at|in|on|for|from|with|"
    r"of|made|performed|obtained|available|noted)\b", re.I)


#: the rest of a header's line when the header stands alone on it
_REST_OF_LINE_EMPTY = re.compile(r"[ \t\r]*(?:\n|$)")
_NEXT_WORD = re.compile(r"[ \t]+(\S+)")
#: a bracketed aside after a header word, then its colon or dash ("Final read (consultant, next morning) - ...")
_ASIDE_THEN_COLON = re.compile(r"[ \t]*\([^()\n]{0,40}\)[ \t]*(?:[:\u2013]|-[ \t])")


def is_colonless_header(doc: Doc, text: str, section: Section, start: int, end: int) -> bool:
    """Whether a header word written without a colon (rules with ``metadata {"colonless": true}``) is
    one. It must start its line and a sentence (so a hard-wrapped line that goes on with "history of
    ..." is text). Alone on its line ("Clinical History", "FINDINGS", "diagnosis") it is a header.
    Followed by text on its line, it is one only as dictation writes it: in lower case ("clinical notes
    known ileal NET", "findings there are ...") or in capitals before a word that is not ("FINDINGS
    There are ..."; "Diagnosis Discrepancy" and "DIAGNOSIS DISCREPANCY" are a form's field names), and
    when the word after it does not make it a sentence's subject ("findings are consistent with").
    ``start`` and ``end``: the header's characters."""
    prefix = _line_prefix(text, start)
    if not _COLONLESS_LINE_START.match(prefix):
        return is_dictated_header(text, start, end)
    if section.title_start > 0 and not doc[section.title_start].is_sent_start and not prefix.strip():
        return False  # (a bullet or rule before it starts the sentence itself)
    if _REST_OF_LINE_EMPTY.match(text, end) or _ASIDE_THEN_COLON.match(text, end):
        return True  # alone on its line, or "Preliminary read (resident, 18:05):"
    title = text[start:end]
    if title.isupper():
        following = _NEXT_WORD.match(text, end)
        if following is None or following.group(1).isupper():
            return False
    elif not title.islower():
        return False
    return not _COLONLESS_NOT_HEADER.match(text, end)


#: a line of dictation transcribed without punctuation: this many words and not one full stop or colon
_DICTATED_LINE_WORDS = 12
_SENTENCE_MARK = re.compile(r"[.:;](?:\s|$)")
#: words before a header word that make it part of a phrase ("the findings", "no comparison", "family history")
_PHRASE_BEFORE = re.compile(r"(?:\b(?:the|a|an|no|any|of|with|and|or|for|family|past|medical|surgical|prior|"
                            r"previous|recent|this|these|clinical|further|see)|[,(/-])\s*$", re.I)


def is_dictated_header(text: str, start: int, end: int) -> bool:
    """A header word in mid-line of dictation transcribed without punctuation ("comparison ct from july 2025 history
    metastatic NET findings the liver is enlarged ..."): in lower case, on a line of at least
    :data:`_DICTATED_LINE_WORDS` words with no full stop or colon, not inside a phrase ("family history", "the
    findings") and not a sentence's subject ("findings are")."""
    title = text[start:end]
    if not title.islower():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    if _SENTENCE_MARK.search(line) or len(line.split()) < _DICTATED_LINE_WORDS:
        return False
    if _PHRASE_BEFORE.search(text, max(line_start, start - 20), start):
        return False
    return _REST_OF_LINE_EMPTY.match(text, end) is None and not _COLONLESS_NOT_HEADER.match(text, end)


def _dictated_mid_line(doc: Doc, text: str, section: Section) -> bool:
    """A colonless header kept in mid-line (:func:`is_dictated_header`) that no sentence starts at."""
    if section.rule is None or not (section.rule.metadata or {}).get("colonless") or section.title_start == 0 \
            or doc[section.title_start].is_sent_start:
        return False
    start = doc[section.title_start].idx
    return not _COLONLESS_LINE_START.match(_line_prefix(text, start))


def _header_is_text(doc: Doc, text: str, section: Section) -> bool:
    if section.rule is None or section.title_end <= section.title_start:
        return False
    start = doc[section.title_start].idx
    end = doc[section.title_end - 1].idx + len(doc[section.title_end - 1])
    if (section.rule.metadata or {}).get("colonless"):
        return not is_colonless_header(doc, text, section, start, end)
    return is_inline_header(text, start, end)


def drop_inline_headers(doc: Doc, text: str, sections: list[Section]) -> list[Section]:
    """``sections`` without those whose header is running text (:func:`is_inline_header`,
    :func:`is_colonless_header`): the previous section runs on over its text, or, for the first
    one, a section without a category (token sections rewritten)."""
    out: list[Section] = []
    changed: list[Section] = []
    for section in sections:
        if _header_is_text(doc, text, section):
            if not out:
                out.append(Section(None, section.title_start, section.title_start, section.title_start, section.body_end))
                changed.append(out[-1])
                continue
            out[-1].body_end = section.body_end
            if not changed or changed[-1] is not out[-1]:
                changed.append(out[-1])
            continue
        out.append(section)
    if changed:
        set_token_sections(doc, changed)
    return out


@Language.component("nelm_section_limits")
def limit_sections(doc: Doc) -> Doc:
    if not Doc.has_extension("sections") or not doc._.sections:
        return doc
    text = doc_text(doc)
    out = []
    for section in drop_inline_headers(doc, text, doc._.sections):
        out.append(section)
        if _dictated_mid_line(doc, text, section):
            doc[section.title_start].is_sent_start = True  # its section's text starts a sentence of its own
        blank_line_only = section.category in BLANK_LINE_LIMITED
        if (section.category not in LIMITED and not blank_line_only) or section.body_end <= section.body_start:
            continue
        body_start_char = doc[section.body_start].idx if section.body_start < len(doc) else len(text)
        body_end_char = doc[section.body_end - 1].idx + len(doc[section.body_end - 1]) if section.body_end > 0 else 0
        end_char = section_end_char(text, body_start_char, body_end_char, blank_line_only)
        header_char = doc[section.title_start].idx
        if _ONE_SENTENCE_HEADER.match(text, header_char) and section.body_end < len(doc) \
                and "\n" not in text[header_char:doc[section.body_end].idx]:
            # a report written as one paragraph (the next header on the same line): the indication is one sentence
            end_char = min(end_char, _second_sentence_start(doc, text, section, end_char))
        if end_char >= body_end_char:
            continue
        span = doc.char_span(end_char, body_end_char, alignment_mode="expand")
        if span is None or span.start <= section.body_start:
            continue
        rest = Section(None, span.start, span.start, span.start, section.body_end)
        section.body_end = span.start
        set_token_sections(doc, [rest])
        out.append(rest)
    doc._.sections = out
    return doc


def set_token_sections(doc: Doc, sections: list[Section]) -> None:
    """``token._.section = section`` for every token of each section's span, in order.

    The values go straight into ``doc.user_data`` under the key spaCy's ``Underscore`` uses for a
    token extension, ``("._.", name, token.idx, None)``: the same entries as the attribute
    assignment, without building a Token and an Underscore object per token.
    """
    idx = doc.to_array("IDX").tolist()
    user_data = doc.user_data
    for section in sections:
        start, end = section.section_span
        user_data.update(dict.fromkeys([("._.", "section", i, None) for i in idx[start:end]], section))


@dataclass(frozen=True)
class _Step:
    """One token of a token pattern: its exact text, or (``is_space``, ``regex`` searched in its text)."""

    text: str | None = None
    is_space: bool | None = None
    regex: re.Pattern[str] | None = None

    def matches(self, token: Token) -> bool:
        return ((self.text is None or token.text == self.text)
                and (self.is_space is None or token.is_space == self.is_space)
                and (self.regex is None or self.regex.search(token.text) is not None))


def _step(spec: object) -> _Step | None:
    """A :class:`_Step` for a Matcher token spec of the forms {"TEXT": str} and {"IS_SPACE": bool,
    "TEXT": {"REGEX": str}} (either key optional); None for anything else (OP, other attributes)."""
    if not isinstance(spec, dict) or not spec or set(spec) - {"TEXT", "IS_SPACE"}:
        return None
    is_space = spec.get("IS_SPACE")
    if is_space is not None and not isinstance(is_space, bool):
        return None
    text = spec.get("TEXT")
    if isinstance(text, str):
        return _Step(text=text, is_space=is_space)
    if isinstance(text, dict) and list(text) == ["REGEX"] and isinstance(text["REGEX"], str):
        return _Step(is_space=is_space, regex=re.compile(text["REGEX"]))
    if text is None:
        return _Step(is_space=is_space)
    return None


class FastSectionizer(Sectionizer):
    """medspaCy's ``Sectionizer`` for the options nelm uses, with token sections written in bulk.

    medspaCy spends half of its time assigning ``token._.section`` token by token. For rules with no
    parents and no ``max_scope``, and a sectionizer with no section length limit, line filters,
    sentence boundaries or span attributes (nelm's configuration), :meth:`__call__` builds the
    same ``doc._.sections`` and token values as medspaCy (sections run from one header to the next,
    the last one to the end of the doc) and writes the token values with
    :func:`set_token_sections`. Any other configuration runs medspaCy's own code. Header line
    patterns ("FINDINGS" + line break) are matched where their first word occurs in the text
    (:meth:`_token_matches`) instead of by spaCy's Matcher at every token.
    """

    def _simple(self, matches: list) -> bool:
        return not (self.max_section_length is not None or self.require_start_line or self.require_end_line
                    or self._parent_sections or self._apply_sentence_boundary or self.assertion_attributes_mapping
                    or any(self._rule(match_id).max_scope is not None for match_id, _, _ in matches))

    def _rule(self, match_id: int):
        return self._Sectionizer__matcher.rule_map[self.nlp.vocab.strings[match_id]]

    def _token_patterns(self) -> dict[str, list[tuple[int, int, tuple[_Step, ...]]]] | None:
        """The token Matcher's patterns by first word: word -> [(pattern number, match id, steps)], numbered
        in the order they were added; None when a pattern is not a plain sequence this class can match
        (then spaCy's Matcher runs).

        A step tests one token: its exact text, or whitespace-ness plus a regex searched in its text
        ({"TEXT": "FINDINGS"}, {"IS_SPACE": true, "TEXT": {"REGEX": "\\n"}}); the first step must be an
        exact text. Recomputed when rules are added.
        """
        rule_map = self._Sectionizer__matcher.rule_map
        cached = getattr(self, "_token_patterns_cache", None)
        if cached is None or cached[0] != len(rule_map):
            by_word: dict | None = {}
            number = 0
            for rule_id, rule in rule_map.items():
                if isinstance(rule.pattern, list):
                    steps = [_step(spec) for spec in rule.pattern]
                    if not steps or any(step is None for step in steps) or steps[0].text is None or rule.on_match:
                        by_word = None
                        break
                    by_word.setdefault(steps[0].text, []).append((number, self.nlp.vocab.strings[rule_id], tuple(steps)))
                    number += 1
            cached = (len(rule_map), by_word)
            self._token_patterns_cache = cached
        return cached[1]

    def _token_matches(self, doc: Doc) -> list:
        """What medspaCy's token Matcher returns, read off the text where each pattern's first word occurs.

        spaCy's Matcher tries every pattern at every token (a Token object each); header words occur a
        few times per report. The order is the Matcher's for fixed-length patterns: by end token, then
        start token, then pattern (checked against spaCy's Matcher in tests/pipeline/test_fast_paths_2.py).
        """
        by_word = self._token_patterns()
        if by_word is None:
            return self._Sectionizer__matcher._MedspacyMatcher__matcher(doc)
        text = doc_text(doc)
        token_at: dict[int, int] | None = None
        found = []
        for word, patterns in by_word.items():
            at = text.find(word)
            while at >= 0:
                if token_at is None:
                    token_at = {idx: i for i, idx in enumerate(doc.to_array("IDX").tolist())}
                i = token_at.get(at)
                if i is not None:
                    for number, match_id, steps in patterns:
                        if i + len(steps) <= len(doc) and all(step.matches(doc[i + k]) for k, step in enumerate(steps)):
                            found.append((i + len(steps), i, number, match_id))
                at = text.find(word, at + 1)
        found.sort()
        return [(match_id, start, end) for end, start, _, match_id in found]

    def _matches(self, doc: Doc) -> list:
        """medspaCy's matches (its private ``MedspacyMatcher``: token patterns, phrases, regexes, then
        pruning), with the token patterns matched by :meth:`_token_matches`."""
        matcher = self._Sectionizer__matcher
        matches = self._token_matches(doc)
        matches += matcher._MedspacyMatcher__phrase_matcher(doc) + matcher._MedspacyMatcher__regex_matcher(doc)
        return prune_overlapping_matches(matches) if matcher._prune else matches

    def __call__(self, doc: Doc) -> Doc:
        matches = self._matches(doc)
        if not self._simple(matches):
            return super().__call__(doc)
        if not matches:
            doc._.sections = [Section(None, 0, 0, 0, len(doc))]
            return doc
        sections = []
        if matches[0][1] != 0:
            sections.append(Section(None, 0, 0, 0, matches[0][1]))
        for i, (match_id, start, end) in enumerate(matches):
            body_end = matches[i + 1][1] if i + 1 < len(matches) else len(doc)
            rule = self._rule(match_id)
            sections.append(Section(rule.category, start, end, end, body_end, None, rule))
        doc._.sections = sections
        set_token_sections(doc, sections)
        return doc


@Language.factory("nelm_sectionizer", default_config={"rules": None, "span_attrs": None})
def make_sectionizer(nlp, name, rules, span_attrs):  # untyped: spaCy resolves factory signatures at runtime
    return FastSectionizer(nlp, name=name, rules=rules, span_attrs=span_attrs)
