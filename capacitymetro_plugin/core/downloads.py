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
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from capacitymetro_plugin.core.errors import DataUnavailableError
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
        query=data.decode("utf-8", "replace") if data is not None else "",
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
