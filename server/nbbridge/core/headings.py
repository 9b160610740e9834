"""Headings of a notebook and step names made from their text (for :mod:`.suggest`).

Markdown cells give ATX headings (``## Train``) and setext ones (``Train`` over ``-----``),
outside fenced code. Code cells converted from sphinx-gallery scripts (scikit-learn's gallery,
through jupytext) carry their section titles as comments: ``# Train`` over ``# =====``; those
count as headings of the cell itself (level 1 for ``=``, 2 for ``-``, 3 for ``~``/``^``).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .notebook_io import cell_source
from .tags import is_valid_step_name

__all__ = ["Heading", "notebook_headings", "step_name", "unique_name"]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>", re.IGNORECASE)
_GALLERY_UNDERLINE = {"=": 1, "-": 2, "~": 3, "^": 3}
_SOFT_KEYWORDS = {"match", "case", "type", "_"}
_FILLER = {"a", "an", "the"}
MAX_NAME = 36


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: the index of its cell, its level (1 = ``#``) and its plain text."""

    cell_index: int
    level: int
    text: str


def notebook_headings(cells: list[Any]) -> list[Heading]:
    """Every heading of the notebook, in order."""
    found: list[Heading] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            found.extend(_markdown_headings(index, cell_source(cell)))
        elif kind == "code":
            heading = _gallery_heading(index, cell_source(cell))
            if heading is not None:
                found.append(heading)
    return found


def _markdown_headings(index: int, text: str) -> Iterable[Heading]:
    fenced = False
    previous = ""
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            previous = ""
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        html = _HTML_HEADING.match(line)
        setext = _SETEXT.match(line)
        if atx:
            yield Heading(index, len(atx.group(1)), plain_text(atx.group(2)))
        elif html:
            yield Heading(index, int(html.group(1)), plain_text(html.group(2)))
        elif setext and previous.strip() and not previous.lstrip().startswith(("#", "-", "*")):
            yield Heading(index, 1 if setext.group(1)[0] == "=" else 2, plain_text(previous))
        previous = line


def _gallery_heading(index: int, source: str) -> Heading | None:
    """A sphinx-gallery section title at the top of a code cell (``# Title`` / ``# =====``)."""
    lines = [line.strip() for line in source.split("\n")[:4]]
    lines = [line for line in lines if line]
    if len(lines) < 2 or not lines[0].startswith("#") or not lines[1].startswith("#"):
        return None
    title = lines[0].lstrip("#").strip()
    rule = lines[1].lstrip("#").strip()
    if not title or len(rule) < 3 or len(set(rule)) != 1 or rule[0] not in _GALLERY_UNDERLINE:
        return None
    return Heading(index, _GALLERY_UNDERLINE[rule[0]], plain_text(title))


def plain_text(markdown: str) -> str:
    """A heading's text without links, code marks, emphasis and HTML."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[`*_~]+", " ", text)
    return " ".join(text.split())


def step_name(text: str) -> str:
    """A step name from a heading's text: "2. Load the data" → ``load_data``.

    Lowercase ASCII words joined by ``_``, leading numbering and articles dropped, cut at a word
    end after :data:`MAX_NAME` characters; ``step`` when nothing is left. Always valid.
    """
    ascii_text = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore")
    numbered = r"^\s*((step|part|section|chapter)\s+)?[\d.)\-:\s]+"
    ascii_text = re.sub(numbered, "", ascii_text.decode(), flags=re.I).replace("'", "")
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_text.lower()) if w]
    words = [w for w in words if w not in _FILLER] or words
    name = ""
    for word in words:
        candidate = f"{name}_{word}" if name else word
        if len(candidate) > MAX_NAME and name:
            break
        name = candidate[:MAX_NAME]
    if not name:
        return "step"
    if name[0].isdigit():
        name = f"step_{name}"
    if keyword.iskeyword(name) or name in _SOFT_KEYWORDS or not is_valid_step_name(name):
        name = f"{name}_step"
    return name


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever ``taken`` lacks (then added to it)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate
