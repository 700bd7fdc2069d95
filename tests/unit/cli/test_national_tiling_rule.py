"""capacitymetro batch: when an area is split into tiles, the tiles bar, and what counts as a
full disk. Small and fast: no cluster (the equality on a cluster is in tests/realdata)."""

import errno
import io

import pytest

from capacitymetro_plugin.batch import national
from capacitymetro_plugin.cli import build_parser


@pytest.mark.parametrize(
    ("nodes", "tile_above", "tiles"),
    [
        (14_960, 200_000, 1),  # Trento with the default: one task
        (200_000, 200_000, 1),  # at the threshold: still one
        (200_001, 200_000, 2),  # just above: at least two tiles
        (15_123, 4_000, 4),  # Trento forced into tiles (the real-data test)
        (29_000_000, 200_000, 145),
        (10**9, 0, 1),  # 0: never
        (10**9, None, 1),
    ],
)
def test_tiles_for(nodes, tile_above, tiles):
    assert national.tiles_for(nodes, tile_above) == tiles


def test_the_cli_default_is_the_documented_one():
    args = build_parser().parse_args(["batch", "--areas", "trento"])
    assert args.tile_above == national.TILE_ABOVE_NODES == 200_000
    args = build_parser().parse_args(["batch", "--areas", "trento", "--tile-above", "0"])
    assert args.tile_above == 0


def test_the_tiles_bar_counts_tiles_of_every_area_and_restarts_a_retried_one():
    bar = national._TilesBar()
    try:
        bar((0.0, {"area": "roma", "done": 0, "total": 3}))
        bar.bar.fp = io.StringIO()
        bar((0.0, {"area": "milano", "done": 0, "total": 2}))
        bar((0.0, {"area": "roma", "done": 1, "total": 3}))
        bar((0.0, {"area": "roma", "done": 2, "total": 3}))
        assert (bar.bar.n, bar.bar.total) == (2, 5)
        bar((0.0, {"area": "roma", "done": 0, "total": 3}))  # its worker died: again
        assert (bar.bar.n, bar.bar.total) == (0, 5)
        for done in (1, 2, 3):
            bar((0.0, {"area": "roma", "done": done, "total": 3}))
        bar((0.0, {"area": "milano", "done": 2, "total": 2}))
        assert (bar.bar.n, bar.bar.total) == (5, 5)
    finally:
        bar.close()


def test_what_counts_as_a_full_disk(tmp_path):
    assert national._disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert national._disk_full(OSError(errno.EFBIG, "File too large"))
    # GDAL/SQLite say it in words, wrapped in their own errors
    wrapped = RuntimeError("Failed to commit transaction")
    wrapped.__cause__ = ValueError("sqlite3: database or disk is full")
    assert national._disk_full(wrapped)
    assert not national._disk_full(OSError(errno.EACCES, "Permission denied"))
    # a folder with plenty of room does not turn another error into a full disk
    assert not national._disk_full(RuntimeError("Failed to commit transaction"), tmp_path)
