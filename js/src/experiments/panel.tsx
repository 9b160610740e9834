/**
 * The Experiments sidebar: the current notebook's runs (paged from the server, newest first),
 * filters and sort, a run's detail, and "Compare" for two or more selected runs.
 *
 * Live without a busy loop: while the panel is shown it asks for the first page every few
 * seconds (one `search_runs` on the server); hidden, it asks for nothing.
 */
import * as React from 'react';

import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';

import { ApiError } from '../api';
import { experimentsIcon } from './icons';
import { RunDetailView } from './runDetail';
import { RunDetail, RunPage, RunsClient, RunsRequest, RunSummary } from './runsClient';
import { DEFAULT_QUERY, Filters, IQuery, RunTable } from './runTable';

export const EXPERIMENTS_PANEL_ID = 'nbbridge-experiments';
export const POLL_MS = 3000;
const PAGE_SIZE = 50;

export interface IExperimentsHost {
  client: RunsClient;
  /** The current notebook (path relative to the server root), null without one. */
  path: string | null;
  visible: boolean;
  /** A run to show (from a %%track widget's link); `nonce` changes on each request. */
  open: { runId: string; nonce: number } | null;
  onCompare: (path: string, runIds: string[]) => void;
  /** Go to the cell; null when the notebook has no cell with this id. */
  goToCell: (cellId: string) => (() => void) | null;
}

function requestOf(path: string, query: IQuery, token: string | null): RunsRequest {
  const request: RunsRequest = {
    path,
    max_results: PAGE_SIZE,
    sort: query.sort,
    order: query.order,
    page_token: token
  };
  if (query.status) {
    request.status = query.status;
  }
  if (query.scope.startsWith('cell:')) {
    request.cell = query.scope.slice(5);
  } else if (query.scope.startsWith('step:')) {
    request.step = query.scope.slice(5);
  }
  if (query.search.trim()) {
    request.search = query.search.trim();
  }
  return request;
}

function scopesOf(runs: RunSummary[]): { value: string; label: string }[] {
  const found = new Map<string, string>();
  for (const run of runs) {
    if (run.cell_id) {
      found.set(`cell:${run.cell_id}`, `cell ${run.cell_id.slice(0, 8)} (${run.name})`);
    }
    for (const step of run.steps ?? []) {
      found.set(`step:${step}`, `step ${step}`);
    }
  }
  return [...found.entries()].map(([value, label]) => ({ value, label }));
}

