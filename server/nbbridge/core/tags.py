"""Reading what a cell says about its role: metadata tags, a ``%%step`` line, nbdev directives.

Three spellings of the same ideas are read natively, so a notebook needs no retagging:

* nbbridge tags: ``step:NAME``, ``after:NAME``, ``parameters``, ``metrics``, ``export``, ``test``,
  ``skip``;
* Kale tags: ``block:NAME`` (= step), ``prev:NAME`` (= after), ``imports`` and ``functions``
  (library), ``pipeline-parameters``, ``pipeline-metrics``, ``skip``;
* nbdev directives at the top of the cell: ``#| export``/``exporti``/``exports`` (library),
  ``#| default_exp NAME``, ``#| hide`` and ``#| eval: false`` (left out);
* and a ``%%step NAME [--after A,B]`` first line, which survives text formats such as jupytext.

Only the source-dependent part (:func:`parse_source_marks`) is cached with the cell; tags are
read afresh at each analysis because editing tags does not change the source.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

__all__ = [
    "ROLE_LIBRARY",
    "ROLE_METRICS",
    "ROLE_PARAMETERS",
    "ROLE_SKIP",
    "ROLE_TEST",
    "MarkProblem",
    "SourceMarks",
    "TagMarks",
    "is_valid_step_name",
    "parse_source_marks",
    "parse_tags",
]

ROLE_PARAMETERS = "parameters"
ROLE_METRICS = "metrics"
ROLE_LIBRARY = "library"
ROLE_TEST = "test"
ROLE_SKIP = "skip"

_STEP_PREFIXES = ("step:", "block:")
_AFTER_PREFIXES = ("after:", "prev:")
_ROLE_TAGS = {
    "parameters": ROLE_PARAMETERS,
    "pipeline-parameters": ROLE_PARAMETERS,
    "metrics": ROLE_METRICS,
    "pipeline-metrics": ROLE_METRICS,
    "export": ROLE_LIBRARY,
    "imports": ROLE_LIBRARY,
    "functions": ROLE_LIBRARY,
    "test": ROLE_TEST,
    "skip": ROLE_SKIP,
    # papermill's injected cell overrides the defaults at run time; the defaults are the contract.
    "injected-parameters": ROLE_SKIP,
}
_STEP_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_DIRECTIVE = re.compile(r"#\|\s*([\w-]+)\s*:?\s*(.*?)\s*\Z")
_NBDEV_LIBRARY = {"export", "exporti", "exports"}


@dataclass(frozen=True, slots=True)
class MarkProblem:
    """A problem found while reading marks; the line is 1-based within the cell."""

    severity: str
    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SourceMarks:
    """What the source itself says: a ``%%step`` line and nbdev directives."""

    body: str
    body_line_offset: int
    step: str | None = None
    after: tuple[str, ...] = ()
    has_step_magic: bool = False
    library: bool = False
    hidden: bool = False
    no_eval: bool = False
    default_exp: str | None = None
    problems: tuple[MarkProblem, ...] = ()
    plain: bool = False  # no %%step line and no directive: the source says nothing of the role


@dataclass(frozen=True, slots=True)
class TagMarks:
    """What ``metadata.tags`` says."""

    steps: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)


def is_valid_step_name(name: str) -> bool:
    """A step name is a lowercase Python identifier that is not a keyword."""
    return bool(_STEP_NAME.match(name)) and not keyword.iskeyword(name)


def parse_tags(tags: object) -> TagMarks:
    """Read ``metadata.tags``; unknown tags (and non-strings) are ignored."""
    if not isinstance(tags, list) or not tags:
        return _NO_TAGS
    steps: list[str] = []
    after: list[str] = []
    roles: set[str] = set()
    for tag in tags:
        if not isinstance(tag, str):
            continue
        tag = tag.strip()
        role = _ROLE_TAGS.get(tag)
        if role is not None:
            roles.add(role)
        elif tag.startswith(_STEP_PREFIXES):
            name = tag.split(":", 1)[1].strip()
            if name not in steps:
                steps.append(name)
        elif tag.startswith(_AFTER_PREFIXES):
            for name in tag.split(":", 1)[1].split(","):
                if name.strip() and name.strip() not in after:
                    after.append(name.strip())
    return TagMarks(tuple(steps), tuple(after), frozenset(roles))


_NO_TAGS = TagMarks()


def parse_source_marks(source: str) -> SourceMarks:
    """Read the ``%%step`` line and the nbdev directives at the top of a cell's source."""
    if "%%step" not in source and "#|" not in source:
        return SourceMarks(body=source, body_line_offset=0, plain=True)
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _is_step_magic(lines[first]):
        return _parse_step_magic(lines, first)
    return _parse_directives(source, lines)


def _is_step_magic(line: str) -> bool:
    stripped = line.strip()
    return stripped == "%%step" or stripped.startswith(("%%step ", "%%step\t"))


def _parse_step_magic(lines: list[str], index: int) -> SourceMarks:
    line_no = index + 1
    words = lines[index].split()[1:]
    problems: list[MarkProblem] = []
    name: str | None = None
    after: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        if word == "--after":
            position += 1
            if position == len(words):
                problems.append(
                    _magic_problem("--after needs step names, e.g. --after load", line_no)
                )
                break
            after.extend(a for a in words[position].split(",") if a)
        elif word.startswith("--after="):
            after.extend(a for a in word[len("--after=") :].split(",") if a)
        elif word.startswith("-"):
            problems.append(_magic_problem(f"unknown option {word} (only --after A,B)", line_no))
        elif name is None:
            name = word
        else:
            problems.append(
                MarkProblem(
                    "error",
                    "invalid-step-name",
                    f"%%step takes one step name, got {name!r} and {word!r}: a step name is "
                    "one lowercase identifier such as load_data",
                    line_no,
                )
            )
        position += 1
    if name is None:
        problems.append(
            MarkProblem("error", "invalid-step-name", "%%step needs a step name", line_no)
        )
    body = "\n".join(lines[index + 1 :])
    return SourceMarks(
        body=body,
        body_line_offset=index + 1,
        step=name,
        after=tuple(dict.fromkeys(after)),
        has_step_magic=True,
        problems=tuple(problems),
    )


def _magic_problem(message: str, line: int) -> MarkProblem:
    return MarkProblem("error", "invalid-step-magic", f"%%step: {message}", line)


def _parse_directives(source: str, lines: list[str]) -> SourceMarks:
    library = hidden = no_eval = False
    default_exp: str | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = _DIRECTIVE.match(stripped)
        if match is None:
            break  # directives are only read at the top of a cell, as nbdev does
        name, argument = match.group(1).lower(), match.group(2)
        if name in _NBDEV_LIBRARY:
            library = True
        elif name == "hide":
            hidden = True
        elif name == "eval" and argument.lower() == "false":
            no_eval = True
        elif name == "default_exp" and argument:
            default_exp = argument.split()[0]
    return SourceMarks(
        body=source,
        body_line_offset=0,
        library=library,
        hidden=hidden,
        no_eval=no_eval,
        default_exp=default_exp,
        plain=not (library or hidden or no_eval or default_exp),
    )
