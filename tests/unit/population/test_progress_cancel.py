"""Long operations report progress and stop when the user cancels."""

import geopandas as gpd
import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.errors import Canceled
from capacitymetro_plugin.core.population import dasymetric_grid
from capacitymetro_plugin.core.progress import Progress


def test_grid_reports_progress_and_cancels():
    zones = gpd.GeoDataFrame({"pop": [10.0]}, geometry=[box(0, 0, 500, 500)], crs="EPSG:32632")
    seen = []
    dasymetric_grid(zones, "pop", progress=Progress(lambda p, m: seen.append(p)))
    assert seen[-1] == 100 and seen == sorted(seen)
    with pytest.raises(Canceled):
        dasymetric_grid(zones, "pop", progress=Progress(is_canceled=lambda: True))
