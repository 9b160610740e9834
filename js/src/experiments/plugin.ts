/**
 * The Experiments plugin: the sidebar (right, `nbbridge-experiments`), the compare view, the
 * commands, and the "Open in Experiments" link of %%track widgets (caught by its
 * `data-nbbridge-open-run` attribute wherever it is drawn).
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { CATEGORY } from '../commands';
import { cellNumberIn, goToCell } from '../notebookNav';
import { compareWidget } from './compare';
import { ExperimentsPanel } from './panel';
import { RunsClient } from './runsClient';

export const SHOW_EXPERIMENTS_COMMAND = 'nbbridge:show-experiments';
export const OPEN_RUN_COMMAND = 'nbbridge:open-run';

function activate(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  rendermime: IRenderMimeRegistry,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null
): void {
  const client = new RunsClient();
  const panel = new ExperimentsPanel({
    client,
    onCompare: (path, runIds) => {
      const widget = compareWidget({ client, rendermime, path, runIds });
      app.shell.add(widget, 'main', { mode: 'split-right' });
      app.shell.activateById(widget.id);
    },
    goToCell: cellId => {
      const notebook = tracker.currentWidget;
      if (!notebook || cellNumberIn(notebook, cellId) === null) {
        return null;
      }
      return () => {
        goToCell(app, notebook, cellId);
      };
    }
  });
  app.shell.add(panel, 'right', { rank: 600 });
  restorer?.add(panel, panel.id);

  let followed: NotebookPanel | null = null;
  const follow = (): void => {
    followed?.context.pathChanged.disconnect(follow);
    followed = tracker.currentWidget;
    followed?.context.pathChanged.connect(follow);
    panel.path = followed ? followed.context.localPath : null;
  };
  tracker.currentChanged.connect(follow);
  follow();

  app.commands.addCommand(SHOW_EXPERIMENTS_COMMAND, {
    label: 'Show Experiments (runs of this notebook)',
    execute: () => app.shell.activateById(panel.id)
  });
  app.commands.addCommand(OPEN_RUN_COMMAND, {
    label: 'Show a run in Experiments',
    execute: args => {
      const runId = typeof args.runId === 'string' ? args.runId : '';
      app.shell.activateById(panel.id);
      if (runId) {
        panel.openRun(runId);
      }
    }
  });
  palette?.addItem({ command: SHOW_EXPERIMENTS_COMMAND, category: CATEGORY });

  document.addEventListener('click', event => {
    const target = event.target instanceof Element ? event.target : null;
    const link = target?.closest('[data-nbbridge-open-run]');
    if (!link) {
      return;
    }
    event.preventDefault();
    const owner = tracker.find(notebook => notebook.node.contains(link));
    if (owner && owner !== tracker.currentWidget) {
      app.shell.activateById(owner.id);
      panel.path = owner.context.localPath;
    }
    void app.commands.execute(OPEN_RUN_COMMAND, {
      runId: link.getAttribute('data-nbbridge-open-run') ?? ''
    });
  });
}

export const experimentsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'nbbridge:experiments',
  description: 'nbbridge: the Experiments panel (runs of a notebook, compare, charts).',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ICommandPalette, ILayoutRestorer],
  activate
};
