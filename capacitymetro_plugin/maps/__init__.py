"""QGIS-side helpers for printed maps: layout templates, styled layers, PDF/PNG and atlas export.

Unlike :mod:`capacitymetro_plugin.core`, this package imports ``qgis``.
"""
