/**
 * nbbridge's JupyterLab plugin: the Pipeline panel, the cell step badges, export and the commands.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { NbbridgeClient } from './api';
import { addCommands, CATEGORY } from './commands';
import { experimentsPlugin } from './experiments/plugin';
import { addExportCommand } from './exportCommand';
import { addPipelineCommands } from './pipeline/commands';
import { PipelinePanel } from './pipelinePanel';
import { DEFAULT_SETTINGS, INbbridgeSettings, NotebookRegistry } from './registry';

const PLUGIN_ID = 'nbbridge:plugin';

function readSettings(settings: ISettingRegistry.ISettings): INbbridgeSettings {
  const debounce = settings.get('debounceMs').composite;
  const badges = settings.get('cellBadges').composite;
  const timeout = settings.get('executeTimeout').composite;
  return {
    debounceMs: typeof debounce === 'number' ? debounce : DEFAULT_SETTINGS.debounceMs,
    cellBadges: typeof badges === 'boolean' ? badges : DEFAULT_SETTINGS.cellBadges,
    executeTimeout:
      typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_SETTINGS.executeTimeout
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'nbbridge: notebooks as pipelines (Pipeline panel, step badges, export, commands).',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const client = new NbbridgeClient();
    const registry = new NotebookRegistry(tracker, request => client.pipeline(request));

    const panel = new PipelinePanel(app, tracker, notebook => registry.watcherOf(notebook));
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);

    addCommands(app, tracker, palette);
    addPipelineCommands(app, tracker, client, nb => registry.watcherOf(nb), palette, CATEGORY);
    // Read at each export: a changed setting applies to the next one.
    let current = DEFAULT_SETTINGS;
    addExportCommand(app, tracker, client, palette, CATEGORY, () => current.executeTimeout);

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          current = readSettings(settings);
          registry.settings = current;
          settings.changed.connect(() => {
            current = readSettings(settings);
            registry.settings = current;
          });
        })
        .catch(reason => console.warn('nbbridge: settings not loaded, using defaults', reason));
    }
  }
};

export default [plugin, experimentsPlugin];
