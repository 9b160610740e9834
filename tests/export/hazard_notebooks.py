"""Hand-picked notebooks for the equivalence tests: hazards a package could get wrong.

``SAME``: notebooks whose package must run exactly like them. ``REFUSED``: notebooks the export
must refuse, with the problem code and the cell it names. ``FULL``: notebooks exported in full
(black, ruff), whose generated tests and ``python -m`` run are checked.
"""

from __future__ import annotations

import notebook_forms  # noqa: F401 - the local modules the star-import hazards import
from notebook_programs import make_notebook

__all__ = ["FULL", "REFUSED", "SAME", "Cells", "nb"]

Cells = list[tuple[str, list[str]]]


def nb(*cells: tuple[str, ...]) -> dict:
    """Cells as (source, tag, tag...); ids c0, c1..."""
    return make_notebook([(source, list(tags)) for source, *tags in cells])


# Hazards that the package runs exactly like the notebook.
SAME = {
    "function-reads-another-steps-global": nb(
        ("rate = 0.5", "step:config"),
        ("def taxed(v):\n    return v * (1 + rate)", "step:define"),
        ("print(taxed(100))", "step:use"),
    ),
    "method-and-lambda-read-globals": nb(
        ("k = 2", "step:one"),
        ("class C:\n    def m(self):\n        return k\n\ng = lambda v: v + k", "step:two"),
        ("print(C().m(), g(1))", "step:three"),
    ),
    "function-mutating-a-global-list": nb(
        ("xs = [1]", "step:one"),
        ("def add(v):\n    xs.append(v)", "step:two"),
        ("add(5)", "step:three"),
        ("print(xs)", "step:four"),
    ),
    "conditional-definition-with-an-earlier-value": nb(
        ("x = 0", "step:one"),
        ("if x > 5:\n    x = 1", "step:two"),
        ("print(x)", "step:three"),
    ),
    "conditional-definition-nothing-reads": nb(
        ("flag = False", "step:one"),
        ("if flag:\n    x = 1\nprint(flag)", "step:two"),
    ),
    # The test's values are taken once `b` has run (the last of the steps above it to run),
    # not after `a` (the last above it in the notebook), and before `c` changes ys.
    "test-cell-after-steps-reordered-by-after": nb(
        ("ys = [1]\nprint('b', ys)", "step:b", "after:a"),
        ("n = 2", "step:a"),
        ("assert ys == [1] and n == 2", "test"),
        ("ys.append(2)\nprint('c', ys)", "step:c"),
    ),
    # `box` may be unbound when the step ends: the sink step must not return it.
    "deleted-then-rebound-on-some-path": nb(
        ("box = [1]\nprint(box)", "step:a"),
        ("del box\nflag = False\nif flag:\n    box = [2]\nprint(flag)",),
    ),
    # A context manager may swallow the exception: `n` may be unbound when the step ends.
    "binding-inside-a-suppressing-with": nb(
        ("d = {'k': 1}", "step:a"),
        ("import contextlib\n\nwith contextlib.suppress(KeyError):\n    n = d['q']\nprint(d)",),
    ),
    # The step is handed `total` but may delete it: it is no longer surely bound at its end.
    "input-deleted-then-maybe-bound-again": nb(
        ("total = 1", "step:a"),
        ("del total\nif len('x') > 3:\n    total = 2\nscore = 5", "step:b"),
    ),
    # A metric bound on some paths only, with no earlier value: not returned (a warning).
    "metric-bound-on-some-paths": nb(
        ("x = 1", "step:a"),
        ("if x > 5:\n    score = 1\nprint(x)", "metrics"),
    ),
    "metric-deleted-then-maybe-bound-again": nb(
        ("total = 1\nprint(total)", "step:a", "metrics"),
        (
            "del total\nimport contextlib\n\nwith contextlib.suppress(KeyError):\n    total = {}['q']",
        ),
    ),
    # `b` deletes the value it was handed, then may bind it again in a later cell.
    "input-deleted-then-maybe-bound-in-a-later-cell": nb(
        ("total = 1", "step:a"),
        ("del total", "step:b"),
        (
            "import contextlib\n\nwith contextlib.suppress(KeyError):\n    total = {}['q']\nprint('b')",
        ),
    ),
    "redefinition-reordered-by-after": nb(
        ("x = 1\nprint('a', x)", "step:a", "after:b"),
        ("x = 2\nprint('b', x)", "step:b"),
        ("print('c', x)", "step:c"),
    ),
    "mutation-through-an-alias": nb(
        ("xs = [1]\nys = xs", "step:a"),
        ("ys.append(2)\nys += [3]", "step:b"),
        ("print(xs)", "step:c"),
    ),
    "del-then-redefine": nb(
        ("x = 1", "step:a"),
        ("print(x)\ndel x\nx = 2", "step:b"),
        ("print(x)", "step:c"),
    ),
    "steps-named-like-builtins": nb(
        ("xs = [1, 2]", "step:sum"),
        ("print(sum(xs))", "step:len"),
        ("print(len(xs))", "step:list"),
    ),
    "step-names-that-collide-once-suffixed": nb(
        ("x = 1", "step:x"),
        ("y = x + 1", "step:x_step"),
        ("print(y)", "step:c"),
    ),
    "outputs-named-like-the-pipelines-own-variables": nb(
        ("n = 1\nitems = [1]", "parameters"),
        ("outputs = [1]\nsteps = [2]\nparams = {'a': 1}\ncopy = 3", "step:a"),
        ("print(outputs, steps, params, copy, n)\nitems.append(2)", "step:b"),
    ),
    "parameter-reassigned": nb(
        ("n = 3", "parameters"),
        ("n = n + 1\nprint(n)", "step:a"),
        ("print(n)", "step:b"),
    ),
    "list-parameter-mutated-two-runs-one-params": nb(
        ("xs = [1]", "parameters"),
        ("xs.append(2)\nprint(xs)", "step:a"),
        ("print(xs)", "step:b"),
    ),
    "metrics-cells": nb(
        ("x = 3", "step:a"),
        ("acc = x / 4\nprint(acc)", "metrics"),
        ("x = 4", "step:b"),
        ("print(x)", "metrics"),
    ),
    "imports-inside-blocks": nb(
        ("try:\n    import json\nexcept ImportError:\n    pass", "step:a"),
        ("if True:\n    import math", "step:b"),
        ("print(json.dumps([1]), math.floor(2.5))", "step:c"),
    ),
    "import-of-a-name-the-step-also-assigns": nb(
        ("data = [1, 2]\nprint(data)", "step:a"),
        ("from json import dumps as data\nprint(data([1]))",),
        ("print(data([2]))", "step:b"),
    ),
    # Each step sees the import current where it stands (`from time import time` in one
    # cell, `import time` in a later one): conflicting imports stay in the step's function.
    "one-name-imported-two-ways": nb(
        ("from math import sqrt", "step:a"),
        ("from cmath import sqrt\nprint(sqrt(4))", "step:b"),
        ("print(sqrt(-9))", "step:c"),
        ("from math import sqrt\nprint(sqrt(16))", "step:d"),
        ("print(sqrt(25))", "step:e"),
    ),
    "one-name-imported-two-ways-in-one-step": nb(
        ("from math import sqrt",),
        ("print(sqrt(16))",),
        ("from cmath import sqrt\nprint(sqrt(-4))",),
        ("print(sqrt(-9))",),
    ),
    "one-name-imported-two-ways-and-a-test-cell": nb(
        ("import math\nfrom math import sqrt", "step:a"),
        ("from cmath import sqrt\nx = sqrt(4)", "step:b"),
        ("assert sqrt(-4) == 2j and x == 2", "test"),
        ("import math as sqrt\nprint(sqrt.pi)", "step:c"),
    ),
    "display-lines": nb(("x = [1]", "step:a"), ("display(x)\nprint(x)\nx", "step:b")),
    "mutation-then-delete-in-one-cell": nb(("b = [1]\nb.append(2)\ndel b\nc = 1", "step:a")),
    "library-function-called-by-steps": nb(
        ("LIMIT = 4\n\n\ndef clamp(v):\n    return min(v, LIMIT)", "export"),
        ("print(clamp(7))", "step:a"),
    ),
    "test-cells-building-on-each-other": nb(
        ("x = 1", "step:a"),
        ("expected = 1", "test"),
        ("assert x == expected", "test"),
        ("x = 2", "step:b"),
        ("assert x == 2", "test"),
    ),
}

