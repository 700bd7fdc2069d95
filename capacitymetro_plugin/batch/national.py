"""Many areas (all metropolitan cities, a region, Italy) in one resumable batch on Dask.

``capacitymetro batch --areas ...`` runs the same per-area analysis as ``capacitymetro run``
(:func:`capacitymetro_plugin.batch.pipeline.run_pipeline`, the same configuration from
:func:`capacitymetro_plugin.batch.config.config_for_area`) as one Dask task per area, on a
``LocalCluster`` or an existing scheduler. Dask is an optional dependency of the command line
only: nothing here is imported by the plugin at QGIS start, and ``dask`` is imported inside the
functions that need it.

Layout of ``out/`` (``OUT``):

- ``areas/<key>/``: everything ``capacitymetro run`` writes for the area, plus ``_DONE.json``
  (its task key) written last, atomically: an area folder without it is unfinished;
- ``layers/<layer>/area=<key>/part-0.parquet``: GeoParquet per layer, partitioned by area
  (written to a temporary name and renamed, so a part is whole or absent);
- ``national_summary.csv`` / ``.parquet``: one row per area, zone (comune, or the configured
  zones) and sector, and one ``level == "area"`` row (zone ``ALL``) per area and sector;
- ``batch_report.csv``: the status of every area of the last batch.

Task keys are deterministic: area key + hash of the configuration + the size and modification
time of every input file + the toolkit version. A rerun with unchanged inputs finds every
``_DONE.json`` with its key and does nothing; an interrupted batch redoes only the unfinished
areas.

:func:`tiled_service_times` splits one large area into tiles with a halo equal to the reach of
the largest cut-off; the network is scattered once to every worker (``broadcast=True``) and
each tile task cuts its own sub-network. The result equals :func:`service_times` on the whole
area exactly (see the function's notes). An area task whose network has more than
``tile_above`` nodes (default :data:`TILE_ABOVE_NODES`, ``--tile-above``) computes its coverage
times that way by itself (:class:`TiledTimes`, the ``times_fn`` of the pipeline's coverage step):
the area task hands its tiles to the cluster it runs on and waits for them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import shutil
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError

from .config import Config, config_for_area, config_toml, load_config

DONE = "_DONE.json"
#: an area whose network has more nodes than this is split into tiles (``--tile-above``): about
#: 50 MB of broadcast network and a few seconds of travel times per 15,000-node tile (benchmarks)
TILE_ABOVE_NODES = 200_000
#: Dask event topic of finished tiles: {"area", "done", "total"}, for the client's "tiles" bar
TILE_TOPIC = "capacitymetro-tiles"


# --- which areas --------------------------------------------------------------------------------
def _regions(table: pd.DataFrame) -> dict[str, str]:
    from capacitymetro_plugin.core.areas import normalize_name

    return {normalize_name(r): r for r in sorted(table["region"].dropna().unique())}


def _province_configs(table: pd.DataFrame, provinces: list[str]) -> list[Config]:
    """One configuration per province (its metropolitan city where it is one)."""
    from capacitymetro_plugin.core.areas import resolve_area

    from .config import config_from_area

    return [config_from_area(resolve_area(code, table=table)) for code in provinces]


def batch_configs(spec: str) -> list[Config]:
    """Return one configuration per area of ``spec``; raise naming every unknown area.

    ``spec`` is ``all-metros`` (the 14 metropolitan cities), ``italy`` (all provinces), a
    region (its provinces), or a comma-separated list of areas as ``capacitymetro run --area``
    takes them (shipped presets, metropolitan cities, provinces, comuni, or ``.toml`` files).
    Nothing is computed before every area is known.
    """
    from capacitymetro_plugin.core.areas import comuni_table, metro_cities, normalize_name

    from .config import config_from_area

    text = (spec or "").strip()
    if not text:
        raise InputError(
            "No area given to --areas.",
            fix="Pass e.g. --areas all-metros, --areas trento,bari, a region or italy.",
            it="Nessuna area indicata in --areas.",
            fix_it="Indica ad es. --areas all-metros, --areas trento,bari, una regione o italy.",
        )
    key = normalize_name(text)
    if key in ("all metros", "all-metros", "all_metros", "metros"):
        return _unique([config_from_area(a) for a in metro_cities()])
    table = None
    if key in ("italy", "italia") or "," not in text:
        table = comuni_table()
        if key in ("italy", "italia"):
            return _unique(_province_configs(table, sorted(table["prov_istat_code"].unique())))
        region = _regions(table).get(key)
        if region is not None:
            codes = table.loc[table["region"] == region, "prov_istat_code"]
            return _unique(_province_configs(table, sorted(codes.unique())))
    configs, unknown = [], []
    for item in [s.strip() for s in text.split(",") if s.strip()]:
        try:
            configs.append(load_config(item) if item.endswith(".toml") else config_for_area(item))
        except CapaCityMetroError as exc:
            unknown.append((item, exc))
    if unknown:
        names = ", ".join(repr(i) for i, _ in unknown)
        details = " ".join(exc.localized("en") for _, exc in unknown)
        details_it = " ".join(exc.localized("it") for _, exc in unknown)
        raise InputError(
            f"Unknown area in --areas: {names}. {details}",
            fix="Fix or remove it (capacitymetro areas --all lists the metropolitan cities); "
            "nothing was computed.",
            it=f"Area sconosciuta in --areas: {names}. {details_it}",
            fix_it="Correggila o toglila (capacitymetro areas --all elenca le città "
            "metropolitane); non è stato calcolato nulla.",
        )
    return _unique(configs)


def _unique(configs: list[Config]) -> list[Config]:
    """Drop repeated areas; PDF maps are made after the batch (``--maps``), never in a task."""
    seen = {}
    for c in configs:
        c.pdf = False
        seen.setdefault(c.key, c)
    return list(seen.values())


# --- deterministic task keys --------------------------------------------------------------------
def input_versions(config: Config, folder: Path | None) -> list[tuple[str, int, int]]:
    """Return (file, size, mtime_ns) of every local input file of ``config`` (absent: -1, -1)."""
    names = {f for f, _ in config.required_files()}
    for extra in (config.streets_for_weights, config.context_pois, config.citizenship):
        if extra:
            names.add(extra)
    out = []
    for name in sorted(names):
        path = Path(name) if Path(name).is_absolute() or folder is None else folder / name
        try:
            st = path.stat()
            out.append((name, int(st.st_size), int(st.st_mtime_ns)))
        except OSError:
            out.append((name, -1, -1))
    return out


def task_key(config: Config, folder: Path | None) -> str:
    """Return ``area-<key>-<hash>``: same area, configuration, inputs and version, same key."""
    from capacitymetro_plugin.__about__ import __version__

    text = config_toml(config.__class__(**{**config.__dict__, "pdf": False}))
    payload = json.dumps([config.key, text, input_versions(config, folder), __version__])
    return f"area-{config.key}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def finished(out_root: Path, config: Config, key: str) -> bool:
    """True when ``areas/<key>/_DONE.json`` records exactly this task key."""
    marker = Path(out_root) / "areas" / config.key / DONE
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("task_key") == key
    except (OSError, ValueError):
        return False


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half file behind
        raise
    os.replace(tmp, path)


#: less free space than this on the output disk when a write fails: the disk is full
FULL_DISK_BYTES = 1 << 20


def _free_bytes(path: Path) -> int | None:
    try:
        st = os.statvfs(path)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return None
    return st.f_bavail * st.f_frsize


def _disk_full(exc: BaseException, path: Path | None = None) -> bool:
    """True when ``exc`` (or what caused it) says the disk or a file-size limit is full, or
    when ``path``'s disk has less than :data:`FULL_DISK_BYTES` left.

    GDAL, SQLite and Arrow report it in their own exceptions, not always as an ``OSError``:
    GDAL writing a GeoPackage says only "Failed to commit transaction", hence the free space.
    """
    if path is not None:
        free = _free_bytes(path)
        if free is not None and free < FULL_DISK_BYTES:
            return True
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return True
        text = str(exc).lower()
        if any(w in text for w in ("no space left", "disk is full", "file too large")):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


# --- one area (runs on a worker) ------------------------------------------------------------------
def run_area(
    config: Config,
    out_root: str,
    folder: str | None,
    key: str,
    offline: bool,
    tile_above: int | None = TILE_ABOVE_NODES,
    door: str = "core",
) -> dict:
    """Run one area into ``out_root``; return its status row. Never raises for bad input.

    ``door`` is the door the batch was started from (the registry history names it: a Dask
    worker does not inherit the caller's, see core/registry/doors.py).

    The coverage times are computed tile by tile on the cluster when the area's network has
    more than ``tile_above`` nodes (:class:`TiledTimes`; None or 0: never). Nothing of the
    area is marked finished until every output is written: the area's files go to a hidden
    folder, its GeoParquet parts to temporary names, and only renames (which need no space)
    and the removal of the old ``_DONE.json`` happen after that.
    """
    from .data import check_data
    from .pipeline import run_pipeline

    out_root = Path(out_root)
    folder_p = Path(folder) if folder else None
    start = time.perf_counter()
    row = {"area": config.key, "name": config.name, "task_key": key}
    if finished(out_root, config, key):
        return {**row, "status": "cached", "detail": "", "seconds": 0.0}
    areas = out_root / "areas"
    tmp = areas / f".{config.key}.{key}.tmp"
    staged: list[tuple[Path, Path]] = []
    try:
        areas.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            shutil.rmtree(tmp)
        check_data(config, folder_p, download=not offline)
        lines: list[str] = []
        tiled = TiledTimes(tile_above=tile_above, area=config.key)
        from capacitymetro_plugin.core.registry.doors import entered_through

        with entered_through(door):
            summary = run_pipeline(
                config, out_dir=tmp, folder=folder_p, log=lines.append, times_fn=tiled
            )
        # as with `capacitymetro run`, a step whose inputs are missing is skipped and named
        skipped = [f"{s.name} skipped ({s.detail})" for s in summary.steps if s.status != "done"]
        parts = _stage_parts(summary, out_root, config.key, key, staged)
        marker = {"task_key": key, "area": config.key, "layers": parts}
        marker["coverage_tiles"] = tiled.tiles_used
        marker["step_seconds"] = {s.name: s.seconds for s in summary.steps}
        marker["numbers"] = {k: v for k, v in summary.numbers.items() if _plain(v)}
        _atomic_write_text(tmp / DONE, json.dumps(marker, indent=1))  # hidden until renamed
        _commit_area(areas, config.key, tmp, staged, out_root, parts)
        tiles = [f"coverage in {tiled.tiles_used} tiles"] if tiled.tiles_used > 1 else []
        detail = "; ".join([f"{len(parts)} layers", *tiles, *skipped])
        return {**row, "status": "done", "detail": detail, "seconds": _since(start)}
    except CapaCityMetroError as exc:
        detail = exc.localized("en")
    except Exception as exc:  # a full disk, a bug: reported for this area, the others go on
        if _disk_full(exc, out_root):
            free = _free_bytes(out_root)
            left = f"; {free // 1024:,} kB free" if free is not None else ""
            detail = (
                f"disk full ({type(exc).__name__}: {exc}{left}); free space in {out_root} and run "
                "the batch again: nothing of this area is marked done, finished areas are kept"
            )
        elif isinstance(exc, OSError):
            detail = f"{type(exc).__name__}: {exc} (nothing of this area is marked done)"
        else:
            tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
            detail = f"internal error {type(exc).__name__}: {exc} ({tb})"
    shutil.rmtree(tmp, ignore_errors=True)
    for part_tmp, _ in staged:
        part_tmp.unlink(missing_ok=True)
    return {**row, "status": "failed", "detail": detail, "seconds": _since(start)}


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 1)


def _plain(value) -> bool:
    return isinstance(value, (int, float, str, bool)) and not isinstance(value, np.generic)


def _stage_parts(summary, out_root: Path, area: str, key: str, staged: list) -> list[str]:
    """Write every layer of the area's GeoPackage to ``layers/<layer>/area=<area>/`` under a
    temporary name; ``staged`` gets (temporary, final) paths as they are written."""
    from capacitymetro_plugin.core import gio

    written = []
    for layer in summary.layers:
        gdf = gio.read_vector(summary.gpkg, layer=layer)
        folder = out_root / "layers" / layer / f"area={area}"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".part-0.{key}.tmp"
        staged.append((tmp, folder / "part-0.parquet"))
        gdf = gdf.replace([np.inf, -np.inf], np.nan)
        gdf.to_parquet(tmp, index=False)
        written.append(layer)
    return written


def _remove_unfinished(out_root: Path, area: str) -> None:
    """Remove what a killed task of ``area`` left half-written (hidden folder and parts)."""
    for tmp in (out_root / "areas").glob(f".{area}.*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)
    for part in (out_root / "layers").glob(f"*/area={area}/.part-0.*.tmp"):
        part.unlink(missing_ok=True)


def _commit_area(areas: Path, area: str, tmp: Path, staged, out_root: Path, parts) -> None:
    """Put a fully written area in place: renames and removals only, no new data written."""
    final = areas / area
    (final / DONE).unlink(missing_ok=True)  # from here until the last rename: unfinished
    for part_tmp, part in staged:
        os.replace(part_tmp, part)
    layers_root = out_root / "layers"
    if layers_root.is_dir():  # a layer the older run of this area had and this one has not
        for stale in layers_root.glob(f"*/area={area}"):
            if stale.parent.name not in parts:
                shutil.rmtree(stale, ignore_errors=True)
    if final.exists():
        old = areas / f".{area}.old.tmp"
        if old.exists():
            shutil.rmtree(old)
        os.replace(final, old)
        shutil.rmtree(old)
    os.replace(tmp, final)  # with its _DONE.json: finished


# --- national summary -----------------------------------------------------------------------------
def national_summary(out_root: Path, configs: list[Config]) -> pd.DataFrame:
    """One table: every finished area's coverage per zone (comune) and sector, plus ALL rows."""
    frames = []
    for config in configs:
        path = Path(out_root) / "areas" / config.key / "coverage.csv"
        if (Path(out_root) / "areas" / config.key / DONE).exists() and path.exists():
            table = pd.read_csv(path, dtype={"area": str})
            table.insert(0, "metro_area", config.key)
            table.insert(1, "metro_area_name", config.name)
            frames.append(table)
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True).rename(columns={"area": "zone"})
    table["level"] = np.where(
        table["zone"] == "ALL", "area", "zone"
    )  # zone: comune or configured zone
    out = Path(out_root)
    _atomic_write_text(out / "national_summary.csv", table.to_csv(index=False))
    tmp = out / ".national_summary.parquet.tmp"
    try:
        table.to_parquet(tmp, index=False)
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out / "national_summary.parquet")
    return table


