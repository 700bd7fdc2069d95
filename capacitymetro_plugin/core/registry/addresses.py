"""Italian postal addresses as written on web pages and in public lists, made comparable.

:func:`parse_address` splits free text ("VIA MAGLIAS N.124 (CIRCOSCRIZI - 9122 - CAGLIARI - CA",
"via Lunelli 4, Trento (seat from 14 June 2016)", "Via Lavisotto 125A") into street, house
number, postcode, comune and province; :func:`street_key` normalises a street name (Via/V.,
Viale/V.le, Piazza/P.za, San/S., accents, case, apostrophes) so that the page's spelling and
OpenStreetMap's compare; :func:`street_similarity` scores two names 0..1 (difflib, plus a token
rule for names OSM writes in full: "Via Madruzzo" = "Via Cardinale Cristoforo Madruzzo").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# Street types, in their normalised spelling; the first word of a street key when present.
STREET_TYPES = frozenset(
    {
        "via", "viale", "piazza", "piazzale", "piazzetta", "corso", "largo", "vicolo", "vicoletto",
        "strada", "stradone", "salita", "discesa", "contrada", "galleria", "passaggio", "rampa",
        "calle", "campo", "campiello", "fondamenta", "ruga", "salizada", "sottoportego",
        "lungomare", "lungadige", "lungarno", "lungotevere", "lungolago", "lungofiume",
        "traversa", "borgata", "localita", "frazione", "circonvallazione", "rotonda", "scalinata",
        "vico", "stradale", "rione", "vocabolo", "belvedere",
    }
)  # fmt: skip
# Words that carry no identity in a street name ("Via delle Laste" = "Via alle Laste").
_STOPWORDS = frozenset(
    "di del della dello delle dei degli dell d al alla alle allo ai agli all da dal dalla dai "
    "dagli e ed in a la il lo le i gli l".split()
)
# Abbreviations at the start of a street (applied to lower-case text without accents).
_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"^v\.?\s*le\b\.?", "viale "),
    (r"^v\.\s*", "via "),
    (r"^p\.?\s*z{1,2}a\b\.?|^pza\b\.?", "piazza "),
    (r"^p\.?\s*le\b\.?", "piazzale "),
    (r"^c\.?\s*so\b\.?", "corso "),
    (r"^l\.?\s*go\b\.?", "largo "),
    (r"^v\.?\s*lo\b\.?|^vic\.\s*", "vicolo "),
    (r"^str\.\s*", "strada "),
    (r"^loc\.\s*", "localita "),
    (r"^fraz\.\s*", "frazione "),
    (r"^c/\s*da\b\.?", "contrada "),
    (r"^lung\s*'?\s*", "lung"),  # Lung'Adige -> lungadige
)
_SAINT = re.compile(r"\b(?:santa|santo|santi|sant|san|ss)\b\.?\s*|\bs\.\s*")
_NO_NUMBER = re.compile(
    r"\b(?:snc|sn|s\.\s*n\.\s*c\.?|s\.\s*n\.?|senza\s+numero(?:\s+civico)?)(?=\W|$)"
)
_CARE_OF = re.compile(r"\s*\bc/o\b.*$", re.IGNORECASE)
# street types written glued to the name in the Ministry's list ("VIALAMARMORA", "VIAF. CAFISO")
_GLUED = re.compile(r"^(viale|via|largo|piazza|corso|vico)(?=[a-z]{3,}|[a-z]\.)")
_PARENS = re.compile(r"\([^)]*\)?")
# a house number at the end of the street part: "4", "N.124", "n° 12/A", "125A", "26/28", "12 bis"
_NUMBER = re.compile(
    r"(?:,|\s)\s*(?:(?:n|nr|num|civ|civico)\s*[.°º]*\s*)?(\d{1,5})\s*"
    r"(?:/\s*([a-z]|\d{1,4})|[\s-]?([a-z]|bis|ter|quater))?\s*\.?$"
)
_MARKED_NUMBER = re.compile(
    r"\s(?:n|nr|num|civ|civico)\s*[.°º]+\s*\d{1,5}(?:\s*/\s*[a-z0-9]+|[a-z]\b)?"
)
_POSTCODE = re.compile(r"\b(\d{4,5})\b")


def fold(text: str) -> str:
    """Return ``text`` in lower case without accents (``Nicolò`` -> ``nicolo``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


@dataclass(frozen=True)
class StreetName:
    """A street name split for matching: its type ("via") and identity tokens ("laste")."""

    key: str
    kind: str | None
    tokens: tuple[str, ...]


def street_key(name: str) -> str:
    """Return the normalised key of a street name (``"V.le Verona"`` -> ``"viale verona"``)."""
    return split_street(name).key


def split_street(name: str) -> StreetName:
    """Split a street name into type and identity tokens (see :func:`street_key`)."""
    text = fold(name or "")
    for pattern, repl in _PREFIXES:
        text, n = re.subn(pattern, repl, text)
        if n:
            break
    text = _SAINT.sub("s ", text)
    text = text.replace("'", " ").replace("\u2019", " ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    kind = words[0] if words and words[0] in STREET_TYPES else None
    rest = words[1:] if kind else words
    tokens = tuple(w for w in rest if w not in _STOPWORDS)
    key = " ".join(([kind] if kind else []) + list(tokens))
    return StreetName(key=key, kind=kind, tokens=tokens)


def _token_matches(a: str, b: str) -> bool:
    """True when token ``a`` of one name stands for token ``b`` of the other."""
    if a == b:
        return True
    if len(a) == 1:  # an initial: "G. Palatucci" for "Giovanni Palatucci"
        return b.startswith(a)
    if len(a) >= 5 and len(b) >= 5:  # a typo in a long word
        return SequenceMatcher(None, a, b).ratio() >= 0.85
    return False


def _subset_score(short: StreetName, long: StreetName) -> float:
    """Score when every token of ``short`` is in ``long`` (names OSM writes in full)."""
    if not short.tokens or len(short.tokens) > len(long.tokens):
        return 0.0
    free = list(long.tokens)
    for t in short.tokens:
        hit = next((u for u in free if _token_matches(t, u)), None)
        if hit is None:
            return 0.0
        free.remove(hit)
    if not any(len(t) > 1 for t in short.tokens):
        return 0.0  # initials alone identify nothing
    score = 0.95 - 0.03 * len(free)
    if short.kind and long.kind and short.kind != long.kind:
        score *= 0.85
    return max(score, 0.8 if not (short.kind and long.kind and short.kind != long.kind) else 0.0)


def street_similarity(a: StreetName, b: StreetName) -> float:
    """Return how alike two street names are, 0 (nothing in common) to 1 (the same key)."""
    if not a.key or not b.key:
        return 0.0
    if a.key == b.key:
        return 1.0
    # the spelling of the names alone (the shared "via " would lift every pair), squared: two
    # different short names sharing letters fall below the threshold (Iberia / Liberiana 0.80 ->
    # 0.64, found by the Rome consultori test), a typo stays above (Lavisoto / Lavisotto 0.94 ->
    # 0.89)
    seq = SequenceMatcher(None, " ".join(a.tokens), " ".join(b.tokens)).ratio() ** 2
    if a.kind and b.kind and a.kind != b.kind:
        seq *= 0.85  # "Via Veneto" is not "Viale Veneto"
    return max(seq, _subset_score(a, b), _subset_score(b, a))


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of one address; ``street`` is None when the text names no street."""

    raw: str
    street: str | None = None
    housenumber: str | None = None
    postcode: str | None = None
    comune: str | None = None
    province: str | None = None


def housenumber_key(number: str | None) -> str | None:
    """Return a house number as OSM keys it here: ``"12/A"`` -> ``"12a"``, ``"26/28"`` -> ``"26"``."""
    if not number:
        return None
    text = fold(str(number)).replace(" ", "")
    m = re.match(r"(\d+)(?:[/\-]?([a-z]+))?", text)
    if not m:
        return None
    suffix = m.group(2) or ""
    return m.group(1) + (suffix if len(suffix) == 1 or suffix in ("bis", "ter", "quater") else "")


def _split_list_tail(text: str) -> tuple[str, str | None, str | None, str | None]:
    """Split the "STREET - POSTCODE - COMUNE - PR" form of the Ministry of Health's list."""
    parts = [p.strip() for p in re.split(r"\s+-\s+", text)]
    if len(parts) >= 4 and re.fullmatch(r"[A-Z]{2}", parts[-1]) and parts[-3].isdigit():
        return " - ".join(parts[:-3]), parts[-3].zfill(5), parts[-2], parts[-1]
    return text, None, None, None


def _street_part(chunks: list[str]) -> tuple[int, str] | None:
    """Return (index, text) of the chunk that holds the street, from its street-type word on
    (and up to a "c/o ..." that follows it)."""
    found = _typed_part(chunks)
    if found is None:  # "VIALAMARMORA 42": a type glued to the name
        glued = [_GLUED.sub(r"\1 ", c) for c in chunks]
        found = _typed_part(glued) if glued != chunks else None
    if found is not None:
        i, part = found
        part = _CARE_OF.sub("", part)
        return (i, part) if part.strip() else None
    return None


def _typed_part(chunks: list[str]) -> tuple[int, str] | None:
    for i, chunk in enumerate(chunks):
        words = fold(chunk).split()
        for j, word in enumerate(words):
            name = split_street(" ".join(words[j:]))
            if name.kind and name.tokens or (word.startswith("lung") and len(word) > 5):
                return i, " ".join(chunk.split()[j:])
            if j == 0 and re.match(r"^(v|p|c|l|vle|pza|cso|lgo)\.", word):
                return i, chunk
    return None


def parse_address(text: str | None, *, comune: str | None = None) -> ParsedAddress:
    """Split a free-text Italian address into its parts.

    Parameters
    ----------
    text
        The address as written ("via Lunelli 4, Trento", "VIA RAFFAELLO N..5 LOC. PIRI PIRI -
        9032 - ASSEMINI - CA"); parentheses, "c/o ..." and "snc" are dropped.
    comune
        The comune when known from another field (it wins over one read from ``text``).
    """
    raw = (text or "").strip()
    body, postcode, list_comune, province = _split_list_tail(raw)
    body = _PARENS.sub(" ", body)
    body = _NO_NUMBER.sub(" ", body.replace("\u00a0", " ").lower()) if body else body
    body = re.sub(r"(?<=[a-z]{3})n\.(?=\s?\d)", " n.", body or "")  # "VIA CARDUCCIN.41"
    chunks = [c.strip() for c in re.split(r",|\s-\s|(?<=\d)-\s", body) if c.strip()]
    found = _street_part(chunks)
    street = number = None
    city = list_comune
    if found is not None:
        i, part = found
        chunks = [_CARE_OF.sub("", c) for c in chunks]  # "VIA LECCE, 246 c/o ospedale"
        part = re.sub(r"\s+", " ", part).strip(" .;:")
        marked = _MARKED_NUMBER.search(part)  # "VIA RAFFAELLO N..5 LOC. PIRI PIRI"
        if marked and marked.start() > 0:
            part = part[: marked.end()]
        m = _NUMBER.search(" " + part)
        if m and m.start() > 0:
            number = m.group(1) + (
                m.group(3) or (m.group(2) if m.group(2) and m.group(2).isalpha() else "") or ""
            )
            part = (" " + part)[: m.start()].strip()
        elif i + 1 < len(chunks):  # "VIA PADULA, 20" / "PIAZZA UMBERTO I, N.1"
            m = _NUMBER.search(" " + chunks[i + 1])
            if m and m.start() == 0:
                number = m.group(1) + (m.group(3) or "")
        part = re.sub(r"\s+(?:n|nr|civ)\s*[.°º]*$", "", part).strip(" .,")
        street = part or None
        if not postcode or not city:
            for rest in chunks[i + 1 :]:
                pc = _POSTCODE.search(rest)
                postcode = postcode or (pc.group(1).zfill(5) if pc else None)
                words = re.sub(r"\d+", " ", rest).strip(" .")
                if words and not city and not re.match(r"^(?:n|nr|num)\b", words):
                    city = words
    return ParsedAddress(
        raw=raw,
        street=street,
        housenumber=housenumber_key(number),
        postcode=postcode,
        comune=comune or city,
        province=province,
    )
