"""Indenting notebook code into a function body keeps multi-line strings as they were."""

from __future__ import annotations

import pytest

from nbbridge.core.export.source_text import indent_code, string_continuation_lines


@pytest.mark.parametrize(
    ("code", "inside"),
    [
        ("x = 1\ny = 'a'\n", set()),
        ('doc = """one\ntwo\nthree"""\nz = 1\n', {2, 3}),
        ("s = '''a\nb'''\n", {2}),
        ("s = 'a\\\nb'\n", {2}),  # a backslash-newline continues a one-quote string
        ('f"""{x}\ny"""\n', {2}),
        ('t = \'no triple\'  # """ in a comment only\n', set()),
    ],
)
def test_lines_inside_multi_line_strings(code: str, inside: set[int]) -> None:
    assert string_continuation_lines(code) == inside


def test_indent_leaves_string_continuations_alone() -> None:
    code = 'text = """first\nsecond"""\nprint(text)'
    indented = indent_code(code)
    assert indented == '    text = """first\nsecond"""\n    print(text)'
    namespace: dict[str, object] = {}
    exec(f"def f():\n{indented}\n    return text\n", namespace)
    assert namespace["f"]() == "first\nsecond"  # type: ignore[operator]
