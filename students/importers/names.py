"""Do two spellings name the same child? Files write a name a dozen ways: "MUHAMMAD RIZKI",
"Moh. Rizki", "M Rizki Ramadhan", "Nurul Hidayah" / "Nur Hidayah", "Soekarno" / "Sukarno".
`name_tokens` folds the spellings schools use (case, punctuation, spaces, titles, doubled
letters, old spelling oe/dj/tj, the many ways of writing Muhammad); `names_agree` says
whether a file's name may be the stored student's. It errs on the side of "disagree": a
disagreement only asks the operator to look, an agreement lets the row change a child."""

from __future__ import annotations

import re
import unicodedata

# Words around a name that are no part of it.
TITLES = {"hj", "haji", "hajjah", "hajah", "dr", "drs", "dra", "ir", "sdr", "sdri", "ananda"}
# Old (pre-1972) Indonesian spelling and common transliterations, applied in this order.
SPELLING = [
    ("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh"),
    ("ph", "f"), ("dh", "d"), ("th", "t"), ("q", "k"), ("v", "f"), ("z", "s"),
]  # fmt: skip
# After the rules above, every spelling of one name in these groups reads as its first.
SAME_NAME = {
    "m": {"m", "mu", "mh", "mhd", "mhmd", "moh", "muh", "mohd", "mohamad", "muhamad",
          "mukhamad", "mokhamad", "muhamed", "mohamed", "mokh", "mukh"},
    "nur": {"nur", "nurul", "nor", "noer"},
    "ahmad": {"ahmad", "akhmad", "ahmat", "achmad", "ahmadi"},
    "abd": {"abd", "abdul", "abdu"},
    "siti": {"siti", "sity", "st"},
    "yusuf": {"yusuf", "yusup", "yusuff"},
}  # fmt: skip
_CANON = {spelling: canon for canon, group in SAME_NAME.items() for spelling in group}


def _fold(word: str) -> str:
    for old, new in SPELLING:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Muhammad, Sitti, Rizqi
    if len(word) > 2 and word.endswith("y"):  # Rizky / Rizki, Dedy / Dedi
        word = word[:-1] + "i"
    return _CANON.get(word, word)


def name_tokens(name: str) -> list[str]:
    """The words of a name, folded: "Moh. Rizky Ramadhan, S.Pd." -> ["m", "riski", "ramadan"]."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.split(",")[0]  # a degree after a comma: "Nama, S.Pd."
    words = [w for w in re.split(r"[^a-z0-9]+", text.replace("'", "")) if w]
    folded = [_fold(w) for w in words if w not in TITLES]
    return folded or [_fold(w) for w in words]


def normalized_name(name: str) -> str:
    return " ".join(name_tokens(name))


def _token_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial: "M" for Muhammad, "R" for Rizki
        return a[0] == b[0]
    return False


def _in_order(short: list[str], long: list[str]) -> bool:
    """Every word of `short` matches a word of `long`, in order; the last word of `short` may
    be cut short (a ledger column too narrow: "Adi Pratama Cont")."""
    j = 0
    for i, word in enumerate(short):
        while j < len(long) and not _token_match(word, long[j]):
            if i == len(short) - 1 and len(word) >= 3 and long[j].startswith(word):
                break
            j += 1
        if j == len(long):
            return False
        j += 1
    return True


def names_agree(file_name: str, stored_name: str) -> bool:
    """True when the two may be one child: the same words once folded, the same letters with
    spaces moved ("Nurhayati" / "Nur Hayati"), or one the other with words left out or
    written as initials ("M. Rizki" / "Muhammad Rizki Ramadhan"), the first name kept. An
    empty name agrees with anything (the file has no name to compare)."""
    a, b = name_tokens(file_name), name_tokens(stored_name)
    if not a or not b:
        return True
    if a == b or "".join(a) == "".join(b):
        return True
    # "Muhammad" is often dropped or added in front: compare what follows it as well
    a_rest = a[1:] if a[0] == "m" and len(a) > 1 else a
    b_rest = b[1:] if b[0] == "m" and len(b) > 1 else b
    for x, y in ((a, b), (b, a), (a_rest, b_rest), (b_rest, a_rest)):
        if len(x) > len(y) or not _token_match(x[0], y[0]) or not any(len(w) > 1 for w in x):
            continue
        if _in_order(x, y):
            return True
    return False
