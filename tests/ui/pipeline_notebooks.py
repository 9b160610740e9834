"""Notebooks the Pipeline-panel browser tests write themselves (nbformat 4.5 JSON).

- ``fanout()``: nine steps, the shape real pipelines have most: raw data, preprocessing and a
  feature step, five models trained side by side, a comparison; long step names, ``after:``
  edges, and a library function redefined in three cells.
- ``long_chain(n)``: ``n`` steps, each reading the one before and every fifth a side branch.
- ``branching()``: 40 steps as real projects grow them: five sources loaded, cleaned and
  featurised, joined and split, ten models trained and scored, compared and reported.
- ``headed()``: an untagged notebook with markdown headings (for Suggest steps).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FANOUT_STEPS", "MODELS", "branching", "fanout", "headed", "long_chain"]

MODELS = [
    "train_logistic_regression",
    "train_random_forest",
    "train_gradient_boosting",
    "train_support_vector_machine",
    "train_naive_bayes",
]
FANOUT_STEPS = [
    "load_raw_data",
    "datapreprocessing",
    "feature_engineering",
    *MODELS,
    "compare_models",
]


def _code(cell_id: str, source: str, *tags: str) -> dict[str, Any]:
    metadata = {"tags": list(tags)} if tags else {}
    return {
        "id": cell_id,
        "cell_type": "code",
        "metadata": metadata,
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def _md(cell_id: str, source: str) -> dict[str, Any]:
    return {"id": cell_id, "cell_type": "markdown", "metadata": {}, "source": source}


def _notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def fanout() -> dict[str, Any]:
    cells = [
        _md("title", "# Candy classifier\nFive models trained side by side on one feature set."),
        _code("imports", "import math\nimport random"),
        _code("params", "n_rows = 60\nseed = 7", "parameters"),
    ]
    for i in range(3):
        body = f"def test_set_check(rows):\n    return len(rows) > {i}"
        cells.append(_code(f"lib{i}", body, "export"))
    cells += [
        _code(
            "load",
            "random.seed(seed)\nraw = [(random.random(), random.random() > 0.5) for _ in range(n_rows)]",
            "step:load_raw_data",
        ),
        _code(
            "prep",
            "clean = [(x, y) for x, y in raw if x > 0.05]\nassert test_set_check(clean)",
            "step:datapreprocessing",
        ),
        _code(
            "feat",
            "features = [(math.log(x), x * x, y) for x, y in clean]",
            "step:feature_engineering",
        ),
    ]
    for k, name in enumerate(MODELS):
        cells.append(
            _code(
                name,
                f"score_{k} = sum(a * {k + 1} > b for a, b, _ in features) / len(features)",
                f"step:{name}",
                *(["after:datapreprocessing"] if k % 2 == 0 else []),
            )
        )
        cells.append(_code(f"{name}_print", f"print('{name}', score_{k})"))
    scores = ", ".join(f"score_{k}" for k in range(len(MODELS)))
    cells.append(_code("compare", f"best = max([{scores}])\nprint(best)", "step:compare_models"))
    return _notebook(cells)


def long_chain(n: int = 40) -> dict[str, Any]:
    cells = [_code("s0", "v0 = 1", "step:step_00_source")]
    for i in range(1, n):
        source = f"v{i} = v{i - 1} + 1"
        if i % 5 == 0 and i >= 5:
            source = f"v{i} = v{i - 1} + v{i - 5}"
        cells.append(_code(f"s{i}", source, f"step:step_{i:02d}"))
    return _notebook(cells)


def branching() -> dict[str, Any]:
    cells = []
    sources = ["sales", "stock", "weather", "calendar", "prices"]
    for src in sources:
        cells.append(_code(f"load_{src}", f"raw_{src} = [1.0, 2.0, 3.0]", f"step:load_{src}"))
        cells.append(
            _code(f"clean_{src}", f"ok_{src} = [v for v in raw_{src} if v]", f"step:clean_{src}")
        )
        cells.append(
            _code(f"feat_{src}", f"f_{src} = [v * 2 for v in ok_{src}]", f"step:features_{src}")
        )
    joined = " + ".join(f"f_{src}" for src in sources)
    cells.append(_code("join", f"table = {joined}", "step:join_sources"))
    cells.append(_code("split", "train, test = table[::2], table[1::2]", "step:split_train_test"))
    for k in range(10):
        cells.append(_code(f"train{k}", f"model_{k} = sum(train) * {k}", f"step:train_model_{k}"))
        cells.append(
            _code(f"score{k}", f"score_{k} = model_{k} - sum(test)", f"step:score_model_{k}")
        )
    scores = ", ".join(f"score_{k}" for k in range(10))
    cells.append(_code("compare", f"best = max([{scores}])", "step:compare_models"))
    cells.append(_code("report", "report = f'best {best}'", "step:write_report"))
    cells.append(_code("publish", "print(report)", "step:publish"))
    return _notebook(cells)


def headed() -> dict[str, Any]:
    return _notebook(
        [
            _md("h0", "# Rainfall report"),
            _code("imports", "import statistics"),
            _md("h1", "## Load the measurements"),
            _code("load", "rain = [12.0, 0.0, 3.5, 8.25, 0.5]"),
            _code("peek", "print(rain[:3])"),
            _md("h2", "## Clean up"),
            _code("clean", "wet = [r for r in rain if r > 0]"),
            _md("h3", "## Summarise"),
            _code("summary", "mean = statistics.mean(wet)"),
            _md("h4", "## Report"),
            _code("report", "print(f'mean rainfall {mean:.2f} mm')"),
        ]
    )
