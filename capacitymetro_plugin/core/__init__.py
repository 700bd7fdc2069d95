"""The CapaCityMetro engine: no qgis and no Qt imports here (enforced by ruff and tests/unit).

Sub-packages follow the data flow: ``registry`` → ``network`` → ``access`` → ``population`` →
``coverage``/``indices``. Geometry is geopandas/shapely, rasters numpy + rasterio, graphs
numpy/scipy arrays.
"""