# Hazards the export refuses: (notebook, problem code, cell it names).
REFUSED = {
    "library-reads-a-step-global": (
        nb(("a = 1", "step:one"), ("def f():\n    return a", "export"), ("print(f())", "step:t")),
        "library-global",
        "c1",
    ),
    "global-in-a-step-function": (
        nb(("a = 1\ndef bump():\n    global a\n    a += 1", "step:one"), ("bump()", "step:two")),
        "global-in-function",
        "c0",
    ),
    "global-in-a-function-redefined-later": (
        nb(
            (
                "t = 1\ndef f():\n    global t\n    t += 1\nn = f()\ndef f():\n    return 0",
                "step:a",
            ),
        ),
        "global-in-function",
        "c0",
    ),
    "top-level-await": (
        nb(
            ("import asyncio\nasync def g():\n    return 3", "step:one"),
            ("x = await g()", "step:two"),
        ),
        "top-level-await",
        "c1",
    ),
    "conditional-definition-read-conditionally": (
        nb(
            ("flag = False", "step:a"),
            ("if flag:\n    x = 1", "step:b"),
            ("if flag:\n    print(x)", "step:c"),
        ),
        "maybe-unbound",
        "c2",
    ),
    "after-runs-a-step-after-one-that-mutates-its-input": (
        nb(
            ("xs = [1]", "step:init"),
            ("print(xs)", "step:a", "after:b"),
            ("xs.append(2)", "step:b"),
        ),
        "after-reorder",
        "c1",
    ),
    "function-global-rebound-before-the-call": (
        nb(
            ("a = 1", "step:one"),
            ("def f():\n    return a", "step:two"),
            ("a = 5", "step:three"),
            ("print(f())", "step:four"),
        ),
        "function-global",
        "c3",
    ),
    "function-global-rebound-by-the-caller": (
        nb(("a = 1\ndef f():\n    return a", "step:two"), ("a = 3\nprint(f())", "step:four")),
        "function-global",
        "c1",
    ),
    "library-value-rebound-by-a-step": (
        nb(
            ("SCALE = 2\ndef scale(v):\n    return v * SCALE", "export"),
            ("SCALE = 10\nprint(scale(3))", "step:a"),
        ),
        "library-shadowed",
        "c1",
    ),
    "library-value-read-then-assigned": (
        nb(("SCALE = 2", "export"), ("SCALE += 1", "step:a")),
        "shadowed-global",
        "c1",
    ),
    "builtin-read-then-assigned": (
        nb(
            ("xs = list(range(3))\nlist = xs\nprint(list)", "step:a"),
        ),
        "shadowed-global",
        "c0",
    ),
    "library-value-changed-in-place": (
        nb(("ITEMS = [1]", "export"), ("ITEMS.append(2)\nprint(ITEMS)", "step:a")),
        "library-changed",
        "c1",
    ),
    "library-global-assigned-by-a-library-function": (
        nb(
            ("COUNT = 0\ndef bump():\n    global COUNT\n    COUNT += 1", "export"),
            ("bump()\nprint(COUNT)", "step:a"),
        ),
        "library-global-assigned",
        "c1",
    ),
    "parameter-computed-not-literal": (
        nb(("n = 3\nm = n * 2", "parameters"), ("print(m)", "step:a")),
        "parameter-not-literal",
        "c1",
    ),
    # The star import binds OFFSET, which the step then rebinds: local in its function, where
    # `import *` cannot go (found by the generated-notebook sweep).
    "star-import-name-rebound-by-the-step": (
        nb(("from nbgen_all import *\nprint(OFFSET)", "step:a"), ("OFFSET += 1",)),
        "star-import",
        "c0",
    ),
    # Library code is one module: it cannot hold both meanings of a name.
    "one-name-imported-two-ways-by-library-cells": (
        nb(("from math import sqrt",), ("from cmath import sqrt",), ("print(sqrt(4))", "step:a")),
        "import-conflict",
        "c1",
    ),
    # A function looks the name up where it is called; its closure in the package would not.
    "one-name-imported-two-ways-read-by-a-function": (
        nb(
            ("from math import sqrt", "step:a"),
            ("def root():\n    return sqrt(4)",),
            ("from cmath import sqrt\nprint(root())", "step:b"),
        ),
        "import-conflict",
        "c1",
    ),
    # A step reading the name from earlier cells once with each meaning.
    "one-step-reads-both-meanings-from-earlier-cells": (
        nb(
            ("from math import sqrt", "step:a"),
            ("print(sqrt(4))", "step:b"),
            ("from cmath import sqrt", "export"),
            ("print(sqrt(-4))",),
        ),
        "import-conflict",
        "c1",
    ),
    "dunder-name-guard": (
        nb(
            ("if __name__ == '__main__':\n    print('main')", "step:a"),
        ),
        "notebook-only-name",
        "c0",
    ),
    "display-inside-a-loop": (
        nb(
            ("for v in [1, 2]:\n    display(v)", "step:a"),
        ),
        "notebook-only-name",
        "c0",
    ),
    "get-ipython": (
        nb(
            ("ip = get_ipython()", "step:a"),
        ),
        "notebook-only-name",
        "c0",
    ),
    # `show` runs after `grow` changes xs through its alias `view`; the notebook's saw [1].
    "after-reorder-through-an-alias": (
        nb(
            ("xs = [1]\nview = xs", "step:make"),
            ("print(xs)", "step:show", "after:grow"),
            ("view.append(2)", "step:grow"),
        ),
        "after-reorder",
        "c1",
    ),
    # `use` runs before `grow`, which comes first in the notebook: it would miss the change.
    "after-moves-a-reader-before-a-change-it-saw": (
        nb(
            ("xs = [1]\nview = xs", "step:make"),
            ("view.append(2)", "step:grow", "after:use"),
            ("print(xs)", "step:use"),
        ),
        "after-reorder",
        "c2",
    ),
    "step-below-a-test-runs-before-one-above-it": (
        nb(
            ("ys = [1]", "step:load"),
            ("n = 1", "step:late", "after:trim"),
            ("assert ys == [1]", "test"),
            ("ys.append(2)", "step:trim"),
        ),
        "test-reorder",
        "c2",
    ),
    "test-mid-step-through-chained-assignment": (
        nb(("ys = outputs = [1]", "step:a"), ("assert outputs == [1]", "test"), ("ys.append(2)",)),
        "test-mid-step",
        "c1",
    ),
    "test-mid-step-through-a-name-assigned-to-itself": (
        nb(
            ("o = [1]\nbox = o", "step:a"),
            ("box = box", "step:b"),
            ("n = 1", "step:c"),
            ("assert o == [1]", "test"),
            ("box.append(2)",),
        ),
        "test-mid-step",
        "c3",
    ),
    "test-cell-between-cells-of-a-step": (
        nb(("xs = [1]\nys = xs", "step:a"), ("assert ys == [1]", "test"), ("xs.append(2)",)),
        "test-mid-step",
        "c1",
    ),
}


