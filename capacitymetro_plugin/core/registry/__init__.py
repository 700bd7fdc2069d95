"""The service registry: model, vocabularies, validation, storage and exchange (HSDS 3.0)."""
