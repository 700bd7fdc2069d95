"""The CapaCityMetro Processing provider and its algorithms."""