# --- the cluster ----------------------------------------------------------------------------------
def connect(scheduler: str | None, workers: int, *, timeout_s: float = 10.0):
    """Return a ``dask.distributed.Client``: on ``scheduler``, else on a new LocalCluster."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError(
            f"capacitymetro batch needs dask.distributed ({exc}).",
            fix='Install it: pip install "dask[distributed]".',
            it=f"capacitymetro batch richiede dask.distributed ({exc}).",
            fix_it='Installalo: pip install "dask[distributed]".',
        ) from exc
    # a task whose worker dies is retried on another, then reported (KilledWorker)
    dask.config.set({"distributed.scheduler.allowed-failures": 2})
    if scheduler:
        try:
            return Client(scheduler, timeout=f"{timeout_s:g}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"Cannot reach the Dask scheduler {scheduler} ({type(exc).__name__}: {exc}).",
                fix="Check the address (tcp://host:port) and that the scheduler is running, "
                "or leave out --scheduler to use a local cluster.",
                it=f"Lo scheduler Dask {scheduler} non risponde ({type(exc).__name__}: {exc}).",
                fix_it="Controlla l'indirizzo (tcp://host:porta) e che lo scheduler sia attivo, "
                "oppure togli --scheduler per usare un cluster locale.",
            ) from exc
    if workers < 1:
        raise InputError(
            f"--workers {workers}: at least one worker is needed.",
            fix="Use --workers 1 or more.",
            it=f"--workers {workers}: serve almeno un worker.",
            fix_it="Usa --workers 1 o più.",
        )
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    return Client(cluster)


class _TilesBar:
    """A tqdm bar of finished tiles of every tiled area, fed by the tile events of the tasks."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.bar = None

    def __call__(self, event) -> None:
        msg = event[1] if isinstance(event, tuple) else event
        area, total, done = str(msg["area"]), int(msg["total"]), int(msg["done"])
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=0, desc="tiles", unit="tile", position=1)
        if area not in self.totals or done == 0:  # a retried area starts its tiles again
            self.totals[area], self.done[area] = total, 0
        self.done[area] = max(done, self.done[area])
        # the counts are ours, set on the bar (not tqdm's increments: a disabled or throttled
        # bar, e.g. without a terminal, keeps them too)
        self.bar.total = sum(self.totals.values())
        self.bar.n = sum(self.done.values())
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@dataclass
class BatchResult:
    """What a batch did: one status row per area (done, cached or failed)."""

    rows: list[dict] = field(default_factory=list)
    summary: pd.DataFrame | None = None

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.rows if r["status"] == "failed"]


