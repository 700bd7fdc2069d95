"""The transit oracle and synthetic feeds live beside these tests (transit_oracle.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
