"""Plugin facts read from ``metadata.txt``, the single source of the version."""

import configparser
from pathlib import Path

_METADATA_PATH = Path(__file__).resolve().parent / "metadata.txt"


def read_metadata(path: Path = _METADATA_PATH) -> dict[str, str]:
    """Return the ``[general]`` section of a QGIS plugin ``metadata.txt``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep keys such as qgisMinimumVersion as written
    parser.read(path, encoding="utf-8")
    return dict(parser["general"])


__metadata__ = read_metadata()
__version__ = __metadata__["version"]
__title__ = __metadata__["name"]
