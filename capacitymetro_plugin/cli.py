"""The ``capacitymetro`` command line: run a whole analysis for an area with one command.

Examples::

    capacitymetro run --area trento --out out/trento
    capacitymetro run --config config/bari.toml --data ../shared/data --out out/bari
    python -m capacitymetro_plugin run --area venezia --out out/venezia --no-pdf
    capacitymetro areas --all
    capacitymetro init --area milano --out config/milano.toml
    capacitymetro run --area milano --offline      # names the missing data, exit code 2
    capacitymetro validate-hsds out/hsds.json
    capacitymetro publish --registry out/trento/registry.gpkg --out out/trento/bussola
    capacitymetro publish --config config/venezia.toml --data ../shared/data   # + water buses
    capacitymetro geocode out/trento/registry.gpkg --osm ../shared/data/osm_trento_2023-02_tnst.osm.pbf
    capacitymetro registry from-osm --pbf osm_trento.osm.pbf --area comune:trento --registry r.gpkg
    capacitymetro registry roles grant --dsn "dbname=registry" --login anna --role cm_area_editor --area 072006
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _progress_for(enabled: bool):
    """Return ``factory(step) -> Progress`` driving one tqdm bar per step."""
    from capacitymetro_plugin.core.progress import Progress

    bars = {}

    def factory(name: str) -> Progress:
        if not enabled:
            return Progress(log=lambda m: print(f"    {m}", file=sys.stderr))
        from tqdm import tqdm

        bar = tqdm(
            total=100,
            desc=f"{name:<11}",
            unit="%",
            leave=False,
            file=sys.stderr,
            bar_format="{desc} {bar} {n:.0f}% {postfix}",
        )
        bars[name] = bar

        def report(pct: float, message: str) -> None:
            bar.n = min(pct, 100.0)
            if message:
                bar.set_postfix_str(message[:40], refresh=False)
            bar.refresh()

        def log(message: str) -> None:
            bar.write(f"    {message}", file=sys.stderr)

        return Progress(report, None, log)

    factory.bars = bars  # type: ignore[attr-defined]
    return factory


def cmd_run(args) -> int:
    from capacitymetro_plugin.batch.config import config_for_area, load_config
    from capacitymetro_plugin.batch.data import check_data, data_dir
    from capacitymetro_plugin.batch.pipeline import run_pipeline

    config = load_config(args.config) if args.config else config_for_area(args.area)
    if args.no_pdf:
        config.pdf = False
    folder = data_dir(args.data)
    out = Path(args.out or f"out/{config.key}")
    if out.exists() and not out.is_dir():
        from capacitymetro_plugin.core.errors import InputError

        raise InputError(
            f"--out {out} is an existing file, not a folder; it was left as it is.",
            fix="Give --out a folder (new or existing) for the outputs.",
            it=f"--out {out} è un file esistente, non una cartella; è stato lasciato com'è.",
            fix_it="Indica con --out una cartella (nuova o esistente) per i risultati.",
        )
    print(f"CapaCityMetro: {config.name} -> {out}  (data: {folder or 'none, will download'})")
    progress_for = _progress_for(not args.quiet and sys.stderr.isatty() or args.progress)
    # downloads (core/downloads.py) show their bytes on a bar of their own
    check_data(config, folder, download=not args.offline, progress=progress_for("download"))

    def log(line: str) -> None:
        bars = getattr(progress_for, "bars", {})
        for bar in bars.values():
            if line.startswith("[done]"):
                bar.n = bar.total
                bar.refresh()
            bar.close()
        bars.clear()
        print(line)

    summary = run_pipeline(config, out_dir=out, folder=folder, progress_for=progress_for, log=log)
    if config.pdf:
        from capacitymetro_plugin.core.errors import CapaCityMetroError

        try:
            from capacitymetro_plugin.maps.batch_maps import export_summary_maps

            pdfs = export_summary_maps(summary)
            summary.files.extend(pdfs)
            summary.step("pdf_maps", "done", ", ".join(p.name for p in pdfs))
            print(f"[done] pdf maps: {', '.join(p.name for p in pdfs)}")
        except CapaCityMetroError as exc:  # e.g. a basemap that cannot be opened
            summary.step("pdf_maps", "skipped", exc.message)
            print(f"[skipped] pdf maps: {exc.message}")
        except ImportError as exc:
            summary.step(
                "pdf_maps", "skipped", f"QGIS is not available ({exc}); --no-pdf runs without maps"
            )
            print(f"[skipped] pdf maps: QGIS is not available ({exc})")
        from capacitymetro_plugin.batch.report import write_reports

        write_reports(summary)
    skipped = [s for s in summary.steps if s.status != "done"]
    print(
        f"Summary: {out / 'summary.html'}  ({len(summary.steps) - len(skipped)} steps done, "
        f"{len(skipped)} skipped)"
    )
    for key in sorted(k for k in summary.numbers if k.startswith("served_pct_")):
        sector = key.removeprefix("served_pct_")
        if sector.startswith("transit_"):
            sector = sector.removeprefix("transit_") + ", by transit"
        print(
            f"  foreign residents within {config.standard_min:g} min of a service ({sector}): "
            f"{summary.numbers[key]}%"
        )
    if skipped:
        return _report_skipped(skipped, keep_going=args.keep_going)
    return 0


#: exit code of a run in which a step could not run (2 is bad input or missing data)
EXIT_STEP_SKIPPED = 3


def _report_skipped(skipped, *, keep_going: bool) -> int:
    """Name the steps that could not run on stderr; return the exit code (0 with --keep-going)."""
    import os

    italian = os.environ.get("LANG", "en")[:2] == "it"
    n = len(skipped)
    lines = [f"  - {s.name}: {s.detail}" for s in skipped]
    if italian:
        head = f"capacitymetro: {n} passi non eseguiti (i risultati degli altri sono scritti):"
        tail = (
            "Avviso soltanto (--keep-going)."
            if keep_going
            else "Codice di uscita 3. Fornisci i dati mancanti, o usa --keep-going per accettare "
            "un'analisi parziale (codice 0)."
        )
    else:
        head = f"capacitymetro: {n} step(s) could not run (the other steps' outputs are written):"
        tail = (
            "Warning only (--keep-going)."
            if keep_going
            else "Exit code 3. Give the missing data, or pass --keep-going to accept a partial "
            "analysis (exit code 0)."
        )
    print("\n".join([head, *lines, tail]), file=sys.stderr)
    return 0 if keep_going else EXIT_STEP_SKIPPED


def cmd_batch(args) -> int:
    from capacitymetro_plugin.batch.national import cli_batch

    return cli_batch(args)


def cmd_areas(args) -> int:
    from capacitymetro_plugin.batch.config import CONFIG_DIR, load_config

    for path in sorted(CONFIG_DIR.glob("*.toml")):
        c = load_config(path)
        print(f"{c.key:<20} {c.name}  ({path})")
    if args.all:
        from capacitymetro_plugin.core.areas import metro_cities

        print("\nMetropolitan cities / città metropolitane (--area NAME or ISTAT code):")
        for area in metro_cities():
            print(f"{area.key:<20} {area.name}  ({area.provinces[0]}, {len(area.comuni)} comuni)")
    print(
        "\nAny province or comune works too: --area padova, --area comune:padova, "
        "--area 015175, --area 'pioltello,segrate'."
    )
    return 0


def cmd_init(args) -> int:
    from capacitymetro_plugin.batch.config import config_from_area, config_toml
    from capacitymetro_plugin.core.areas import resolve_area
    from capacitymetro_plugin.core.errors import InputError

    area = resolve_area(args.area)
    config = config_from_area(area)
    out = Path(args.out or f"{config.key}.toml")
    if out.exists() and not args.force:
        raise InputError(
            f"{out} exists already; it was left as it is.",
            fix="Give another --out file, or --force to overwrite it.",
            it=f"{out} esiste già ed è stato lasciato com'è.",
            fix_it="Indica un altro file con --out, o --force per sovrascriverlo.",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(config_toml(config), encoding="utf-8")
    print(f"Wrote {out}: {area.describe()}.")
    print(f"Put the street network {config.network_file} in your data folder, then run:")
    print(f"  capacitymetro run --config {out} --data DATA_DIR")
    return 0


def cmd_validate_hsds(args) -> int:
    from capacitymetro_plugin.core.registry import hsds

    schema_dir = Path(args.schema_dir) if args.schema_dir else hsds.hsds_schema_dir()
    errors = hsds.validate_hsds_path(args.path, schema_dir)
    for error in errors:
        print(error)
    verdict = f"{len(errors)} schema errors" if errors else "valid"
    print(f"{args.path}: {verdict} (HSDS schemas: {schema_dir})")
    return 1 if errors else 0


def cmd_publish(args) -> int:
    from capacitymetro_plugin.core.bussola.transit import ferry_request, transit_request
    from capacitymetro_plugin.core.errors import InputError

    if args.step_min is not None and args.step_min <= 0:
        raise InputError(
            f"--step-min {args.step_min:g}: the minutes between departures must be positive.",
            fix="Give --step-min a positive number of minutes, e.g. 10.",
            it=f"--step-min {args.step_min:g}: i minuti tra le partenze devono essere positivi.",
            fix_it="Indica con --step-min un numero positivo di minuti, es. 10.",
        )
    area = args.config or args.area
    # explicit transit is checked before the long part, and an error if it fails; with an
    # area and no --gtfs, --date and --window change its [transit] (in _publish_area)
    transit = None
    if area and args.ferry_piers:
        raise InputError(
            "--ferry-piers is for a registry alone: an area's water buses are its [transit] "
            "ferries and ferry_piers.",
            fix="Put ferries and ferry_piers in the configuration's [transit], or leave out "
            "--config.",
            it="--ferry-piers vale per un registro da solo: i vaporetti di un'area sono "
            "ferries e ferry_piers della sua sezione [transit].",
            fix_it="Indica ferries e ferry_piers nella sezione [transit] della configurazione, "
            "oppure ometti --config.",
        )
    if args.gtfs or not area:
        ferries = ferry_request(args.osm, args.ferry_piers, args.ferry_headway)
        transit = transit_request(args.gtfs, args.date, args.window, args.step_min, ferries=ferries)
    return _publish_area(args, transit) if area else _publish_site(args, transit)


def _publish_site(args, transit) -> int:
    """publish --registry: the registry alone (the walking network of --osm, --gtfs)."""
    from capacitymetro_plugin.core.bussola import publish, walking_network
    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.core.registry.registry import Registry

    if not args.registry or not args.out:
        raise InputError(
            "publish needs --registry and --out, or --config (or --area) for an area's run.",
            fix="Give --registry REGISTRY.gpkg --out FOLDER, or --config AREA.toml.",
            it="publish richiede --registry e --out, oppure --config (o --area) per un'area.",
            fix_it="Indica --registry REGISTRO.gpkg --out CARTELLA, oppure --config AREA.toml.",
        )
    # the walking network as the Processing algorithm and the dock build it
    network = walking_network(args.osm) if args.osm else None
    res = publish(
        Registry.open(args.registry),
        args.out,
        title=args.title,
        tile_url=args.tile_url,
        tile_attribution=args.tile_attribution,
        make_zip=not args.no_zip,
        network=network,
        osm_file=args.osm,
        transit=transit,
    )
    _print_site(res, transit)
    return 0


def _publish_area(args, transit) -> int:
    """publish --config / --area: the area's registry, walking network and [transit], as the
    run's bussola step; flags override the configuration."""
    from capacitymetro_plugin.batch.config import config_for_area, load_config
    from capacitymetro_plugin.batch.data import data_dir, resolve
    from capacitymetro_plugin.batch.pipeline import build_network
    from capacitymetro_plugin.batch.publish import bussola_transit, publish_area
    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.core.progress import Progress
    from capacitymetro_plugin.core.registry.registry import Registry

    config = load_config(args.config) if args.config else config_for_area(args.area)
    folder = data_dir(args.data)
    run_out = Path(f"out/{config.key}")
    registry = Path(
        args.registry
        or (resolve(config, folder, config.registry) if config.registry else "")
        or run_out / "registry.gpkg"
    )
    if not registry.exists():
        src = f"--config {args.config}" if args.config else f"--area {args.area}"
        raise InputError(
            f"No registry at {registry}.",
            fix=f"Run `capacitymetro run {src}` first (it writes the registry), or give "
            "--registry.",
            it=f"Nessun registro in {registry}.",
            fix_it=f"Esegui prima `capacitymetro run {src}` (scrive il registro), oppure "
            "indica --registry.",
        )
    if args.osm:
        config.network_source, config.network_file = "osm", str(Path(args.osm).resolve())
    if transit is None and config.transit is not None:
        if args.date:
            config.transit.date = args.date
        if args.window:
            from capacitymetro_plugin.core.bussola.transit import parse_window

            config.transit.window_start, config.transit.window_end = parse_window(args.window)
        transit = bussola_transit(config, folder, step_min=args.step_min)
        fallback = True
    else:
        if transit is None and (args.date or args.window):
            raise InputError(
                "A service date or departure window was given, but the area has no [transit] "
                "section and no --gtfs was given.",
                fix="Give the GTFS feed(s) too (--gtfs FEED), or add [transit] to the "
                "configuration.",
                it="Data di servizio o finestra di partenza indicate, ma l'area non ha una "
                "sezione [transit] e manca --gtfs.",
                fix_it="Indica anche il feed GTFS (--gtfs FEED), o aggiungi [transit] alla "
                "configurazione.",
            )
        fallback = False
    log = Progress(log=lambda m: print(f"    {m}", file=sys.stderr))
    network = build_network(config, folder, log) if config.mode == "walk" else None
    out = Path(args.out or run_out / "bussola")
    site = publish_area(
        config, folder, out, registry=Registry.open(registry), network=network,
        transit=transit, title=args.title, tile_url=args.tile_url,
        tile_attribution=args.tile_attribution, make_zip=not args.no_zip, progress=log,
        fallback=fallback,
    )  # fmt: skip
    if site.transit_skipped:
        en, it = site.transit_skipped
        print(f"WARNING: published without transit times: {en}", file=sys.stderr)
        print(f"ATTENZIONE: pubblicata senza i tempi in mezzo pubblico: {it}", file=sys.stderr)
    _print_site(site.result, transit)
    return 0


