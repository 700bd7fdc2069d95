"""The ``capacitymetro`` command line (placeholder until the batch pipeline lands)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from .__about__ import __version__

    parser = argparse.ArgumentParser(prog="capacitymetro", description=__doc__)
    parser.add_argument("--version", action="version", version=f"capacitymetro {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
