"""Nominatim (OpenStreetMap's geocoder) for addresses a local extract does not match.

Every answer is cached on disk with its provenance (URL, query, date, licence), so a second run
asks nothing and ``offline`` runs read only the cache. Requests follow the public instance's
usage policy: at most one per second (:data:`~capacitymetro_plugin.core.defaults.
NOMINATIM_MIN_INTERVAL_S`) and a User-Agent naming the application. Set
``CAPACITYMETRO_NOMINATIM_URL`` (or pass ``url``) for another instance.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import CapaCityMetroError, DataUnavailableError

from .addresses import ParsedAddress, fold, split_street, street_similarity

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0 (via Nominatim)"


class GeocoderError(CapaCityMetroError):
    """The online geocoder refused or answered something unusable; nothing was written."""


def default_cache_dir() -> Path:
    """Return ``$CAPACITYMETRO_CACHE/nominatim`` (default ``~/.cache/capacitymetro/nominatim``)."""
    base = os.environ.get("CAPACITYMETRO_CACHE") or (Path.home() / ".cache" / "capacitymetro")
    return Path(base) / "nominatim"


def user_agent() -> str:
    """Return the User-Agent the usage policy asks for: the application and where it lives."""
    try:
        from capacitymetro_plugin.__about__ import __version__
    except Exception:  # noqa: BLE001 - metadata missing in a stripped copy
        __version__ = "dev"
    return f"CapaCityMetro/{__version__} (QGIS plugin; https://github.com/capacitymetro)"


class Nominatim:
    """A polite, cached Nominatim client.

    Parameters
    ----------
    url
        Base URL (default ``$CAPACITYMETRO_NOMINATIM_URL`` or the public instance).
    cache_dir
        Where answers are kept (default :func:`default_cache_dir`).
    offline
        Read only the cache; an address not cached stays unmatched ("offline, not cached").
    min_interval
        Seconds between two requests (the public instance allows one per second).
    timeout
        Seconds before a request gives up.
    clock, sleep
        Time functions (``time.monotonic``/``time.sleep``); replaceable to check the pacing.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        cache_dir: str | os.PathLike | None = None,
        offline: bool = False,
        min_interval: float = defaults.NOMINATIM_MIN_INTERVAL_S,
        timeout: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = (
            url or os.environ.get("CAPACITYMETRO_NOMINATIM_URL") or defaults.NOMINATIM_URL
        ).rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.offline = offline
        self.min_interval = min_interval
        self.timeout = timeout
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None
        self.requests = 0  # sent to the server (not answered from the cache)

    # --- one query -----------------------------------------------------------------------
    def _params(self, parsed: ParsedAddress) -> dict[str, str]:
        street = f"{parsed.housenumber} {parsed.street}" if parsed.housenumber else parsed.street
        params = {"street": street or "", "country": "Italia", "countrycodes": "it"}
        if parsed.comune:
            params["city"] = parsed.comune
        if parsed.postcode:
            params["postalcode"] = parsed.postcode
        params.update({"format": "jsonv2", "addressdetails": "1", "limit": "1"})
        return params

    def _cache_path(self, query_url: str) -> Path:
        return self.cache_dir / (
            hashlib.sha256(query_url.encode("utf-8")).hexdigest()[:32] + ".json"
        )

    def search(self, parsed: ParsedAddress) -> list[dict] | None:
        """Return Nominatim's results for ``parsed`` (cached), or None offline without a cache."""
        query_url = f"{self.url}/search?{urllib.parse.urlencode(self._params(parsed))}"
        cached = self._cache_path(query_url)
        if cached.exists():
            try:
                return json.loads(cached.read_text(encoding="utf-8"))["results"]
            except (ValueError, KeyError):
                cached.unlink()  # a damaged cache entry is asked again
        if self.offline:
            return None
        results = self._fetch(query_url)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        record = {
            "url": query_url,
            "query": parsed.raw,
            "retrieved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "licence": LICENCE,
            "results": results,
        }
        tmp = cached.with_suffix(".part")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, cached)  # never half a file in the cache
        return results

    def _wait(self) -> None:
        if self._last is not None:
            left = self.min_interval - (self._clock() - self._last)
            if left > 0:
                self._sleep(left)
        self._last = self._clock()

    def _fetch(self, query_url: str) -> list[dict]:
        self._wait()
        self.requests += 1
        request = urllib.request.Request(
            query_url, headers={"User-Agent": user_agent(), "Accept-Language": "it,en"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise _http_error(self.url, exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataUnavailableError(
                f"Nominatim at {self.url} cannot be reached ({reason}); nothing was written.",
                fix="Check the connection, or geocode offline with a local .osm.pbf extract.",
                it=f"Nominatim su {self.url} non è raggiungibile ({reason}); non è stato scritto nulla.",
                fix_it="Controlla la connessione, o geocodifica offline con un estratto .osm.pbf locale.",
            ) from None
        try:
            results = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            results = None
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise GeocoderError(
                f"Nominatim at {self.url} answered something that is not a list of places "
                f"({body[:60]!r}); nothing was written.",
                fix="Check CAPACITYMETRO_NOMINATIM_URL points to a Nominatim /search service.",
                it=f"Nominatim su {self.url} ha risposto qualcosa che non è un elenco di luoghi "
                f"({body[:60]!r}); non è stato scritto nulla.",
                fix_it="Controlla che CAPACITYMETRO_NOMINATIM_URL indichi un servizio Nominatim /search.",
            )
        return results

    # --- one address as a GeocodeResult ------------------------------------------------------
    def geocode(self, parsed: ParsedAddress, *, min_score: float = defaults.GEOCODE_MIN_SCORE):
        """Return a :class:`~.geocode.GeocodeResult` for ``parsed`` (level from the place rank)."""
        from .geocode import SOURCE_NOMINATIM, GeocodeResult, _none

        results = self.search(parsed)
        if results is None:
            return _none(
                parsed.raw,
                "offline and not in the Nominatim cache",
                "offline e non nella cache di Nominatim",
            )
        if not results:
            return _none(parsed.raw, "Nominatim found nothing", "Nominatim non ha trovato nulla")
        hit = results[0]
        try:
            lon, lat = float(hit["lon"]), float(hit["lat"])
            rank = int(hit.get("place_rank") or 0)
        except (KeyError, TypeError, ValueError):
            return _none(
                parsed.raw,
                "Nominatim's answer has no coordinates",
                "la risposta di Nominatim non ha coordinate",
            )
        address = hit.get("address") or {}
        road = address.get("road") or address.get("pedestrian") or address.get("square") or ""
        score = (
            street_similarity(split_street(parsed.street or ""), split_street(road))
            if road
            else 0.0
        )
        town = fold(address.get("city") or address.get("town") or address.get("village") or "")
        if parsed.comune and town and fold(parsed.comune) != town:
            score *= 0.9
        label = hit.get("display_name") or road
        if rank >= 28 and address.get("house_number"):
            level = "housenumber"
        elif rank >= 26:
            level = "street"
        else:
            return _none(
                parsed.raw,
                f"Nominatim found only an area (place rank {rank}): {label}",
                f"Nominatim ha trovato solo un'area (place rank {rank}): {label}",
            )
        if score < min_score:
            return _none(
                parsed.raw,
                f"Nominatim's street '{road}' does not match '{parsed.street}' ({score:.2f})",
                f"la via di Nominatim '{road}' non corrisponde a '{parsed.street}' ({score:.2f})",
            )
        return GeocodeResult(parsed.raw, level, round(score, 3), lon, lat, SOURCE_NOMINATIM, label)


def _http_error(url: str, code: int) -> GeocoderError:
    if code == 429:
        return GeocoderError(
            f"Nominatim at {url} refused: too many requests (HTTP 429); nothing was written.",
            fix="Wait a few minutes and run again (answers so far are cached), or geocode offline "
            "with a local .osm.pbf extract.",
            it=f"Nominatim su {url} ha rifiutato: troppe richieste (HTTP 429); non è stato scritto nulla.",
            fix_it="Attendi qualche minuto e riprova (le risposte avute sono in cache), o geocodifica "
            "offline con un estratto .osm.pbf locale.",
        )
    return GeocoderError(
        f"Nominatim at {url} failed with HTTP {code}; nothing was written.",
        fix="Try again later (answers so far are cached), or geocode offline with a local .osm.pbf.",
        it=f"Nominatim su {url} ha risposto con errore HTTP {code}; non è stato scritto nulla.",
        fix_it="Riprova più tardi (le risposte avute sono in cache), o geocodifica offline con un "
        ".osm.pbf locale.",
    )
