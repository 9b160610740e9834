"""The ipywidget a ``%%track`` cell shows under itself: elapsed time and metrics while it runs;
status, params, metrics with the change against the previous and the best run when it ends.

A plain ``ipywidgets.HTML`` (JupyterLab renders it with no set-up beyond ipywidgets itself) with
one more synced trait, ``summary``: the data the HTML is drawn from (status, params, metrics,
deltas), so the front end and tests read the same model. Styled by the extension's CSS
(js/style/experiments.css, JupyterLab's theme variables); "Open in Experiments" is a link the
extension catches by its ``data-nbbridge-open-run`` attribute.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets
import traitlets

__all__ = ["TrackWidget", "render"]

_MARK = {"RUNNING": "●", "FINISHED": "✓", "FAILED": "✗", "KILLED": "■", "UNTRACKED": "○"}


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _delta(row: dict[str, Any], key: str, run_key: str) -> str:
    if key not in row:
        return '<td class="nbbridge-Track-none">—</td>'
    delta = row[key]
    better = (delta < 0) if row["direction"] == "min" else (delta > 0)
    kind = "same" if delta == 0 else ("better" if better else "worse")
    sign = "+" if delta > 0 else ""
    title = html.escape(f"run {row.get(run_key, '')[:8]}: {_number(row[key.split('_')[-1]])}")
    return (
        f'<td class="nbbridge-Track-{kind}" title="{title}" data-nbbridge-{key.replace("_", "-")}'
        f'="{delta!r}">{sign}{_number(delta)}</td>'
    )


def render(summary: dict[str, Any]) -> str:
    """The widget's HTML for ``summary`` (escaped: names and values come from user code)."""
    status = summary.get("status", "RUNNING")
    name = html.escape(summary.get("name", "cell"))
    elapsed = summary.get("elapsed_s")
    parts = [
        f'<div class="nbbridge-Track nbbridge-Track-{status.lower()}" '
        f'data-nbbridge-track-status="{status}">',
        '<div class="nbbridge-Track-head">',
        f'<span class="nbbridge-Track-status">{_MARK.get(status, "")} {status.lower()}</span>',
        f'<span class="nbbridge-Track-name">{name}</span>',
    ]
    if elapsed is not None:
        parts.append(f'<span class="nbbridge-Track-elapsed">{elapsed:.1f} s</span>')
    run_id = summary.get("run_id")
    if run_id and status != "RUNNING":
        parts.append(
            f'<a class="nbbridge-Track-open" href="#" data-nbbridge-open-run="{html.escape(run_id)}"'
            f' title="Show this run in the Experiments panel">Open in Experiments</a>'
        )
    parts.append("</div>")
    metrics: dict[str, dict[str, Any]] = summary.get("metrics", {})
    if metrics:
        parts.append(
            '<table class="nbbridge-Track-metrics"><thead><tr><th>metric</th><th>value</th>'
            "<th>vs previous</th><th>vs best</th></tr></thead><tbody>"
        )
        for key, row in metrics.items():
            best = ' <span class="nbbridge-Track-best">best</span>' if row.get("is_best") else ""
            way = "lower is better" if row.get("direction") == "min" else "higher is better"
            parts.append(
                f'<tr data-nbbridge-metric="{html.escape(key)}"><th title="{way}">'
                f"{html.escape(key)}</th><td>{_number(row['value'])}{best}</td>"
                f"{_delta(row, 'delta_previous', 'previous_run')}"
                f"{_delta(row, 'delta_best', 'best_run')}</tr>"
            )
        parts.append("</tbody></table>")
    params: dict[str, str] = summary.get("params", {})
    if params:
        shown = " · ".join(
            f"<code>{html.escape(k)}={html.escape(v[:80])}</code>" for k, v in params.items()
        )
        parts.append(f'<div class="nbbridge-Track-params">params: {shown}</div>')
    for message in summary.get("not_logged", []):
        parts.append(f'<div class="nbbridge-Track-warning">{html.escape(message)}</div>')
    parts.append("</div>")
    return "".join(parts)


class TrackWidget(ipywidgets.HTML):
    """The %%track display; set ``summary`` and the HTML follows."""

    summary = traitlets.Dict().tag(sync=True)

    @traitlets.observe("summary")
    def _redraw(self, change: dict[str, Any]) -> None:
        self.value = render(change["new"])
