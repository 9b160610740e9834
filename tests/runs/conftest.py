"""Tests of ``nbbridge run`` and the step cache; they reuse the export's notebook generators."""

from __future__ import annotations

import sys
from pathlib import Path

# The generators and the notebook runner of the export's differential tests (tests/export).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
