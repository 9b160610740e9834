"""Runs: a notebook's pipeline (or an exported package) run without a kernel, with a step cache.

:mod:`.plan` and :mod:`.package_plan` turn a notebook or a package folder into a
:class:`~.plan.RunPlan`; :mod:`.runner` runs it; :mod:`.cache` stores step outputs, chosen
per type by :mod:`.serializers`, under keys from :mod:`.keys`; :mod:`.hidden_state` keeps
side effects and random states from making a cached run differ from a full one; the result is a
:class:`~.result.RunResult` a tracking backend can log.
"""

from __future__ import annotations

__all__ = [
    "RunOptions",
    "RunPlan",
    "RunResult",
    "StepCache",
    "plan_notebook",
    "plan_package",
    "run_pipeline",
]


def __getattr__(name: str):  # lazy: `nbbridge cache list` needs none of the runner
    if name in ("RunOptions", "run_pipeline"):
        from . import runner

        return getattr(runner, name)
    if name in ("RunPlan", "plan_notebook"):
        from . import plan

        return getattr(plan, name)
    if name == "plan_package":
        from .package_plan import plan_package

        return plan_package
    if name == "RunResult":
        from .result import RunResult

        return RunResult
    if name == "StepCache":
        from .cache import StepCache

        return StepCache
    raise AttributeError(name)
