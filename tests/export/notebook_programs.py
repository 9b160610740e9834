"""Random notebooks of plain, runnable Python for the equivalence tests.

A :class:`Choices` source (hypothesis' ``draw``, or a seeded :class:`random.Random`) drives a
small generator that keeps a model of what the notebook namespace holds (name → kind), so the
code it writes mostly runs: it assigns and mutates ints, lists, dicts and objects (methods,
subscripts, attributes, ``+=``, aliases and chained assignment, tuple swaps, ``del``), defines
functions, lambdas and classes that read (or ``global``-assign) notebook globals and calls them in
later cells, makes instances whose methods change them, uses comprehensions, the walrus, loops,
``match``, ``with``, ``try``/``except`` and ``print``; cells are tagged ``step:NAME`` (names that
clash with builtins, variables and the package's own names included), ``after:``,
``parameters``, ``metrics``, ``skip``, ``export`` and ``test``; and the forms of
:mod:`notebook_forms` (wide printed frames, a name imported two ways, cell docstrings, star
imports of local modules).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hypothesis import strategies as st
from nbformat import v4
from notebook_forms import FidelityForms

from nbbridge.core import load_notebook_json

__all__ = ["Choices", "RandomChoices", "generate", "make_notebook", "notebooks"]

T = TypeVar("T")

INT, LIST, DICT, OBJ, BAG, FUNC = "int", "list", "dict", "obj", "bag", "func"
NAMES = {
    INT: ["a", "b", "n", "total"],
    LIST: ["xs", "ys", "outputs"],
    DICT: ["d", "params"],
    OBJ: ["o", "box"],
    BAG: ["bag", "cart"],  # instances of a class whose method changes them
    FUNC: ["f", "g", "helper", "K"],
}
STEP_NAMES = ["load", "prep", "train", "report", "total", "a", "sum", "params", "run", "xs_step"]


class Choices:
    """Where the generator's decisions come from."""

    def pick(self, options: Sequence[T]) -> T:
        raise NotImplementedError

    def integer(self, low: int, high: int) -> int:
        raise NotImplementedError

    def chance(self, percent: int) -> bool:
        return self.integer(1, 100) <= percent


class DrawChoices(Choices):
    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))


class RandomChoices(Choices):
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return self.random.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)


@dataclass
class Function:
    """A callable the notebook defined: how to call it, the globals it needs."""

    call: str
    needs: dict[str, str]


@dataclass
class Model:
    """What the notebook namespace surely holds at this point of the generated run."""

    kinds: dict[str, str] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    # Library names: read freely, written only now and then (a refused hazard).
    library: frozenset[str] = frozenset()

    def of(self, kind: str) -> list[str]:
        return [n for n, k in self.kinds.items() if k == kind]

    def writable(self, kind: str) -> list[str]:
        return [n for n in self.of(kind) if n not in self.library]

    def callable(self) -> list[str]:
        return [
            n
            for n, f in self.functions.items()
            if self.kinds.get(n) == FUNC and all(self.kinds.get(g) == k for g, k in f.needs.items())
        ]

    def copy(self) -> Model:
        return Model(dict(self.kinds), dict(self.functions), self.library)


