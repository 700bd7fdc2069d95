"""``python -m capacitymetro_plugin``: the command line."""

from .cli import main

raise SystemExit(main())
