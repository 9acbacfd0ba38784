"""Three-valued logic over predicates (True, False, None = unknown), shared by the decision rules
and the cohort filter."""
from __future__ import annotations

from typing import Any, Callable, Sequence

TriPredicate = Callable[[Any], "bool | None"]


def first_decisive(parts: Sequence[TriPredicate], decisive: bool) -> TriPredicate:
    """``all`` (``decisive`` False) or ``any`` (True) of the parts in three-valued logic: the
    decisive value as soon as one part gives it, else unknown if any part is unknown."""
    parts = tuple(parts)

    def combined(item: Any) -> bool | None:
        unknown = False
        for part in parts:
            outcome = part(item)
            if outcome is decisive:
                return decisive
            if outcome is None:
                unknown = True
        return None if unknown else not decisive

    return combined
