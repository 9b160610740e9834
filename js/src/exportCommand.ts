/**
 * The "Export notebook as package…" command: one export session per notebook, the dialog, and a
 * notification when an export ends after its dialog was closed.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { NbbridgeClient } from './api';
import { showExportDialog } from './exportDialog';
import { ExportSession, IExportOutcome } from './exportSession';
import { cellNumberIn, goToCell } from './notebookNav';

/** The command id (the Pipeline panel's "Export…" button runs it too). */
export const EXPORT_COMMAND = 'nbbridge:export-notebook';

/** One line for a notification (shown truncated at 140 characters: the verdict comes first). */
function summary(outcome: IExportOutcome): string {
  const { response } = outcome;
  if (outcome.kind === 'refused') {
    const edited = outcome.error?.files?.length ?? 0;
    // The server's text for kept hand edits speaks of the CLI's --force: say it the dialog's way.
    return edited > 0
      ? `nbbridge: not exported: ${edited} hand-edited file(s) kept. Tick “Overwrite” to replace them.`
      : `nbbridge: not exported. ${outcome.error?.message ?? ''}`;
  }
  if (!response) {
    return `nbbridge: the export failed. ${outcome.failure ?? ''}`;
  }
  const where = `${response.package} in ${response.directory}/`;
  const tests = response.tests;
  if (!tests) {
    return `nbbridge: exported ${where}`;
  }
  if (tests.ok) {
    return `nbbridge: exported, ${tests.passed} tests passed: ${where}`;
  }
  return `nbbridge: exported, but ${tests.failed + tests.errors} generated tests fail: ${where}`;
}

export function addExportCommand(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  client: NbbridgeClient,
  palette: ICommandPalette | null,
  category: string,
  executeTimeout?: () => number
): void {
  const sessions = new Map<string, ExportSession>();
  const services = { client, contents: app.serviceManager.contents, executeTimeout };

  const notebookFor = (path: unknown): NotebookPanel | null => {
    if (typeof path === 'string') {
      return tracker.find(panel => panel.context.localPath === path) ?? null;
    }
    return tracker.currentWidget;
  };

  const open = async (panel: NotebookPanel): Promise<void> => {
    await panel.context.ready;
    const path = panel.context.localPath;
    let session = sessions.get(path);
    if (!session) {
      const created = new ExportSession(path, services);
      created.finished.connect((_, outcome) => {
        // Closed while it ran: say how it ended, with a way back to the details.
        if (created.viewers === 0) {
          const notify = outcome.kind === 'ok' ? Notification.success : Notification.error;
          notify(summary(outcome), {
            autoClose: outcome.kind === 'ok' ? 8000 : false,
            actions: [{ label: 'Show', callback: () => void openFor(path) }]
          });
        }
      });
      sessions.set(path, created);
      session = created;
    }
    await showExportDialog(session, panel, {
      openFile: file => void app.commands.execute('docmanager:open', { path: file }),
      goToCell: (cellId, line) => goToCell(app, panel, cellId, line),
      cellNumber: cellId => cellNumberIn(panel, cellId)
    });
  };

  const openFor = async (path: string): Promise<void> => {
    const panel = notebookFor(path);
    if (panel) {
      await open(panel);
    }
  };

  app.commands.addCommand(EXPORT_COMMAND, {
    label: 'nbbridge: Export notebook as package…',
    caption: 'Write the notebook as an installable Python package with tests',
    isEnabled: args => notebookFor(args.path) !== null,
    execute: async args => {
      const panel = notebookFor(args.path);
      if (panel) {
        await open(panel);
      }
    }
  });
  palette?.addItem({ command: EXPORT_COMMAND, category });
}
