/**
 * The left sidebar Pipeline panel: follows the current notebook and shows its live pipeline.
 */
import * as React from 'react';

import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';

import { EXPORT_COMMAND } from './exportCommand';
import { pipelineIcon } from './icons';
import { cellNumberIn, goToCell, selectCells } from './notebookNav';
import { OPEN_GRAPH_COMMAND, SUGGEST_COMMAND } from './pipeline/commands';
import { stepSelection } from './pipeline/selection';
import { modelStepInfos } from './stepEdits';
import { PipelineView } from './pipelineView';
import { PipelineWatcher } from './pipelineWatcher';

/** The widget id other code (and the browser tests) find the panel by. */
export const PIPELINE_PANEL_ID = 'nbbridge-pipeline';

/** Gives the watcher of a notebook panel (created when the notebook opened). */
export type WatcherLookup = (panel: NotebookPanel) => PipelineWatcher | undefined;

export class PipelinePanel extends ReactWidget {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _tracker: INotebookTracker,
    private readonly _watcherOf: WatcherLookup
  ) {
    super();
    this.id = PIPELINE_PANEL_ID;
    this.title.icon = pipelineIcon;
    this.title.caption = 'Pipeline';
    this.addClass('nbbridge-PipelinePanel');
    _tracker.currentChanged.connect(this._follow, this);
    stepSelection.changed.connect(this._onSelection, this);
    this._follow();
  }

  /** The notebook panel shown, if any. */
  get notebook(): NotebookPanel | null {
    return this._panel;
  }

  /** Follow the tracker's current notebook (the last one focused). */
  private _follow(): void {
    const panel = this._tracker.currentWidget;
    if (panel === this._panel && this._watcher && !this._watcher.isDisposed) {
      return;
    }
    this._watcher?.stateChanged.disconnect(this._onState, this);
    this._panel?.context.pathChanged.disconnect(this._onState, this);
    this._panel = panel;
    this._watcher = panel ? this._watcherOf(panel) ?? null : null;
    this._watcher?.stateChanged.connect(this._onState, this);
    panel?.context.pathChanged.connect(this._onState, this);
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

  private _selectStep = (name: string): void => {
    const panel = this._panel;
    const step = this._watcher?.state.pipeline?.steps.find(s => s.name === name);
    if (!panel || !step) {
      return;
    }
    stepSelection.set(panel, name);
    selectCells(this._app, panel, step.cell_ids);
  };

  private _goToCell = (cellId: string, line: number | null): void => {
    if (this._panel) {
      goToCell(this._app, this._panel, cellId, line);
    }
  };

  private _cellNumber = (cellId: string): number | null =>
    this._panel ? cellNumberIn(this._panel, cellId) : null;

  private _refresh = (): void => {
    this._watcher?.refresh();
  };

  private _export = (): void => {
    const path = this._panel?.context.localPath;
    void this._app.commands.execute(EXPORT_COMMAND, path ? { path } : {});
  };

  private _suggest = (): void => {
    void this._app.commands.execute(SUGGEST_COMMAND);
  };

  private _openGraph = (): void => {
    void this._app.commands.execute(OPEN_GRAPH_COMMAND);
  };

  private _untagged(): boolean {
    const model = this._panel?.context.isReady ? this._panel.context.model : null;
    return model !== null && modelStepInfos(model).every(info => !info?.starts);
  }

  // A hidden panel skips its renders and catches up when shown: typing stays cheap.
  protected onUpdateRequest(msg: Message): void {
    if (this.isVisible) {
      super.onUpdateRequest(msg);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.update();
  }

  protected render(): JSX.Element {
    const panel = this._panel;
    const watcher = this._watcher;
    return (
      <PipelineView
        notebookName={panel && watcher ? panel.context.localPath : null}
        state={watcher ? watcher.state : null}
        selected={stepSelection.get(this._panel)}
        onSelectStep={this._selectStep}
        onGoToCell={this._goToCell}
        cellNumber={this._cellNumber}
        onRefresh={this._refresh}
        onExport={this._export}
        untagged={this._untagged()}
        onSuggest={this._suggest}
        onOpenGraph={this._openGraph}
      />
    );
  }

  private _panel: NotebookPanel | null = null;
  private _watcher: PipelineWatcher | null = null;
}
