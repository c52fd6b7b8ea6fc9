"""docs/RESULTS.md is what scripts/build_results.py makes of the records in results/."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_results.py"


def _builder():
    spec = importlib.util.spec_from_file_location("build_results", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_doc_is_regenerated_from_the_records():
    builder = _builder()
    assert builder.DOC.read_text() == builder.build(), (
        "docs/RESULTS.md differs from the records; run python scripts/build_results.py")


def test_every_measured_number_comes_from_a_record():
    """Each preset row with records shows their mean; a row without any says so."""
    builder = _builder()
    text = builder.build()
    for row in sorted(builder.RESULTS.glob("*/row.yaml")):
        preset = row.parent.name
        has_records = any(row.parent.glob("*/metrics.json"))
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{preset}` |")), None)
        if line is not None:
            assert ("not measured" in line) != has_records, line
