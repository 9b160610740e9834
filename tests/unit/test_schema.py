"""The JSON Schemas of the REST bodies and the TypeScript types generated from them cannot drift.

``python -m nbbridge.schema js/schema/api`` writes the schemas from the pydantic models and
``jlpm gen:types`` writes js/src/generated/*.d.ts from those; both outputs are committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nbbridge.schema import MODELS, schema_files

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "js" / "schema" / "api"
TYPES_DIR = REPO / "js" / "src" / "generated"
REGENERATE = "run `python -m nbbridge.schema js/schema/api` then `jlpm gen:types`"


def test_committed_schemas_equal_the_models():
    expected = schema_files()
    committed = {path.name: path.read_text() for path in SCHEMA_DIR.glob("*.json")}
    assert sorted(committed) == sorted(expected), REGENERATE
    for name, text in expected.items():
        assert committed[name] == text, f"{name} is stale: {REGENERATE}"


def test_every_schema_has_generated_typescript():
    for name, model in MODELS.items():
        dts = TYPES_DIR / f"{name}.d.ts"
        assert dts.is_file(), f"{dts.relative_to(REPO)} is missing: {REGENERATE}"
        title = model.model_json_schema()["title"]
        assert f"export interface {title} " in dts.read_text(), f"{dts.name}: {REGENERATE}"
    stray = {p.name[: -len(".d.ts")] for p in TYPES_DIR.glob("*.d.ts")} - set(MODELS)
    assert not stray, f"generated types without a model: {stray}"


def test_schema_files_are_stable_json():
    files = schema_files()
    assert files == schema_files()
    for text in files.values():
        assert text.endswith("}\n")
        assert json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text


def test_the_module_writes_the_files(tmp_path):
    out = tmp_path / "api"
    subprocess.run([sys.executable, "-m", "nbbridge.schema", str(out)], check=True)
    assert {p.name: p.read_text() for p in out.iterdir()} == schema_files()
