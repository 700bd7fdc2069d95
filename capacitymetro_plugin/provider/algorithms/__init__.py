"""One module per algorithm family; each lists its classes in ``ALGORITHMS``."""
