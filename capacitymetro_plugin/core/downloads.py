"""Every download of the toolkit, through one function with a cache, provenance and offline mode.

:func:`fetch` puts a URL's body in the cache (``$CAPACITYMETRO_CACHE``, default
``~/.cache/capacitymetro``) beside a provenance sidecar ``<file>.provenance.json`` (URL, UTC time
of retrieval, licence, source, bytes, SHA-256, the server's ETag and Last-Modified). The body is
written to ``<file>.part`` and renamed only when complete, so the cache never holds a half file;
a body cut short (fewer bytes than Content-Length, a dropped connection) is resumed with an HTTP
``Range`` request when the server answers ``206``, else restarted once, else a named error.
``offline=True`` never touches the network: the cached file or :class:`DataUnavailableError`
naming the file, the URL and how to get it. Every failure (HTTP status, DNS, timeout, checksum)
is a :class:`DownloadError` in English and Italian, never a raw urllib traceback.

On top of it, two OpenStreetMap sources for an area:

- :func:`overpass_query` for small areas (streets or candidate services), cached by a hash of
  the query; :func:`overpass_to_osm_xml` turns a street response into an ``.osm`` file that
  :func:`~capacitymetro_plugin.core.network.network_from_osm` builds like any extract, and the
  services response is read by :func:`~capacitymetro_plugin.core.registry.osm_candidates.osm_candidates`.
- :func:`extract_for_area` for larger ones: a regional ``.osm.pbf`` (e.g. Geofabrik's), downloaded
  resumably and clipped with ``osmium extract -p``; a file that does not cover the area is a
  named error.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from capacitymetro_plugin.core.errors import DataUnavailableError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

USER_AGENT = "CapaCityMetro (QGIS plugin; https://github.com/capacitymetro)"
CHUNK = 256 * 1024
ODBL = "ODbL 1.0, (c) OpenStreetMap contributors"
OVERPASS_URL = "https://overpass-api.de/api/interpreter"
#: Larger areas take a regional extract (:func:`extract_for_area`), not Overpass: the public
#: Overpass instances refuse or time out on a metropolitan city's streets.
OVERPASS_MAX_KM2 = 500.0
#: Geofabrik's extracts of Italy's five statistical macro-regions, by ISTAT region name.
GEOFABRIK_ITALY = "https://download.geofabrik.de/europe/italy/{}-latest.osm.pbf"
_MACRO_REGION = {
    "nord-ovest": ("Piemonte", "Valle d'Aosta", "Liguria", "Lombardia"),
    "nord-est": ("Trentino-Alto Adige", "Veneto", "Friuli-Venezia Giulia", "Emilia-Romagna"),
    "centro": ("Toscana", "Umbria", "Marche", "Lazio"),
    "sud": ("Abruzzo", "Molise", "Campania", "Puglia", "Basilicata", "Calabria"),
    "isole": ("Sicilia", "Sardegna"),
}


class DownloadError(DataUnavailableError):
    """A download failed: HTTP status, DNS, timeout, a body cut short, or a wrong checksum."""


# --- the cache and provenance -------------------------------------------------------------------
def cache_root() -> Path:
    """Return the cache folder: ``$CAPACITYMETRO_CACHE``, else ``~/.cache/capacitymetro``."""
    return Path(os.environ.get("CAPACITYMETRO_CACHE") or (Path.home() / ".cache" / "capacitymetro"))


def cache_path(dest: str | os.PathLike) -> Path:
    """Return where ``dest`` lives: an absolute path as is, a relative one (a cache key) in
    :func:`cache_root`."""
    path = Path(dest)
    return path if path.is_absolute() else cache_root() / path


@dataclass
class Provenance:
    """Where a cached file came from (its ``<file>.provenance.json`` sidecar)."""

    url: str
    retrieved_at: str
    bytes: int
    sha256: str
    licence: str = ""
    source: str = ""
    etag: str = ""
    last_modified: str = ""
    method: str = "GET"
    query: str = ""  # the body sent with a POST (an Overpass query)
    derived_from_sha256: str = ""  # a file made from another cached file (a clip, a conversion)

    def write(self, path: Path) -> Path:
        """Write the sidecar of ``path``; return the sidecar's path."""
        side = sidecar(path)
        tmp = side.with_name(side.name + ".part")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, side)
        return side


