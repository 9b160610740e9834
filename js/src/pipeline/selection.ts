/**
 * The step selected in each notebook, shared by the Pipeline panel and the pipeline graph:
 * a step picked in one is highlighted in the other.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';

export class StepSelection {
  /** Emitted with the notebook whose selected step changed. */
  get changed(): ISignal<this, NotebookPanel> {
    return this._changed;
  }

  /** The selected step of `panel`, if any. */
  get(panel: NotebookPanel | null): string | null {
    return panel ? (this._selected.get(panel) ?? null) : null;
  }

  set(panel: NotebookPanel, name: string | null): void {
    if (this.get(panel) === name) {
      return;
    }
    if (name === null) {
      this._selected.delete(panel);
    } else {
      this._selected.set(panel, name);
    }
    this._changed.emit(panel);
  }

  private _selected = new WeakMap<NotebookPanel, string>();
  private _changed = new Signal<this, NotebookPanel>(this);
}

/** The application's one selection (the panel and the graph widget both use it). */
export const stepSelection = new StepSelection();
