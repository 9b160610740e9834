"""More forms for the notebook generator, from what real notebooks do (issue: export fidelity).

A mixin of :class:`notebook_programs.Generator`: printed pandas frames wider than 80 characters,
one name imported two ways in different cells (``from math import sqrt`` / ``from cmath import
sqrt``), cell docstrings read as ``__doc__``, and star imports of local modules with and
without ``__all__`` (written once per test session to a folder put on ``sys.path``, where the
analysis finds them as the kernel would).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["LOCAL_MODULES", "FidelityForms"]

FRAME, ROOT, DOC = "frame", "root", "doc"

LOCAL_MODULES = {
    "nbgen_all": '__all__ = ["OFFSET", "scale"]\nOFFSET = 3\n\n\ndef scale(v):\n    return v * 2\n\n\n'
    "def unlisted():\n    return 0\n",
    "nbgen_noall": "import math\n\nSTEP = 5\n_private = 1\n\n\ndef clampto(v):\n"
    "    return min(v, STEP)\n",
}
_folder = Path(tempfile.mkdtemp(prefix="nbbridge-gen-modules-"))
atexit.register(shutil.rmtree, _folder, True)
for _name, _text in LOCAL_MODULES.items():
    (_folder / f"{_name}.py").write_text(_text)
sys.path.insert(0, str(_folder))

# module → (names it binds that the generator uses: name → kind, callable names → call)
_STARS = {
    "nbgen_all": ({"OFFSET": "int", "scale": "func"}, {"scale": "scale(2)"}),
    "nbgen_noall": ({"STEP": "int", "clampto": "func"}, {"clampto": "clampto(9)"}),
}


class FidelityForms:
    """Statements of the forms above; ``self.c`` and ``self.model`` are the generator's."""

    c: Any
    model: Any

    def fidelity_options(self, depth: int) -> list[str]:
        kinds = self.model.kinds
        options = []
        if depth == 0:
            options += ["frame", "root_import", "docstring", "star"]
        if kinds.get("sqrt") == ROOT:
            options.append("root_use")
        if DOC in kinds.values():
            options.append("doc_use")
        if FRAME in kinds.values():
            options.append("frame_print")
        return options

    def _frame(self, depth: int) -> str:
        columns = self.c.integer(18, 26)  # wider than 80 characters; beyond 20 columns at times
        self.model.kinds["frame"] = FRAME
        self.model.functions.pop("frame", None)
        return (
            "import pandas as pd\n\n"
            f"frame = pd.DataFrame([[i * 10 + j for j in range({columns})] for i in range(4)], "
            f"columns=[f'column_{{j}}' for j in range({columns})])\n" + self._frame_print(depth)
        )

    def _frame_print(self, depth: int) -> str:
        return self.c.pick(
            ["print(frame)", "print(frame.head(2))", "print(frame.describe())", "print(frame.T)"]
        )

    def _root_import(self, depth: int) -> str:
        self.model.kinds["sqrt"] = ROOT
        self.model.functions.pop("sqrt", None)
        return self.c.pick(["from math import sqrt", "from cmath import sqrt"])

    def _root_use(self, depth: int) -> str:
        return f"print(sqrt({self.c.integer(0, 9)}))"

    def _docstring(self, depth: int) -> str:
        # Not the cell's last statement (that one IPython displays instead of storing).
        number = self.c.integer(0, 9)
        self.model.kinds["__doc__"] = DOC
        self.model.kinds["section"] = "int"
        return f'"""Section {number} of the notebook."""\nsection = {number}'

    def _doc_use(self, depth: int) -> str:
        return self.c.pick(["print(__doc__)", "print(__doc__.split()[1])"])

    def _star(self, depth: int) -> str:
        module = self.c.pick(sorted(_STARS))
        kinds, calls = _STARS[module]
        from notebook_programs import Function  # the generator's own record of callables

        for name, kind in kinds.items():
            self.model.kinds[name] = kind
            self.model.functions.pop(name, None)
        for name, call in calls.items():
            self.model.functions[name] = Function(call, {})
        self.model.library = frozenset(self.model.library | set(kinds))  # read, not written
        return f"from {module} import *"
