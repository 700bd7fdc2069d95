"""core.downloads.fetch against a real local HTTP server: cache, provenance, resume, errors."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pytest
from httpfixtures import Behaviour, Server

from capacitymetro_plugin.core.downloads import DownloadError, fetch, provenance, sidecar
from capacitymetro_plugin.core.errors import Canceled, DataUnavailableError
from capacitymetro_plugin.core.progress import Progress

PBF = "osm_trento_2023-02_tnst.osm.pbf"


@pytest.fixture(scope="module")
def pbf_bytes(shared_data) -> bytes:
    return (shared_data / PBF).read_bytes()


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".part", ".part.json")))


def test_download_writes_file_and_provenance_then_serves_the_cache(pbf_bytes, tmp_path):
    b = Behaviour(files={"/trento.pbf": pbf_bytes})
    with Server(b) as s:
        url = s.url("/trento.pbf")
        path = fetch(url, "trento/osm.pbf", licence="ODbL 1.0", source="Geofabrik")
        assert path == tmp_path / "cache" / "trento" / "osm.pbf"
        assert path.read_bytes() == pbf_bytes
        side = json.loads(sidecar(path).read_text())
        assert side["url"] == url and side["licence"] == "ODbL 1.0"
        assert side["source"] == "Geofabrik"
        assert side["bytes"] == 3_196_792 == len(pbf_bytes)
        assert side["sha256"] == hashlib.sha256(pbf_bytes).hexdigest()
        assert side["etag"].startswith('"') and side["last_modified"].endswith("GMT")
        when = datetime.strptime(side["retrieved_at"], "%Y-%m-%dT%H:%M:%SZ")
        age = datetime.now(timezone.utc).replace(tzinfo=None) - when
        assert abs(age.total_seconds()) < 60
        assert len(b.requests) == 1 and b.requests[0]["user_agent"].startswith("CapaCityMetro")
        # cached: no second request, online or offline; the checksum is checked from the sidecar
        assert fetch(url, "trento/osm.pbf") == path
        sha = hashlib.sha256(pbf_bytes).hexdigest()
        assert fetch(url, "trento/osm.pbf", offline=True, expected_sha256=sha.upper()) == path
        assert len(b.requests) == 1
    assert provenance(path).sha256 == hashlib.sha256(pbf_bytes).hexdigest()
    assert _leftovers(tmp_path) == []


def test_offline_without_cache_names_file_url_and_fix(tmp_path):
    b = Behaviour(files={"/x.csv": b"a,b\n"})
    with Server(b) as s:
        url = s.url("/x.csv")
        with pytest.raises(DataUnavailableError) as err:
            fetch(url, "istat/x.csv", offline=True)
    assert b.requests == []  # never touched the network
    en, it = err.value.localized("en"), err.value.localized("it")
    assert "x.csv is not in the cache" in en and url in en and "without --offline" in en
    assert "non è nella cache" in it and "senza --offline" in it and url in it
    assert not (tmp_path / "cache" / "istat" / "x.csv").exists()


def test_dropped_connection_is_resumed_with_range(pbf_bytes, tmp_path):
    half = len(pbf_bytes) // 2
    b = Behaviour(files={"/t.pbf": pbf_bytes}, ranges=True, drop_after=half)
    notes = []
    with Server(b) as s:
        path = fetch(s.url("/t.pbf"), "t.pbf", progress=Progress(log=notes.append))
    assert path.read_bytes() == pbf_bytes
    assert [r["range"] for r in b.requests] == [None, f"bytes={half}-"]
    assert b.requests[1]["if_range"]  # the ETag: resume only the same file
    assert any("resuming" in n for n in notes)
    assert _leftovers(tmp_path) == []


def test_server_without_range_is_restarted_once(pbf_bytes):
    half = len(pbf_bytes) // 3
    b = Behaviour(files={"/t.pbf": pbf_bytes}, ranges=False, drop_after=half)
    with Server(b) as s:
        path = fetch(s.url("/t.pbf"), "t.pbf")
    assert path.read_bytes() == pbf_bytes
    assert len(b.requests) == 2  # the Range was ignored (200): a whole new body


def test_body_always_cut_short_is_a_named_error_and_the_cache_holds_no_half_file(
    pbf_bytes, tmp_path
):
    b = Behaviour(files={"/t.pbf": pbf_bytes}, ranges=False, drop_after=1000, drops=99)
    with Server(b) as s, pytest.raises(DownloadError) as err:
        fetch(s.url("/t.pbf"), "trento/t.pbf")
    assert len(b.requests) == 2  # the first try and one restart
    en = err.value.localized("en")
    assert "stopped at 1,000 of 3,196,792 bytes (truncated)" in en
    assert "troncato" in err.value.localized("it")
    assert not (tmp_path / "cache" / "trento" / "t.pbf").exists()
    assert not sidecar(tmp_path / "cache" / "trento" / "t.pbf").exists()


def test_a_part_file_left_by_an_earlier_run_is_resumed(pbf_bytes, tmp_path):
    """Cut short with Range refused the second time: the next run picks up the .part."""
    b = Behaviour(files={"/t.pbf": pbf_bytes}, ranges=True, drop_after=100_000, drops=99)
    with Server(b) as s:
        with pytest.raises(DownloadError):
            fetch(s.url("/t.pbf"), "t.pbf", max_resumes=2)
        part = tmp_path / "cache" / "t.pbf.part"
        assert part.stat().st_size == 300_000  # three requests of 100 kB
        b.drops = 0
        path = fetch(s.url("/t.pbf"), "t.pbf")
    assert path.read_bytes() == pbf_bytes
    assert b.requests[-1]["range"] == "bytes=300000-"
    assert _leftovers(tmp_path) == []


def test_wrong_checksum_deletes_the_download(pbf_bytes, tmp_path):
    b = Behaviour(files={"/t.pbf": pbf_bytes})
    with Server(b) as s, pytest.raises(DownloadError) as err:
        fetch(s.url("/t.pbf"), "t.pbf", expected_sha256="0" * 64)
    assert hashlib.sha256(pbf_bytes).hexdigest() in err.value.message
    assert "SHA-256" in err.value.localized("it")
    assert list((tmp_path / "cache").iterdir()) == []


def test_http_error_is_named_in_both_languages(tmp_path):
    with Server(Behaviour(files={})) as s, pytest.raises(DownloadError) as err:
        fetch(s.url("/missing.zip"), "missing.zip")
    assert "HTTP 404" in err.value.localized("en") and "HTTP 404" in err.value.localized("it")
    assert "il server ha risposto" in err.value.localized("it")
    assert list((tmp_path / "cache").iterdir()) == []


def test_dns_failure_is_named():
    # .invalid never resolves (RFC 6761)
    with pytest.raises(DownloadError) as err:
        fetch("http://capacitymetro.invalid/x.zip", "x.zip", timeout=5)
    assert "cannot be resolved (DNS" in err.value.localized("en")
    assert "non si risolve" in err.value.localized("it")


def test_timeout_is_named():
    b = Behaviour(files={"/slow": b"x" * 10}, delay=1.5)
    with Server(b) as s, pytest.raises(DownloadError) as err:
        fetch(s.url("/slow"), "slow", timeout=0.3)
    assert "within 0.3 s (timeout)" in err.value.localized("en")


def test_progress_reports_bytes_and_cancel_stops_without_a_file(pbf_bytes, tmp_path):
    seen = []
    with Server(Behaviour(files={"/t.pbf": pbf_bytes})) as s:
        fetch(s.url("/t.pbf"), "a.pbf", progress=Progress(lambda pct, m: seen.append((pct, m))))
        fractions = [p for p, _ in seen]
        assert fractions == sorted(fractions) and fractions[-1] == 100.0
        assert len(seen) >= 12 and "MB of 3.2 MB" in seen[len(seen) // 2][1]
        calls = []
        cancel = Progress(lambda pct, m: calls.append(pct), lambda: len(calls) >= 3)
        with pytest.raises(Canceled):
            fetch(s.url("/t.pbf"), "b.pbf", progress=cancel)
    assert not (tmp_path / "cache" / "b.pbf").exists()