def sidecar(path: str | os.PathLike) -> Path:
    """Return the provenance sidecar of a cached file: ``<file>.provenance.json``."""
    path = Path(path)
    return path.with_name(path.name + ".provenance.json")


def provenance(path: str | os.PathLike) -> Provenance | None:
    """Return the provenance of a cached file, or None when it has no (readable) sidecar."""
    try:
        data = json.loads(sidecar(path).read_text(encoding="utf-8"))
        return Provenance(**{k: v for k, v in data.items() if k in Provenance.__annotations__})
    except (OSError, ValueError, TypeError):
        return None


def sha256_of(path: str | os.PathLike) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- errors -----------------------------------------------------------------------------------
def _offline_error(path: Path, url: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"{path.name} is not in the cache ({path.parent}) and --offline forbids downloading it "
        f"from {url}.",
        fix=f"Run once without --offline to download it, or download {url} by hand and save it "
        f"as {path}.",
        it=f"{path.name} non è nella cache ({path.parent}) e --offline non permette di scaricarlo "
        f"da {url}.",
        fix_it=f"Esegui una volta senza --offline per scaricarlo, o scarica {url} a mano e "
        f"salvalo come {path}.",
    )


def _download_error(url: str, path: Path, what: str, what_it: str) -> DownloadError:
    return DownloadError(
        f"Cannot download {url}: {what}. Nothing was written to {path.name}.",
        fix=f"Check the internet connection and the address, then run again; or download it by "
        f"hand and save it as {path} (then use --offline).",
        it=f"Impossibile scaricare {url}: {what_it}. Non è stato scritto nulla in {path.name}.",
        fix_it=f"Controlla la connessione e l'indirizzo, poi riprova; oppure scaricalo a mano e "
        f"salvalo come {path} (poi usa --offline).",
    )


