/**
 * "Pipeline graph": the DAG of the current notebook large, in the main area (beside the
 * notebook), with the same pan, zoom and click-to-select-cells as the panel's.
 */
import * as React from 'react';

import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';

import { pipelineIcon } from '../icons';
import { selectCells } from '../notebookNav';
import type { WatcherLookup } from '../pipelinePanel';
import type { PipelineWatcher } from '../pipelineWatcher';
import { DagCanvas } from './dagCanvas';
import { stepSelection } from './selection';

/** The widget id (one graph widget at a time; it follows the current notebook). */
export const PIPELINE_GRAPH_ID = 'nbbridge-pipeline-graph';

export class PipelineGraph extends ReactWidget {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _tracker: INotebookTracker,
    private readonly _watcherOf: WatcherLookup
  ) {
    super();
    this.id = PIPELINE_GRAPH_ID;
    this.title.label = 'Pipeline graph';
    this.title.icon = pipelineIcon;
    this.title.closable = true;
    this.addClass('nbbridge-PipelineGraph');
    _tracker.currentChanged.connect(this._follow, this);
    stepSelection.changed.connect(this._onSelection, this);
    this._follow();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._tracker.currentChanged.disconnect(this._follow, this);
    stepSelection.changed.disconnect(this._onSelection, this);
    this._watcher?.stateChanged.disconnect(this._onState, this);
    super.dispose();
  }

  private _follow(): void {
    const panel = this._tracker.currentWidget;
    if (panel === this._panel && this._watcher && !this._watcher.isDisposed) {
      return;
    }
    this._watcher?.stateChanged.disconnect(this._onState, this);
    this._panel = panel;
    this._watcher = panel ? (this._watcherOf(panel) ?? null) : null;
    this._watcher?.stateChanged.connect(this._onState, this);
    this.title.caption = panel ? `Pipeline graph of ${panel.context.localPath}` : 'Pipeline graph';
    this.update();
  }

  private _onSelection(_: unknown, panel: NotebookPanel): void {
    if (panel === this._panel) {
      this.update();
    }
  }

  private _onState(): void {
    if (this._watcher?.isDisposed) {
      this._watcher = null;
      this._panel = null;
    }
    this.update();
  }

  private _select = (name: string): void => {
    const panel = this._panel;
    const step = this._watcher?.state.pipeline?.steps.find(s => s.name === name);
    if (!panel || !step) {
      return;
    }
    stepSelection.set(panel, name);
    selectCells(this._app, panel, step.cell_ids);
  };

  protected render(): JSX.Element {
    const pipeline = this._watcher?.state.pipeline ?? null;
    return (
      <div className="nbbridge-PipelineGraph-body">
        <div className="nbbridge-PipelineGraph-header">
          <span className="nbbridge-PipelineGraph-notebook">
            {this._panel ? this._panel.context.localPath : 'No notebook open'}
          </span>
          <span className="nbbridge-PipelineGraph-hint">
            Click a step to select its cells · wheel to zoom · drag to pan
          </span>
        </div>
        {pipeline ? (
          <DagCanvas
            pipeline={pipeline}
            selected={stepSelection.get(this._panel)}
            onSelect={this._select}
            variant="main"
          />
        ) : (
          <div className="nbbridge-Dag nbbridge-mod-empty">
            Open a notebook to see its pipeline.
          </div>
        )}
      </div>
    );
  }

  private _panel: NotebookPanel | null = null;
  private _watcher: PipelineWatcher | null = null;
}
