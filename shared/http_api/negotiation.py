"""Which of the media types an answer can take the request's `Accept` header prefers.

RFC 9110 §12.5.1: the most specific matching range (type/subtype, type/*, */*) gives a
type its weight `q`; the highest weight wins, a tie goes to the first type offered. No
`Accept`, or none of the types acceptable: the first type offered (no 406 for a report).
"""

from collections.abc import Sequence


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if "/" not in media:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        ranges.append((media.lower(), weight))
    return ranges


def _weight(media_type: str, ranges: list[tuple[str, float]]) -> float:
    kind = media_type.split("/", 1)[0]
    for candidate in (media_type, f"{kind}/*", "*/*"):
        weights = [weight for media, weight in ranges if media == candidate]
        if weights:
            return max(weights)
    return 0.0


def preferred_type(accept: str | None, offered: Sequence[str]) -> str:
    """The type of `offered` the `Accept` header weighs highest; `offered[0]` by default."""
    ranges = _ranges(accept or "")
    if not ranges:
        return offered[0]
    weights = [_weight(media_type, ranges) for media_type in offered]
    best = max(weights)
    return offered[weights.index(best)] if best > 0 else offered[0]
