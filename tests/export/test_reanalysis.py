"""Re-analysis after an edit resumes the dataflow pass from the step before the changed cell;
it must give exactly what a fresh analysis gives. Generated notebooks (every form the generator
writes: after: tags, test cells, library code, star imports...) edited at random, several times
in a row, each result compared with a fresh analyzer's."""

from __future__ import annotations

import copy
import random

from notebook_programs import Generator, RandomChoices, generate

from nbbridge.core import Analyzer, load_notebook_json


def _edit(nb: dict, rng: random.Random, seed: int) -> None:
    """One edit a user makes: rewrite, extend, retag, insert or delete a code cell."""
    cells = nb["cells"]
    other = Generator(RandomChoices(seed * 7919 + rng.randint(0, 10**6)))
    kind = rng.choice(["rewrite", "extend", "retag", "insert", "delete", "same"])
    index = rng.randrange(len(cells))
    cell = cells[index]
    if kind == "rewrite":
        cell["source"] = other.code(rng.randint(1, 3))
    elif kind == "extend":
        cell["source"] += f"\nextra_{rng.randint(0, 9)} = {rng.randint(0, 9)}"
    elif kind == "retag":
        tags = cell["metadata"].setdefault("tags", [])
        if tags and rng.random() < 0.5:
            tags.pop()
        else:
            tag = rng.choice(["step:extra", "skip", "test", "export", "step:prep"])
            if tag not in tags:
                tags.append(tag)
    elif kind == "insert":
        new = copy.deepcopy(cell)
        new["id"] = f"new{rng.randint(0, 10**9)}"
        new["source"] = other.code(1)
        new["metadata"] = {}
        cells.insert(index + rng.randint(0, 1), new)
    elif kind == "delete" and len(cells) > 1:
        del cells[index]


def test_reanalysis_after_edits_equals_a_fresh_analysis() -> None:
    resumed_later = 0
    for seed in range(250):
        rng = random.Random(seed)
        nb = generate(RandomChoices(seed))
        analyzer = Analyzer()
        analyzer.analyze_detailed(nb)
        for _ in range(4):
            _edit(nb, rng, seed)
            nb = load_notebook_json(nb)
            again = analyzer.analyze_detailed(nb, "notebook.ipynb")
            fresh = Analyzer().analyze_detailed(nb, "notebook.ipynb")
            assert again == fresh, f"seed {seed}"
            flow = analyzer._flow
            if flow is not None and flow.resumable is not None and flow.resumable.resume_at > 0:
                resumed_later += 1
    assert resumed_later >= 250, resumed_later  # the pass really resumes, mostly past cell 0
