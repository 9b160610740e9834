/**
 * One pipeline watcher and one set of cell badges per open notebook, made on first need.
 */
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { CellBadges } from './cellBadges';
import { AnalyseFunction, PipelineWatcher } from './pipelineWatcher';

/** The user-facing settings (js/schema/settings/plugin.json). */
export interface INbbridgeSettings {
  debounceMs: number;
  cellBadges: boolean;
  /** Seconds each run of the notebook (and the test run) of an export may take. */
  executeTimeout: number;
}

export const DEFAULT_SETTINGS: INbbridgeSettings = {
  debounceMs: 300,
  cellBadges: true,
  executeTimeout: 600
};

export class NotebookRegistry {
  constructor(
    tracker: INotebookTracker,
    private readonly _analyse: AnalyseFunction
  ) {
    tracker.widgetAdded.connect((_, panel) => this.watcherOf(panel));
    tracker.forEach(panel => this.watcherOf(panel));
  }

  /** The watcher of a notebook panel (created with its badges if needed). */
  watcherOf(panel: NotebookPanel): PipelineWatcher | undefined {
    if (panel.isDisposed) {
      return undefined;
    }
    let entry = this._entries.get(panel);
    if (!entry) {
      const watcher = new PipelineWatcher(panel, this._analyse, this._settings.debounceMs);
      const badges = new CellBadges(panel, watcher);
      badges.enabled = this._settings.cellBadges;
      entry = { watcher, badges };
      this._entries.set(panel, entry);
      panel.disposed.connect(() => {
        badges.dispose();
        watcher.dispose();
        this._entries.delete(panel);
      });
    }
    return entry.watcher;
  }

  /** Apply new settings to every open notebook. */
  set settings(value: INbbridgeSettings) {
    this._settings = value;
    for (const { watcher, badges } of this._entries.values()) {
      watcher.debounceMs = value.debounceMs;
      badges.enabled = value.cellBadges;
    }
  }

  private _settings: INbbridgeSettings = DEFAULT_SETTINGS;
  private _entries = new Map<NotebookPanel, { watcher: PipelineWatcher; badges: CellBadges }>();
}
