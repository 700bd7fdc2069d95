"""The "bussola": a public, multilingual, offline static web site of the registry's services.

:func:`publish` writes a folder (and a zip of it) that works from ``file://`` and from any static
host: ``index.html`` + ``app.js`` + ``style.css``, the interface strings of :data:`LANGUAGES`
(``i18n/*.json`` are the maintained translation files; the site reads them bundled in
``i18n/strings.js`` so that no ``fetch`` is needed from ``file://``), the services in
``data/services.js``, and a web manifest + service worker so that, once visited over http(s), it
installs and reloads offline. Only public fields go out, and places are protected as each
service's ``location_privacy`` asks (``core/registry/privacy.py``). No third-party code is loaded.

Records in the visitor's language: a service's translations (``service_translations``) into the
site's languages go out as ``tr`` (``{lang: {name, description, machine}}``); the site shows the
record in the visitor's language when it has one, labelled "(machine translation)" when a machine
wrote it, and otherwise the Italian text labelled "(in Italian)", both in the visitor's language
(:data:`RECORD_LABELS`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure
from capacitymetro_plugin.core.registry import schedule
from capacitymetro_plugin.core.registry.privacy import approximate_area, public_service
from capacitymetro_plugin.core.registry.vocabularies import SECTORS, TARGET_GROUPS

from .walk import walking_network

__all__ = [
    "LANGUAGES",
    "PublishResult",
    "load_translations",
    "publish",
    "site_data",
    "walking_network",
]

SITE_DIR = Path(__file__).resolve().parent / "site"
I18N_DIR = SITE_DIR / "i18n"
LANGUAGES = ("it", "en", "fr", "ar", "es", "uk", "ro", "bn", "ur", "zh")
RTL = ("ar", "ur")
# whole site, data included, for a city of a few hundred services: ~3 s on 3G (750 kbit/s)
BYTE_BUDGET = 300_000
_STATIC = ("index.html", "app.js", "style.css", "icon.svg")
# the labels beside a record's text, in each interface language: the Italian original shown for
# want of a translation, and a translation a machine made (it must say so)
RECORD_LABELS: dict[str, dict[str, str]] = {
    "original": {
        "it": "(in italiano)",
        "en": "(in Italian)",
        "fr": "(en italien)",
        "ar": "(بالإيطالية)",
        "es": "(en italiano)",
        "uk": "(італійською)",
        "ro": "(în italiană)",
        "bn": "(ইতালীয় ভাষায়)",
        "ur": "(اطالوی میں)",
        "zh": "（意大利语）",
    },
    "machine": {
        "it": "(traduzione automatica)",
        "en": "(machine translation)",
        "fr": "(traduction automatique)",
        "ar": "(ترجمة آلية)",
        "es": "(traducción automática)",
        "uk": "(машинний переклад)",
        "ro": "(traducere automată)",
        "bn": "(যান্ত্রিক অনুবাদ)",
        "ur": "(مشینی ترجمہ)",
        "zh": "（机器翻译）",
    },
}


@dataclass
class PublishResult:
    folder: Path
    zip_path: Path | None
    n_services: int
    n_hidden: int
    n_approximate: int
    total_bytes: int
    byte_budget: int
    walking_times: bool = False
    transit_times: bool = False  # data/transit.js holds transit minutes
    transit_bytes: int = 0
    background_bytes: int = 0  # data/background.js: the offline streets (and water)
    n_street_names: int = 0  # streets the typed-address search knows
    n_house_numbers: int = 0  # house numbers it knows on those streets
    n_pdfs: int = 0  # pdf/<sector>.<lang>.pdf: the printable lists (optional downloads)
    pdf_bytes: int = 0  # not in total_bytes nor in the offline cache

    @property
    def within_budget(self) -> bool:
        return self.total_bytes <= self.byte_budget


def load_translations() -> dict[str, dict]:
    """Return ``{lang: {"_lang", "_dir", "_name", "ui": {...}, "sectors": {...}}}``."""
    return {
        lang: json.loads((I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))
        for lang in LANGUAGES
    }


def _hours(text: str | None):
    if not text:
        return None
    try:
        rules = schedule.weekly_rules(text)  # as the analyses read it (';' replaces a day)
    except schedule.ScheduleSyntaxError:
        return {"text": text}
    return {"rules": [[list(r.days), r.opens, r.closes] for r in rules], "text": text}


def _translations_of(state) -> dict[str, dict[str, dict]]:
    """Return ``{service_id: {lang: {"name", "description", "machine"}}}`` for the site's
    languages (a translation into a language the site has no interface for is not shown)."""
    out: dict[str, dict[str, dict]] = {}
    for (sid, lang), t in sorted(state.translations.items()):
        if lang not in LANGUAGES or lang == "it" or not t.name:
            continue
        item = {"name": t.name, "description": t.description}
        if t.source == "machine":
            item["machine"] = 1
        out.setdefault(sid, {})[lang] = {k: v for k, v in item.items() if v}
    return out


def site_data(
    registry, *, title: str | None = None, tiles: dict | None = None, comuni=None
) -> dict:
    """Return the public data of the site (what ``data/services.js`` holds): the active
    services (of ``comuni``, ISTAT codes, when given), public fields only, places protected."""
    state = registry.load()
    keep = {str(c) for c in comuni} if comuni else None
    practices_of: dict[str, list[dict]] = {}
    for sid, pid in state.links:
        p = state.practices.get(pid)
        if p is not None:
            practices_of.setdefault(sid, []).append(
                {"title": p.title, "summary": p.summary, "link": p.link}
            )
    translated = _translations_of(state)
    services = []
    for raw in state.services.values():
        if (raw.status or "active") != "active":
            continue
        if keep is not None and str(raw.comune_istat or "") not in keep:
            continue
        s = public_service(raw)
        org = state.organizations.get(s.organization_id or "")
        item = {
            "id": s.service_id,
            "name": s.name,
            "description": s.description,
            "organization": org.name if org else None,
            "sectors": s.sectors,
            "target_groups": s.target_groups,
            "languages": s.languages,
            "hours": _hours(s.opening_hours),
            "phone": s.phone,
            "email": s.email,
            "website": s.website,
            "address": s.address,
            "comune": s.comune_name,
            "privacy": s.location_privacy or "exact",
            "content_lang": "it",  # the registry's records are written in Italian
            "practices": practices_of.get(raw.service_id, []),
            "tr": translated.get(raw.service_id),  # name/description in more languages
        }
        if s.location_privacy == "approximate" and raw.lon is not None:
            area = approximate_area(raw.lon, raw.lat)
            item["lon"], item["lat"] = area["centre"]
            item["area"] = area["polygon"]["coordinates"][0]
        elif s.lon is not None and s.lat is not None:
            item["lon"], item["lat"] = round(float(s.lon), 6), round(float(s.lat), 6)
        services.append({k: v for k, v in item.items() if v not in (None, [], "")})
    services.sort(key=lambda d: d["name"].lower())
    return {
        "title": title,
        "tiles": tiles,
        "sectors": {t.code: {"it": t.it, "en": t.en} for t in SECTORS},
        "target_groups": {t.code: {"it": t.it, "en": t.en} for t in TARGET_GROUPS},
        "services": services,
        "record_labels": RECORD_LABELS,
    }


def _js(name: str, value) -> str:
    return f"window.{name}=" + json.dumps(value, ensure_ascii=False, separators=(",", ":")) + ";\n"


def publish(
    registry,
    out_dir: str | os.PathLike,
    *,
    title: str | None = None,
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    make_zip: bool = True,
    byte_budget: int = BYTE_BUDGET,
    comuni=None,
    network=None,
    osm_file: str | os.PathLike | None = None,
    pdfs: bool = True,
    transit: dict | None = None,
    progress: Progress | None = None,
) -> PublishResult:
    """Write the bussola site into ``out_dir`` (replaced whole) and ``out_dir``.zip.

    With the area's walking ``network`` (core.network.Network), "near me" ranks by walking time
    precomputed on a grid (:mod:`.walk`), and the map is drawn over the network's streets
    (:mod:`.background`, offline); without it, by straight-line distance on a blank map.
    ``osm_file``, the OpenStreetMap extract the network was built from, adds the water to the
    background and the street names to the typed-address search. A ``tile_url``
    (``{z}/{x}/{y}``, with its ``tile_attribution``) is drawn instead of the offline background
    when the reader is online. With ``pdfs`` (and fpdf2 installed) each sector's list is also
    written as ``pdf/<sector>.<lang>.pdf`` (:mod:`.pdf`), linked from the list.

    With ``transit`` (``{"feeds": [GTFS zips], "date": "YYYY-MM-DD", "window": ("08:00",
    "09:00"), "step_min": 10}``, optional ``"ferries"``), "near me" also shows the median
    door-to-door minutes by public transport over that window, on the same grid
    (:mod:`.transit`, ``data/transit.js``; walks to stops on ``network`` when given), and ranks
    by the faster of walking and transit.

    Every door builds ``network`` from the extract with :func:`walking_network`; ``progress``
    reports the steps (the walking and transit minutes are the long ones) and honours cancel."""
    progress = ensure(progress)
    if tile_url and not tile_attribution:
        raise InputError(
            "A tile service needs its attribution.",
            fix="Pass the attribution the tile provider asks for (e.g. '© OpenStreetMap').",
            it="Un servizio di tile richiede la sua attribuzione.",
            fix_it="Indica l'attribuzione richiesta dal fornitore (es. '© OpenStreetMap').",
        )
    tiles = {"url": tile_url, "attribution": tile_attribution} if tile_url else None
    data = site_data(registry, title=title, tiles=tiles, comuni=comuni)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a static host must read it
    try:
        for name in _STATIC:
            shutil.copy2(SITE_DIR / name, tmp / name)
        (tmp / "i18n").mkdir()
        (tmp / "i18n" / "strings.js").write_text(
            _js("BUSSOLA_I18N", load_translations()), encoding="utf-8"
        )
        (tmp / "data").mkdir()
        progress.report(0.0, "Writing the site")
        if pdfs:  # before services.js, which says which lists exist
            from .pdf import write_sector_pdfs

            listed = write_sector_pdfs(data, tmp / "pdf", area=title)
            data["pdf"] = listed if listed["sectors"] else None
        (tmp / "data" / "services.js").write_text(_js("BUSSOLA_DATA", data), encoding="utf-8")
        walk = None
        if network is not None:
            from .walk import walking_minutes

            progress.report(0.2, "Walking minutes for 'near me'")
            walk = walking_minutes(network, data["services"])
        (tmp / "data" / "walk.js").write_text(_js("BUSSOLA_WALK", walk), encoding="utf-8")
        ride = None
        if transit is not None:
            from .transit import transit_minutes

            progress.report(0.4, "Transit minutes for 'near me'")
            ride = transit_minutes(
                data["services"], transit, network=network, progress=progress.step(0.4, 0.7)
            )
        (tmp / "data" / "transit.js").write_text(_js("BUSSOLA_TRANSIT", ride), encoding="utf-8")
        ride_bytes = (tmp / "data" / "transit.js").stat().st_size
        progress.report(0.7, "Map background and street names")
        bg, streets = _background(network, osm_file, data["services"])
        (tmp / "data" / "background.js").write_text(_js("BUSSOLA_BG", bg), encoding="utf-8")
        (tmp / "data" / "streets.js").write_text(_js("BUSSOLA_STREETS", streets), encoding="utf-8")
        bg_bytes = (tmp / "data" / "background.js").stat().st_size
        manifest = {
            "name": title or "Bussola",
            "short_name": "Bussola",
            "start_url": "./index.html",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml"}],
        }
        (tmp / "manifest.webmanifest").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        files = sorted(
            p.relative_to(tmp).as_posix()
            for p in tmp.rglob("*")
            if p.is_file() and p.parent.name != "pdf"  # optional downloads, not precached
        )
        digest = hashlib.sha256()
        for f in files:
            digest.update((tmp / f).read_bytes())
        sw = (SITE_DIR / "sw.js").read_text(encoding="utf-8")
        sw = sw.replace("__VERSION__", digest.hexdigest()[:12]).replace(
            "__FILES__", json.dumps(["./", *files])
        )
        (tmp / "sw.js").write_text(sw, encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    zip_path = None
    progress.report(0.95, "Zip")
    if make_zip:
        zip_path = Path(shutil.make_archive(str(out), "zip", root_dir=out))
    sheets = list((out / "pdf").glob("*.pdf"))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and p.parent.name != "pdf")
    services = data["services"]
    return PublishResult(
        folder=out,
        zip_path=zip_path,
        n_services=len(services),
        n_hidden=sum(1 for s in services if s["privacy"] == "hidden"),
        n_approximate=sum(1 for s in services if s["privacy"] == "approximate"),
        total_bytes=total,
        byte_budget=byte_budget,
        walking_times=walk is not None,
        transit_times=ride is not None,
        transit_bytes=ride_bytes,
        background_bytes=bg_bytes,
        n_street_names=len(streets["names"]) if streets else 0,
        n_house_numbers=sum(len(r[3]) // 3 for r in streets["names"] if len(r) > 3)
        if streets
        else 0,
        n_pdfs=len(sheets),
        pdf_bytes=sum(p.stat().st_size for p in sheets),
    )


def _background(network, osm_file, services: list[dict]) -> tuple[dict | None, dict | None]:
    """Return the offline background and the street names of the search (None without data)."""
    if osm_file is not None and not Path(osm_file).is_file():
        raise InputError(
            f"OSM extract {osm_file} does not exist.",
            fix="Give the .osm.pbf the walking network was built from, or leave it out.",
            it=f"L'estratto OSM {osm_file} non esiste.",
            fix_it="Indica il file .osm.pbf da cui è costruita la rete pedonale, oppure omettilo.",
        )
    points = [(s["lon"], s["lat"]) for s in services if "lon" in s]
    if network is None or not points:
        return None, None
    from .background import OSM_CREDIT, background, fold, house_numbers, in_frame, street_names

    bg = background(network, points, osm_file=osm_file)
    bg.pop("counts")
    streets = None
    if osm_file is not None:
        # points in the background's ~1 m units, like its streets (and shorter than degrees);
        # a street's house numbers follow as [number, dx, dy, ...], each step from the one
        # before (the first from the street's point), a number of digits only as an integer
        houses = house_numbers(osm_file, points)
        names = []
        for n, x, y in street_names(osm_file, points):
            qx, qy = in_frame(bg["frame"], x, y)
            row = [n, qx, qy]
            flat, at = [], (qx, qy)
            for number, hx, hy in houses.get(fold(n).strip(), ()):
                px, py = in_frame(bg["frame"], hx, hy)
                plain = number.isdigit() and not number.startswith("0")
                flat += [int(number) if plain else number, px - at[0], py - at[1]]
                at = (px, py)
            if flat:
                row.append(flat)
            names.append(row)
        streets = {"frame": bg["frame"], "names": names, "credit": OSM_CREDIT}
    return bg, streets
