"""Reading notebooks: clear errors for bad input, deterministic cell ids, no mutation."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from nbformat import v4

from nbbridge.core import NotebookError, analyze, load_notebook_json, read_notebook


def _write(tmp_path, content, name="nb.ipynb"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _old_notebook():
    """nbformat 4.4 on disk: no cell ids, sources as lists of lines."""
    return {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# T"]},
            {"cell_type": "code", "metadata": {"tags": ["step:a"]}, "execution_count": None,
             "outputs": [], "source": ["x = 1\n", "y = x"]},
        ],
    }  # fmt: skip


def test_cells_without_ids_get_deterministic_ids(tmp_path):
    path = _write(tmp_path, _old_notebook())
    first, second = read_notebook(path), read_notebook(path)
    assert [c["id"] for c in first["cells"]] == ["cell-0", "cell-1"]
    assert first == second
    assert first["nbformat_minor"] == 5
    assert first["cells"][1]["source"] == "x = 1\ny = x"
    assert type(first) is dict
    assert analyze(first).steps[0].cell_ids == ["cell-1"]


def test_existing_ids_are_kept(tmp_path):
    nb = v4.new_notebook(cells=[v4.new_code_cell("x = 1")])
    nb.cells[0]["id"] = "keep-me"
    path = _write(tmp_path, nbformat.writes(nb))
    assert read_notebook(path)["cells"][0]["id"] == "keep-me"


@pytest.mark.parametrize(
    ("content", "fragment", "field"),
    [
        ("{not json", "not valid JSON (line 1", None),
        ("[]", "not a notebook", None),
        ('{"a": 1}', "not a Jupyter notebook", None),
        ('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "nbformat 3", "nbformat"),
        (
            '{"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [7]}]}',
            "nbformat 3",
            "nbformat",
        ),
        ('{"nbformat": 0, "cells": []}', "nbformat 0 is not a known", "nbformat"),
        ('{"nbformat": "4", "cells": []}', "nbformat must be an integer", "nbformat"),
        ('{"nbformat": 5, "nbformat_minor": 0, "cells": []}', "newer than 4", "nbformat"),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {}}',
            "cells must be a list",
            "cells",
        ),
    ],
)
def test_bad_files_raise_notebook_error(tmp_path, content, fragment, field):
    path = _write(tmp_path, content)
    with pytest.raises(NotebookError) as info:
        read_notebook(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.field == field


def test_schema_violation_names_the_field(tmp_path):
    nb = _old_notebook()
    nb["cells"][1]["metadata"]["tags"] = ["ok", 5]
    with pytest.raises(NotebookError) as info:
        read_notebook(_write(tmp_path, nb))
    assert info.value.field == "cells[1].metadata.tags[1]"
    assert "5 is not of type 'string'" in str(info.value)


def test_duplicate_ids_are_refused_not_repaired(tmp_path):
    cells = [v4.new_code_cell("a"), v4.new_code_cell("b")]
    nb = json.loads(nbformat.writes(v4.new_notebook(cells=cells)))
    nb["cells"][0]["id"] = nb["cells"][1]["id"] = "same"
    with pytest.raises(NotebookError) as info:
        read_notebook(_write(tmp_path, nb))
    assert "'same'" in str(info.value) and info.value.field == "cells[1].id"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(NotebookError, match="no such notebook file"):
        read_notebook(tmp_path / "absent.ipynb")
    with pytest.raises(NotebookError, match="is a directory"):
        read_notebook(tmp_path)


def test_not_utf8(tmp_path):
    path = tmp_path / "bin.ipynb"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(NotebookError, match="not UTF-8"):
        read_notebook(path)


def test_load_notebook_json_checks_and_does_not_touch_the_input():
    original = _old_notebook()
    kept = copy.deepcopy(original)
    loaded = load_notebook_json(original)
    assert original == kept
    assert [c["id"] for c in loaded["cells"]] == ["cell-0", "cell-1"]
    with pytest.raises(NotebookError, match="not a Jupyter notebook"):
        load_notebook_json({"cells": "x"})
    with pytest.raises(NotebookError, match="not JSON data"):
        load_notebook_json({"nbformat": 4, "cells": [], "x": object()})
    bad = _old_notebook()
    bad["cells"][1]["cell_type"] = "python"
    with pytest.raises(NotebookError) as info:
        load_notebook_json(bad)
    assert info.value.field is not None and info.value.field.startswith("cells[1]")


def test_notebook_error_is_a_value_error():
    error = NotebookError("broken", field="cells[0]")
    assert isinstance(error, ValueError) and str(error) == "broken" and error.field == "cells[0]"


def _nbformat3_notebook():
    """nbformat 3 on disk, as IPython 2 wrote it: worksheets, `input`, a heading cell, outputs
    with `stream`, sources as lists of lines."""
    return {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [{"metadata": {}, "cells": [
            {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Title"]},
            {"cell_type": "code", "collapsed": False, "language": "python", "prompt_number": 1,
             "metadata": {"tags": ["step:load"]}, "input": ["x = 1\n", "print(x)"],
             "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["1\n"]}]},
            {"cell_type": "markdown", "metadata": {}, "source": ["Some *prose*"]},
            {"cell_type": "code", "collapsed": False, "language": "python", "metadata": {},
             "input": ["y = x + 1"], "outputs": []},
        ]}],
    }  # fmt: skip


def test_nbformat3_notebooks_are_upgraded_in_memory(tmp_path):
    path = _write(tmp_path, _nbformat3_notebook())
    on_disk = path.read_bytes()
    first, second = read_notebook(path), read_notebook(path)
    assert first == second  # no random ids from the converter
    assert (first["nbformat"], first["nbformat_minor"]) == (4, 5)
    assert first["metadata"]["orig_nbformat"] == 3
    assert [(c["cell_type"], c["id"]) for c in first["cells"]] == [
        ("markdown", "cell-0"),
        ("code", "cell-1"),
        ("markdown", "cell-2"),
        ("code", "cell-3"),
    ]
    assert first["cells"][0]["source"] == "# Title"
    load = first["cells"][1]
    assert load["source"] == "x = 1\nprint(x)" and load["execution_count"] == 1
    assert load["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    assert path.read_bytes() == on_disk  # the file itself is never rewritten
    pipeline = analyze(first)
    assert [(s.name, s.cell_ids, s.inputs) for s in pipeline.steps] == [
        ("load", ["cell-1", "cell-3"], [])
    ]
    assert pipeline.problems == []


def test_nbformat3_in_memory_json_is_upgraded_and_left_untouched():
    original = _nbformat3_notebook()
    kept = copy.deepcopy(original)
    loaded = load_notebook_json(original)
    assert original == kept
    assert [c["id"] for c in loaded["cells"]] == ["cell-0", "cell-1", "cell-2", "cell-3"]


def test_nbformat2_notebooks_are_upgraded_too():
    nb = {"nbformat": 2, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "language": "python", "input": "z = 3", "outputs": []},
    ]}]}  # fmt: skip
    loaded = load_notebook_json(nb)
    assert [(c["id"], c["source"]) for c in loaded["cells"]] == [("cell-0", "z = 3")]