def run_batch(
    configs: list[Config],
    *,
    out_root: str | Path,
    folder: Path | None,
    client,
    offline: bool = True,
    progress: bool = False,
    log=print,
    tile_above: int | None = TILE_ABOVE_NODES,
) -> BatchResult:
    """Run every area of ``configs`` on ``client``; finished areas (same task key) are skipped.

    An area whose network has more than ``tile_above`` nodes has its coverage times computed
    in tiles on the same cluster (:class:`TiledTimes`; the outputs are the same). With
    ``progress``: a tqdm bar of finished areas and one of finished tiles.
    """
    from distributed import as_completed

    from capacitymetro_plugin.core.registry.doors import current_door

    out = Path(out_root).resolve()
    out.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    futures, pending = {}, []
    for config in configs:
        key = task_key(config, folder)
        if finished(out, config, key):
            result.rows.append(
                {"area": config.key, "name": config.name, "task_key": key, "status": "cached"}
            )
            log(f"[cached] {config.key}: unchanged since the last run")
            continue
        pending.append((config, key))
    for config, key in pending:
        fut = client.submit(
            run_area,
            config,
            str(out),
            str(folder) if folder else None,
            key,
            offline,
            tile_above,
            current_door(),  # `capacitymetro batch`: cli
            # one Dask key per attempt: the scheduler keeps a failed key's error (KilledWorker)
            # while it is known, and a resumed batch on the same cluster must run it again
            key=f"{key}-{uuid.uuid4().hex[:8]}",
        )
        futures[fut] = (config, key)
    bar = None
    if progress and futures:
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc="areas", unit="area")
        tiles_bar = _TilesBar()
        client.subscribe_topic(TILE_TOPIC, tiles_bar)
    for fut in as_completed(list(futures)):
        config, key = futures[fut]
        try:
            row = fut.result()
        except Exception as exc:  # the worker died more than allowed-failures times
            row = {"area": config.key, "name": config.name, "task_key": key}
            row.update(status="failed", detail=f"{type(exc).__name__}: {exc}")
            _remove_unfinished(out, config.key)
        result.rows.append(row)
        log(f"[{row['status']}] {row['area']}: {row.get('detail', '')}".rstrip(": "))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        client.unsubscribe_topic(TILE_TOPIC)
        tiles_bar.close()
        bar.close()
    order = {c.key: i for i, c in enumerate(configs)}
    result.rows.sort(key=lambda r: order.get(r["area"], 0))
    report = pd.DataFrame(result.rows)
    try:
        _atomic_write_text(out / "batch_report.csv", report.to_csv(index=False))
        result.summary = national_summary(out, configs)
    except Exception as exc:
        if not _disk_full(exc, out):
            raise
        raise InputError(
            f"The disk of {out} is full: the batch report and national summary were not "
            f"written ({exc}).",
            fix="Free space there and run the same command again: the finished areas are kept "
            "(only the tables are rewritten).",
            it=f"Il disco di {out} è pieno: il rapporto del batch e il riepilogo nazionale non "
            f"sono stati scritti ({exc}).",
            fix_it="Libera spazio e rilancia lo stesso comando: le aree finite restano "
            "(si riscrivono solo le tabelle).",
        ) from exc
    return result


