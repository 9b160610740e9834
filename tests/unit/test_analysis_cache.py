"""The per-cell cache, the detailed result export builds on, and determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from nbfactory import code, notebook

from nbbridge.core import Analyzer, analyze


def _demo():
    return notebook(
        code("import math\n\ndef area(r):\n    return math.pi * r ** 2"),
        code("radius = 2.0\nlabels = ['a']", "parameters"),
        code(
            "import statistics\nvalues = [area(radius) * k for k in range(3)]\nvalues",
            "step:compute",
        ),
        code("mean = statistics.mean(values)\nlabels.append('b')", "step:summarise"),
        code("assert mean > 0", "test"),
        code("values[:2]", "skip"),
    )


def test_reanalysis_after_one_edit_parses_one_cell():
    analyzer = Analyzer()
    nb = _demo()
    first = analyzer.analyze(nb)
    assert analyzer.parsed == 6
    assert analyzer.analyze(nb) == first
    assert analyzer.parsed == 6
    nb["cells"][3]["source"] = "mean = statistics.mean(values) + 1\nlabels.append('b')"
    analyzer.analyze(nb)
    assert analyzer.parsed == 7


def test_editing_tags_needs_no_parse_but_changes_the_result():
    analyzer = Analyzer()
    nb = _demo()
    analyzer.analyze(nb)
    nb["cells"][3]["metadata"]["tags"] = ["step:compute"]
    changed = analyzer.analyze(nb)
    assert analyzer.parsed == 6
    assert [s.name for s in changed.steps] == ["compute"]


def test_identical_sources_share_one_parse_but_keep_their_cells():
    analyzer = Analyzer()
    nb = notebook(code("x = 1", "step:a"), code("x = 1", "step:b"), code("print(x)", "step:c"))
    pipeline = analyzer.analyze(nb)
    assert analyzer.parsed == 2
    assert [s.cell_ids for s in pipeline.steps] == [["c0"], ["c1"], ["c2"]]


def test_cache_is_bounded():
    analyzer = Analyzer(max_cells=8)
    for i in range(50):
        analyzer.parse(f"x = {i}")
    assert len(analyzer._cache) <= 8
    assert analyzer.parse("x = 49").source == "x = 49"


def test_detailed_analysis_gives_export_what_it_needs():
    detail = Analyzer().analyze_detailed(_demo(), "demo.ipynb")
    pipeline = detail.pipeline
    assert pipeline.notebook == "demo.ipynb"
    assert [s.name for s in detail.steps] == pipeline.order == ["compute", "summarise"]
    compute = detail.step("compute")
    [cell] = compute.cells
    assert cell.imports == ("import statistics",)
    assert cell.display_only == "values"
    assert compute.code == "values = [area(radius) * k for k in range(3)]"
    assert compute.sources == {"radius": None}
    assert detail.step("summarise").sources == {"values": "compute", "labels": None}
    assert detail.step("summarise").outputs == ("mean",)  # labels: changed, read by no one
    assert [c.cell_id for c in detail.library] == ["c0"]
    assert detail.library[0].defines == ("math", "area")
    assert [c.cell_id for c in detail.parameter_cells] == ["c1"]
    assert [c.cell_id for c in detail.skipped] == ["c5"]
    assert detail.imports == ("import math", "import statistics")
    [test] = detail.tests
    assert test.reads == {"mean": "summarise"}


def test_analysis_does_not_modify_the_notebook():
    nb = _demo()
    before = json.dumps(nb, sort_keys=True)
    analyze(nb)
    assert json.dumps(nb, sort_keys=True) == before


def test_same_result_under_different_hash_seeds():
    script = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from nbfactory import code, notebook\n"
        "from nbbridge.core import analyze\n"
        "nb = notebook(code('a = b = c = 1\\nd, e = 2, 3', 'step:s1'),\n"
        "              code('def f():\\n    global g, h, i\\n    g = h = i = a\\nf()', 'step:s2'),\n"
        "              code('print(a, b, c, d, e, g, h, i)', 'step:s3'))\n"
        "print(analyze(nb).model_dump_json())\n"
    )
    here = os.path.dirname(os.path.abspath(__file__))
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script, here],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert '"outputs":["a","b","c","d","e"]' in outputs.pop()
