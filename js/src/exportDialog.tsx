/**
 * The Export dialog: a JupyterLab modal Dialog whose "Export" button runs the export in place.
 *
 * The dialog stays open while the export runs (progress, then the result) and can be closed at
 * any time: the export belongs to its `ExportSession`, not to the dialog. Opening a file or going
 * to a cell from the result closes it, as the modal would cover what was opened.
 */
import * as React from 'react';

import { Dialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';

import { formErrors, hasErrors, IExportForm, withPackageName } from './exportForm';
import { ExportFields } from './exportFields';
import { ExportResult } from './exportResult';
import { ExportPhase, ExportSession, IExportOutcome } from './exportSession';

/** The footer's buttons: Close, then Export (the default, so Enter in a field exports). */
const CLOSE_BUTTON = 0;
const EXPORT_BUTTON = 1;

export interface IExportDialogActions {
  /** Open a file (relative to the Jupyter root) in JupyterLab. */
  openFile: (path: string) => void;
  goToCell: (cellId: string, line: number | null) => void;
  cellNumber: (cellId: string) => number | null;
}

function phaseText(phase: ExportPhase, form: IExportForm): string {
  switch (phase) {
    case 'saving':
      return 'Saving the notebook…';
    case 'testing':
      return 'Running tests…';
    default:
      return form.execute ? 'Exporting… (running the notebook first)' : 'Exporting…';
  }
}

function Progress(props: {
  phase: ExportPhase;
  form: IExportForm;
  startedAt: number;
}): JSX.Element {
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - props.startedAt) / 1000));
  return (
    <div className="nbbridge-ExportProgress" role="status" data-nbbridge-export-phase={props.phase}>
      <span className="nbbridge-Spinner" aria-hidden="true" />
      <span className="nbbridge-ExportProgress-text">{phaseText(props.phase, props.form)}</span>
      <span className="nbbridge-ExportProgress-time">{seconds} s</span>
    </div>
  );
}

/** A server error that names a field, while the field still holds the value it refused. */
function serverFieldErrors(outcome: IExportOutcome | null, form: IExportForm) {
  const error = outcome?.kind === 'refused' ? outcome.error : null;
  const sent = outcome?.request;
  // Shown under the field itself: the "package: " the message starts with would repeat it.
  const text = (field: string) => (error?.message ?? '').replace(new RegExp(`^${field}: `), '');
  return {
    packageName:
      error?.field === 'package' && sent?.package === form.packageName.trim()
        ? text('package')
        : null,
    outputDir:
      error?.field === 'output_dir' && sent?.output_dir === form.outputDir.trim()
        ? text('output_dir')
        : null
  };
}

/** Re-render on every session change and on the notebook's dirty flag, synchronously (typing in
 * a controlled field must not wait for a Lumino update, or the caret jumps). */
function useSessionSnapshot(session: ExportSession, panel: NotebookPanel): string {
  const subscribe = React.useCallback(
    (onChange: () => void) => {
      const model = panel.context.model;
      session.changed.connect(onChange);
      model.stateChanged.connect(onChange);
      return () => {
        session.changed.disconnect(onChange);
        model.stateChanged.disconnect(onChange);
      };
    },
    [session, panel]
  );
  return React.useSyncExternalStore(
    subscribe,
    () => `${session.version}:${panel.context.model.dirty}`
  );
}

interface IExportViewProps {
  session: ExportSession;
  panel: NotebookPanel;
  actions: IExportDialogActions;
  /** After each render, so the dialog can keep its Export button in step. */
  onRendered: (canExport: boolean, busy: boolean, exported: boolean) => void;
}