# --- tiles with a halo ----------------------------------------------------------------------------
def tile_halo_m(network, cutoff_min: float, max_snap_m: float) -> float:
    """Return how far beyond a tile's origins the network must reach for exact times.

    A path of at most ``cutoff_min`` minutes never leaves a disc of cut-off × the network's
    largest straight-line speed around its origin node; origin and service nodes are at most
    ``max_snap_m`` from their points, and the nearest node of a point is only the same in the
    sub-network when every node within ``max_snap_m`` of it is kept: hence 3 × ``max_snap_m``.
    """
    speed = network.crow_flies_speed
    if not np.isfinite(speed):
        raise InputError(
            "The network has zero-time edges between distinct places: no halo bounds a tile.",
            fix="Run the area untiled (tiles=1), or give those edges a travel time.",
            it="La rete ha archi a tempo zero tra luoghi diversi: nessun alone limita un riquadro.",
            fix_it="Esegui l'area senza riquadri (tiles=1) o dai un tempo a quegli archi.",
        )
    return cutoff_min * 60.0 * speed * (1 + 1e-9) + 3 * max_snap_m + 1.0


def _bbox_distance(x: np.ndarray, y: np.ndarray, box) -> np.ndarray:
    xmin, ymin, xmax, ymax = box
    dx = np.maximum(np.maximum(xmin - x, x - xmax), 0.0)
    dy = np.maximum(np.maximum(ymin - y, y - ymax), 0.0)
    return np.hypot(dx, dy)