def _print_site(res, transit) -> None:
    if res.transit_times:
        print(
            f"transit: {res.transit_bytes / 1000:.0f} kB of minutes by public transport "
            f"({transit['date']})"
        )
    print(
        f"{res.folder}: {res.n_services} services ({res.n_approximate} approximate, "
        f"{res.n_hidden} hidden places), {res.total_bytes / 1000:.0f} kB "
        f"(budget {res.byte_budget / 1000:.0f} kB{'' if res.within_budget else ', OVER'})"
    )
    if res.zip_path:
        print(f"zip: {res.zip_path}")


def cmd_geocode(args) -> int:
    import os

    from capacitymetro_plugin.core.registry.geocode import geocode_registry
    from capacitymetro_plugin.core.registry.nominatim import Nominatim
    from capacitymetro_plugin.core.registry.registry import Registry

    lang = os.environ.get("LANG", "en")[:2]
    online = args.nominatim or args.nominatim_url
    report = geocode_registry(
        Registry.open(args.registry),
        osm_extract=args.osm,
        nominatim=Nominatim(url=args.nominatim_url, offline=args.offline) if online else None,
        min_score=args.min_score,
        regeocode=args.regeocode,
        dry_run=args.dry_run,
        stops=args.stops,
    )
    if args.report:
        report.to_frame().to_csv(args.report, index=False)
    for row in report.rows:
        r = row.result
        where = (
            f"{r.level} {r.score:.2f} {r.matched}"
            if row.status == "matched"
            else (r.reason_it if lang == "it" else r.reason)
        )
        print(f"{row.status:<9} {row.name[:45]:<45} {where}")
    print(report.summary(lang) + ("" if report.written or args.dry_run else " (nothing to write)"))
    return 0


