"""The service registry: model, vocabularies, validation, storage and exchange (HSDS 3.0).

Public entry points: :class:`~.registry.Registry` (GeoPackage CRUD and search), the records
:class:`~.model.Service`, :class:`~.model.Organization`, :class:`~.model.Practice`,
:func:`~.validation.validate`, and the importers/exporters in :mod:`.exchange` and :mod:`.hsds`.
"""
