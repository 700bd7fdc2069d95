"""The tag table: which OpenStreetMap objects are candidate services, and for which sectors.

Every rule names the tags it needs (all of them, ``None`` = any value), optionally a pattern the
object's name must match (or must not match), the sectors it gives, and an Italian and English
label. An object is a candidate when at least one service rule matches and no exclusion rule
does; its sectors are the union of the matching rules' sectors. Exclusions always win: a church
that is also a tourist attraction, or a "Questura" bus stop, is never a service.

Names are compared after :func:`~capacitymetro_plugin.core.areas.normalize_name` (lower case, no
accents, apostrophes and hyphens as spaces), so patterns are written in that form
(``centro per l impiego``). ``docs/osm_registry.md`` lists this table in Italian and English; a
test keeps the two the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from capacitymetro_plugin.core.areas import normalize_name

#: Tags whose text is matched by the name patterns.
NAME_TAGS: tuple[str, ...] = (
    "name",
    "official_name",
    "alt_name",
    "short_name",
    "name:it",
    "operator",
)


@dataclass(frozen=True)
class TagRule:
    """One row of the tag table.

    Attributes
    ----------
    tags
        ``(key, values)`` pairs that must all match; ``values`` None means any value.
    sectors
        Sector codes given (empty for an exclusion).
    en, it
        What the rule is about, in English and Italian (reports and docs).
    name
        A regular expression (on the normalised names) that must match, if given.
    not_name
        A regular expression that must not match, if given.
    exclude
        An exclusion: the object is never a candidate.
    always_report
        For an exclusion: count the objects it matches in the report even when no service rule
        matched them (places of worship, police stations), so users see what was left out.
    """

    tags: tuple[tuple[str, tuple[str, ...] | None], ...]
    sectors: tuple[str, ...]
    en: str
    it: str
    name: str | None = None
    not_name: str | None = None
    exclude: bool = False
    always_report: bool = False

    def matches(self, tags: Mapping[str, str], names: str) -> bool:
        """Return True when ``tags`` (and the normalised ``names`` text) fit this rule."""
        for key, values in self.tags:
            value = tags.get(key)
            if value is None or (values is not None and value not in values):
                return False
        if self.name is not None and not re.search(self.name, names):
            return False
        return not (self.not_name is not None and re.search(self.not_name, names))

    def tag_text(self) -> str:
        """Return the tags as OSM writes them, e.g. ``amenity=police`` or ``tourism=*``."""
        return (
            " + ".join(f"{k}={'|'.join(v) if v is not None else '*'}" for k, v in self.tags)
            or "(any tags)"
        )


_QUESTURA = r"\bquestura\b|\bimmigrazion|\bufficio stranieri\b"
_CPIA = r"\bcpia\b|\bcentro eda\b|istruzione (degli )?adulti"
_MIGRANT = r"immigra|stranier|migrant|rifugiat|profug|richiedent[ie] asilo|\bcinformi\b"

#: Exclusions, checked first: a match means "not a service", whatever else matches.
EXCLUSIONS: tuple[TagRule, ...] = (
    TagRule(
        (("amenity", ("place_of_worship",)),),
        (),
        "Places of worship are not services",
        "I luoghi di culto non sono servizi",
        exclude=True,
        always_report=True,
    ),
    TagRule(
        (("amenity", ("monastery",)),),
        (),
        "Monasteries are not services",
        "I monasteri non sono servizi",
        exclude=True,
        always_report=True,
    ),
    TagRule(
        (("tourism", None),),
        (),
        "Tourism (attractions, museums, hotels) is not a service",
        "Il turismo (attrazioni, musei, alberghi) non è un servizio",
        exclude=True,
    ),
    TagRule(
        (("highway", None),),
        (),
        "Streets and stops (e.g. a bus stop named Questura) are not services",
        "Strade e fermate (es. una fermata chiamata Questura) non sono servizi",
        exclude=True,
    ),
    TagRule(
        (("public_transport", None),),
        (),
        "Public transport stops and stations are not services",
        "Fermate e stazioni del trasporto pubblico non sono servizi",
        exclude=True,
    ),
    TagRule(
        (("abandoned", ("yes",)),),
        (),
        "Abandoned places",
        "Luoghi abbandonati",
        exclude=True,
    ),
    TagRule(
        (("disused", ("yes",)),),
        (),
        "Disused places",
        "Luoghi dismessi",
        exclude=True,
    ),
    TagRule(
        (("social_facility", ("nursing_home", "assisted_living")),),
        (),
        "Care homes for the elderly are not migrant services",
        "Le residenze per anziani non sono servizi per migranti",
        exclude=True,
        always_report=True,
    ),
    TagRule(
        (("social_facility:for", ("senior",)),),
        (),
        "Social facilities for the elderly are not migrant services",
        "Le strutture sociali per anziani non sono servizi per migranti",
        exclude=True,
        always_report=True,
    ),
    TagRule(
        (("amenity", ("post_office",)), ("shop", None)),
        (),
        "Parcel shops are not post offices (no residence-permit kits)",
        "I negozi di spedizioni non sono uffici postali (niente kit per il permesso)",
        exclude=True,
    ),
    TagRule(
        (("amenity", ("police",)),),
        (),
        "Police stations other than the Questura (immigration office)",
        "Stazioni di polizia diverse dalla Questura (ufficio immigrazione)",
        not_name=_QUESTURA,
        exclude=True,
        always_report=True,
    ),
)

#: Service rules: each match adds its sectors.
SERVICE_RULES: tuple[TagRule, ...] = (
    TagRule(
        (("amenity", ("social_facility",)),),
        ("reception",),
        "Social facility (shelter, food bank, outreach...)",
        "Struttura sociale (dormitorio, banco alimentare, unità di strada...)",
    ),
    TagRule(
        (("social_facility", ("shelter", "group_home")),),
        ("housing",),
        "Shelter or group home",
        "Dormitorio o comunità alloggio",
    ),
    TagRule(
        (("social_facility:for", ("migrant", "refugee", "immigrant", "asylum_seeker")),),
        ("information",),
        "Social facility for migrants or refugees",
        "Struttura sociale per migranti o rifugiati",
    ),
    TagRule(
        (("social_facility:for", ("juvenile", "child", "orphan")),),
        ("minors",),
        "Social facility for minors",
        "Struttura sociale per minori",
    ),
    TagRule(
        (("amenity", ("social_centre",)),),
        ("community",),
        "Social centre",
        "Centro sociale",
    ),
    TagRule(
        (("amenity", ("community_centre",)),),
        ("community",),
        "Community centre",
        "Centro civico o di comunità",
    ),
    TagRule(
        (("office", ("ngo", "association")),),
        ("community",),
        "Association or non-governmental organisation (e.g. ATAS in Trento)",
        "Associazione o organizzazione non governativa (es. ATAS a Trento)",
    ),
    TagRule(
        (("office", ("government",)),),
        ("documents_legal",),
        "Government office (Prefettura, Commissariato del Governo...)",
        "Ufficio pubblico (Prefettura, Commissariato del Governo...)",
    ),
    TagRule(
        (("amenity", ("townhall",)),),
        ("documents_legal", "information"),
        "Town hall (registry office, information desk)",
        "Municipio (anagrafe, sportello informativo)",
    ),
    TagRule(
        (("amenity", ("police",)),),
        ("documents_legal",),
        "Questura: immigration office (residence permits)",
        "Questura: ufficio immigrazione (permessi di soggiorno)",
        name=_QUESTURA,
    ),
    TagRule(
        (("amenity", ("post_office",)),),
        ("documents_legal",),
        "Post office (residence-permit application kits)",
        "Ufficio postale (kit per il permesso di soggiorno)",
    ),
    TagRule(
        (("office", ("employment_agency",)),),
        ("work_training",),
        "Employment agency (Centro per l'impiego)",
        "Centro per l'impiego o agenzia per il lavoro",
    ),
    TagRule(
        (("amenity", ("language_school",)),),
        ("italian_language",),
        "Language school",
        "Scuola di lingue",
    ),
    TagRule(
        (),
        ("italian_language", "school"),
        "CPIA / adult education centre (by name)",
        "CPIA / centro per l'istruzione degli adulti (dal nome)",
        name=_CPIA,
    ),
    TagRule(
        (("amenity", ("school", "college")),),
        ("school",),
        "School",
        "Scuola",
    ),
    TagRule(
        (("amenity", ("hospital", "clinic", "doctors")),),
        ("health",),
        "Hospital, clinic or doctors",
        "Ospedale, poliambulatorio o medici",
    ),
    TagRule(
        (("healthcare", ("hospital", "clinic", "doctor", "centre", "counselling")),),
        ("health",),
        "Healthcare facility (pharmacies are not listed)",
        "Struttura sanitaria (le farmacie non sono elencate)",
    ),
    TagRule(
        (),
        ("health",),
        "Consultorio (family health centre, by name)",
        "Consultorio familiare (dal nome)",
        name=r"\bconsultori",
    ),
    TagRule(
        (),
        ("information",),
        "Migrant services by name (immigrazione, stranieri, rifugiati, Cinformi...)",
        "Servizi per migranti dal nome (immigrazione, stranieri, rifugiati, Cinformi...)",
        name=_MIGRANT,
    ),
    TagRule(
        (),
        ("documents_legal",),
        "Questura, Prefettura or registry office (by name)",
        "Questura, Prefettura o anagrafe (dal nome)",
        name=_QUESTURA + r"|\bprefettura\b|\banagrafe\b|servizi demografici",
    ),
    TagRule(
        (),
        ("work_training",),
        "Job centre (by name)",
        "Centro per l'impiego (dal nome)",
        name=r"centr[oi] (per l |per l)?impiego|agenzia del lavoro",
    ),
    TagRule(
        (),
        ("reception",),
        "Caritas or reception centre (by name)",
        "Caritas o centro di accoglienza (dal nome)",
        name=r"\bcaritas\b|\baccoglienza\b",
    ),
    TagRule(
        (),
        ("mediation",),
        "Cultural mediation (by name)",
        "Mediazione culturale (dal nome)",
        name=r"mediazione (linguistic|cultural|interculturale)|mediator[ie] cultural",
    ),
    TagRule(
        (),
        ("anti_discrimination_trafficking",),
        "Anti-trafficking or anti-discrimination desk (by name)",
        "Sportello antitratta o antidiscriminazione (dal nome)",
        name=r"anti ?tratta|antidiscriminazion|anti discriminazion",
    ),
)


def names_text(tags: Mapping[str, str]) -> str:
    """Return the normalised text of the name tags (:data:`NAME_TAGS`), for the patterns."""
    return " | ".join(normalize_name(tags[k]) for k in NAME_TAGS if tags.get(k))


@dataclass(frozen=True)
class Match:
    """What the table says about one object: its sectors, the rules, or the exclusion."""

    sectors: tuple[str, ...]
    rules: tuple[TagRule, ...]
    excluded_by: TagRule | None = None

    @property
    def is_candidate(self) -> bool:
        return self.excluded_by is None and bool(self.sectors)


def match_tags(tags: Mapping[str, str]) -> Match:
    """Return the sectors the tag table gives an object with ``tags`` (see the module docstring).

    Parameters
    ----------
    tags
        The object's OSM tags.

    Returns
    -------
    Match
        ``excluded_by`` is the first exclusion that matched, when some service rule also matched
        or the exclusion is ``always_report`` (an object no rule matches is simply not a
        candidate).
    """
    names = names_text(tags)
    rules = tuple(r for r in SERVICE_RULES if r.matches(tags, names))
    for rule in EXCLUSIONS:
        if (rules or rule.always_report) and rule.matches(tags, names):
            return Match((), rules, rule)
    if not rules:
        return Match((), ())
    sectors: list[str] = []
    for rule in rules:
        sectors.extend(s for s in rule.sectors if s not in sectors)
    return Match(tuple(sectors), rules)
