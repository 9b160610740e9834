"""The analyzer's per-cell parse cache is bounded by the bytes it holds, not only by count."""

from __future__ import annotations

from nbbridge.core import Analyzer


def test_the_cache_holds_no_more_source_than_its_budget() -> None:
    analyzer = Analyzer(max_bytes=10_000)
    for index in range(200):
        analyzer.parse(f"value_{index} = {index}  # " + "x" * 200)
    assert 0 < analyzer.cached_bytes <= 10_000
    assert len(analyzer._cache) < 200  # the oldest went; count alone would have kept all
    assert analyzer.cached_bytes == sum(len(key) for key in analyzer._cache)


def test_a_huge_cell_is_parsed_but_not_kept() -> None:
    analyzer = Analyzer(max_bytes=10_000)
    small = "a = 1"
    analyzer.parse(small)
    huge = "b = 2\n" + "# filler\n" * 2_000
    assert analyzer.parse(huge).facts is not None
    assert analyzer.parse(huge) is not analyzer.parse(huge)  # parsed afresh: never cached
    assert list(analyzer._cache) == [small]
    before = analyzer.parsed
    analyzer.parse(small)
    assert analyzer.parsed == before  # the small one stayed cached