function ExportView(props: IExportViewProps): JSX.Element {
  const { session, panel, actions, onRendered } = props;
  useSessionSnapshot(session, panel);
  const form = session.form;
  const errors = formErrors(form);
  const outcome = session.outcome;
  const busy = session.busy;
  const canExport = !busy && !hasErrors(errors);
  const exported = outcome !== null;
  React.useEffect(() => onRendered(canExport, busy, exported));
  // A new result scrolls into view: under the form it would often start below the fold.
  const resultRef = React.useRef<HTMLDivElement>(null);
  const shownOutcome = React.useRef(outcome);
  React.useEffect(() => {
    if (outcome !== null && outcome !== shownOutcome.current) {
      resultRef.current?.scrollIntoView({ block: 'start' });
    }
    shownOutcome.current = outcome;
  }, [outcome]);
  const editedKept = outcome?.kind === 'refused' && (outcome.error?.files?.length ?? 0) > 0;
  return (
    <div className="nbbridge-Export" data-nbbridge-export-busy={busy ? 'true' : 'false'}>
      <div className="nbbridge-Export-notebook" title={session.notebookPath}>
        {session.notebookPath}
      </div>
      <ExportFields
        form={form}
        errors={errors}
        serverErrors={serverFieldErrors(outcome, form)}
        disabled={busy}
        dirty={!busy && panel.context.model.dirty}
        highlightForce={editedKept}
        executeTimeout={session.executeTimeout}
        onPackageName={value => {
          session.setForm(withPackageName(form, session.notebookPath, value));
        }}
        onChange={change => {
          session.setForm({ ...session.form, ...change });
        }}
      />
      {busy && session.startedAt !== null && (
        <Progress phase={session.phase} form={form} startedAt={session.startedAt} />
      )}
      {!busy && outcome && (
        <div ref={resultRef}>
          <ExportResult
            outcome={outcome}
            onOpenFile={actions.openFile}
            onGoToCell={actions.goToCell}
            cellNumber={actions.cellNumber}
          />
        </div>
      )}
    </div>
  );
}

/** The dialog's body widget; counts as a viewer of the session while attached. */
class ExportBody extends ReactWidget {
  constructor(
    readonly session: ExportSession,
    private readonly _panel: NotebookPanel,
    private readonly _actions: IExportDialogActions
  ) {
    super();
    this.addClass('nbbridge-ExportBody');
  }

  /** Set by the dialog: keeps its Export button in step with the form. */
  onRendered: (canExport: boolean, busy: boolean, exported: boolean) => void = () => undefined;

  /** Start the export (the dialog's Export button and Enter in a field). */
  submit(): void {
    void this.session.run(this._panel);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.session.viewers += 1;
  }

  protected onBeforeDetach(msg: Message): void {
    this.session.viewers -= 1;
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    return (
      <ExportView
        session={this.session}
        panel={this._panel}
        actions={this._actions}
        onRendered={(canExport, busy, exported) => this.onRendered(canExport, busy, exported)}
      />
    );
  }
}

/** The modal dialog: Dialog's look, focus handling and Escape, with Export that does not close. */
class ExportDialog extends Dialog<void> {
  constructor(private readonly _exportBody: ExportBody) {
    super({
      title: 'Export notebook as package',
      body: _exportBody,
      buttons: [
        Dialog.cancelButton({ label: 'Close' }),
        Dialog.okButton({ label: 'Export', caption: 'Write the package (and run its tests)' })
      ],
      defaultButton: EXPORT_BUTTON,
      focusNodeSelector: '#nbbridge-export-package'
    });
    this.addClass('nbbridge-ExportDialog');
    this.node.dataset.nbbridgeExportDialog = _exportBody.session.notebookPath;
    _exportBody.onRendered = (canExport, busy, exported) =>
      this._syncExportButton(canExport, busy, exported);
  }

  /** Close (index 0) closes; Export runs the export and keeps the dialog open. */
  resolve(index?: number): void {
    if ((index ?? EXPORT_BUTTON) === EXPORT_BUTTON) {
      this._exportBody.submit();
      return;
    }
    super.resolve(index);
  }

  /** Close the dialog (from a link in the result). */
  close(): void {
    super.resolve(CLOSE_BUTTON);
  }

  private _syncExportButton(canExport: boolean, busy: boolean, exported: boolean): void {
    const button = this.node.querySelector<HTMLButtonElement>('.jp-Dialog-footer .jp-mod-accept');
    if (!button) {
      return;
    }
    button.disabled = !canExport;
    const label = button.querySelector('.jp-Dialog-buttonLabel');
    if (label) {
      label.textContent = busy ? 'Exporting…' : exported ? 'Export again' : 'Export';
    }
  }
}

/**
 * Show the Export dialog of a notebook's session; resolves when the dialog closes (the export
 * may still be running then).
 */
export async function showExportDialog(
  session: ExportSession,
  panel: NotebookPanel,
  actions: IExportDialogActions
): Promise<void> {
  let dialog: ExportDialog | null = null;
  // Links in the result close the dialog first: the modal would cover what they open.
  const closing = (run: () => void) => {
    dialog?.close();
    run();
  };
  const body = new ExportBody(session, panel, {
    openFile: path => closing(() => actions.openFile(path)),
    goToCell: (cellId, line) => closing(() => actions.goToCell(cellId, line)),
    cellNumber: actions.cellNumber
  });
  dialog = new ExportDialog(body);
  await dialog.launch();
}
