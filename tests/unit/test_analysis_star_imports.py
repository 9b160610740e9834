"""Star imports resolved statically from the module's source (never imported), per version."""

from __future__ import annotations

import os
import sys

import pytest
from nbfactory import code, find_step, notebook, problems_of

from nbbridge.core import Analyzer
from nbbridge.core.star_imports import star_names

WITH_ALL = '__all__ = ["scale", "OFFSET"]\nOFFSET = 3\n\ndef scale(v):\n    return v * 2\n\ndef hidden():\n    pass\n'
WITHOUT_ALL = (
    "import json\nfrom withall import *\nLIMIT = 9\n_private = 1\n\n"
    "def clamp(v):\n    return min(v, LIMIT)\n\ntry:\n    FAST = True\nexcept ImportError:\n"
    "    FAST = False\n\nclass Box:\n    pass\n"
)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "withall.py").write_text(WITH_ALL)
    (tmp_path / "noall.py").write_text(WITHOUT_ALL)
    pkg = tmp_path / "pkgmod"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "core.py").write_text("from .helpers import *\n")
    (pkg / "helpers.py").write_text("def helper():\n    pass\n_x = 1\n")
    (tmp_path / "computed.py").write_text("import os\n__all__ = [n for n in dir(os)]\n")
    (tmp_path / "extended.py").write_text(
        "__all__ = ['a']\n__all__ += ['b']\n__all__.append('c')\n__all__.extend(['d'])\na = b = c = d = 1\n"
    )
    return tmp_path


def test_all_is_used_when_the_module_has_one(folder):
    assert star_names("withall", (str(folder),)) == {"scale", "OFFSET"}
    assert star_names("extended", (str(folder),)) == {"a", "b", "c", "d"}


def test_public_top_level_names_without_all_its_own_star_imports_followed(folder):
    names = star_names("noall", (str(folder),))
    assert names == {"json", "scale", "OFFSET", "LIMIT", "clamp", "FAST", "Box"}
    assert star_names("pkgmod.core", (str(folder),)) == {"helper"}  # relative, in a package


def test_unknowable_names_are_none(folder):
    assert star_names("computed", (str(folder),)) is None
    assert star_names("math") is None  # built in: no source
    assert star_names("no_such_module_here", (str(folder),)) is None
    assert star_names(".relative", (str(folder),)) is None


def test_the_module_is_read_never_imported(folder):
    (folder / "loud.py").write_text("raise SystemExit('imported!')\nVALUE = 1\n")
    assert star_names("loud", (str(folder),)) == {"VALUE"}
    assert "loud" not in sys.modules


def test_a_new_version_of_the_module_is_read_again(folder):
    path = folder / "changing.py"
    path.write_text("__all__ = ['one']\none = 1\n")
    assert star_names("changing", (str(folder),)) == {"one"}
    path.write_text("__all__ = ['one', 'two']\none = two = 2\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert star_names("changing", (str(folder),)) == {"one", "two"}


def test_a_step_reading_star_names_has_no_inputs_for_them(folder):
    nb = notebook(
        code("from withall import *\nfrom noall import *"),
        code("x = scale(OFFSET)\ny = clamp(x)", "step:a"),
        code("print(x, y, Box)", "step:b"),
    )
    p = Analyzer().analyze_detailed(nb, folder=str(folder)).pipeline
    assert p.problems == []
    assert find_step(p, "a").inputs == []
    assert find_step(p, "b").inputs == ["x", "y"]
    assert [item.names for item in p.library] == [[]]  # the star's names are not library names


def test_a_name_the_star_import_does_not_bind_is_still_undefined(folder):
    nb = notebook(code("from withall import *", "step:a"), code("print(hidden())", "step:b"))
    p = Analyzer().analyze_detailed(nb, folder=str(folder)).pipeline
    (problem,) = problems_of(p, "undefined-name")
    assert problem.severity == "error" and "'hidden'" in problem.message


def test_a_name_read_in_the_cell_before_its_star_import_is_an_open_read(folder):
    nb = notebook(
        code("OFFSET = 1", "step:a"), code("print(OFFSET)\nfrom withall import *", "step:b")
    )
    p = Analyzer().analyze_detailed(nb, folder=str(folder)).pipeline
    assert find_step(p, "b").inputs == ["OFFSET"]


def test_a_name_a_star_import_binds_and_an_import_binds_again_is_no_conflict(folder):
    nb = notebook(code("from noall import *"), code("import json\nprint(json.dumps([]))", "step:a"))
    p = Analyzer().analyze_detailed(nb, folder=str(folder)).pipeline
    assert problems_of(p, "import-conflict") == []


def test_analyze_resolves_star_imports_in_the_folder_it_is_given(folder):
    nb = notebook(code("from withall import *"), code("x = scale(OFFSET)", "step:a"))
    assert Analyzer().analyze(nb, folder=str(folder)).problems == []
