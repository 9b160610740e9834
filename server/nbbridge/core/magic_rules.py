"""What the pipeline does with each IPython magic and shell escape.

Every magic ends in one of four ways:

* ``wrap``: the magic runs Python code the pipeline keeps (``%time x = f()``, ``%%capture``);
  the wrapped code is analysed like any other code and kept, the timing/capture is dropped;
* ``quiet``: nbbridge's own magics, left out without a word;
* ``drop``: a notebook-only effect (display settings, ``!pip install``, help): left out with a
  warning (``magic-dropped``);
* ``unsupported``: an effect the exported package cannot reproduce (``%run``, ``%cd``, ``%%bash``,
  unknown magics): an error (``magic-unsupported``), because silently dropping it would run a
  different pipeline.
"""

from __future__ import annotations

import shlex

__all__ = [
    "DROP",
    "QUIET",
    "UNSUPPORTED",
    "WRAP",
    "classify_cell_magic",
    "classify_line_magic",
    "classify_shell",
]

WRAP = "wrap"
QUIET = "quiet"
DROP = "drop"
UNSUPPORTED = "unsupported"

_OWN = {"nbbridge"}
_LINE_WRAP = {"time", "timeit", "prun", "memit"}
_CELL_WRAP = {"time", "timeit", "prun", "memit", "capture", "track"}

_NOTEBOOK_ONLY = {
    "matplotlib": "is a notebook display setting",
    "config": "is a notebook configuration setting",
    "load_ext": "loads a notebook extension",
    "reload_ext": "reloads a notebook extension",
    "unload_ext": "unloads a notebook extension",
    "autoreload": "is a notebook reloading setting",
    "aimport": "is a notebook reloading setting",
    "precision": "is a notebook display setting",
    "pprint": "is a notebook display setting",
    "xmode": "is a notebook traceback setting",
    "colors": "is a notebook display setting",
    "autosave": "is a notebook setting",
    "automagic": "is a notebook setting",
    "doctest_mode": "is a notebook setting",
    "pdb": "is a debugger setting",
    "debug": "starts the debugger",
    "tb": "prints the last traceback",
    "who": "lists variables",
    "whos": "lists variables",
    "who_ls": "lists variables",
    "history": "prints the input history",
    "lsmagic": "lists magics",
    "magic": "prints help",
    "quickref": "prints help",
    "pinfo": "shows help (obj?)",
    "pinfo2": "shows source (obj??)",
    "psearch": "searches names",
    "pdoc": "shows a docstring",
    "pdef": "shows a signature",
    "psource": "shows source code",
    "pfile": "shows a source file",
    "page": "pages an object",
    "ls": "lists files",
    "pwd": "prints the working directory",
    "dhist": "prints the directory history",
    "dirs": "prints the directory stack",
    "connect_info": "prints kernel connection details",
    "pip": "installs packages into the notebook's environment",
    "conda": "installs packages into the notebook's environment",
    "mamba": "installs packages into the notebook's environment",
}
_CELL_DISPLAY = {"html", "HTML", "javascript", "js", "markdown", "latex", "svg"}
_INSTALLERS = {"pip", "pip3", "conda", "mamba", "micromamba", "uv"}
# fmt: off
_LOOK_ONLY_COMMANDS = {
    "ls", "ll", "cat", "head", "tail", "pwd", "echo", "which", "nvidia-smi", "du", "df", "wc",
    "free", "uname", "date", "whoami", "printenv", "tree", "file", "stat", "nproc", "lscpu",
    "hostname", "less", "more", "find", "grep", "top", "ps", "env",
}
# fmt: on


def classify_line_magic(name: str, argument: str) -> tuple[str, str]:
    """``(action, why)`` for ``%name argument``."""
    if name in _OWN:
        return QUIET, ""
    if name in {"load_ext", "reload_ext"} and argument.split()[:1] == ["nbbridge"]:
        return QUIET, ""
    if name in _LINE_WRAP:
        return WRAP, ""
    if name == "env" and ("=" in argument or len(argument.split()) > 1):
        return UNSUPPORTED, "sets an environment variable the exported package would not set"
    if name == "env":
        return DROP, "prints environment variables"
    if name in _NOTEBOOK_ONLY:
        why = _NOTEBOOK_ONLY[name]
        if name in {"pip", "conda", "mamba"}:
            why += "; the exported package declares its dependencies from the imports"
        return DROP, why
    reasons = {
        "run": "runs code nbbridge cannot see; copy that code into the notebook",
        "load": "replaces the cell with a file's content; run it once and keep the result",
        "loadpy": "replaces the cell with a file's content",
        "cd": "changes the working directory, which the exported package would not do",
        "store": "shares variables between notebooks outside the pipeline",
        "reset": "deletes variables in a way the pipeline cannot follow",
        "reset_selective": "deletes variables in a way the pipeline cannot follow",
        "xdel": "deletes variables in a way the pipeline cannot follow",
        "pylab": "star-imports numpy and matplotlib, so names cannot be known",
        "sx": "runs a shell command",
        "system": "runs a shell command",
        "sc": "runs a shell command",
        "set_env": "sets an environment variable the exported package would not set",
    }
    return UNSUPPORTED, reasons.get(name, "is a magic whose effect nbbridge cannot reproduce")


def classify_cell_magic(name: str) -> tuple[str, str]:
    """``(action, why)`` for a ``%%name`` cell."""
    if name in _OWN:
        return QUIET, ""
    if name in _CELL_WRAP:
        return WRAP, ""
    if name in _CELL_DISPLAY:
        return DROP, "only displays content in the notebook"
    if name in {"bash", "sh", "script", "system", "sx"}:
        return UNSUPPORTED, "runs a shell script the exported package would not run"
    if name in {"writefile", "file"}:
        return UNSUPPORTED, "writes a file the exported package would not write"
    return UNSUPPORTED, "is a cell magic whose effect nbbridge cannot reproduce"


def classify_shell(command: str) -> tuple[str, str]:
    """``(action, why)`` for ``!command``."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not words:
        return DROP, "is an empty shell command"
    program = words[0].rsplit("/", 1)[-1]
    if program.startswith("python") and words[1:3] == ["-m", "pip"]:
        program, words = "pip", words[2:]
    if ">" in command:
        return UNSUPPORTED, "writes a file the exported package would not write"
    if program in _INSTALLERS:
        return DROP, "manages packages; the exported package declares its dependencies instead"
    if program in _LOOK_ONLY_COMMANDS:
        return DROP, "only shows output in the notebook"
    return UNSUPPORTED, "runs a shell command the exported package would not run"
