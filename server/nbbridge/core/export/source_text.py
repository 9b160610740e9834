"""Moving notebook code into function bodies without changing what it means.

Indenting code naively would also indent the continuation lines of multi-line strings and so
change their values; these helpers indent only the lines that start outside a string token.
"""

from __future__ import annotations

import io
import tokenize

__all__ = ["indent_code", "string_continuation_lines"]


def string_continuation_lines(code: str) -> set[int]:
    """1-based numbers of lines that begin inside a multi-line string token."""
    if '"""' not in code and "'''" not in code and "\\\n" not in code:
        # Only triple quotes or a backslash-newline let a string span lines: no need to
        # tokenize (which is most of the cost of generating a big steps module).
        return set()
    inside: set[int] = set()
    fstring_starts: list[int] = []  # Python 3.12+ splits f-strings into several tokens
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            kind = tokenize.tok_name[token.type]
            if kind == "FSTRING_START":
                fstring_starts.append(token.start[0])
                continue
            start_line = fstring_starts.pop() if kind == "FSTRING_END" else token.start[0]
            if kind in ("STRING", "FSTRING_END") and token.end[0] > start_line:
                inside.update(range(start_line + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the analysis has already refused code that does not tokenize
    return inside


def indent_code(code: str, prefix: str = "    ") -> str:
    """Indent ``code`` by ``prefix``, leaving the inside of multi-line strings untouched."""
    keep = string_continuation_lines(code)
    lines = code.splitlines()
    return "\n".join(
        line if (number in keep or not line.strip()) else prefix + line
        for number, line in enumerate(lines, start=1)
    )
