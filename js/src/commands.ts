/**
 * nbbridge's commands, in the palette under the "nbbridge" category.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';

import { EXPORT_COMMAND } from './exportCommand';
import { PIPELINE_PANEL_ID } from './pipelinePanel';
import { clearStep, modelStepInfos, readTags, startStep, stepAbove } from './stepEdits';
import { stepNameError, stepTagOf } from './tags';

export namespace CommandIDs {
  export const tagStep = 'nbbridge:tag-cell-step';
  export const clearStep = 'nbbridge:clear-step-tag';
  export const openPanel = 'nbbridge:open-pipeline-panel';
  export const exportNotebook = EXPORT_COMMAND;
}

/** The palette category of every nbbridge command. */
export const CATEGORY = 'nbbridge';

/** Ask for a step name until it is valid or the user cancels. */
async function askStepName(initial: string, above: string | null): Promise<string | null> {
  let value = initial;
  for (;;) {
    const result = await InputDialog.getText({
      title: 'Tag cell as step',
      label: 'Step name (a lowercase Python identifier). The cells below continue it.',
      placeholder: above ? `e.g. ${above}_2` : 'e.g. train',
      text: value,
      okLabel: 'Tag'
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    value = result.value.trim();
    const error = stepNameError(value);
    if (error === null) {
      return value;
    }
    await showErrorMessage('Not a valid step name', error);
  }
}

export function addCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  palette: ICommandPalette | null
): void {
  const { commands } = app;
  const activeCode = () => {
    const panel = tracker.currentWidget;
    const notebook = panel?.content;
    const cell = notebook?.activeCell;
    if (!panel || !notebook?.model || !cell || cell.model.type !== 'code') {
      return null;
    }
    return { model: notebook.model, index: notebook.activeCellIndex, cell };
  };

  commands.addCommand(CommandIDs.tagStep, {
    label: 'nbbridge: Tag cell as step…',
    caption: 'Make the active code cell start a pipeline step',
    isEnabled: () => activeCode() !== null,
    execute: async args => {
      const target = activeCode();
      if (!target) {
        return;
      }
      const given = typeof args.name === 'string' ? args.name : null;
      const own = stepTagOf(readTags(target.cell.model));
      const name =
        given ?? (await askStepName(own ?? '', stepAbove(target.model, target.index)));
      if (name === null) {
        return;
      }
      const error = stepNameError(name);
      if (error !== null) {
        await showErrorMessage('Not a valid step name', error);
        return;
      }
      startStep(target.model, target.index, name);
    }
  });

  commands.addCommand(CommandIDs.clearStep, {
    label: 'nbbridge: Clear step tag',
    caption: 'Remove the step tag of the active cell: it continues the step above',
    isEnabled: () => {
      const target = activeCode();
      return target !== null && modelStepInfos(target.model)[target.index]?.starts === true;
    },
    execute: () => {
      const target = activeCode();
      if (target) {
        clearStep(target.model, target.index);
      }
    }
  });

  commands.addCommand(CommandIDs.openPanel, {
    label: 'nbbridge: Open pipeline panel',
    caption: 'Show the Pipeline panel of the current notebook',
    execute: () => app.shell.activateById(PIPELINE_PANEL_ID)
  });

  if (palette) {
    for (const command of [CommandIDs.tagStep, CommandIDs.clearStep, CommandIDs.openPanel]) {
      palette.addItem({ command, category: CATEGORY });
    }
  }
}
