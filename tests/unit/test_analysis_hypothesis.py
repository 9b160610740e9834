"""Generated notebooks: the analysis never raises and its result is always consistent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbbridge.core import Analyzer, Pipeline, load_notebook_json

SNIPPETS = [
    "x = 1",
    "y = x + 1",
    "xs = [i * x for i in range(3)]",
    "xs.append(y)",
    "df['c'] = xs",
    "obj.attr = 3",
    "def f(a):\n    return a + x",
    "def g():\n    global counter\n    counter = 0",
    "r = f(2)\ng()",
    "class C:\n    k = y\n    def m(self):\n        return xs",
    "c = C()",
    "total += 1",
    "del x",
    "if (n := len(xs)) > 1:\n    z = n",
    "for k in xs:\n    last = k",
    "while False:\n    w = 1",
    "try:\n    v = 1 / 0\nexcept ZeroDivisionError as e:\n    v = str(e)",
    "with open('f') as fh:\n    text = fh.read()",
    "match xs:\n    case [a, *rest]:\n        head = a\n    case _:\n        head = None",
    "import os.path\nimport numpy as np",
    "from math import *",
    "from collections import Counter as Cnt",
    "f2 = lambda q: q + y",
    "%time t = f(1)",
    "%%capture cap\nprint(x)",
    "%matplotlib inline",
    "!pip install foo",
    "files = !ls",
    "x?",
    "%run other.py",
    "%%step s1\nq = 1",
    "%%step Bad Name --after s1\nq = 2",
    "%%step s2 --after\n",
    "#| export\ndef lib():\n    return 1",
    "#| hide\nhidden = 1",
    "#| default_exp mod",
    "return 5",
    "break",
    "y = (",
    "def broken(:\n    pass",
    "    indented = 1",
    "print(undefined_name)",
    "async def co():\n    await co()",
    "await something()",
    "yield 3",
    "nonlocal nope",
    "'''docstring only'''",
    "MAX = 10",
    "a, *b = [1, 2, 3]",
    "λ = 1\nprint(λ)",
    "x = " + "+".join(["1"] * 300),
    "(" * 50 + "1" + ")" * 50,
    "",
]
TAGS = [
    "step:s1", "step:s2", "step:s3", "step:Bad Name", "step:", "after:s1", "after:s3",
    "after:nowhere", "prev:s2", "block:s4", "parameters", "pipeline-parameters", "metrics",
    "export", "imports", "functions", "test", "skip", "injected-parameters", "unrelated",
]  # fmt: skip

sources = st.one_of(
    st.lists(st.sampled_from(SNIPPETS), min_size=0, max_size=4).map("\n".join),
    st.text(max_size=60),
    st.text(alphabet="%!?()[]{}:=#|\\'\"\n abcx1_.*@", max_size=60),
)


@st.composite
def cells(draw):
    kind = draw(st.sampled_from(["code", "code", "code", "markdown", "raw"]))
    cell = {"cell_type": kind, "metadata": {}, "source": draw(sources)}
    if kind == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    if tags:
        cell["metadata"]["tags"] = tags
    return cell


notebooks = st.lists(cells(), min_size=0, max_size=10).map(
    lambda cs: {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cs}
)


def _check(pipeline: Pipeline, nb: dict) -> None:
    ids = {cell["id"] for cell in nb["cells"]}
    code_ids = {cell["id"] for cell in nb["cells"] if cell["cell_type"] == "code"}
    names = [step.name for step in pipeline.steps]
    assert len(set(names)) == len(names)
    assert sorted(pipeline.order) == sorted(names)
    seen: set[str] = set()
    for step in pipeline.steps:
        assert step.cell_ids and set(step.cell_ids) <= code_ids
        assert not seen & set(step.cell_ids)
        seen |= set(step.cell_ids)
    for problem in pipeline.problems:
        assert problem.cell_id is None or problem.cell_id in ids
        assert problem.line is None or problem.line >= 1
        assert problem.message
    for edge in pipeline.edges:
        assert edge.source in names and edge.target in names
    for item in pipeline.library:
        assert item.cell_id in code_ids and item.cell_id not in seen
    for parameter in pipeline.parameters:
        assert parameter.cell_id in code_ids
    assert Pipeline.model_validate_json(pipeline.model_dump_json()) == pipeline


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks)
def test_generated_notebooks_never_break_the_analysis(raw):
    nb = load_notebook_json(raw)
    analyzer = Analyzer()
    pipeline = analyzer.analyze(nb, "generated.ipynb")
    _check(pipeline, nb)
    detail = analyzer.analyze_detailed(nb, "generated.ipynb")
    assert detail.pipeline == pipeline
    assert [s.name for s in detail.steps] == pipeline.order


@settings(max_examples=100, deadline=None)
@given(notebooks, st.data())
def test_cached_reanalysis_matches_a_fresh_one(raw, data):
    nb = load_notebook_json(raw)
    analyzer = Analyzer()
    analyzer.analyze(nb)
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if code_cells:
        cell = data.draw(st.sampled_from(code_cells))
        cell["source"] = data.draw(sources)
    assert analyzer.analyze(nb) == Analyzer().analyze(nb)
