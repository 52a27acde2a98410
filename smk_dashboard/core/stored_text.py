"""Messages written down in Indonesian and read later in another language (issue 24).

An import's row errors and summary are produced by the worker, in Indonesian, and stored
on the batch as text ("Nilai “abc” bukan angka."); a reader who chose English reads them
days later. `stored_message` finds the catalogue entry a stored message was made from, by
turning each Indonesian msgid with placeholders into a pattern, and writes the reader's
translation with the same values. A message that matches no entry (a school's own text, a
value typed in a file) is returned as stored."""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language
from django.utils.translation.trans_real import translation

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-+ #0]*\d*(?:\.\d+)?[sdifr]|%%")


@cache
def _patterns(lang: str) -> tuple[dict[str, str], list[tuple[re.Pattern, str, list]]]:
    """(exact msgid → msgstr, [(pattern, msgstr, placeholder tokens)]) for `lang`, longest
    msgid first so the most specific message wins."""
    catalog = translation(lang)._catalog
    exact: dict[str, str] = {}
    patterned = []
    for msgid in catalog.keys():  # noqa: SIM118 (a TranslationCatalog, not a dict)
        if not isinstance(msgid, str) or not msgid or "\x04" in msgid:
            continue
        msgstr = catalog[msgid]
        if not isinstance(msgstr, str) or not msgstr:
            continue
        if "%" not in msgid:
            exact[msgid] = msgstr
            continue
        parts, tokens, last = [], [], 0
        for i, m in enumerate(_PLACEHOLDER.finditer(msgid)):
            parts.append(re.escape(msgid[last : m.start()]))
            if m.group(0) == "%%":
                parts.append("%")
            else:
                parts.append(f"(?P<g{i}>.+?)")
                tokens.append((f"g{i}", m.group(0)))
            last = m.end()
        parts.append(re.escape(msgid[last:]))
        if tokens:
            patterned.append(
                (len(msgid), re.compile("^" + "".join(parts) + "$", re.S), msgstr, tokens)
            )
    patterned.sort(key=lambda row: -row[0])
    return exact, [(p, s, t) for _n, p, s, t in patterned]


def _fill(msgstr: str, tokens: list, values: dict) -> str:
    """msgstr with each placeholder token replaced by the text captured for it (named
    tokens by name, positional ones in order)."""
    named = {tok: values[g] for g, tok in tokens if "(" in tok}
    positional = [values[g] for g, tok in tokens if "(" not in tok]
    out, i = [], 0
    last = 0
    for m in _PLACEHOLDER.finditer(msgstr):
        out.append(msgstr[last : m.start()])
        token = m.group(0)
        # bandit B105: "%%" is a literal percent sign in a message, not a password.
        if token == "%%":  # noqa: S105  # nosec B105
            out.append("%")
        elif "(" in token:
            name = m.group(1)
            out.append(next((v for t, v in named.items() if f"({name})" in t), token))
        else:
            out.append(positional[i] if i < len(positional) else token)
            i += 1
        last = m.end()
    out.append(msgstr[last:])
    return "".join(out)


def stored_message(text, lang: str | None = None, *, depth: int = 0) -> str:
    """`text` (written in Indonesian) in `lang` (the active language by default)."""
    text = "" if text is None else str(text)
    lang = (lang or get_language() or "id").split("-")[0]
    if not text or lang == "id" or depth > 2:
        return text
    exact, patterned = _patterns(lang)
    if text in exact:
        return exact[text]
    for pattern, msgstr, tokens in patterned:
        m = pattern.match(text)
        if m is None:
            continue
        values = m.groupdict()
        # a message inside a message ("Lembar X baris 3: <the row's own error>"): the last
        # value after ": " is itself a stored message
        if tokens and msgstr and values:
            g_last = tokens[-1][0]
            start = m.start(g_last)
            if text[max(0, start - 2) : start] == ": ":
                values[g_last] = stored_message(values[g_last], lang, depth=depth + 1)
        return _fill(msgstr, tokens, values)
    return text
