/**
 * One notebook's export: the form, the request in flight and its outcome.
 *
 * It outlives the dialog on purpose. Closing the dialog does not cancel an export (the server
 * would finish it anyway); reopening the dialog shows it still running, or its result, and the
 * form as it was left.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, ErrorBody, ExportRequest, ExportResponse, NbbridgeClient } from './api';
import { exportRequest, formErrors, hasErrors, IExportForm, initialForm } from './exportForm';
import { WrittenWatcher } from './exportProgress';

/** Where a running export is: saving the notebook, writing the package, running its tests. */
export type ExportPhase = 'idle' | 'saving' | 'exporting' | 'testing';

/** The `data-nbbridge-export-result` of an outcome. */
export type ExportResultKind = 'ok' | 'failed' | 'refused';

/** How one export ended. */
export interface IExportOutcome {
  /** ok: written (tests passed or not run); failed: tests failed or the call broke; refused: 4xx. */
  readonly kind: ExportResultKind;
  readonly request: ExportRequest;
  /** The package written (ok, and failed tests). */
  readonly response: ExportResponse | null;
  /** Why nothing was written (refused), with the problems and hand-edited files. */
  readonly error: ErrorBody | null;
  /** A failure that is nobody's input: the network, the server, saving the notebook. */
  readonly failure: string | null;
  readonly seconds: number;
}

/** What the session needs from the application. */
export interface IExportServices {
  client: NbbridgeClient;
  contents: Contents.IManager;
  /** The `executeTimeout` setting (seconds), read at each export; absent: the server's. */
  executeTimeout?: () => number;
}

function outcomeOfError(reason: unknown, request: ExportRequest, seconds: number): IExportOutcome {
  const base = { request, response: null, seconds };
  if (reason instanceof ApiError && reason.status >= 400 && reason.status < 500) {
    const error = reason.body ?? { message: reason.message };
    return { ...base, kind: 'refused', error, failure: null };
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  return { ...base, kind: 'failed', error: null, failure: message };
}

export class ExportSession {
  constructor(
    readonly notebookPath: string,
    private readonly _services: IExportServices
  ) {
    this._form = initialForm(notebookPath);
  }

  /** Emitted on every change of form, phase or outcome. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Counts the changes: a snapshot for React's useSyncExternalStore. */
  get version(): number {
    return this._version;
  }

  /** Emitted when an export ends, with its outcome. */
  get finished(): ISignal<this, IExportOutcome> {
    return this._finished;
  }

  get form(): IExportForm {
    return this._form;
  }

  /** Replace the form (as the user edits it). */
  setForm(value: IExportForm): void {
    this._form = value;
    this._emit();
  }

  get phase(): ExportPhase {
    return this._phase;
  }

  get busy(): boolean {
    return this._phase !== 'idle';
  }

  /** When the running export started (ms since the epoch), or null. */
  get startedAt(): number | null {
    return this._startedAt;
  }

  /** The last export's outcome (null before the first, and while one runs). */
  get outcome(): IExportOutcome | null {
    return this._outcome;
  }

  /** Seconds each run of the notebook and the test run may take (the setting), or null. */
  get executeTimeout(): number | null {
    return this._services.executeTimeout?.() ?? null;
  }

  /** How many dialogs show this session (none: the end of an export is a notification). */
  viewers = 0;

  /** Save the notebook if it has unsaved changes, export it, run the tests: one request. */
  async run(panel: NotebookPanel): Promise<IExportOutcome | null> {
    if (this.busy || hasErrors(formErrors(this._form))) {
      return null;
    }
    const request = exportRequest(this._form, this.notebookPath, this.executeTimeout);
    this._startedAt = Date.now();
    this._outcome = null;
    let watcher: WrittenWatcher | null = null;
    let outcome: IExportOutcome;
    try {
      if (panel.context.model.dirty) {
        this._setPhase('saving');
        // The server exports the file on disk: what the user sees must be what is exported.
        await panel.context.save().catch(reason => {
          throw new Error(`The notebook could not be saved first: ${String(reason)}`);
        });
      }
      this._setPhase('exporting');
      if (request.run_tests) {
        watcher = new WrittenWatcher(this._services.contents, request.output_dir, () =>
          this._setPhase('testing')
        );
        await watcher.start();
      }
      const response = await this._services.client.exportNotebook(request);
      const testsFailed =
        response.tests !== null && response.tests !== undefined && !response.tests.ok;
      outcome = {
        kind: testsFailed ? 'failed' : 'ok',
        request,
        response,
        error: null,
        failure: null,
        seconds: this._elapsed()
      };
      if (request.force) {
        // Overwriting is a one-off decision: the next export keeps hand edits again.
        this._form = { ...this._form, force: false };
      }
    } catch (reason) {
      outcome = outcomeOfError(reason, request, this._elapsed());
    } finally {
      watcher?.stop();
    }
    this._outcome = outcome;
    this._startedAt = null;
    this._setPhase('idle');
    this._finished.emit(outcome);
    return outcome;
  }

  private _elapsed(): number {
    return this._startedAt === null ? 0 : (Date.now() - this._startedAt) / 1000;
  }

  private _setPhase(phase: ExportPhase): void {
    this._phase = phase;
    this._emit();
  }

  private _emit(): void {
    this._version += 1;
    this._changed.emit();
  }

  private _form: IExportForm;
  private _phase: ExportPhase = 'idle';
  private _version = 0;
  private _startedAt: number | null = null;
  private _outcome: IExportOutcome | null = null;
  private _changed = new Signal<this, void>(this);
  private _finished = new Signal<this, IExportOutcome>(this);
}