def cmd_changes(args) -> int:
    from capacitymetro_plugin.core.registry.changes import changes_since, write_changes

    if args.registry.startswith(("postgresql://", "postgres://")) or "dbname=" in args.registry:
        from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

        registry = PostgisRegistry.open(args.registry, schema=args.schema)  # libpq DSN or URI
    else:
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry.open(args.registry)
    rows = changes_since(registry, args.since, area=args.area or None)
    if args.out:
        write_changes(rows, args.out)
        print(f"{args.out}: {len(rows)} changes since {args.since}")
    else:
        for r in rows:
            what = f"{r['field']}: {r['old']} -> {r['new']}" if r["field"] else r["operation"]
            door = r["door"] or "-"  # "-": not recorded (an entry older than the door)
            print(
                f"{r['changed_at']}  {r['changed_by']:<16} {door:<10} {r['kind']:<12}"
                f" {r['name'][:40]:<40} {what}"
            )
        print(f"{len(rows)} changes since {args.since}")
    return 0


def cmd_registry_roles(args) -> int:
    import psycopg2

    from capacitymetro_plugin.core.errors import DataUnavailableError, InputError
    from capacitymetro_plugin.core.registry.roles import grant, install_roles, revoke

    if args.action != "install" and not args.login:
        raise InputError(
            f"'{args.action}' needs the database login (--login).",
            fix="Add --login NAME.",
            it=f"'{args.action}' richiede il login del database (--login).",
            fix_it="Aggiungi --login NOME.",
        )
    if args.action == "grant" and not args.role:
        raise InputError(
            "'grant' needs the role (--role).",
            fix="Add --role cm_viewer, cm_editor, cm_area_editor or cm_admin.",
            it="'grant' richiede il ruolo (--role).",
            fix_it="Aggiungi --role cm_viewer, cm_editor, cm_area_editor o cm_admin.",
        )
    try:
        if args.action == "install":
            secured = install_roles(args.dsn, args.schema)
            print(f"roles installed; row-level security on: {', '.join(secured)}")
        elif args.action == "grant":
            areas = grant(args.dsn, args.login, args.role, areas=args.area, schema=args.schema)
            print(f"{args.login}: {args.role}" + (f", areas {', '.join(areas)}" if areas else ""))
        else:
            revoke(args.dsn, args.login, args.role, schema=args.schema)
            print(f"{args.login}: {args.role or 'every CapaCityMetro role'} revoked")
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataUnavailableError(
            f"Cannot connect to the database: {first}",
            fix="Check --dsn (host, port, dbname, user) and that the server runs.",
            it=f"Impossibile collegarsi al database: {first}",
            fix_it="Controlla --dsn (host, porta, dbname, utente) e che il server sia attivo.",
        ) from None
    return 0


