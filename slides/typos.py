"""Correcting typos in a search against the words the documents actually contain: pure.

Similarity is pg_trgm's: the share of trigrams (of the word padded with two spaces in front and
one behind) two words have in common. A query word that is not in the vocabulary is replaced by
the most similar word that is, when the two are close enough; "brest" becomes "breast".
"""

from __future__ import annotations

import re

MIN_SIMILARITY = 0.4
MIN_LENGTH = 4
# A word of n letters has n + 1 trigrams; two words whose lengths differ by more than this share
# too few to reach MIN_SIMILARITY for the lengths of medical words.
MAX_LENGTH_GAP = 3  # shorter words ("ki", "er") are abbreviations more often than typos
WORD = re.compile(r"[a-z0-9]+")


def trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def closest(word: str, vocabulary: frozenset[str]) -> str | None:
    """The vocabulary's word most similar to `word`, if similar enough; ties go to the
    alphabetically first, so the answer never depends on the set's order. Words whose length
    differs by more than MAX_LENGTH_GAP cannot reach MIN_SIMILARITY and are not compared."""
    mine = trigrams(word)
    best, best_score = None, MIN_SIMILARITY
    for candidate in vocabulary:
        if abs(len(candidate) - len(word)) > MAX_LENGTH_GAP or candidate.isdigit():
            continue
        theirs = trigrams(candidate)
        score = len(mine & theirs) / len(mine | theirs)
        if score > best_score or (score == best_score and best is not None and candidate < best):
            best, best_score = candidate, score
    return best


def corrected(text: str, vocabulary: frozenset[str]) -> str:
    """`text` with each unknown word of MIN_LENGTH letters or more replaced by its closest
    known word (other words as typed)."""
    out = []
    for token in text.split():
        lowered = token.lower()
        if WORD.fullmatch(lowered) and len(lowered) >= MIN_LENGTH and lowered not in vocabulary:
            out.append(closest(lowered, vocabulary) or token)
        else:
            out.append(token)
    return " ".join(out)
