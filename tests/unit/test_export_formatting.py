"""Formatting the package: ruff's fast cut, then black, chunk by chunk through a disk cache."""

from __future__ import annotations

import black

from nbbridge.core.export.black_cache import format_modules, split_top_level
from nbbridge.core.export.formatting import _MODE, format_python_files

UGLY = {
    "a.py": "import os\ndef f( x ):\n  return os.path.join( x,'y' )\n\n\n\n\nclass C :\n  pass\n",
    "b.py": "X=[1,2,\n3]\n@decorator\ndef g():\n    return {'k' :1}\n",
}


def test_each_file_comes_out_exactly_as_black_formats_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    formatted = format_modules(UGLY, _MODE)
    assert list(formatted) == ["a.py", "b.py"]
    for name, source in UGLY.items():
        assert formatted[name] == black.format_str(source, mode=_MODE), name
    # Cached: the same call again reads every chunk from disk and gives the same text.
    cached = list((tmp_path / "nbbridge" / "black").rglob("*"))
    assert any(p.is_file() for p in cached)
    assert format_python_files(UGLY) == formatted


def test_chunks_start_at_top_level_definitions_with_their_decorators() -> None:
    chunks = split_top_level(UGLY["b.py"])
    assert chunks[0] == "X=[1,2,\n3]\n"
    assert chunks[1].startswith("@decorator\ndef g():")