class Generator(FidelityForms):
    def __init__(self, choices: Choices) -> None:
        self.c = choices
        self.model = Model()

    # --- expressions ------------------------------------------------------------------------

    def int_expr(self) -> str:
        c, m = self.c, self.model
        options = ["literal"]
        if m.of(INT):
            options += ["plus", "plus"]
        if m.of(LIST):
            options += ["len", "sum"]
        if m.of(OBJ):
            options.append("attr")
        if m.callable():
            options.append("call")
        if m.of(DICT):
            options.append("get")
        kind = c.pick(options)
        if kind == "plus":
            return f"{c.pick(m.of(INT))} + {c.integer(0, 3)}"
        if kind in ("len", "sum"):
            return f"{kind}({c.pick(m.of(LIST))})"
        if kind == "attr":
            return f"{c.pick(m.of(OBJ))}.v"
        if kind == "call":
            return m.functions[c.pick(m.callable())].call
        if kind == "get":
            return f"{c.pick(m.of(DICT))}.get('k', 0)"
        return str(c.integer(0, 5))

    # --- statements -------------------------------------------------------------------------

    def statement(self, depth: int = 0) -> str:
        c, m = self.c, self.model
        if m.library and c.chance(5):
            m = self.model = Model(m.kinds, m.functions)  # now and then, write library names
        options = ["int", "list", "dict", "obj", "print"]
        if m.of(INT):
            options += ["func", "lambda", "walrus"]
        if m.writable(INT):
            options += ["aug", "while"]
        if m.of(LIST):
            options += ["alias_list", "comprehension", "for", "func_mutating"]
        if m.writable(LIST):
            options += ["mutate_list", "mutate_list"]
        if m.of(DICT):
            options += ["try"]
        if m.writable(DICT):
            options += ["mutate_dict"]
        if m.writable(OBJ):
            options += ["mutate_obj", "alias_obj"]
        if m.callable():
            options += ["call", "call"]
        if m.of(INT) and depth == 0:
            options += ["if", "class"]
        if len(m.writable(INT)) > 1:
            options.append("swap")
        if m.of(LIST) and depth == 0:
            options += ["chain_list", "match"]
        if m.writable(DICT):
            options += ["aug_item", "suppress"]
        if depth == 0 and m.of(INT):
            options.append("bag")
        if m.writable(BAG):
            options += ["mutate_bag", "mutate_bag", "alias_bag"]
        if m.writable(INT) and depth == 0 and c.chance(20):
            options.append("global_func")
        if m.kinds and depth == 0 and c.chance(40):
            options.append("del")
        options += self.fidelity_options(depth)
        return getattr(self, f"_{c.pick(options)}")(depth)

    def _bind(self, name: str, kind: str) -> None:
        self.model.kinds[name] = kind
        self.model.functions.pop(name, None)

    def _int(self, depth: int) -> str:
        name, value = self.c.pick(NAMES[INT]), self.int_expr()
        self._bind(name, INT)
        return f"{name} = {value}"

    def _aug(self, depth: int) -> str:
        return f"{self.c.pick(self.model.writable(INT))} += {self.c.integer(1, 3)}"

    def _list(self, depth: int) -> str:
        name = self.c.pick(NAMES[LIST])
        sources = self.model.of(LIST)
        if sources and self.c.chance(40):
            code = f"{name} = list({self.c.pick(sources)})"
        else:
            code = f"{name} = [{', '.join(str(self.c.integer(0, 4)) for _ in range(3))}]"
        self._bind(name, LIST)
        return code

    def _alias_list(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[LIST]), self.c.pick(self.model.of(LIST))
        self._bind(name, LIST)
        return f"{name} = {source}"

    def _comprehension(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[LIST]), self.c.pick(self.model.of(LIST))
        extra = f" + {self.c.pick(self.model.of(INT))}" if self.model.of(INT) else ""
        self._bind(name, LIST)
        return f"{name} = [v * 2{extra} for v in {source} if v >= 0]"

    def _mutate_list(self, depth: int) -> str:
        target = self.c.pick(self.model.writable(LIST))
        return self.c.pick(
            [
                f"{target}.append({self.int_expr()})",
                f"{target}.extend([{self.c.integer(0, 3)}, {self.c.integer(0, 3)}])",
                f"{target} += [{self.c.integer(0, 3)}]",
                f"{target}.insert(0, {self.c.integer(0, 3)})",
                f"{target}.sort()",
                f"{target}.reverse()",
                f"if {target}:\n    {target}.pop()",
                f"if {target}:\n    {target}[0] = {self.int_expr()}",
                f"del {target}[:1]",
            ]
        )

    def _dict(self, depth: int) -> str:
        name = self.c.pick(NAMES[DICT])
        sources = self.model.of(DICT)
        if sources and self.c.chance(30):
            code = f"{name} = {{k: v + 1 for k, v in {self.c.pick(sources)}.items()}}"
        elif sources and self.c.chance(30):
            code = f"{name} = {self.c.pick(sources)}"
        else:
            code = f"{name} = {{'k': {self.int_expr()}}}"
        self._bind(name, DICT)
        return code

    def _mutate_dict(self, depth: int) -> str:
        target = self.c.pick(self.model.writable(DICT))
        return self.c.pick(
            [
                f"{target}['k'] = {self.int_expr()}",
                f"{target}.update(z={self.c.integer(0, 3)})",
                f"{target}.setdefault('q', {self.c.integer(0, 3)})",
                f"{target}.pop('z', None)",
                f"{target}['k'] = {target}.get('k', 0) + 1",
            ]
        )

    def _try(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[INT]), self.c.pick(self.model.of(DICT))
        self._bind(name, INT)
        return f"try:\n    {name} = {source}['q']\nexcept KeyError:\n    {name} = -1"

    def _obj(self, depth: int) -> str:
        name, value = self.c.pick(NAMES[OBJ]), self.int_expr()
        self._bind(name, OBJ)
        return f"import types\n\n{name} = types.SimpleNamespace(v={value})"

    def _alias_obj(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[OBJ]), self.c.pick(self.model.writable(OBJ))
        self._bind(name, OBJ)
        return f"{name} = {source}"

    def _mutate_obj(self, depth: int) -> str:
        target = self.c.pick(self.model.writable(OBJ))
        options = [f"{target}.v = {self.int_expr()}", f"{target}.v += 1"]
        if self.model.of(LIST):
            options.append(f"{target}.v = len({self.c.pick(self.model.of(LIST))})")
        return self.c.pick(options)

    def _chain_list(self, depth: int) -> str:
        first, second = self.c.pick(NAMES[LIST]), self.c.pick(NAMES[LIST])
        source = self.c.pick(self.model.of(LIST))
        self._bind(first, LIST)
        self._bind(second, LIST)
        return f"{first} = {second} = list({source})"  # two names, one list

    def _swap(self, depth: int) -> str:
        first, second = self.c.pick(self.model.writable(INT)), self.c.pick(self.model.writable(INT))
        return f"{first}, {second} = {second}, {first}"

    def _aug_item(self, depth: int) -> str:
        return f"{self.c.pick(self.model.writable(DICT))}['k'] += {self.c.integer(1, 3)}"

    def _suppress(self, depth: int) -> str:
        # Bound only when the key is there: known afterwards only if it was already an int.
        name, source = self.c.pick(NAMES[INT]), self.c.pick(self.model.writable(DICT))
        if self.model.kinds.get(name) != INT:
            self.model.kinds.pop(name, None)
        return (
            f"import contextlib\n\nwith contextlib.suppress(KeyError):\n    {name} = {source}['q']"
        )

    def _match(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[INT]), self.c.pick(self.model.of(LIST))
        self._bind(name, INT)
        return (
            f"match {source}:\n    case [first, *_]:\n        {name} = first\n"
            f"    case _:\n        {name} = 0"
        )

    def _bag(self, depth: int) -> str:
        name, start = self.c.pick(NAMES[BAG]), self.c.pick(self.model.of(INT))
        self._bind("Bag", FUNC)  # a class: never printed (its repr names its module)
        self._bind(name, BAG)
        return (
            "class Bag:\n    def __init__(self, first):\n        self.items = [first]\n\n"
            "    def add(self, v):\n        self.items.append(v)\n        return len(self.items)\n"
            f"\n\n{name} = Bag({start})"
        )

    def _mutate_bag(self, depth: int) -> str:
        target = self.c.pick(self.model.writable(BAG))
        if self.c.chance(50):
            name, value = self.c.pick(NAMES[INT]), self.int_expr()
            self._bind(name, INT)
            return f"{name} = {target}.add({value})"
        return f"{target}.add({self.c.integer(0, 3)})"

    def _alias_bag(self, depth: int) -> str:
        name, source = self.c.pick(NAMES[BAG]), self.c.pick(self.model.writable(BAG))
        self._bind(name, BAG)
        return f"{name} = {source}"

    def _print(self, depth: int) -> str:
        shown = [n for n, k in self.model.kinds.items() if k != FUNC]
        if not shown:
            return f"print({self.c.integer(0, 9)})"
        name = self.c.pick(shown)
        if self.model.kinds[name] == DICT:
            return f"print(sorted({name}.items()))"
        if self.model.kinds[name] == BAG:
            return f"print({name!r}, {name}.items)"  # its repr would show an address
        return f"print({name!r}, {name})"

    def _func(self, depth: int) -> str:
        name, reads = self.c.pick(NAMES[FUNC][:3]), self.c.pick(self.model.of(INT))
        self._bind(name, FUNC)
        self.model.functions[name] = Function(f"{name}()", {reads: INT})
        return f"def {name}():\n    return {reads} * 2 + 1"

    def _func_mutating(self, depth: int) -> str:
        name, target = self.c.pick(NAMES[FUNC][:3]), self.c.pick(self.model.of(LIST))
        self._bind(name, FUNC)
        self.model.functions[name] = Function(f"{name}()", {target: LIST})
        return f"def {name}():\n    {target}.append(7)\n    return len({target})"

    def _global_func(self, depth: int) -> str:
        name, target = self.c.pick(NAMES[FUNC][:3]), self.c.pick(self.model.writable(INT))
        self._bind(name, FUNC)
        self.model.functions[name] = Function(f"{name}()", {target: INT})
        return f"def {name}():\n    global {target}\n    {target} += 1\n    return {target}"

    def _lambda(self, depth: int) -> str:
        name, reads = self.c.pick(NAMES[FUNC][:3]), self.c.pick(self.model.of(INT))
        self._bind(name, FUNC)
        self.model.functions[name] = Function(f"{name}()", {reads: INT})
        return f"{name} = lambda: {reads} - 1"

    def _class(self, depth: int) -> str:
        reads = self.c.pick(self.model.of(INT))
        self._bind("K", FUNC)
        self.model.functions["K"] = Function("K().get()", {reads: INT})
        return f"class K:\n    def get(self):\n        return {reads} + 10"

    def _call(self, depth: int) -> str:
        call = self.model.functions[self.c.pick(self.model.callable())].call
        if self.c.chance(50):
            name = self.c.pick(NAMES[INT])
            self._bind(name, INT)
            return f"{name} = {call}"
        return f"print({call})"

    def _walrus(self, depth: int) -> str:
        name = self.c.pick(NAMES[INT])
        code = f"if ({name} := {self.int_expr()}) > 2:\n    print('big', {name})"
        self._bind(name, INT)
        return code

    def _while(self, depth: int) -> str:
        target = self.c.pick(self.model.writable(INT))
        return f"while {target} < {self.c.integer(0, 6)}:\n    {target} += 1"

    def _for(self, depth: int) -> str:
        source = self.c.pick(self.model.of(LIST))
        name = self.c.pick(NAMES[INT])
        # Bound only if the list is not empty: known afterwards only if it was already an int.
        return f"for v in {source}:\n    {name} = v"

    def _if(self, depth: int) -> str:
        test = f"{self.c.pick(self.model.of(INT))} > {self.c.integer(0, 4)}"
        before = self.model.copy()
        body = self.statement(depth + 1)
        after = self.model
        # Afterwards, only what both paths surely bind, with the same kind, is known.
        self.model = Model(
            {n: k for n, k in before.kinds.items() if after.kinds.get(n) == k},
            {n: f for n, f in before.functions.items() if after.functions.get(n) is f},
        )
        return f"if {test}:\n" + "\n".join("    " + line for line in body.splitlines())

    def _del(self, depth: int) -> str:
        name = self.c.pick(sorted(set(self.model.kinds) - self.model.library) or ["LIMIT"])
        self.model.kinds.pop(name, None)
        self.model.functions.pop(name, None)
        return f"del {name}"

    # --- cells ------------------------------------------------------------------------------

    def code(self, statements: int) -> str:
        return "\n".join(self.statement() for _ in range(statements))

    def parameters(self) -> str:
        lines = []
        for kind, literal in ((INT, "3"), (LIST, "[1, 2]"), (DICT, "{'k': 1}")):
            if self.c.chance(60):
                name = self.c.pick(NAMES[kind])
                self._bind(name, kind)
                lines.append(f"{name} = {literal}")
        return "\n".join(lines) or "a = 1"

    def library(self) -> str:
        self._bind("LIMIT", INT)
        self._bind("clamp", FUNC)
        self.model.functions["clamp"] = Function("clamp(7)", {"LIMIT": INT})
        self.model.library = frozenset({"LIMIT", "clamp"})
        return "LIMIT = 4\n\n\ndef clamp(v):\n    return min(v, LIMIT)"

    def notebook(self) -> list[tuple[str, list[str]]]:
        c = self.c
        cells: list[tuple[str, list[str]]] = []
        steps: list[str] = []
        if c.chance(40):
            cells.append((self.parameters(), ["parameters"]))
        if c.chance(30):
            cells.append((self.library(), ["export"]))
        for _ in range(c.integer(2, 7)):
            role = c.pick(["step", "step", "step", "more", "more", "skip", "metrics", "test"])
            if role == "skip":
                cells.append((f"{c.pick(NAMES[INT])} = 'skipped'\nraise RuntimeError", ["skip"]))
                continue
            if role == "test":
                # (a frame compared with == is a frame of booleans, not a truth value)
                known = [n for n, k in self.model.kinds.items() if k not in (FUNC, "frame")]
                checks = [f"assert {n} == {n}" for n in known[:2]] or ["assert True"]
                cells.append(("\n".join(checks), ["test"]))
                continue
            tags: list[str] = []
            if role in ("step", "metrics") and (role == "step" or c.chance(50)) or not steps:
                name = c.pick([n for n in STEP_NAMES if n not in steps] or ["last"])
                steps.append(name)
                tags.append(f"step:{name}")
            if role == "metrics":
                tags.append("metrics")
                value = self.int_expr()
                metric = c.pick(["score", "total"])
                self._bind(metric, INT)
                cells.append((f"{metric} = {value}", tags))
                continue
            cells.append((self.code(c.integer(1, 4)), tags))
        if len(steps) > 1 and c.chance(35):
            # An after: tag, to an earlier or a later step (a reordering, or a cycle).
            index = c.integer(0, len(cells) - 1)
            source, tags = cells[index]
            target = c.pick(steps)
            if any(t.startswith("step:") and t != f"step:{target}" for t in tags):
                cells[index] = (source, [*tags, f"after:{target}"])
        return cells


def make_notebook(cells: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """A checked notebook with code cells ``c0``, ``c1``... carrying the given tags."""
    nb = v4.new_notebook()
    for index, (source, tags) in enumerate(cells):
        cell = v4.new_code_cell(source, id=f"c{index}")
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    return load_notebook_json(nb)


def generate(choices: Choices) -> dict[str, Any]:
    """One random notebook."""
    return make_notebook(Generator(choices).notebook())


@st.composite
def notebooks(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, Any]:
    """Hypothesis strategy: random notebooks (see the module docstring)."""
    return generate(DrawChoices(draw))
