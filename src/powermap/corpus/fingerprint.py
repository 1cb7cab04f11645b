"""Content fingerprints for near-duplicate documents: the same wire story stored from two files or outlets.

A fingerprint is a MinHash signature of the text's word shingles (three words each, case and punctuation
aside): for each of `PERMUTATIONS` hash functions, the smallest hash of any shingle. The share of equal
positions in two signatures estimates the Jaccard similarity of the two texts' shingle sets, whatever was
added around the story (a headline, a byline, a correction line). Two documents are near-duplicates when
that estimate reaches `SIMILAR`. Candidates are found by locality-sensitive hashing: the signature is cut
into `BANDS` bands of `ROWS` values, and texts that similar share a whole band with near certainty, so a
document is only compared with those sharing a band (an index lookup), never with every other.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE = 3  # words per shingle
PERMUTATIONS = 128
BANDS, ROWS = 16, 8  # BANDS * ROWS == PERMUTATIONS; pairs above about 0.7 similar share a band
SIMILAR = 0.8  # the estimated Jaccard similarity from which two documents are one story
_WORD = re.compile(r"\w+")
_SEEDS = np.random.default_rng(20240).integers(1, 2**63, size=(2, PERMUTATIONS), dtype=np.uint64)
_MULTIPLIERS, _OFFSETS = _SEEDS[0] | np.uint64(1), _SEEDS[1]  # multiply-shift hashing needs odd multipliers


def signature(text: str) -> bytes | None:
    """The MinHash signature of a text (`PERMUTATIONS` 32-bit values), or None for a text too short to
    compare (fewer than a dozen words)."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE * 4:
        return None
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    keys = np.frombuffer(b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest() for s in shingles),
                         dtype=np.uint32).astype(np.uint64)
    hashed = (keys[:, None] * _MULTIPLIERS[None, :] + _OFFSETS[None, :]) >> np.uint64(32)  # wraps mod 2**64
    return hashed.min(axis=0).astype(np.uint32).tobytes()


def bands(value: bytes) -> list[tuple[int, int]]:
    """(band number, band hash as a signed 64-bit integer) of a signature: the keys candidates share."""
    found = []
    for band in range(BANDS):
        digest = hashlib.blake2b(value[band * ROWS * 4:(band + 1) * ROWS * 4], digest_size=8).digest()
        found.append((band, int.from_bytes(digest, "big", signed=True)))
    return found


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of the two texts' shingles."""
    return float(np.mean(np.frombuffer(first, dtype=np.uint32) == np.frombuffer(second, dtype=np.uint32)))


def near(first: bytes, second: bytes) -> bool:
    return similarity(first, second) >= SIMILAR
