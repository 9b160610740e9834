"""Re-analysis resumes the dataflow pass from the step before the first changed cell."""

from __future__ import annotations

from nbfactory import code, notebook

from nbbridge.core import Analyzer


def _steps(count: int) -> list[dict]:
    cells = [code("x0 = 0", "step:s0")]
    for i in range(1, count):
        cells.append(code(f"x{i} = x{i - 1} + 1\nprint(x{i})", f"step:s{i}"))
    return cells


def _resumed_at(analyzer: Analyzer) -> int:
    flow = analyzer._flow
    assert flow is not None and flow.resumable is not None
    return flow.resumable.resume_at


def test_an_edit_late_in_the_notebook_resumes_there_and_matches_a_fresh_analysis():
    nb = notebook(*_steps(12))
    analyzer = Analyzer()
    analyzer.analyze(nb)
    nb["cells"][9]["source"] = "x9 = x8 * 10\ny = 1\nprint(x9)"
    again = analyzer.analyze_detailed(nb)
    assert _resumed_at(analyzer) == 9  # the edited step's first cell
    assert again == Analyzer().analyze_detailed(nb)
    assert [s.name for s in again.pipeline.steps if "y" in s.outputs] == []
    nb["cells"][10]["source"] = "x10 = x9 + y"
    assert analyzer.analyze(nb) == Analyzer().analyze(nb)
    assert _resumed_at(analyzer) == 10
    assert "y" in next(s for s in analyzer.analyze(nb).steps if s.name == "s9").outputs


def test_an_edit_that_breaks_a_later_read_is_seen():
    nb = notebook(*_steps(10))
    analyzer = Analyzer()
    analyzer.analyze(nb)
    nb["cells"][7]["source"] = "z = 1"  # x7 is no longer defined: s8 reads it
    problems = analyzer.analyze(nb).problems
    assert problems == Analyzer().analyze(nb).problems
    assert [(p.code, p.cell_id) for p in problems] == [("undefined-name", "c8")]


def test_an_edit_near_the_start_or_with_after_tags_walks_the_whole_notebook():
    nb = notebook(*_steps(10))
    analyzer = Analyzer()
    analyzer.analyze(nb)
    nb["cells"][0]["source"] = "x0 = 5"
    assert analyzer.analyze(nb) == Analyzer().analyze(nb)
    assert _resumed_at(analyzer) == 0
    nb["cells"][8]["metadata"]["tags"].append("after:s9")  # a reordering: alias tracking
    nb["cells"][8]["source"] = "x8 = x7\nprint(x8)"
    assert analyzer.analyze(nb) == Analyzer().analyze(nb)
    assert _resumed_at(analyzer) == 0