def tile_origins(xy: np.ndarray, tiles: int) -> np.ndarray:
    """Return a tile number per origin: a near-square grid of ``tiles`` by coordinate quantiles."""
    nx = int(np.ceil(np.sqrt(tiles)))
    ny = int(np.ceil(tiles / nx))
    qx = np.quantile(xy[:, 0], np.linspace(0, 1, nx + 1)[1:-1]) if nx > 1 else []
    qy = np.quantile(xy[:, 1], np.linspace(0, 1, ny + 1)[1:-1]) if ny > 1 else []
    return np.searchsorted(qx, xy[:, 0], side="right") * ny + np.searchsorted(
        qy, xy[:, 1], side="right"
    )


def _tile_task(network, origins, services, rows, box, halo, cutoff_min, max_snap_m):
    """Times of the services ``rows`` to ``origins`` on the nodes within ``halo`` of ``box``."""
    from capacitymetro_plugin.core.coverage import service_times

    keep = _bbox_distance(network.x, network.y, box) <= halo
    sub = network.subnetwork(keep)
    if len(services) == 0 or sub.n_nodes == 0:
        return np.full((len(rows), len(origins)), np.inf, dtype=np.float32), sub.n_nodes
    times = service_times(
        sub, origins, services, cutoff_min=cutoff_min, max_snap_m=max_snap_m, id_field=None
    )
    return times.minutes, sub.n_nodes


