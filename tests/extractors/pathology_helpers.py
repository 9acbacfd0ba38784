"""Helpers for the extractor tests: mentions of one label from the session `extract` fixture."""


def mentions(extraction, label):
    return [m for m in extraction.mentions if m["label"] == label]


def current(extraction, label):
    return [m for m in mentions(extraction, label) if not (m["is_negated"] or m["is_hypothetical"])]
