"""The data files a step reads: ``"data": [paths]`` per step in the Pipeline JSON."""

from __future__ import annotations

import ast

import pytest
from nbfactory import code, find_step, run

from nbbridge.core.data_inputs import data_reads, resolve_reads


@pytest.mark.parametrize(
    "source, expected",
    [
        ("df = pd.read_csv('data/iris.csv')", [("path", "data/iris.csv")]),
        ("df = pandas.read_parquet(path='t.parquet')", [("path", "t.parquet")]),
        ("a = np.load(ARRAYS)", [("name", "ARRAYS")]),
        ("model = joblib.load('m.joblib')", [("path", "m.joblib")]),
        ("with open('notes.txt') as f: text = f.read()", [("path", "notes.txt")]),
        ("with open('notes.txt', 'rb') as f: raw = f.read()", [("path", "notes.txt")]),
        ("text = Path('cfg.yaml').read_text()", [("path", "cfg.yaml")]),
        ("cfg = yaml.safe_load(pathlib.Path(p).open())", [("name", "p")]),
        ("x = np.loadtxt(fname='x.txt')", [("path", "x.txt")]),
    ],
)
def test_readers_are_recognised(source: str, expected: list) -> None:
    assert list(data_reads(ast.parse(source))) == expected


@pytest.mark.parametrize(
    "source",
    [
        "open('out.txt', 'w').write('x')",
        "open('log.txt', mode='a')",
        "Path('out.json').open('w')",
        "df = pd.read_csv('https://example.com/data.csv')",
        "df.to_csv('out.csv')",
        "value = obj.read()",
        "text = read_it(path)",
    ],
)
def test_writes_urls_and_other_calls_are_not_data_inputs(source: str) -> None:
    assert data_reads(ast.parse(source)) == ()


def test_names_resolve_to_string_values_only() -> None:
    reads = [("path", "a.csv"), ("name", "p"), ("name", "n"), ("path", "a.csv")]
    assert resolve_reads(reads, {"p": "b.csv", "n": 3}) == ["a.csv", "b.csv"]


def test_each_step_lists_the_files_it_reads_with_parameters_at_their_default() -> None:
    pipeline = run(
        code("import pandas as pd\nimport numpy as np"),
        code("source = 'data/raw.csv'\nepochs = 3", "parameters"),
        code("raw = pd.read_csv(source)\nlabels = pd.read_csv('data/labels.csv')", "step:load"),
        code(
            "weights = np.load('w.npy')\nscore = len(raw) + len(labels) + weights.sum()", "step:fit"
        ),
        code("print(score)", "step:report"),
    )
    assert find_step(pipeline, "load").data == ["data/raw.csv", "data/labels.csv"]
    assert find_step(pipeline, "fit").data == ["w.npy"]
    assert find_step(pipeline, "report").data == []