def _explain(exc: BaseException, timeout: float) -> tuple[str, str]:
    """Return (English, Italian) words for a network failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return (
            f"the server answered HTTP {exc.code} {exc.reason}",
            f"il server ha risposto HTTP {exc.code} {exc.reason}",
        )
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return (
            "the server's name cannot be resolved (DNS: no internet, or a wrong address)",
            "il nome del server non si risolve (DNS: niente internet, o indirizzo errato)",
        )
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return (
            f"no answer within {timeout:g} s (timeout)",
            f"nessuna risposta entro {timeout:g} s (timeout)",
        )
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused", "la connessione è stata rifiutata"
    return f"{type(reason).__name__}: {reason}", f"{type(reason).__name__}: {reason}"


# --- fetch ------------------------------------------------------------------------------------
@dataclass
class _Attempt:
    """What the server said about the body: its total size and validators."""

    total: int | None = None
    etag: str = ""
    last_modified: str = ""


def _human(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _open(url, *, data, headers, timeout):
    req = urllib.request.Request(url, data=data, headers={"User-Agent": USER_AGENT, **headers})
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - http(s) or file URLs


def _receive(resp, out, have: int, total: int | None, name: str, progress: Progress) -> int:
    """Copy ``resp`` into ``out``; return the bytes now in ``out`` (may stop short)."""
    while True:
        progress.check()
        try:
            block = resp.read(CHUNK)
        except (http.client.IncompleteRead, ConnectionError, socket.timeout, TimeoutError) as e:
            partial = getattr(e, "partial", b"")
            if partial:
                out.write(partial)
                have += len(partial)
            return have
        if not block:
            return have
        out.write(block)
        have += len(block)
        if total:
            progress.report(have / total, f"{name}: {_human(have)} of {_human(total)}")
        else:
            progress.report(0.0, f"{name}: {_human(have)}")


def _one_request(url, part: Path, have: int, known: _Attempt, *, data, headers, timeout, name,
                 progress) -> tuple[int, _Attempt, bool]:  # fmt: skip
    """GET (or POST) ``url`` into ``part``, from byte ``have`` when > 0.

    Returns ``(bytes in part, what the server said, whether it resumed)``.
    """
    send = dict(headers)
    if have:
        send["Range"] = f"bytes={have}-"
        if known.etag or known.last_modified:
            send["If-Range"] = known.etag or known.last_modified
    with _open(url, data=data, headers=send, timeout=timeout) as resp:
        status = getattr(resp, "status", 200) or 200
        resumed = bool(have) and status == 206
        length = resp.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        info = _Attempt(
            total=(have + length if resumed and length is not None else length),
            etag=resp.headers.get("ETag", "") or "",
            last_modified=resp.headers.get("Last-Modified", "") or "",
        )
        if resumed:
            content_range = resp.headers.get("Content-Range", "")  # bytes 100-199/200
            if not content_range.startswith(f"bytes {have}-"):
                resumed, have = False, 0  # not the range asked for: start again
            elif "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
                info.total = int(content_range.rsplit("/", 1)[1])
        if not resumed:
            have = 0
        with open(part, "ab" if resumed else "wb") as out:
            have = _receive(resp, out, have, info.total, name, progress)
    return have, info, resumed


def fetch(
    url: str,
    dest: str | os.PathLike,
    *,
    offline: bool = False,
    progress: Progress | None = None,
    expected_sha256: str | None = None,
    licence: str = "",
    source: str = "",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    refresh: bool = False,
    max_resumes: int = 5,
) -> Path:
    """Return the cached file of ``url``, downloading it (resumably) when it is not cached.

    Parameters
    ----------
    url
        ``http(s)://`` (or ``file://``) address.
    dest
        The file to write: an absolute path, or a key relative to :func:`cache_root`
        (``"trento/osm_trento.osm.pbf"``).
    offline
        Never touch the network: the cached file, else :class:`DataUnavailableError`.
    progress
        Reports bytes received (fraction of Content-Length when known); cancel is honoured
        between chunks (the ``.part`` file is kept, so the next call resumes).
    expected_sha256
        Hex SHA-256 the file must have; a mismatch deletes the download and raises.
    licence, source
        Written to the provenance sidecar (e.g. ``"ODbL 1.0"``, ``"Geofabrik"``).
    data
        A request body: the request is a POST (e.g. an Overpass query).
    refresh
        Download again even when cached (the old file stays until the new one is complete).
    max_resumes
        How many times a body cut short is resumed with ``Range`` (each must add bytes).

    Returns
    -------
    Path
        The complete file, with ``<file>.provenance.json`` beside it.

    Raises
    ------
    DataUnavailableError
        Offline and not cached.
    DownloadError
        HTTP error, DNS failure, timeout, a body still short after resuming or restarting
        once, or a checksum mismatch.
    """
    progress = ensure(progress)
    path = cache_path(dest)
    expected = expected_sha256.lower() if expected_sha256 else None
    if path.is_file() and not refresh:
        if expected is None or _cached_sha(path) == expected:
            return path
        if offline:
            raise DownloadError(
                f"The cached {path} does not have the expected SHA-256 {expected}.",
                fix=f"Delete it and run without --offline to download {url} again.",
                it=f"Il file in cache {path} non ha lo SHA-256 atteso {expected}.",
                fix_it=f"Cancellalo ed esegui senza --offline per riscaricare {url}.",
            )
    if offline:
        raise _offline_error(path, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    meta = path.with_name(path.name + ".part.json")
    known = _read_part_meta(meta, url)
    # a .part left by an earlier run is resumed only when its validators say it is the same file
    have = part.stat().st_size if part.exists() and (known.etag or known.last_modified) else 0
    restarted = False  # a whole new body was asked for (or sent by a server ignoring Range)
    ranges_ok: bool | None = None  # does the server answer Range with 206?
    resumes = 0
    progress.info(f"Downloading {url} -> {path}")
    while True:
        asked = have
        try:
            got, info, resumed = _one_request(
                url, part, have, known, data=data, headers=headers or {}, timeout=timeout,
                name=path.name, progress=progress,
            )  # fmt: skip
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:  # the range is past the end: the .part is stale
                part.unlink(missing_ok=True)
                have, known = 0, _Attempt()
                continue
            part.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            raise _download_error(url, path, *_explain(exc, timeout)) from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if not (have and part.exists()):  # else keep what came: the next call resumes
                part.unlink(missing_ok=True)
            raise _download_error(url, path, *_explain(exc, timeout)) from exc
        if info.etag or info.last_modified:
            _write_part_meta(meta, url, info)
        if info.total is None or got >= info.total:
            break
        if resumed:
            ranges_ok = True
        elif asked:  # asked for a range, got the whole body again: that was the restart
            ranges_ok, restarted = False, True
        if ranges_ok is not False and resumes < max_resumes and got > asked:
            resumes += 1
            have, known = got, info
            progress.info(f"{path.name}: cut short at {got:,} of {info.total:,} bytes, resuming")
            continue
        if not restarted and ranges_ok is not True:  # a server that resumes is not restarted
            restarted = True
            have, known = 0, info
            progress.info(f"{path.name}: cut short at {got:,} of {info.total:,} bytes, restarting")
            continue
        raise _download_error(
            url,
            path,
            f"the body stopped at {got:,} of {info.total:,} bytes (truncated) after resuming "
            "or restarting; the partial file is kept as .part for the next try",
            f"il contenuto si è fermato a {got:,} di {info.total:,} byte (troncato) dopo "
            "ripresa o riavvio; il file parziale resta come .part per il prossimo tentativo",
        )
    digest = sha256_of(part)
    if expected is not None and digest != expected:
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        raise DownloadError(
            f"The download of {url} has SHA-256 {digest}, not the expected {expected}; it was "
            "deleted.",
            fix="Run again (the file may have changed upstream: check the expected checksum).",
            it=f"Il file scaricato da {url} ha SHA-256 {digest} e non quello atteso {expected}; "
            "è stato cancellato.",
            fix_it="Riprova (il file può essere cambiato all'origine: verifica il checksum atteso).",
        )
    size = part.stat().st_size
    os.replace(part, path)
    meta.unlink(missing_ok=True)
    Provenance(
        url=url,
        retrieved_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        bytes=size,
        sha256=digest,
        licence=licence,
        source=source,
        etag=info.etag,
        last_modified=info.last_modified,
        method="POST" if data is not None else "GET",
        query=urllib.parse.unquote_plus(data.decode("utf-8", "replace")) if data else "",
    ).write(path)
    progress.report(1.0, f"{path.name}: {_human(size)}")
    return path


def _cached_sha(path: Path) -> str:
    prov = provenance(path)
    if prov is not None and prov.sha256 and prov.bytes == path.stat().st_size:
        return prov.sha256.lower()
    return sha256_of(path)


def _read_part_meta(meta: Path, url: str) -> _Attempt:
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _Attempt()
    if data.get("url") != url:
        return _Attempt()
    return _Attempt(data.get("total"), data.get("etag", ""), data.get("last_modified", ""))


def _write_part_meta(meta: Path, url: str, info: _Attempt) -> None:
    meta.write_text(json.dumps({"url": url, **asdict(info)}), encoding="utf-8")


# --- OpenStreetMap: Overpass for small areas --------------------------------------------------
def _polygon_of(area: Any):
    """Return a shapely geometry (EPSG:4326) of a bbox tuple or a shapely geometry."""
    from shapely.geometry import box
    from shapely.geometry.base import BaseGeometry

    if isinstance(area, BaseGeometry):
        geom = area
    elif isinstance(area, (tuple, list)) and len(area) == 4:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in area)
        geom = box(min_lon, min_lat, max_lon, max_lat)
    else:
        geom = None
    if geom is None or geom.is_empty or geom.area == 0:
        raise InputError(
            f"The area {area!r} is neither a (min lon, min lat, max lon, max lat) box nor a "
            "polygon.",
            fix="Give a bounding box in degrees (WGS84) or a shapely polygon in EPSG:4326.",
            it=f"L'area {area!r} non è né un riquadro (lon min, lat min, lon max, lat max) né un "
            "poligono.",
            fix_it="Indica un riquadro in gradi (WGS84) o un poligono shapely in EPSG:4326.",
        )
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        from capacitymetro_plugin.core.errors import CrsError

        raise CrsError(
            f"The area's bounds {tuple(round(v, 1) for v in geom.bounds)} are not degrees: it "
            "is not in EPSG:4326 (WGS84).",
            fix="Reproject the area to EPSG:4326 (lon/lat) first.",
            it=f"I limiti dell'area {tuple(round(v, 1) for v in geom.bounds)} non sono gradi: "
            "non è in EPSG:4326 (WGS84).",
            fix_it="Riproietta prima l'area in EPSG:4326 (lon/lat).",
        )
    return geom


def area_km2(area: Any) -> float:
    """Return the geodesic area (km²) of a bbox or polygon in EPSG:4326."""
    from pyproj import Geod

    return abs(Geod(ellps="WGS84").geometry_area_perimeter(_polygon_of(area))[0]) / 1e6


def _overpass_filter(geom, max_vertices: int = 200) -> str:
    """Return the Overpass spatial filter of ``geom``: a bbox, or one ring covering it."""
    from shapely.geometry import Polygon

    if geom.equals(geom.envelope):
        minx, miny, maxx, maxy = geom.bounds
        return f"({miny:.7f},{minx:.7f},{maxy:.7f},{maxx:.7f})"
    # poly: takes one ring without holes: the outline, or the hull of several parts (islands)
    hull = Polygon(geom.exterior) if geom.geom_type == "Polygon" else geom.convex_hull
    tol = 0.0005
    while len(hull.exterior.coords) > max_vertices:
        hull = Polygon(hull.buffer(tol).simplify(tol).exterior)  # buffered: still covers
        tol *= 2
    pts = " ".join(f"{y:.7f} {x:.7f}" for x, y in hull.exterior.coords[:-1])
    return f'(poly:"{pts}")'


def _name_regex(pattern: str) -> str:
    """Return a tag-table name pattern as an Overpass (POSIX) regex matching at least as much."""
    return pattern.replace(r"\b", "").replace(" ", "[ '’-]")


def overpass_ql(area: Any, what: str = "streets", *, timeout_s: int = 180) -> str:
    """Return the Overpass QL query of ``what`` (``"streets"`` or ``"services"``) in ``area``.

    Streets are every ``highway`` way with its nodes (``out body``). Services are the objects
    any rule of the tag table (:mod:`~capacitymetro_plugin.core.registry.osm_tags`) could match,
    with their centre (``out center tags``); the table itself then decides, so the query may
    ask for more (its name patterns are loosened for Overpass's regular expressions).
    """
    spatial = _overpass_filter(_polygon_of(area))
    head = f"[out:json][timeout:{int(timeout_s)}];"
    if what == "streets":
        return f'{head}\n(way["highway"]{spatial};\n>;);\nout body qt;'
    if what != "services":
        raise InputError(
            f"Unknown Overpass query {what!r}.",
            fix="Use what='streets' or what='services'.",
            it=f"Interrogazione Overpass {what!r} sconosciuta.",
            fix_it="Usa what='streets' o what='services'.",
        )
    from capacitymetro_plugin.core.registry.osm_tags import SERVICE_RULES

    by_key: dict[str, set[str]] = {}
    names: list[str] = []
    for rule in SERVICE_RULES:
        if rule.tags:
            key, values = rule.tags[0]
            by_key.setdefault(key, set()).update(values or ())
        elif rule.name:
            names.append(_name_regex(rule.name))
    parts = [
        f'nwr["{key}"~"^({"|".join(sorted(values))})$"]{spatial};'
        if values
        else f'nwr["{key}"]{spatial};'
        for key, values in sorted(by_key.items())
    ]
    parts += [f'nwr["name"~"{"|".join(names)}",i]{spatial};'] if names else []
    return head + "\n(" + "\n".join(parts) + "\n);\nout center tags qt;"


def overpass_query(
    area: Any,
    what: str = "streets",
    *,
    url: str | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    timeout: float = 200.0,
    max_km2: float = OVERPASS_MAX_KM2,
) -> Path:
    """Ask the Overpass API for the streets or candidate services of a small area (cached).

    Parameters
    ----------
    area
        ``(min lon, min lat, max lon, max lat)`` or a shapely polygon, in EPSG:4326.
    what
        ``"streets"`` (for :func:`network_from_overpass`) or ``"services"`` (for
        :func:`~capacitymetro_plugin.core.registry.osm_candidates.osm_candidates`).
    url
        The interpreter (default ``$CAPACITYMETRO_OVERPASS_URL`` or overpass-api.de).
    max_km2
        Larger areas are refused: use a regional extract (:func:`extract_for_area`).

    Returns
    -------
    Path
        The JSON response in ``<cache>/overpass/<what>_<hash of the query>.json``.
    """
    url = url or os.environ.get("CAPACITYMETRO_OVERPASS_URL") or OVERPASS_URL
    km2 = area_km2(area)
    if km2 > max_km2:
        raise InputError(
            f"The area covers {km2:,.0f} km², more than the {max_km2:,.0f} km² asked of Overpass.",
            fix="Use a regional extract instead (extract_for_area: a Geofabrik .osm.pbf clipped "
            "with osmium), or a smaller area.",
            it=f"L'area copre {km2:,.0f} km², più dei {max_km2:,.0f} km² chiesti a Overpass.",
            fix_it="Usa un estratto regionale (extract_for_area: un .osm.pbf di Geofabrik "
            "ritagliato con osmium), o un'area più piccola.",
        )
    query = overpass_ql(area, what)
    key = hashlib.sha256(f"{url}\n{query}".encode()).hexdigest()[:16]
    path = fetch(
        url,
        f"overpass/{what}_{key}.json",
        offline=offline,
        progress=progress,
        data=urllib.parse.urlencode({"data": query}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=timeout,
        licence=ODBL,
        source="Overpass API",
    )
    _check_overpass(path, url)
    return path


def _check_overpass(path: Path, url: str) -> None:
    """Drop a cached answer that is not a complete Overpass JSON response, with a named error."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        ok = isinstance(doc, dict) and isinstance(doc.get("elements"), list)
        remark = str(doc.get("remark", "")) if isinstance(doc, dict) else ""
    except (UnicodeDecodeError, ValueError):
        ok, remark = False, "not JSON"
    if ok and "error" not in remark.lower():
        return
    path.unlink(missing_ok=True)
    sidecar(path).unlink(missing_ok=True)
    raise _download_error(
        url,
        path,
        f"the answer is not a complete Overpass response ({remark or 'no elements'})",
        f"la risposta non è una risposta Overpass completa ({remark or 'nessun elemento'})",
    )


def overpass_to_osm_xml(source: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Write the nodes and ways of an Overpass JSON response as an OSM XML file.

    The result reads as any ``.osm`` extract (osmium, osmnx, GDAL); relations are left out
    (streets are ways). An element the response holds twice is written once, with the tags of
    both.
    """
    from xml.sax.saxutils import quoteattr

    from capacitymetro_plugin.core.registry.osm_read import _bad_source

    source, dest = Path(source), Path(dest)
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _bad_source(source, f"not valid JSON ({exc})", f"non è JSON valido ({exc})") from exc
    elements = doc.get("elements") if isinstance(doc, dict) else None
    if not isinstance(elements, list):
        raise _bad_source(
            source,
            "not an Overpass response (no 'elements' list)",
            "non è una risposta Overpass (manca la lista 'elements')",
        )

    def tags(el: dict) -> str:
        return "".join(
            f"<tag k={quoteattr(str(k))} v={quoteattr(str(v))}/>"
            for k, v in (el.get("tags") or {}).items()
        )

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="capacitymetro">',
    ]
    # an element can come twice (tagged from the query, untagged again from the recursion
    # `>`): merge them, or the untagged copy would replace the street
    merged: dict[tuple[str, int], dict] = {}
    for el in elements:
        if not isinstance(el, dict) or el.get("type") not in ("node", "way"):
            continue
        seen = merged.setdefault((el["type"], el["id"]), {"tags": {}})
        for key, value in el.items():
            if key == "tags":
                seen["tags"].update(value or {})
            elif value or key not in seen:
                seen[key] = value
    nodes = [e for (kind, _), e in sorted(merged.items()) if kind == "node"]
    ways = [e for (kind, _), e in sorted(merged.items()) if kind == "way"]
    for n in nodes:
        lines.append(
            f'<node id="{n["id"]}" lat="{n["lat"]}" lon="{n["lon"]}" version="1">{tags(n)}</node>'
        )
    for w in ways:
        refs = "".join(f'<nd ref="{r}"/>' for r in w.get("nodes", []))
        lines.append(f'<way id="{w["id"]}" version="1">{refs}{tags(w)}</way>')
    lines.append("</osm>")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def network_from_overpass(source: str | os.PathLike, *, mode: str = "walk", **kwargs: Any):
    """Build a :class:`~capacitymetro_plugin.core.network.Network` from an Overpass streets
    response, exactly as :func:`~capacitymetro_plugin.core.network.network_from_osm` builds an
    extract (same filtering, speeds, simplification and parts)."""
    from capacitymetro_plugin.core.network import network_from_osm

    with tempfile.TemporaryDirectory(prefix="capacitymetro-overpass-") as tmp:
        xml = overpass_to_osm_xml(source, Path(tmp) / f"{Path(source).stem}.osm")
        return network_from_osm(xml, mode=mode, **kwargs)


# --- OpenStreetMap: a regional extract clipped with osmium ---------------------------------------
def geofabrik_url(region: str) -> str:
    """Return the Geofabrik extract of the Italian macro-region holding ISTAT ``region``."""
    wanted = region.split("/")[0].strip().lower()
    for macro, regions in _MACRO_REGION.items():
        if any(wanted.startswith(r.lower()) for r in regions):
            return GEOFABRIK_ITALY.format(macro)
    raise InputError(
        f"No Geofabrik extract is known for region {region!r}.",
        fix="Give the extract's URL or a local .osm.pbf.",
        it=f"Nessun estratto Geofabrik noto per la regione {region!r}.",
        fix_it="Indica l'URL dell'estratto o un .osm.pbf locale.",
    )


def _osmium() -> str:
    exe = shutil.which("osmium")
    if exe is None:
        raise DataUnavailableError(
            "Clipping an OpenStreetMap extract needs the osmium command (osmium-tool).",
            fix="Install osmium-tool (apt install osmium-tool; conda install osmium-tool).",
            it="Per ritagliare un estratto OpenStreetMap serve il comando osmium (osmium-tool).",
            fix_it="Installa osmium-tool (apt install osmium-tool; conda install osmium-tool).",
        )
    return exe


def _unreadable(path: Path, stderr: str) -> InputError:
    why = stderr.strip().splitlines()[-1][:200] if stderr.strip() else "osmium failed"
    return InputError(
        f"The OpenStreetMap extract {path} cannot be read ({why}): it is truncated or not a "
        ".osm.pbf file.",
        fix="Download it again (delete the file first), or check the path.",
        it=f"L'estratto OpenStreetMap {path} non si legge ({why}): è troncato o non è un file "
        ".osm.pbf.",
        fix_it="Scaricalo di nuovo (prima cancella il file), o controlla il percorso.",
    )


def pbf_bounds(path: str | os.PathLike) -> tuple[float, float, float, float]:
    """Return ``(min lon, min lat, max lon, max lat)`` an extract covers.

    The header's bounding box when it has one (Geofabrik's do: quick), else the extent of its
    nodes (``osmium fileinfo -e``, which reads, and so checks, the whole file).
    """
    path = Path(path)
    exe = _osmium()
    res = subprocess.run([exe, "fileinfo", "-j", str(path)], capture_output=True, text=True)
    if res.returncode != 0:
        raise _unreadable(path, res.stderr)
    boxes = json.loads(res.stdout).get("header", {}).get("boxes") or []
    if boxes:
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    res = subprocess.run([exe, "fileinfo", "-e", "-j", str(path)], capture_output=True, text=True)
    bbox = None
    if res.returncode == 0:
        bbox = json.loads(res.stdout).get("data", {}).get("bbox")
    if res.returncode != 0 or not bbox:
        raise _unreadable(path, res.stderr or "no nodes")
    return tuple(float(v) for v in bbox)  # type: ignore[return-value]


def extract_for_area(
    pbf: str | os.PathLike,
    area: Any,
    *,
    dest: str | os.PathLike | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    expected_sha256: str | None = None,
    licence: str = ODBL,
    source: str = "",
) -> Path:
    """Return an ``.osm.pbf`` of ``area`` clipped from a regional extract (a URL or a file).

    A URL is downloaded with :func:`fetch` (resumable, checksummed, cached); the extract's
    bounds (:func:`pbf_bounds`) must hold the whole area; then ``osmium extract -p`` clips it
    (complete ways, bounds set in the header) into ``dest`` (default
    ``<cache>/extracts/<extract>_<hash of the area>.osm.pbf``), written with its provenance.

    Raises
    ------
    InputError
        The extract does not cover the area, or is truncated/unreadable.
    DataUnavailableError, DownloadError
        As :func:`fetch`; osmium missing.
    """
    import shapely

    progress = ensure(progress)
    geom = _polygon_of(area)
    text = str(pbf)
    is_url = urllib.parse.urlparse(text).scheme in ("http", "https", "file")
    if is_url:
        name = Path(urllib.parse.urlparse(text).path).name or "extract.osm.pbf"
        local = fetch(
            text,
            f"extracts/{name}",
            offline=offline,
            progress=progress.step(0, 0.8),
            expected_sha256=expected_sha256,
            licence=licence,
            source=source or urllib.parse.urlparse(text).netloc,
        )
    else:
        local = Path(text)
        if not local.is_file():
            raise InputError(
                f"The OpenStreetMap extract {local} does not exist.",
                fix="Check the path, or give the URL of a regional extract (download.geofabrik.de).",
                it=f"L'estratto OpenStreetMap {local} non esiste.",
                fix_it="Controlla il percorso, o indica l'URL di un estratto regionale "
                "(download.geofabrik.de).",
            )
    bounds = pbf_bounds(local)
    minx, miny, maxx, maxy = geom.bounds
    eps = 1e-7
    if (
        minx < bounds[0] - eps
        or miny < bounds[1] - eps
        or maxx > bounds[2] + eps
        or maxy > bounds[3] + eps
    ):
        have = f"lon {bounds[0]:.3f}–{bounds[2]:.3f}, lat {bounds[1]:.3f}–{bounds[3]:.3f}"
        want = f"lon {minx:.3f}–{maxx:.3f}, lat {miny:.3f}–{maxy:.3f}"
        raise InputError(
            f"The extract {local.name} covers {have}; the area needs {want}: it does not cover "
            "the area.",
            fix="Use the extract of the region holding the area (download.geofabrik.de/europe/"
            "italy.html), or the whole of Italy.",
            it=f"L'estratto {local.name} copre {have}; l'area richiede {want}: non copre l'area.",
            fix_it="Usa l'estratto della regione che contiene l'area (download.geofabrik.de/"
            "europe/italy.html), o tutta l'Italia.",
        )
    stat = local.stat()  # a new download of the extract is clipped again
    key = hashlib.sha256(
        shapely.to_wkb(geom) + f"{stat.st_size}:{stat.st_mtime_ns}".encode()
    ).hexdigest()[:12]
    stem = local.name.split(".")[0]
    out = (
        cache_path(dest)
        if dest is not None
        else cache_root() / "extracts" / f"{stem}_{key}.osm.pbf"
    )
    if out.is_file() and provenance(out) is not None:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    progress.report(0.8, f"clipping {local.name} with osmium")
    with tempfile.TemporaryDirectory(prefix="capacitymetro-extract-") as tmp:
        poly = Path(tmp) / "area.geojson"
        poly.write_text(
            json.dumps(
                {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}
            ),
            encoding="utf-8",
        )
        part = out.with_name(out.name + ".part")
        res = subprocess.run(
            [_osmium(), "extract", "-p", str(poly), "--set-bounds", "-f", "pbf", "-O",
             "-o", str(part), str(local)],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if res.returncode != 0:
            part.unlink(missing_ok=True)
            raise _unreadable(local, res.stderr)
    os.replace(part, out)
    origin = provenance(local)
    Provenance(
        url=origin.url if origin else str(local.resolve()),
        retrieved_at=origin.retrieved_at
        if origin
        else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        bytes=out.stat().st_size,
        sha256=sha256_of(out),
        licence=licence,
        source=f"{source or (origin.source if origin else local.name)}, clipped with "
        f"`osmium extract -p` to lon {minx:.4f}–{maxx:.4f}, lat {miny:.4f}–{maxy:.4f}",
    ).write(out)
    progress.report(1.0, f"{out.name} ready")
    return out


def streets_pbf_from_overpass(
    area: Any,
    dest: str | os.PathLike,
    *,
    url: str | None = None,
    offline: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Return an ``.osm.pbf`` of the streets of a small area, asked of Overpass (cached).

    The answer of :func:`overpass_query` is written as OSM XML (:func:`overpass_to_osm_xml`) and
    sorted into a PBF with ``osmium sort``, so the network, the street weights of the population
    grid and every other reader of extracts take it like a Geofabrik clip.
    """
    progress = ensure(progress)
    out = cache_path(dest)
    answer = overpass_query(area, "streets", url=url, offline=offline, progress=progress)
    origin = provenance(answer)
    if (
        out.is_file()
        and (p := provenance(out)) is not None
        and origin
        and p.derived_from_sha256 == origin.sha256
    ):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="capacitymetro-overpass-") as tmp:
        xml = overpass_to_osm_xml(answer, Path(tmp) / "streets.osm")
        res = subprocess.run(
            [_osmium(), "sort", str(xml), "-f", "pbf", "-O", "-o", str(part)],
            capture_output=True,
            text=True,
        )
    if res.returncode != 0:
        part.unlink(missing_ok=True)
        raise _unreadable(answer, res.stderr)
    os.replace(part, out)
    Provenance(
        url=origin.url if origin else "",
        retrieved_at=origin.retrieved_at if origin else "",
        bytes=out.stat().st_size,
        sha256=sha256_of(out),
        derived_from_sha256=origin.sha256 if origin else "",
        licence=ODBL,
        source=f"Overpass API streets query ({answer.name}), written as .osm.pbf with osmium sort",
        method="POST",
        query=origin.query if origin else "",
    ).write(out)
    return out
