"""Run a pipeline without a kernel: each step as its exported function, in pipeline order, in
this process, with the step cache.

A step is skipped when an entry for its key exists: what it printed is replayed, its random
states restored, and its outputs are loaded only when a step that runs needs them (so a run
with nothing changed never imports the notebook's libraries). A step with side effects on
modules runs every time (see :mod:`.hidden_state`). A step whose entry is broken, or whose
outputs shared objects with values the run also holds, runs again instead of being loaded.
Ctrl-C ends the run KILLED; each finished step's entry is written whole before it is honoured.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import keys as keymod
from .aliasing import reachable, shares
from .cache import CorruptEntry, StepCache
from .capture import Recorder, deferred_interrupt, recording
from .failures import StepFailed, failure_of, import_failure
from .hidden_state import capture_random_state, random_digests, restore_random_state
from .options import MissingInput, Quiet, RunEvents, RunOptions, SelectionError, check_selection
from .plan import RunPlan, RunStep
from .result import RunFailure, RunResult, StepResult
from .serializers import Unstorable

__all__ = ["MissingInput", "RunEvents", "RunOptions", "SelectionError", "run_pipeline"]


@dataclass
class _Skipped:
    key: str
    meta: dict[str, Any]


@dataclass
class _Run:
    plan: RunPlan
    params: dict[str, Any]
    cache: StepCache | None
    options: RunOptions
    events: RunEvents
    out: TextIO | None
    keys: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, _Skipped] = field(default_factory=dict)
    live: dict[str, dict[str, Any]] = field(default_factory=dict)
    start_state: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)
    state_is_live: bool = True
    hidden: list[str] = field(default_factory=list)
    seeded: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    cache_failed: bool = False
    source: str = ""  # the notebook's (or package's) absolute path, for finding entries later

    def __post_init__(self) -> None:
        self.recorder = Recorder(self.out)
        self.env = contextlib.ExitStack()
        self.module_loaded = False

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        self.events.warning(text)

    # --- keys -------------------------------------------------------------------------------

    def key_of(self, step: RunStep) -> str:
        folder = self.plan.folder
        data = {}
        values = {n: self.params[n] for n, p in step.arguments if p is None}
        for path in keymod.data_inputs(step.code, folder, values):
            try:
                label = str(path.relative_to(folder))
            except ValueError:
                label = str(path)
            data[label] = keymod.file_digest(path)
        parts = {
            "code": keymod.code_digest(step.code),
            "imports": [keymod.code_digest(s) for s in step.imports],
            "library": step.library or "",
            "upstream": {n: self.keys.get(p, "none") for n, p in step.arguments if p},
            "params": {
                n: keymod.value_digest(self.params[n]) for n, p in step.arguments if p is None
            },
            "data": data,
            "versions": list(step.versions) or keymod.versions(step.modules),
            "hidden": list(self.hidden),
            "random": random_digests(self.current_state(), self.seeded),
        }
        return keymod.step_key(parts)

    def current_state(self) -> dict[str, Any]:
        return capture_random_state() if self.state_is_live else self.pending

    # --- running ----------------------------------------------------------------------------

    def module(self) -> Any:
        if not self.module_loaded:
            self.module_loaded = True
            module = self.plan.module()
            pandas = sys.modules.get("pandas")
            if pandas is not None:
                # pandas prints as in the notebook's kernel (see export/printing.py)
                from ..export.printing import KERNEL_OPTIONS

                options = [x for pair in KERNEL_OPTIONS.items() for x in pair]
                self.env.enter_context(pandas.option_context(*options))
            return module
        return self.plan.module()

    def call(self, step: RunStep, echo: bool) -> tuple[dict[str, Any], str, float]:
        try:
            module = self.module()
        except (Exception, SystemExit) as exc:  # the notebook's imports fail: an ImportError
            raise StepFailed(import_failure(step, exc, self.plan.filename)) from exc
        for _, provider in step.arguments:
            if provider is not None:
                self.materialize(provider)
        if not self.state_is_live:
            restore_random_state(self.pending)
            self.state_is_live = True
        arguments = {
            name: self.params[name] if provider is None else self.live[provider][name]
            for name, provider in step.arguments
        }
        function = getattr(module, step.function)
        self.recorder.take()
        self.recorder.live = self.out if echo else None
        started = time.perf_counter()
        try:
            with recording(self.recorder):
                returned = function(**arguments)
        except (Exception, SystemExit) as exc:  # sys.exit() in a cell fails it, as in IPython
            raise StepFailed(self.failure(step, exc)) from exc
        finally:
            self.recorder.live = self.out
        seconds = time.perf_counter() - started
        if len(step.returns) == 1:
            returned = (returned,)
        values = dict(zip(step.returns, returned or (), strict=True))
        return values, self.recorder.take(), seconds

    def failure(self, step: RunStep, exc: BaseException) -> RunFailure:
        return failure_of(step, exc, self.plan.filename)

    def store(
        self, step: RunStep, key: str, values: dict[str, Any], stdout: str, seconds: float
    ) -> None:
        if self.cache is None or not self.options.use_cache or self.cache_failed:
            return
        shared = self.shared_with(step, values)
        meta = {
            "step": step.name,
            "notebook": self.plan.label,
            "path": self.source,
            "stdout": stdout,
            "seconds": seconds,
            "metrics": self.step_metrics(step, values),
            "shares": shared,
            "created": time.time(),
        }
        try:
            with deferred_interrupt():
                self.cache.store(key, meta, values, capture_random_state())
        except Unstorable as exc:
            self.warn(
                f"step {step.name}: output {exc.output or '?'} cannot be cached "
                f"({exc.reason[:160]}); the step runs every time"
            )
        except OSError as exc:
            self.cache_failed = True
            self.warn(
                f"the step cache cannot be written ({exc.strerror or exc}); nothing is cached"
            )

    def shared_with(self, step: RunStep, values: dict[str, Any]) -> list[str]:
        """Steps (or ``params``) whose values this step's outputs share objects with."""
        mine = (
            frozenset().union(*(reachable(v) for v in values.values())) if values else frozenset()
        )
        if not mine:
            return []
        found = []
        for name, provider in step.arguments:
            value = self.params[name] if provider is None else self.live[provider][name]
            if shares(mine, reachable(value)):
                found.append(provider or "params")
        return sorted(set(found))

    def step_metrics(self, step: RunStep, values: dict[str, Any]) -> dict[str, float]:
        found = {}
        for name in step.metrics:
            value = values.get(name)
            if isinstance(value, numbers.Real):
                found[name] = float(value)
        return found

    def materialize(self, name: str) -> None:
        """Make a skipped step's outputs live: load its entry, or run it again."""
        if name in self.live:
            return
        skipped = self.skipped[name]
        shared = [s for s in skipped.meta.get("shares", []) if s != "params"]
        if shared or "params" in skipped.meta.get("shares", []):
            for other in shared:
                self.materialize(other)
            self.rerun(name)
            return
        try:
            self.live[name] = self.cache.load(skipped.key, skipped.meta)  # type: ignore[union-attr]
        except CorruptEntry as exc:
            self.warn(f"step {name}: its cache entry is broken ({exc}); the step runs again")
            self.cache.discard(skipped.key)  # type: ignore[union-attr]
            self.rerun(name, store=True)

    def rerun(self, name: str, store: bool = False) -> None:
        """Run a skipped step again, out of turn, from the random state it started with."""
        step = self.plan.step(name)
        saved = capture_random_state() if self.state_is_live else None
        restore_random_state(self.start_state[name])
        self.state_is_live = True
        values, stdout, seconds = self.call(step, echo=False)
        if store:
            self.store(step, self.keys[name], values, stdout, seconds)
        self.live[name] = values
        if saved is not None:
            restore_random_state(saved)
        else:
            self.state_is_live = False

    # --- the loop ---------------------------------------------------------------------------

    def lookup(self, step: RunStep, key: str) -> dict[str, Any] | None:
        if self.cache is None or not self.options.use_cache or self.cache_failed:
            return None
        try:
            meta = self.cache.meta(key)
            if meta is not None:
                state = self.cache.random_state(key, meta)
                meta["_random"] = state
            return meta
        except CorruptEntry as exc:
            self.warn(f"step {step.name}: its cache entry is broken ({exc}); the step runs again")
            self.cache.discard(key)
            return None

    def needed_by(self, target: str) -> set[str]:
        needed, stack = set(), [target]
        while stack:
            step = self.plan.step(stack.pop())
            for _, provider in step.arguments:
                if provider is not None and provider not in needed:
                    needed.add(provider)
                    stack.append(provider)
        return needed

    def execute(self) -> RunResult:
        names = [s.name for s in self.plan.steps]
        only, start = self.options.only, self.options.from_step
        forced = set(names[names.index(start) :]) if start else set()
        forced |= {only} if only else set()  # --only STEP runs STEP, whatever is cached
        needed = self.needed_by(only) if only else set()
        after_only = set(names[names.index(only) + 1 :]) if only else set()
        results: dict[str, StepResult] = {}
        status, failure, current = "FINISHED", None, None
        try:
            for step in self.plan.steps:
                current = step.name
                if step.name in after_only:
                    continue
                self.events.step_started(step.name)
                results[step.name] = self.one(step, step.name in forced, only, needed)
                self.events.step_finished(results[step.name])
            current = None
        except StepFailed as exc:
            status, failure = "FAILED", exc.failure
        except KeyboardInterrupt:
            status = "KILLED"
            failure = (
                RunFailure(
                    step=current or "",
                    cell_id=None,
                    line=None,
                    error="KeyboardInterrupt: the run was interrupted",
                )
                if current
                else None
            )
        finally:
            self.env.close()
        if current is not None and current not in results:
            step = self.plan.step(current)
            results[current] = StepResult(
                name=current,
                status="failed",
                seconds=0.0,
                cache_key=self.keys.get(current),
                stdout=self.recorder.take(),
                cell_ids=list(step.cell_ids),
            )
            self.events.step_finished(results[current])
        if self.cache is not None and self.options.use_cache and not self.cache_failed:
            with contextlib.suppress(OSError):
                self.cache.evict(keep=set(self.keys.values()))
        steps = [
            results.get(s.name)
            or StepResult(
                name=s.name,
                status="not-run",
                seconds=0.0,
                cache_key=self.keys.get(s.name),
                stdout="",
                cell_ids=list(s.cell_ids),
            )
            for s in self.plan.steps
        ]
        return RunResult(
            run_id=uuid.uuid4().hex,
            status=status,  # type: ignore[arg-type]
            notebook=self.plan.label,
            params=dict(self.params),
            steps=steps,
            metrics=self.metrics,
            warnings=self.warnings,
            error=failure,
        )

    def one(self, step: RunStep, forced: bool, only: str | None, needed: set[str]) -> StepResult:
        started = time.perf_counter()
        key = self.keys[step.name] = self.key_of(step)
        self.start_state[step.name] = dict(self.current_state())
        volatile = bool(step.effects.reasons)
        meta = None if forced or volatile else self.lookup(step, key)
        missing = meta is None and step.name in needed and not volatile
        if only is not None and step.name != only and missing:
            raise MissingInput(
                f"--only {only}: step {step.name} has no cached outputs for these "
                f"parameters; run the pipeline once first, or use --from {step.name}"
            )
        if meta is not None:
            state = meta.pop("_random")
            self.skipped[step.name] = _Skipped(key, meta)
            self.pending, self.state_is_live = state, False
            stdout = str(meta["stdout"])
            if only is None and self.out is not None and stdout:
                self.out.write(stdout)
                self.out.flush()
            self.metrics.update(meta.get("metrics") or {})
            self.after(step, key)
            return StepResult(
                name=step.name,
                status="cached",
                seconds=time.perf_counter() - started,
                cache_key=key,
                stdout=stdout,
                cell_ids=list(step.cell_ids),
            )
        if only is not None and step.name != only and not volatile and step.name not in needed:
            self.after(step, key)
            return StepResult(
                name=step.name,
                status="not-run",
                seconds=0.0,
                cache_key=key,
                stdout="",
                cell_ids=list(step.cell_ids),
            )
        echo = only is None or step.name == only
        values, stdout, seconds = self.call(step, echo=echo)
        self.live[step.name] = values
        # Observers (a tracking backend, the differential tests) see the values as the step
        # ends, before a later step can change them in place.
        notify = getattr(self.events, "step_outputs", None)
        if notify is not None:
            notify(step.name, values)
        self.metrics.update(self.step_metrics(step, values))
        existing = None
        if volatile and self.cache is not None and self.options.use_cache and not self.cache_failed:
            with contextlib.suppress(CorruptEntry):
                existing = self.cache.meta(key)
        if existing is None:
            self.store(step, key, values, stdout, seconds)
        elif not forced:
            # say why a cached step ran: what it sets, later steps may read
            self.warn(
                f"step {step.name} ran though cached: it sets state other steps may depend on "
                f"({'; '.join(step.effects.reasons[:3])}, cell {', '.join(step.cell_ids)})"
            )
        self.after(step, key)
        return StepResult(
            name=step.name,
            status="ran",
            seconds=seconds,
            cache_key=key,
            stdout=stdout,
            cell_ids=list(step.cell_ids),
        )

    def after(self, step: RunStep, key: str) -> None:
        if step.effects.reasons:
            self.hidden.append(key)
            self.seeded |= step.effects.seeds


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    """Run where the notebook's kernel would: its folder as the working directory and first
    on ``sys.path`` (so ``open("data.csv")`` and ``import helpers`` mean the same files)."""
    previous = os.getcwd()
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        os.chdir(previous)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(folder))


def run_pipeline(
    plan: RunPlan,
    params: dict[str, Any],
    cache: StepCache | None,
    options: RunOptions | None = None,
    events: RunEvents | None = None,
    out: TextIO | None = None,
) -> RunResult:
    """Run ``plan`` with parameter values ``params``; steps' prints go to ``out`` live.

    SelectionError for an unknown ``--from``/``--only``; MissingInput when ``--only`` needs
    outputs that are not cached. Failures of the user's code are in the result (FAILED).
    """
    options = options or RunOptions()
    check_selection(plan, options)
    run = _Run(plan, params, cache, options, events or Quiet(), out)
    run.source = str(Path(plan.label).resolve())  # before the run moves to the notebook's folder
    memo = cache.folder / "file-digests.json" if cache is not None and options.use_cache else None
    if memo is not None:
        keymod.load_digest_memo(memo)
    with _in_folder(plan.folder):
        result = run.execute()
    if memo is not None and not run.cache_failed:
        keymod.save_digest_memo(memo)
    return result
