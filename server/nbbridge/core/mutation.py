"""Which expressions change a named object in place.

``df["c"] = 1``, ``obj.attr = 1``, ``del df["c"]`` and a method call on a name (``xs.append(3)``,
``model.fit(X, y)``, ``df.drop(columns=["a"], inplace=True)``) all change the object a name
refers to. The analysis treats each as a use *and* a definition of that name, so the step doing
it becomes the one later steps read the name from.

A short list of methods that only read (``head``, ``describe``, ``predict``...) is exempt, unless
called with ``inplace=True``. Everything else counts as a change: a spurious dependency costs an
edge in the DAG, a missed one silently runs a different pipeline.

Aliases count too: after ``view = df`` or ``for m in models``, changing ``view`` or ``m`` in
place changes ``df`` or ``models``.
"""

from __future__ import annotations

import ast
import builtins

__all__ = [
    "READ_ONLY_METHODS",
    "alias_roots",
    "call_mutates",
    "is_display_call",
    "is_display_only",
    "iteration_roots",
    "root_name",
]

_BUILTINS = frozenset(dir(builtins))

# fmt: off
READ_ONLY_METHODS = frozenset(
    {
        # pandas / numpy inspection and summaries that return new objects
        "head", "tail", "describe", "info", "sample", "to_string", "to_numpy", "tolist",
        "mean", "median", "sum", "min", "max", "std", "var", "count", "nunique", "unique",
        "value_counts", "isna", "isnull", "notna", "notnull", "any", "all", "corr", "cov",
        "quantile", "idxmax", "idxmin", "argmax", "argmin", "round", "abs", "astype",
        "reshape", "ravel", "flatten", "transpose", "copy", "equals", "memory_usage",
        "select_dtypes", "get_params", "items", "keys", "values", "get", "index",
        "startswith", "endswith", "format", "join", "split", "strip", "lower", "upper",
        "predict", "predict_proba", "predict_log_proba", "decision_function", "score",
    }
)
# fmt: on


def root_name(node: ast.expr) -> ast.Name | None:
    """The name at the root of an attribute/subscript chain (``df`` in ``df.loc[0].x``)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node if isinstance(node, ast.Name) else None


def call_mutates(call: ast.Call) -> ast.Name | None:
    """The name a method call may change in place, or ``None``.

    Only calls whose callee is an attribute of a name chain count (``xs.append``,
    ``df["a"].fillna``); ``f(xs)`` is not taken as changing ``xs``.
    """
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    root = root_name(func.value)
    if root is None:
        return None
    if func.attr in READ_ONLY_METHODS and not _has_inplace(call):
        return None
    return root


def _has_inplace(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "inplace":
            value = keyword.value
            return not (isinstance(value, ast.Constant) and not value.value)
    return False


def alias_roots(value: ast.expr, aliases: dict[str, frozenset[str]]) -> frozenset[str]:
    """``{"df"}`` for ``df``, ``df.loc``, ``rows[0]``: values that are part of a named object."""
    root = value if isinstance(value, ast.Name) else None
    if isinstance(value, (ast.Attribute, ast.Subscript)):
        root = root_name(value)
    if root is None:
        return frozenset()
    return frozenset({root.id}) | aliases.get(root.id, frozenset())


def iteration_roots(iterable: ast.expr, aliases: dict[str, frozenset[str]]) -> frozenset[str]:
    """Objects whose elements a loop variable may be: ``models`` in ``enumerate(models)``."""
    callees = {
        id(node.func)
        for node in ast.walk(iterable)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    roots: set[str] = set()
    for node in ast.walk(iterable):
        if isinstance(node, ast.Name) and id(node) not in callees and node.id not in _BUILTINS:
            roots.add(node.id)
            roots |= aliases.get(node.id, frozenset())
    return frozenset(roots)


def is_display_only(value: ast.expr) -> bool:
    """An expression that only shows something: names, attributes, read-only calls."""
    if isinstance(value, (ast.Name, ast.Constant)):
        return True
    if isinstance(value, ast.Attribute):
        return is_display_only(value.value)
    if isinstance(value, ast.Subscript):
        return is_display_only(value.value) and is_display_only(value.slice)
    if isinstance(value, ast.Slice):
        parts = (value.lower, value.upper, value.step)
        return all(p is None or is_display_only(p) for p in parts)
    if isinstance(value, (ast.Tuple, ast.List)):
        return all(is_display_only(e) for e in value.elts)
    if isinstance(value, ast.Compare):
        return is_display_only(value.left) and all(is_display_only(c) for c in value.comparators)
    if isinstance(value, ast.BinOp):
        return is_display_only(value.left) and is_display_only(value.right)
    if isinstance(value, ast.UnaryOp):
        return is_display_only(value.operand)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        inplace = any(k.arg == "inplace" for k in value.keywords)
        arguments = [*value.args, *(k.value for k in value.keywords)]
        return (
            value.func.attr in READ_ONLY_METHODS
            and not inplace
            and is_display_only(value.func.value)
            and all(is_display_only(a) for a in arguments)
        )
    return False


def is_display_call(statement: ast.stmt) -> bool:
    """A ``display(...)`` line whose arguments only show something: it prints nothing on stdout
    in the notebook, and the exported package (which has no IPython display) leaves it out."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    call = statement.value
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "display"
        and not call.keywords
        and all(is_display_only(a) for a in call.args)
    )
