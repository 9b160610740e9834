/**
 * The Pipeline capability's commands: "Open pipeline graph" and "Suggest steps from headings".
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';

import { NbbridgeClient, Pipeline } from '../api';
import { layoutPipeline } from '../dagLayout';
import type { WatcherLookup } from '../pipelinePanel';
import { PIPELINE_GRAPH_ID, PipelineGraph } from './graphWidget';
import { suggestSteps } from './suggestDialog';

export const OPEN_GRAPH_COMMAND = 'nbbridge:open-pipeline-graph';
export const SUGGEST_COMMAND = 'nbbridge:suggest-steps';

/**
 * Where the graph goes beside the notebook: below it for a graph wider than tall (a fan-out
 * is), to its right otherwise (a long chain), so it is shown as large as it can be.
 */
function splitFor(pipeline: Pipeline | null): 'split-bottom' | 'split-right' {
  if (!pipeline) {
    return 'split-right';
  }
  const layout = layoutPipeline(pipeline, { direction: 'TB', edgeLabels: true });
  return layout.width > layout.height * 1.2 ? 'split-bottom' : 'split-right';
}

export function addPipelineCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  client: NbbridgeClient,
  watcherOf: WatcherLookup,
  palette: ICommandPalette | null,
  category: string
): void {
  let graph: PipelineGraph | null = null;

  app.commands.addCommand(OPEN_GRAPH_COMMAND, {
    label: 'nbbridge: Open pipeline graph',
    caption: 'Show the pipeline DAG of the current notebook large, beside it',
    isEnabled: () => tracker.currentWidget !== null,
    execute: () => {
      if (!graph || graph.isDisposed) {
        graph = new PipelineGraph(app, tracker, watcherOf);
        const notebook = tracker.currentWidget;
        const pipeline = notebook ? (watcherOf(notebook)?.state.pipeline ?? null) : null;
        app.shell.add(graph, 'main', { mode: splitFor(pipeline), ref: notebook?.id ?? null });
      }
      app.shell.activateById(PIPELINE_GRAPH_ID);
    }
  });

  app.commands.addCommand(SUGGEST_COMMAND, {
    label: 'nbbridge: Suggest steps from headings…',
    caption:
      'Propose pipeline steps from the notebook’s headings, checked by the analysis; shown before anything is tagged',
    isEnabled: () => tracker.currentWidget !== null,
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        return suggestSteps(panel, client);
      }
      return 0;
    }
  });

  if (palette) {
    for (const command of [OPEN_GRAPH_COMMAND, SUGGEST_COMMAND]) {
      palette.addItem({ command, category });
    }
  }
}
