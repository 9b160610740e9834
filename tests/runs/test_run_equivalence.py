"""A run prints and returns what the notebook does — cold, fully cached, and after an edit.

Differential, like the export's: generated notebooks (hypothesis, and a seeded sweep) and the
hand-picked hazards run cell by cell in one namespace and through the runner three times (see
:mod:`run_differential`), or are refused with the cell named. Notebooks with hidden state
(seeds, configuration, environment, module attributes) join them; and a planted wrong entry
shows the comparison would catch a wrong cache hit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from equivalence_runner import NotebookFailed, Refused
from hazard_notebooks import REFUSED, SAME, nb
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from notebook_programs import RandomChoices, generate, notebooks
from run_differential import compare, differences_three_ways, run_once

from nbbridge.core.runs.cache import StepCache
from nbbridge.core.runs.plan import plan_notebook


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(notebooks(), st.integers(0, 20))
def test_generated_notebooks_run_like_them_cold_cached_and_edited(
    tmp_path_factory: pytest.TempPathFactory, notebook: dict, edit: int
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    try:
        result = differences_three_ways(notebook, folder, edit=edit)
    except NotebookFailed:
        assume(False)
        return
    if isinstance(result, Refused):
        event("refused")
        assert result.codes, result.message
        return
    event("ran")
    assert result == [], "\n".join(result)


def test_a_seeded_sweep_mostly_runs_and_never_differs(tmp_path: Path) -> None:
    ran = refused = 0
    for seed in range(300):
        notebook = generate(RandomChoices(seed))
        try:
            result = differences_three_ways(notebook, tmp_path / f"s{seed}", edit=seed)
        except NotebookFailed:
            continue
        if isinstance(result, Refused):
            refused += 1
            continue
        assert result == [], f"seed {seed}:\n" + "\n".join(result)
        ran += 1
    assert ran >= 200, (ran, refused)  # the comparison must bite: most notebooks run


@pytest.mark.parametrize("name", sorted(SAME))
def test_hazard_runs_like_the_notebook(name: str, tmp_path: Path) -> None:
    result = differences_three_ways(SAME[name], tmp_path)
    assert not isinstance(result, Refused), result.message
    assert result == [], "\n".join(result)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hazard_is_refused_with_its_cell(name: str, tmp_path: Path) -> None:
    notebook, _code, cell_id = REFUSED[name]
    result = differences_three_ways(notebook, tmp_path)
    assert isinstance(result, Refused), f"ran, differences: {result}"
    assert f"cell {cell_id}" in result.message


# Hidden state: what a step sets outside its outputs, which a later step depends on.
HIDDEN = {
    "random-seed": nb(
        ("import random", "step:setup"),
        ("random.seed(7)", "step:seed"),
        ("a = random.random()\nprint(a)", "step:draw"),
        ("b = random.random()\nprint(b)", "step:again"),
    ),
    "numpy-seed": nb(
        ("import numpy as np", "step:setup"),
        ("np.random.seed(3)", "step:seed"),
        ("xs = np.random.rand(3)\nprint(xs.round(6))", "step:draw"),
        ("ys = np.random.rand(2)\nprint(ys.round(6))", "step:again"),
    ),
    "sklearn-set-config": nb(
        ("import sklearn", "step:setup"),
        ("sklearn.set_config(display='text')", "step:config"),
        ("shown = sklearn.get_config()['display']\nprint(shown)", "step:read"),
    ),
    "environment": nb(
        ("import os", "step:setup"),
        ("os.environ['NBBRIDGE_TEST_VALUE'] = 'set by a step'", "step:env"),
        ("seen = os.environ.get('NBBRIDGE_TEST_VALUE')\nprint(seen)", "step:read"),
    ),
    "matplotlib-rcparams": nb(
        ("import matplotlib", "step:setup"),
        ("matplotlib.rcParams['lines.linewidth'] = 7.5", "step:style"),
        ("width = matplotlib.rcParams['lines.linewidth']\nprint(width)", "step:read"),
    ),
    "module-attribute": nb(
        ("import string", "step:setup"),
        ("string.nbbridge_marker = 'set'", "step:mark"),
        ("marker = getattr(string, 'nbbridge_marker', None)\nprint(marker)", "step:read"),
    ),
}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_hidden_state_does_not_make_a_cached_run_differ(name: str, tmp_path: Path) -> None:
    notebook = HIDDEN[name]
    for edit in range(len(notebook["cells"])):  # each step edited in turn
        result = differences_three_ways(notebook, tmp_path / f"edit{edit}", edit=edit)
        assert not isinstance(result, Refused), result.message
        assert result == [], "\n".join(result)


def test_a_step_setting_state_runs_even_when_cached_and_a_reader_after_it_is_keyed_on_it(
    tmp_path: Path,
) -> None:
    notebook = HIDDEN["numpy-seed"]
    cache = StepCache(tmp_path / "cache")
    run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    again = run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    assert again.status() == {"setup": "cached", "seed": "ran", "draw": "cached", "again": "cached"}
    assert again.result.warnings == [
        "step seed ran though cached: it sets state other steps may depend on "
        "(np.random.seed(...), cell c1)"
    ]
    reseeded = [dict(c) for c in notebook["cells"]]
    reseeded[1]["source"] = "np.random.seed(4)"
    changed = dict(notebook, cells=reseeded)
    after = run_once(plan_notebook(changed, "notebook.ipynb", tmp_path), cache)
    # only the seed changed, yet both readers of the global generator run again
    assert after.status() == {"setup": "cached", "seed": "ran", "draw": "ran", "again": "ran"}
    assert after.stdout != again.stdout


def test_the_comparison_catches_a_planted_wrong_entry(tmp_path: Path) -> None:
    """A differential test that cannot fail proves nothing: plant an entry holding another
    value under the real key, and the cached run must be reported as different."""
    notebook = nb(
        ("xs = [1, 2, 3]\nprint(len(xs))", "step:load"),
        ("total = sum(xs)\nprint(total)", "step:add"),
    )
    from equivalence_runner import run_notebook

    cache = StepCache(tmp_path / "cache")
    plan = plan_notebook(notebook, "notebook.ipynb", tmp_path)
    cold = run_once(plan, cache)
    assert compare(notebook, run_notebook(notebook), cold, "cold") == []
    key = next(s.cache_key for s in cold.result.steps if s.name == "load")
    meta = cache.meta(key)
    cache.discard(key)
    cache.store(key, dict(meta), {"xs": [1, 2, 4]}, {})
    stale = run_once(plan_notebook(notebook, "notebook.ipynb", tmp_path), cache)
    assert stale.status()["load"] == "cached"
    problems = compare(notebook, run_notebook(notebook), stale, "planted")
    assert any("handed on xs=[1, 2, 4]" in p for p in problems), problems