FULL: dict[str, Cells] = {
    "tests-and-mutation": [
        ("xs = [1]\nn = 2", ["parameters"]),
        ("ys = xs\nys.append(n)\nprint('loaded', ys)", ["step:load"]),
        ("assert xs == [1, 2] and n == 2", ["test"]),
        ("expected = len(xs)", ["test"]),
        ("xs.append(3)\nprint('more', xs)", ["step:more"]),
        ("assert len(xs) == expected + 1 == 3", ["test"]),
        ("total = sum(xs)\nprint(total)", ["step:report", "metrics"]),
    ],
    "closures-and-builtin-names": [
        ("rate = 2", ["step:config"]),
        ("def scaled(v):\n    return v * rate", ["step:sum"]),
        ("outputs = [scaled(v) for v in range(3)]\nprint(sum(outputs))", ["step:list"]),
        ("assert outputs == [0, 2, 4]", ["test"]),
    ],
    # The generated test must take ys once `b` has run (after: runs it after `a`), and before
    # `c` changes it: taken after `a`, ys would be missing; taken at the end, [1, 2].
    "test-cell-after-steps-reordered-by-after": [
        ("ys = [1]\nprint('b', ys)", ["step:b", "after:a"]),
        ("n = 2", ["step:a"]),
        ("assert ys == [1] and n == 2", ["test"]),
        ("ys.append(2)\nprint('c', ys)", ["step:c"]),
    ],
}