def scatter_network(client, network):
    """Send ``network`` once to every worker (``broadcast=True``); return its future.

    Tile tasks take the future as an argument, so the scheduler never sends it again.
    """
    network.__dict__.pop("_kdtree", None)  # rebuilt where needed, not pickled
    return client.scatter(network, broadcast=True, hash=False)


def tiled_service_times(
    network,
    origins,
    services,
    *,
    tiles: int,
    client,
    id_field: str | None = None,
    cutoff_min: float = 60.0,
    max_snap_m: float = 250.0,
    progress: bool = False,
    network_future=None,
    halo_m: float | None = None,
    on_tile=None,
):
    """:func:`~capacitymetro_plugin.core.coverage.service_times`, tile by tile on ``client``.

    The origins are split into ``tiles`` tiles; each tile task gets the origins of its tile,
    the services within reach (:func:`tile_halo_m` less one snap distance) and cuts the network
    to the nodes within the halo of the tile. The network is scattered once to every worker
    (``broadcast=True``), never sent per task. Services farther than the reach cannot be
    within the cut-off of any origin of the tile, so the assembled table equals the whole-area
    one exactly (origin snapping is taken from the whole network).

    ``on_tile(done, total)`` is called as tiles finish (the batch's "tiles" bar).

    Returns the :class:`~capacitymetro_plugin.core.coverage.ServiceTimes` and a list of
    (tile, origins, services, sub-network nodes) for reporting.
    """
    from capacitymetro_plugin.core.coverage import ServiceTimes
    from capacitymetro_plugin.core.coverage.coverage import CONNECTOR_KMH
    from capacitymetro_plugin.core.network import snap
    from capacitymetro_plugin.core.network.snapping import point_xy, to_network_crs

    origins = to_network_crs(origins, network, what="population")
    services = to_network_crs(services, network, what="services")
    o_xy = point_xy(origins, what="population")
    s_xy = point_xy(services, what="services")
    # halo_m: only to show what a too-small halo does (the times are then not exact)
    halo = tile_halo_m(network, cutoff_min, max_snap_m) if halo_m is None else float(halo_m)
    tile_of = tile_origins(o_xy, max(1, int(tiles)))
    net_future = network_future if network_future is not None else scatter_network(client, network)
    minutes = np.full((len(services), len(origins)), np.inf, dtype=np.float32)
    futures, info = {}, []
    for t in np.unique(tile_of):
        cols = np.flatnonzero(tile_of == t)
        xy = o_xy[cols]
        box = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
        rows = np.flatnonzero(_bbox_distance(s_xy[:, 0], s_xy[:, 1], box) <= halo - max_snap_m)
        fut = client.submit(
            _tile_task,
            net_future,
            origins.iloc[cols],
            services.iloc[rows],
            rows,
            box,
            halo,
            cutoff_min,
            max_snap_m,
            pure=False,
        )
        futures[fut] = (int(t), cols, rows)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc="tiles", unit="tile")
    from distributed import as_completed

    for fut in as_completed(list(futures)):
        t, cols, rows = futures[fut]
        block, n_sub = fut.result()
        if len(rows):
            minutes[np.ix_(rows, cols)] = block
        info.append((t, len(cols), len(rows), n_sub))
        if bar is not None:
            bar.update(1)
        if on_tile is not None:
            on_tile(len(info), len(futures))
    if bar is not None:
        bar.close()
    o = snap(network, origins, max_distance_m=max_snap_m, what="population")
    o_conn = np.where(o.off_network, np.inf, o.distance_m / (CONNECTOR_KMH / 3.6) / 60.0)
    ids = list(services[id_field]) if id_field else list(range(len(services)))
    times = ServiceTimes(
        minutes,
        ids,
        o.node,
        o_conn,
        cutoff_min,
        CONNECTOR_KMH,
        max_snap_m,
        _snap_notes(network, services, o.off_network, max_snap_m),
    )
    return times, sorted(info)


