"""The batch pipeline behind the ``capacitymetro`` command line (no QGIS: PDF maps are optional)."""
