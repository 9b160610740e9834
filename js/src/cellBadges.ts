/**
 * The step badge on every code cell: which step the cell belongs to, in that step's colour.
 *
 * Clicking it opens the step picker. Badges follow the tags at once (from the model) and the
 * analysis when it answers (it also knows the implicit `setup` and `main` steps).
 */
import { Cell } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';

import { stepColor } from './colors';
import { modelStepInfos } from './stepEdits';
import { StepPicker } from './stepPicker';
import type { PipelineWatcher } from './pipelineWatcher';
import type { ICellStepInfo } from './tags';

const BADGE_CLASS = 'nbbridge-StepBadge';
const BADGED_CELL_CLASS = 'nbbridge-mod-badged';

interface IBadgeLook {
  text: string;
  kind: 'starts' | 'continues' | 'role' | 'none';
  color: string | null;
  title: string;
}

function badgeLook(info: ICellStepInfo, analysedStep: string | undefined): IBadgeLook {
  if (info.role !== null) {
    return {
      // The badge is as wide as the prompt: "parameters" would be cut.
      text: info.role === 'parameters' ? 'params' : info.role,
      kind: 'role',
      color: null,
      title: `Tagged "${info.role}": not part of a step. Click to put it in a step.`
    };
  }
  const step = info.step ?? analysedStep ?? null;
  if (step === null) {
    return {
      text: '+ step',
      kind: 'none',
      color: null,
      title: 'Not in a step. Click to start a step at this cell.'
    };
  }
  const how = info.starts ? 'starts here' : 'continues from above';
  return {
    text: step,
    kind: info.starts ? 'starts' : 'continues',
    color: stepColor(step),
    title: `Step "${step}" (${how}). Click to change.`
  };
}

/** The badges of one notebook panel; disposed with its watcher. */
export class CellBadges implements IDisposable {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _watcher: PipelineWatcher
  ) {
    _watcher.tagsChanged.connect(this._schedule, this);
    _watcher.stateChanged.connect(this._schedule, this);
    void _panel.context.ready.then(() => this._schedule());
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Show or hide every badge of the notebook (the `cellBadges` setting). */
  set enabled(value: boolean) {
    this._enabled = value;
    this._schedule();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
    }
    this._watcher.tagsChanged.disconnect(this._schedule, this);
    this._watcher.stateChanged.disconnect(this._schedule, this);
    if (!this._panel.isDisposed) {
      for (const cell of this._panel.content.widgets) {
        this._remove(cell);
      }
    }
  }

  // Coalesce bursts (a paste of many cells) into one pass after the notebook made its widgets.
  private _schedule(): void {
    if (this._disposed || this._frame !== null) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = null;
      this._render();
    });
  }

  private _render(): void {
    const notebook = this._panel.content;
    const model = notebook.model;
    if (this._disposed || !model) {
      return;
    }
    const infos = modelStepInfos(model);
    // The analysis names the implicit steps (setup, main) that tags alone cannot. Its last
    // answer is used even while a new one is due: cell ids are stable, and dropping it on every
    // keystroke would make those badges flicker.
    const analysed = new Map<string, string>();
    const pipeline = this._watcher.state.pipeline;
    if (pipeline) {
      for (const step of pipeline.steps) {
        for (const id of step.cell_ids) {
          analysed.set(id, step.name);
        }
      }
    }
    notebook.widgets.forEach((cell, i) => {
      const info = infos[i];
      if (!this._enabled || !info || cell.model.type !== 'code') {
        this._remove(cell);
        return;
      }
      this._show(cell, badgeLook(info, analysed.get(cell.model.id)));
    });
  }

  private _show(cell: Cell, look: IBadgeLook): void {
    const area = cell.inputArea;
    if (!area) {
      // Not rendered yet (windowed notebooks): badge it once it is (one wait per cell).
      if (!this._waiting.has(cell)) {
        this._waiting.add(cell);
        void cell.ready.then(() => this._schedule());
      }
      return;
    }
    let badge = area.node.querySelector<HTMLButtonElement>(`:scope > .${BADGE_CLASS}`);
    if (!badge) {
      badge = this._create(cell);
      area.node.appendChild(badge);
      cell.addClass(BADGED_CELL_CLASS);
    }
    if (badge.textContent !== look.text) {
      badge.textContent = look.text;
      badge.dataset.nbbridgeBadge = look.text;
    }
    // Badges are redrawn on every answer: touch the DOM only where something changed.
    if (badge.dataset.kind !== look.kind) {
      badge.dataset.kind = look.kind;
    }
    if (badge.title !== look.title) {
      badge.title = look.title;
      badge.setAttribute('aria-label', look.title);
    }
    const color = look.color ?? '';
    if (badge.style.getPropertyValue('--nbbridge-step-color') !== color) {
      if (color) {
        badge.style.setProperty('--nbbridge-step-color', color);
      } else {
        badge.style.removeProperty('--nbbridge-step-color');
      }
    }
  }

  private _create(cell: Cell): HTMLButtonElement {
    const badge = document.createElement('button');
    badge.type = 'button';
    badge.className = BADGE_CLASS;
    // The notebook would take the press as a click in the cell (and start edit mode or a drag).
    badge.addEventListener('mousedown', event => {
      event.stopPropagation();
      event.preventDefault();
    });
    badge.addEventListener('click', event => {
      event.stopPropagation();
      this._open(cell, badge);
    });
    return badge;
  }

  private _open(cell: Cell, badge: HTMLElement): void {
    const notebook = this._panel.content;
    const model = notebook.model;
    const index = notebook.widgets.indexOf(cell);
    if (!model || index < 0) {
      return;
    }
    if (StepPicker.current?.anchor === badge) {
      StepPicker.current.dispose();
      return;
    }
    notebook.mode = 'command';
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    StepPicker.open(model, index, badge);
  }

  private _remove(cell: Cell): void {
    cell.inputArea?.node.querySelector(`:scope > .${BADGE_CLASS}`)?.remove();
    cell.removeClass(BADGED_CELL_CLASS);
  }

  private _waiting = new WeakSet<Cell>();
  private _enabled = true;
  private _disposed = false;
  private _frame: number | null = null;
}