def _snap_notes(network, services, origins_off: np.ndarray, max_snap_m: float) -> list[str]:
    """The notes of ``service_times`` on the whole network (services and origins off it)."""
    from capacitymetro_plugin.core.network import snap

    s = snap(network, services, max_distance_m=max_snap_m, what="services")
    notes = []
    if s.off_network.any():
        notes.append(
            f"{int(s.off_network.sum())} services are farther than {max_snap_m:g} m "
            "from the network and reach nobody."
        )
    if origins_off.any():
        notes.append(
            f"{int(origins_off.sum())} origins are farther than {max_snap_m:g} m "
            "from the network and count as unserved."
        )
    return notes


def tiles_for(n_nodes: int, tile_above: int | None) -> int:
    """Return the number of tiles of an area whose network has ``n_nodes`` nodes.

    1 (untiled) up to ``tile_above`` nodes (None or 0: always 1), else
    ``ceil(n_nodes / tile_above)`` and at least 2. Each tile task holds the nodes of its tile
    plus its halo, so it can hold more than ``tile_above`` nodes when the halo is wide.
    """
    if not tile_above or tile_above <= 0 or n_nodes <= tile_above:
        return 1
    return max(2, math.ceil(n_nodes / tile_above))


@dataclass
class TiledTimes:
    """:func:`~capacitymetro_plugin.core.coverage.service_times`, in tiles when the area is large.

    A ``times_fn`` for the coverage step (:func:`capacitymetro_plugin.batch.pipeline.
    step_coverage`): the same arguments and the same table. When the network has more than
    ``tile_above`` nodes it is split into :func:`tiles_for` tiles computed by
    :func:`tiled_service_times` on ``client``, or, in a batch task, on the cluster the task
    runs on (``distributed.worker_client``: the task leaves its worker thread free while it
    waits for its tiles). Each finished tile is logged as a Dask event (:data:`TILE_TOPIC`).

    After a call, ``tiles_used`` is the number of tiles (1: untiled) and ``info`` the tiles'
    (tile, origins, services, sub-network nodes).
    """

    tile_above: int | None = TILE_ABOVE_NODES
    area: str = ""
    client: object = None
    tiles_used: int = 0
    info: list = field(default_factory=list)

    def __call__(
        self,
        network,
        origins,
        services,
        *,
        id_field: str | None = None,
        cutoff_min: float | None = 60.0,
        max_snap_m: float = 250.0,
        progress=None,
    ):
        from capacitymetro_plugin.core.coverage import service_times

        tiles = tiles_for(network.n_nodes, self.tile_above) if cutoff_min is not None else 1
        self.tiles_used, self.info = tiles, []
        options = {"id_field": id_field, "cutoff_min": cutoff_min, "max_snap_m": max_snap_m}
        if tiles == 1:
            return service_times(network, origins, services, progress=progress, **options)
        if self.client is not None:
            return self._tiled(self.client, network, origins, services, tiles, progress, options)
        from distributed import get_worker, worker_client

        try:
            get_worker()
        except ValueError:  # not in a Dask task: the default client of this process
            return self._tiled(
                _default_client(), network, origins, services, tiles, progress, options
            )
        with worker_client() as client:
            return self._tiled(client, network, origins, services, tiles, progress, options)

    def _tiled(self, client, network, origins, services, tiles, progress, options):
        from capacitymetro_plugin.core.progress import ensure

        progress = ensure(progress)

        def on_tile(done: int, total: int) -> None:
            progress.report(done / total, f"tile {done}/{total}")
            client.log_event(TILE_TOPIC, {"area": self.area, "done": done, "total": total})

        client.log_event(TILE_TOPIC, {"area": self.area, "done": 0, "total": tiles})
        times, self.info = tiled_service_times(
            network, origins, services, tiles=tiles, client=client, on_tile=on_tile, **options
        )
        return times


