"""The regex component the imaging extractors share: rules match over the OCR-repaired text.

Rule prefilters (``"attrs": {"triggers": [...]}`` in the rule files) are applied by
``_base.RegexExtractor`` for every extractor.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ._base import RegexExtractor
from ._doc_index import doc_text


class ImagingExtractor(RegexExtractor):
    """Imaging rules read the OCR-repaired text (same length as ``doc.text``, so offsets hold)."""

    def text_of(self, doc: Doc) -> str:
        return doc_text(doc)