export function ExperimentsView(props: IExperimentsHost): JSX.Element {
  const { client, path, visible, open, onCompare, goToCell } = props;
  const [query, setQuery] = React.useState<IQuery>(DEFAULT_QUERY);
  const [runs, setRuns] = React.useState<RunSummary[]>([]);
  const [page, setPage] = React.useState<RunPage | null>(null);
  const [pages, setPages] = React.useState(0);
  const [error, setError] = React.useState<string | null>(null);
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [detail, setDetail] = React.useState<RunDetail | null>(null);
  const [scopes, setScopes] = React.useState<{ value: string; label: string }[]>([]);
  const generation = React.useRef(0);

  const loadFirst = React.useCallback(
    async (quiet: boolean) => {
      if (!path) {
        return;
      }
      const mine = quiet ? generation.current : ++generation.current;
      try {
        const first = await client.list(requestOf(path, query, null));
        if (mine !== generation.current) {
          return;
        }
        setError(null);
        setPage(first);
        setRuns(previous => {
          if (!quiet || pages <= 1) {
            return first.runs;
          }
          const known = new Set(first.runs.map(r => r.run_id));
          return [...first.runs, ...previous.filter(r => !known.has(r.run_id))];
        });
        if (!quiet) {
          setPages(1);
        }
        setScopes(previous => {
          const merged = new Map(previous.map(s => [s.value, s]));
          for (const s of scopesOf(first.runs)) {
            merged.set(s.value, s);
          }
          return [...merged.values()];
        });
      } catch (reason) {
        if (mine === generation.current) {
          setError(reason instanceof ApiError ? reason.message : String(reason));
        }
      }
    },
    [client, path, query, pages]
  );

  // A new query starts over (a new notebook remounts the view: see ExperimentsPanel.render).
  const changeQuery = (next: IQuery): void => {
    setSelected(new Set());
    setRuns([]);
    setPage(null);
    setQuery(next);
  };

  React.useEffect(() => {
    // The answer arrives later: no render cascades from here.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void loadFirst(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, path, query]);

  // Live: the first page again every few seconds, only while the panel is shown.
  React.useEffect(() => {
    if (!visible || !path) {
      return;
    }
    const timer = window.setInterval(() => void loadFirst(true), POLL_MS);
    return () => window.clearInterval(timer);
  }, [visible, path, loadFirst]);

  const showRun = React.useCallback(
    async (runId: string) => {
      if (!path) {
        return;
      }
      try {
        setDetail(await client.get({ path, run_id: runId }));
      } catch (reason) {
        setError(reason instanceof ApiError ? reason.message : String(reason));
      }
    },
    [client, path]
  );

  React.useEffect(() => {
    if (open) {
      // A request from outside (a %%track widget's link); the run arrives later.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      void showRun(open.runId);
    }
  }, [open, showRun]);

  const loadMore = async (): Promise<void> => {
    if (!path || !page?.next_page_token) {
      return;
    }
    const mine = generation.current;
    try {
      const next = await client.list(requestOf(path, query, page.next_page_token));
      if (mine !== generation.current) {
        return;
      }
      const known = new Set(runs.map(r => r.run_id));
      setRuns([...runs, ...next.runs.filter(r => !known.has(r.run_id))]);
      setPage({ ...next, metric_keys: [...new Set([...page.metric_keys, ...next.metric_keys])] });
      setPages(pages + 1);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.message : String(reason));
    }
  };

  const toggle = (runId: string): void => {
    const next = new Set(selected);
    if (next.has(runId)) {
      next.delete(runId);
    } else {
      next.add(runId);
    }
    setSelected(next);
  };

  if (!path) {
    return (
      <div className="nbbridge-Experiments nbbridge-mod-empty">
        <h2 className="nbbridge-Panel-title">Experiments</h2>
        <p>Open a notebook to see its runs.</p>
      </div>
    );
  }
  if (detail) {
    const cellId = detail.run.cell_id;
    return (
      <div className="nbbridge-Experiments">
        <RunDetailView
          detail={detail}
          onBack={() => setDetail(null)}
          onGoToCell={cellId ? goToCell(cellId) : null}
        />
      </div>
    );
  }
  const filtered = query !== DEFAULT_QUERY;
  const metricKeys = page?.metric_keys ?? [];
  const chosen = runs.filter(r => selected.has(r.run_id)).map(r => r.run_id);
  return (
    <div className="nbbridge-Experiments">
      <h2 className="nbbridge-Panel-title">Experiments</h2>
      <div className="nbbridge-Panel-header">
        <span className="nbbridge-Panel-notebook" title={path}>
          {path.split('/').pop()}
        </span>
        <button
          className="nbbridge-Experiments-button nbbridge-mod-accept"
          data-nbbridge-compare
          disabled={chosen.length < 2}
          title="Select two or more runs to compare them"
          onClick={() => onCompare(path, chosen)}
        >
          Compare{chosen.length ? ` (${chosen.length})` : ''}
        </button>
      </div>
      <Filters query={query} metricKeys={metricKeys} scopes={scopes} onChange={changeQuery} />
      {error ? <p className="nbbridge-Experiments-error">{error}</p> : null}
      {page && runs.length === 0 && !error ? (
        filtered ? (
          <p className="nbbridge-Experiments-hint">No runs match these filters.</p>
        ) : (
          <div className="nbbridge-Experiments-empty" data-nbbridge-experiments-empty>
            <p>No runs of this notebook yet.</p>
            <p>
              Put <code>%%track</code> on the first line of a cell (after{' '}
              <code>%load_ext nbbridge</code>) and run it, or run the pipeline from a terminal:
            </p>
            <pre>nbbridge run {path.split('/').pop()}</pre>
            <p className="nbbridge-Experiments-hint">Runs appear here as they end.</p>
          </div>
        )
      ) : (
        <RunTable
          runs={runs}
          metricKeys={metricKeys}
          selected={selected}
          onToggle={toggle}
          onOpen={runId => void showRun(runId)}
          sortKey={query.sort}
        />
      )}
      {page?.next_page_token ? (
        <button className="nbbridge-Experiments-button nbbridge-Experiments-more" onClick={loadMore}>
          More runs
        </button>
      ) : null}
      {page ? (
        <p className="nbbridge-Experiments-store" title="The tracking store">
          {page.tracking_uri}
          {page.mlflow_url ? (
            <>
              {' · '}
              <a href={page.mlflow_url} target="_blank" rel="noreferrer">
                Open in MLflow
              </a>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

/** The sidebar widget: follows the current notebook, polls only while shown. */
export class ExperimentsPanel extends ReactWidget {
  constructor(private readonly _host: Omit<IExperimentsHost, 'visible' | 'open' | 'path'>) {
    super();
    this.id = EXPERIMENTS_PANEL_ID;
    this.title.icon = experimentsIcon;
    this.title.caption = 'Experiments';
    this.addClass('nbbridge-ExperimentsPanel');
  }

  set path(value: string | null) {
    if (value !== this._path) {
      this._path = value;
      this.update();
    }
  }

  /** Show a run's detail (the panel is revealed by the caller). */
  openRun(runId: string): void {
    this._open = { runId, nonce: (this._open?.nonce ?? 0) + 1 };
    this.update();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.update();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.update();
  }

  protected render(): JSX.Element {
    return (
      <ExperimentsView
        key={this._path ?? ''}
        {...this._host}
        path={this._path}
        visible={this.isVisible}
        open={this._open}
      />
    );
  }

  private _path: string | null = null;
  private _open: { runId: string; nonce: number } | null = null;
}