def _default_client():
    from distributed import get_client

    try:
        return get_client()
    except ValueError as exc:
        raise InputError(
            "Tiled travel times need a Dask cluster, and none is connected.",
            fix="Pass client= (a distributed.Client), or run the area with capacitymetro batch.",
            it="I tempi per riquadri richiedono un cluster Dask, e nessuno è collegato.",
            fix_it="Indica client= (un distributed.Client) o usa capacitymetro batch.",
        ) from exc


# --- the command line (capacitymetro batch) -------------------------------------------------------
def cli_batch(args) -> int:
    """``capacitymetro batch``: 0 when every area is done or cached, 1 when any failed."""
    import sys

    from .data import data_dir

    configs = batch_configs(args.areas)  # unknown areas are named before any work
    folder = data_dir(args.data)
    out = Path(args.out or "out/batch")
    print(f"CapaCityMetro batch: {len(configs)} areas -> {out}  (data: {folder or 'none'})")
    client = connect(args.scheduler, args.workers, timeout_s=args.connect_timeout)
    try:
        print(f"Dask scheduler: {client.scheduler.address}  dashboard: {_dashboard(client)}")
        show = (not args.quiet and sys.stderr.isatty()) or args.progress
        tile_above = getattr(args, "tile_above", TILE_ABOVE_NODES)
        print(
            f"Areas with more than {tile_above:,} network nodes are split into tiles."
            if tile_above
            else "No area is split into tiles (--tile-above 0)."
        )
        result = run_batch(
            configs,
            out_root=out,
            folder=folder,
            client=client,
            offline=args.offline,
            progress=show,
            tile_above=tile_above,
        )
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and not args.scheduler:
            cluster.close()
    counts = pd.Series([r["status"] for r in result.rows]).value_counts().to_dict()
    print(
        f"Batch: {counts.get('done', 0)} done, {counts.get('cached', 0)} unchanged, "
        f"{counts.get('failed', 0)} failed; report {out / 'batch_report.csv'}, "
        f"summary {out / 'national_summary.csv'}, layers {out / 'layers'}"
    )
    if args.maps:
        _maps(out, configs, result)
    for row in result.failed:
        print(f"  failed: {row['area']}: {row.get('detail', '')}", file=sys.stderr)
    return 1 if result.failed else 0


def _dashboard(client) -> str:
    """The dashboard address, or why there is none (its pages need ``bokeh``)."""
    link = getattr(client, "dashboard_link", "") or ""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return f"{link or 'none'} (its pages need bokeh: pip install bokeh)"
    return link or "none"


def _maps(out: Path, configs: list[Config], result: BatchResult) -> None:
    """The usual per-area PDF maps (QGIS, in this process) of the areas done in this batch."""
    from .pipeline import Step, Summary

    done = {r["area"] for r in result.rows if r["status"] == "done"}
    try:
        from capacitymetro_plugin.maps.batch_maps import export_summary_maps
    except ImportError as exc:
        print(f"[skipped] pdf maps: QGIS is not available ({exc})")
        return
    for config in configs:
        if config.key not in done:
            continue
        folder = out / "areas" / config.key
        marker = json.loads((folder / DONE).read_text(encoding="utf-8"))
        summary = Summary(config=config, out_dir=folder, layers=list(marker["layers"]))
        summary.numbers.update(marker.get("numbers", {}))
        summary.steps.append(Step("coverage", "done"))
        pdfs = export_summary_maps(summary)
        print(f"[done] {config.key} pdf maps: {', '.join(p.name for p in pdfs)}")
