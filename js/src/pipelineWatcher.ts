/**
 * Keeps one notebook's pipeline up to date while the user types.
 *
 * It listens to the model itself (the cell list, each cell's source and metadata), waits for a
 * pause (debounce), posts the unsaved content and keeps the newest answer only: an answer to an
 * older request than the one on screen is dropped, so a slow answer never overwrites a newer.
 *
 * Opening a notebook does not wait for its model: the saved file (which is what is loading) is
 * analysed by path at once, and the model's own content as soon as it is ready.
 */
import { ICellModel } from '@jupyterlab/cells';
import { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, Pipeline, PipelineRequest } from './api';
import { analysisPayload } from './payload';

/** What the panel and the badges show for one notebook. */
export interface IPipelineState {
  /** The latest analysis answered for this notebook, if any. */
  readonly pipeline: Pipeline | null;
  /** Why the latest request failed, or null. */
  readonly error: string | null;
  /** Whether the model changed since the last answer (a request is due or in flight). */
  readonly pending: boolean;
}

/** How a watcher gets a pipeline (the REST client in the app). */
export type AnalyseFunction = (request: PipelineRequest) => Promise<Pipeline>;

type CellChange = { sourceChange?: unknown; metadataChange?: unknown };

/** One per open notebook panel; disposed with it. */
export class PipelineWatcher implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    private readonly _analyse: AnalyseFunction,
    debounceMs: number
  ) {
    this._debounceMs = debounceMs;
    // A path with a drive prefix ("RTC:...") is not a file under the server root.
    const path = panel.context.path;
    if (!panel.context.isReady && path && !path.includes(':')) {
      this._request({ path }, true);
    }
    void panel.context.ready.then(() => {
      if (this._disposed) {
        return;
      }
      const model = panel.context.model;
      this._model = model;
      model.cells.changed.connect(this._onCellsChanged, this);
      this._connectCells();
      // The first analysis goes out at once: opening a notebook should not wait for a pause.
      this._send();
    });
    panel.disposed.connect(() => this.dispose());
  }

  /** Emitted when the pipeline, the error or the pending flag change. */
  get stateChanged(): ISignal<this, IPipelineState> {
    return this._stateChanged;
  }

  /** Emitted at once (not debounced) when cells are added, removed or retagged. */
  get tagsChanged(): ISignal<this, void> {
    return this._tagsChanged;
  }

  get state(): IPipelineState {
    return this._state;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The pause after the last edit before the content is analysed. */
  set debounceMs(value: number) {
    this._debounceMs = Math.max(0, value);
  }

  /** Analyse now, without waiting for the debounce (e.g. the user asked for a refresh). */
  refresh(): void {
    this._clearTimer();
    this._send();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._clearTimer();
    this._model?.cells.changed.disconnect(this._onCellsChanged, this);
    for (const cell of this._connected) {
      cell.sharedModel.changed.disconnect(this._onCellChanged, this);
    }
    this._connected.clear();
    Signal.clearData(this);
  }

  private _onCellsChanged(): void {
    this._connectCells();
    this._tagsChanged.emit();
    this._schedule();
  }

  private _onCellChanged(_: unknown, change: CellChange): void {
    if (change.metadataChange !== undefined) {
      this._tagsChanged.emit();
      this._schedule();
    } else if (change.sourceChange !== undefined) {
      this._schedule();
    }
    // Outputs and execution counts change while cells run; they never change the pipeline.
  }

  // Listen to exactly the cells now in the model (cells come and go with every edit).
  private _connectCells(): void {
    const model = this._model;
    if (!model) {
      return;
    }
    const current = new Set<ICellModel>();
    for (let i = 0; i < model.cells.length; i++) {
      current.add(model.cells.get(i));
    }
    for (const cell of this._connected) {
      if (!current.has(cell)) {
        cell.sharedModel.changed.disconnect(this._onCellChanged, this);
        this._connected.delete(cell);
      }
    }
    for (const cell of current) {
      if (!this._connected.has(cell)) {
        cell.sharedModel.changed.connect(this._onCellChanged, this);
        this._connected.add(cell);
      }
    }
  }

  private _schedule(): void {
    if (!this._state.pending) {
      this._setState({ ...this._state, pending: true });
    }
    this._clearTimer();
    this._timer = window.setTimeout(() => {
      this._timer = null;
      this._send();
    }, this._debounceMs);
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _send(): void {
    const model = this._model;
    if (!model || this._disposed) {
      return;
    }
    this._request({ notebook: analysisPayload(model) }, false);
  }

  /** Post one request; `preview` marks the by-path analysis made while the model loads. */
  private _request(request: PipelineRequest, preview: boolean): void {
    const seq = ++this._seq;
    if (!this._state.pending) {
      this._setState({ ...this._state, pending: true });
    }
    this._analyse(request).then(
      pipeline => this._answer(seq, { pipeline, error: null }),
      (reason: unknown) => {
        if (preview) {
          return; // The model's own analysis follows and says what is wrong, if anything.
        }
        const message =
          reason instanceof ApiError || reason instanceof Error ? reason.message : String(reason);
        // Keep the last good pipeline on screen: the error line says it may be out of date.
        this._answer(seq, { pipeline: this._state.pipeline, error: message });
      }
    );
  }

  private _answer(seq: number, answer: Omit<IPipelineState, 'pending'>): void {
    // Older than what is on screen: drop it. Newer but not the latest: show it, still pending.
    if (this._disposed || seq <= this._shown) {
      return;
    }
    this._shown = seq;
    this._setState({ ...answer, pending: seq !== this._seq || this._timer !== null });
  }

  private _setState(state: IPipelineState): void {
    this._state = state;
    this._stateChanged.emit(state);
  }

  private _model: INotebookModel | null = null;
  private _connected = new Set<ICellModel>();
  private _debounceMs: number;
  private _timer: number | null = null;
  private _seq = 0;
  private _shown = 0;
  private _disposed = false;
  private _state: IPipelineState = { pipeline: null, error: null, pending: true };
  private _stateChanged = new Signal<this, IPipelineState>(this);
  private _tagsChanged = new Signal<this, void>(this);
}
