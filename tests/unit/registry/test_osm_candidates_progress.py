"""osm_candidates and registry_from_osm report progress as fractions (0–1), like every core call.

They used to call ``progress.report(50)`` and ``report(100)``: :class:`Progress` clamps a
fraction to 1, so the bar jumped to the end of the step at "matching tags".
"""

from __future__ import annotations

import json

from capacitymetro_plugin.core.progress import Progress
from capacitymetro_plugin.core.registry.osm_candidates import osm_candidates, registry_from_osm

ELEMENTS = [
    {
        "type": "node",
        "id": 1,
        "lat": 46.0700,
        "lon": 11.1200,
        "tags": {"amenity": "social_facility", "name": "Casa accoglienza"},
    },
    {
        "type": "node",
        "id": 2,
        "lat": 46.0710,
        "lon": 11.1210,
        "tags": {"amenity": "townhall", "name": "Municipio"},
    },
]


def _answer(tmp_path):
    path = tmp_path / "overpass.json"
    doc = {"version": 0.6, "generator": "Overpass API", "elements": ELEMENTS}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _recorder():
    seen: list[tuple[float, str]] = []
    return seen, Progress(lambda pct, msg: seen.append((pct, msg)))


def test_candidates_progress_is_a_fraction(tmp_path):
    seen, progress = _recorder()
    osm_candidates(_answer(tmp_path), progress=progress)
    by_message = {msg: pct for pct, msg in seen}
    assert by_message["reading OSM data"] == 0.0
    assert by_message["matching tags"] == 50.0  # was 100: report(50) clamped to the end
    assert seen[-1][0] == 100.0
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


def test_registry_from_osm_maps_its_steps_inside_the_bar(tmp_path):
    seen, progress = _recorder()
    registry_from_osm(_answer(tmp_path), None, progress=progress.step(0.0, 0.5))
    pcts = [p for p, _ in seen]
    assert max(pcts) == 50.0  # never past the end of the parent's step
    # the candidates' "matching tags" sits at half of their 0–0.8 share of the step
    assert dict((m, p) for p, m in seen)["matching tags"] == 20.0
    assert pcts == sorted(pcts)
