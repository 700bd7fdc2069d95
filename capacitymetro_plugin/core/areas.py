"""Area helpers shared by the engine.

The presets of the analysed areas (ISTAT comune and province codes, data files, place name for
downloads) live in ``config/<area>.toml``, read by ``capacitymetro_plugin.batch.config``.
"""

from __future__ import annotations


def utm_epsg_for_lon(lon: float) -> int:
    """Return the WGS84/UTM EPSG code (north) for a longitude."""
    zone = int((lon + 180) // 6) + 1
    return 32600 + zone
