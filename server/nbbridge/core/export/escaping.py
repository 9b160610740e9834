"""Text from the notebook (its file name, above all) made safe for each generated format.

A notebook may be called ``a "b" \\ c.ipynb`` or have a newline in its name; pasted raw, such a
name ends a TOML string, a Python docstring or a YAML comment early and breaks the package. Each
format's writer escapes with that format's own rules: tomlkit for TOML, Python's string escapes
for docstrings, YAML comments kept to one line. Ordinary names come out unchanged.
"""

from __future__ import annotations

import json

import tomlkit

__all__ = ["docstring_text", "markdown_code", "toml_string", "yaml_comment_text"]


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, quotes included."""
    return tomlkit.string(text).as_string()


def docstring_text(text: str) -> str:
    """``text`` to stand inside a ``\"\"\"…\"\"\"`` docstring: backslashes, quotes and
    unprintable characters (newlines among them) escaped as a Python string literal would."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return "".join(out)


def yaml_comment_text(text: str) -> str:
    """``text`` for a ``# …`` comment line: quoted as JSON when it holds anything that could end
    the line (a YAML comment has no escapes of its own)."""
    return text if text.isprintable() else json.dumps(text)


def markdown_code(text: str) -> str:
    """``text`` as one Markdown code span, whatever backticks or line breaks it holds."""
    flat = text if text.isprintable() else json.dumps(text)[1:-1]
    fence = "`"
    while fence in flat:
        fence += "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