def cmd_registry_from_osm(args) -> int:
    import os

    from capacitymetro_plugin.core.registry.osm_candidates import registry_from_osm

    lang = os.environ.get("LANG", "en")[:2]
    result = registry_from_osm(
        args.pbf or args.overpass,
        args.registry,
        area=args.area,
        dedupe_m=args.dedupe_m,
        write=not args.dry_run,
        language="it" if lang == "it" else "en",
    )
    print(result.describe(lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from capacitymetro_plugin.__about__ import __version__

    parser = argparse.ArgumentParser(
        prog="capacitymetro",
        description="Accessibility of services for migrants in Italian metropolitan areas.",
    )
    parser.add_argument("--version", action="version", version=f"capacitymetro {__version__}")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a whole analysis for an area")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--area",
        help="a shipped preset (trento, bari, venezia), or any metropolitan city, province or "
        "comune by name or ISTAT code (milano, 015, padova, comune:padova, 015175)",
    )
    which.add_argument("--config", help="a TOML configuration file")
    run.add_argument("--out", help="output folder (default out/<area>)")
    run.add_argument("--data", help="data folder (default $CAPACITYMETRO_DATA or ../shared/data)")
    run.add_argument("--offline", action="store_true", help="never download missing data")
    run.add_argument("--no-pdf", action="store_true", help="skip the PDF maps (no QGIS needed)")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument("--progress", action="store_true", help="progress bars even when not a tty")
    run.add_argument(
        "--keep-going",
        action="store_true",
        help="exit 0 even when a step could not run (default: exit code 3, the steps named)",
    )
    run.set_defaults(func=cmd_run)
    batch = sub.add_parser("batch", help="run many areas on Dask (resumable; needs dask)")
    batch.add_argument(
        "--areas",
        required=True,
        help="all-metros | italy | a region | areas separated by commas (as run --area)",
    )
    batch.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2)")
    batch.add_argument("--scheduler", help="an existing Dask scheduler, tcp://host:port")
    batch.add_argument(
        "--connect-timeout", type=float, default=10.0, help="seconds to reach --scheduler"
    )
    batch.add_argument(
        "--tile-above",
        type=int,
        default=200_000,
        metavar="N",
        help="split an area whose network has more than N nodes into tiles on the cluster "
        "(same results; default 200000, 0: never)",
    )
    batch.add_argument("--out", help="output folder (default out/batch)")
    batch.add_argument("--data", help="data folder (as for run)")
    batch.add_argument("--offline", action="store_true", help="never download missing data")
    batch.add_argument("--maps", action="store_true", help="also the per-area PDF maps (QGIS)")
    batch.add_argument("--no-pdf", action="store_true", help=argparse.SUPPRESS)
    batch.add_argument("--quiet", action="store_true", help="no progress bars")
    batch.add_argument("--progress", action="store_true", help="progress bars even when not a tty")
    batch.set_defaults(func=cmd_batch)
    areas = sub.add_parser("areas", help="list the shipped presets (--all: metropolitan cities)")
    areas.add_argument("--all", action="store_true", help="also list the 14 metropolitan cities")
    areas.set_defaults(func=cmd_areas)
    init = sub.add_parser("init", help="write an editable configuration for any area of Italy")
    init.add_argument("--area", required=True, help="metropolitan city, province or comune")
    init.add_argument("--out", help="the TOML file to write (default <area>.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=cmd_init)
    check = sub.add_parser(
        "validate-hsds",
        help="check an HSDS JSON file or datapackage against the HSDS schemas (exit 1: errors)",
    )
    check.add_argument("path", help="HSDS JSON file, datapackage folder or datapackage.json")
    check.add_argument(
        "--schema-dir", help="a folder of HSDS schema files (default: HSDS 3.0, shipped)"
    )
    check.set_defaults(func=cmd_validate_hsds)
    pub = sub.add_parser("publish", help="write the public bussola web site (folder + zip)")
    pub.add_argument(
        "--config",
        help="an area's TOML (as run): its registry, walking network and [transit] "
        "(flags below override it)",
    )
    pub.add_argument("--area", help="a shipped area (as run --area), instead of --config")
    pub.add_argument("--data", help="the data folder (as run; with --config or --area)")
    pub.add_argument(
        "--registry",
        help="the registry GeoPackage (with --config: default the configured one, else "
        "out/<area>/registry.gpkg of the run)",
    )
    pub.add_argument(
        "--out",
        help="the site folder to write, replaced whole (with --config: default out/<area>/bussola)",
    )
    pub.add_argument("--title", help="the site title, e.g. the metropolitan city's name")
    pub.add_argument("--tile-url", help="a map tile service URL (with {z}/{x}/{y})")
    pub.add_argument("--tile-attribution", help="the attribution the tile service asks for")
    pub.add_argument("--no-zip", action="store_true", help="do not write <out>.zip")
    pub.add_argument(
        "--osm",
        help="the area's OpenStreetMap extract (.osm.pbf): near me by walking time, "
        "streets and water on the map (as make demo)",
    )
    pub.add_argument(
        "--gtfs", action="append", default=[],
        help="a GTFS feed (.zip or folder; repeat for more): near me also by public transport",
    )  # fmt: skip
    pub.add_argument("--date", help="the service date of the transit times, YYYY-MM-DD")
    pub.add_argument(
        "--window", help="the departure window of the transit times (default 08:00-09:00)"
    )
    pub.add_argument(
        "--ferry-piers",
        help="water-bus stop places (GeoJSON/GPKG): the --osm extract's ferry routes join them, "
        "near me also by water bus (an estimate by headway)",
    )
    pub.add_argument(
        "--ferry-headway",
        type=float,
        help="minutes between two water buses (default 20)",
    )
    pub.add_argument(
        "--step-min",
        type=float,
        help="minutes between the departures whose median the site shows (default 10)",
    )
    pub.set_defaults(func=cmd_publish)
    from capacitymetro_plugin.core import defaults

    geo = sub.add_parser(
        "geocode", help="place the registry's services that have an address but no point"
    )
    geo.add_argument("registry", help="the registry GeoPackage (changed in one transaction)")
    geo.add_argument(
        "--osm", help="a local OpenStreetMap extract (.osm.pbf/.osm) for offline matching"
    )
    geo.add_argument(
        "--stops",
        help="a GTFS feed (.zip/folder) or stops layer: its stop names as an approximate "
        "gazetteer (geocoded:stops) for what --osm misses",
    )
    geo.add_argument("--nominatim", action="store_true", help="ask Nominatim for what --osm misses")
    geo.add_argument(
        "--nominatim-url", help="another Nominatim (default $CAPACITYMETRO_NOMINATIM_URL or OSM's)"
    )
    geo.add_argument("--offline", action="store_true", help="Nominatim from its cache only")
    geo.add_argument(
        "--min-score", type=float, default=defaults.GEOCODE_MIN_SCORE,
        help=f"street-name match score 0-1 (default {defaults.GEOCODE_MIN_SCORE})",
    )  # fmt: skip
    geo.add_argument("--regeocode", action="store_true", help="redo points placed by geocoding")
    geo.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    geo.add_argument("--report", help="write the report as CSV (one row per service)")
    geo.set_defaults(func=cmd_geocode)
    ch = sub.add_parser(
        "changes",
        help="what changed in a registry since a date (services, translations, organizations, "
        "practice sheets, links), one row per field",
    )
    ch.add_argument(
        "registry", help="the registry GeoPackage, or a PostGIS connection string (host=… dbname=…)"
    )
    ch.add_argument(
        "--since", required=True, help="date or time (UTC unless it says), e.g. 2026-11-01"
    )
    ch.add_argument(
        "--area", action="append", default=[], help="comune or province code (repeatable)"
    )
    ch.add_argument("--schema", default="public", help="PostGIS: the registry's schema")
    ch.add_argument("--out", help="write the rows as .csv or .json (else printed)")
    ch.set_defaults(func=cmd_changes)
    registry = sub.add_parser("registry", help="service registry tools (from-osm, roles)")
    reg_sub = registry.add_subparsers(dest="registry_command", required=True)
    osm = reg_sub.add_parser(
        "from-osm",
        help="add candidate services from OpenStreetMap to a registry, with status to_verify",
        description="Candidate services of an area from an OSM extract or an Overpass JSON "
        "response, mapped to sectors by the tag table of docs/osm_registry.md (places of "
        "worship and tourism are never services), deduplicated against the registry and added "
        "with status to_verify: analyses leave them out until they are checked.",
    )
    source = osm.add_mutually_exclusive_group(required=True)
    source.add_argument("--pbf", help="an OpenStreetMap extract (.osm.pbf or .osm)")
    source.add_argument("--overpass", help="an Overpass API JSON response ([out:json])")
    osm.add_argument(
        "--area", help="as for run --area (comune:trento, venezia, 027042); default: the whole file"
    )
    osm.add_argument(
        "--registry", required=True, help="the registry GeoPackage (created if missing)"
    )
    osm.add_argument(
        "--dedupe-m",
        type=float,
        default=50.0,
        help="same-name services closer than this are one (metres, default 50)",
    )
    osm.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    osm.set_defaults(func=cmd_registry_from_osm)
    roles = reg_sub.add_parser(
        "roles",
        help="roles and areas of a PostGIS registry (viewer, editor, area editor, admin)",
        description="install: create the roles cm_viewer, cm_editor, cm_area_editor and cm_admin, "
        "the editor_areas table and the row-level security of the registry's schema (again is "
        "harmless). grant / revoke: make a database login a member of a role; an area editor "
        "gets its comuni (6 digits) or provinces (3 digits, or the metropolitan city's 2xx). "
        "Needs a superuser or CREATEROLE connection. See docs/registry.md, 'Roles and areas'.",
    )
    roles.add_argument("action", choices=("install", "grant", "revoke"))
    roles.add_argument("--dsn", required=True, help="libpq connection string of the database")
    roles.add_argument("--schema", default="public", help="the registry's schema")
    roles.add_argument("--login", help="grant/revoke: the database login")
    roles.add_argument("--role", choices=("cm_viewer", "cm_editor", "cm_area_editor", "cm_admin"))
    roles.add_argument(
        "--area", action="append", default=[], help="an area of the area editor (repeatable)"
    )
    roles.set_defaults(func=cmd_registry_roles)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0: done; 2: a problem with the input or the data (nothing run); 3: ``run`` ran, but a step
    could not (named on stderr; ``--keep-going`` makes it 0).
    """
    from capacitymetro_plugin.core.errors import CapaCityMetroError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from capacitymetro_plugin.core.registry.doors import entered_through

    try:
        with entered_through("cli"):  # registry changes are recorded as made by the CLI
            return args.func(args)
    except CapaCityMetroError as exc:
        import os

        lang = os.environ.get("LANG", "en")[:2]
        print(f"capacitymetro: error: {exc.localized(lang)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
