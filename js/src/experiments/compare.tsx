/**
 * The compare view (main area): two or more runs side by side — params and metrics with the
 * differences marked, data versions that changed, each step's code diff between the first two
 * runs (from their step-code artifacts, so it works without git), figures side by side, a
 * metric across the selected runs (or all of the notebook's) and per-step histories as
 * Vega-Lite charts drawn by JupyterLab's renderer.
 */
import * as React from 'react';

import { MainAreaWidget } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';

import { ApiError } from '../api';
import { formatTime, formatValue } from './format';
import { experimentsIcon } from './icons';
import { CompareResponse, RunsClient, RunSummary } from './runsClient';
import { metricAcrossRuns, metricHistory, VegaChart, VegaSpec } from './vegaChart';

type Row = CompareResponse['params'][number];

function runLabel(run: RunSummary): string {
  return run.name || run.run_id.slice(0, 8);
}

function CompareTable(props: {
  title: string;
  runs: RunSummary[];
  rows: Row[];
  onlyDifferences: boolean;
  kind: string;
}): JSX.Element | null {
  const rows = props.onlyDifferences ? props.rows.filter(r => r.differs) : props.rows;
  if (props.rows.length === 0) {
    return null;
  }
  return (
    <section className="nbbridge-Compare-section">
      <h3>{props.title}</h3>
      {rows.length === 0 ? (
        <p className="nbbridge-Experiments-hint">All the same.</p>
      ) : (
        <table className="nbbridge-Compare-table" data-nbbridge-compare-table={props.kind}>
          <thead>
            <tr>
              <th />
              {props.runs.map(run => (
                <th key={run.run_id} title={run.run_id}>
                  {runLabel(run)}
                  <span className="nbbridge-Compare-when">{formatTime(run.start_ms)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(row => (
              <tr
                key={row.key}
                className={row.differs ? 'nbbridge-mod-differs' : ''}
                data-nbbridge-compare-key={row.key}
                data-nbbridge-differs={row.differs ? 'true' : 'false'}
              >
                <th>{row.key}</th>
                {row.values.map((value, i) => (
                  <td key={i}>{formatValue(value)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Diff(props: { text: string }): JSX.Element {
  return (
    <pre className="nbbridge-Diff">
      {props.text.split('\n').map((line, i) => {
        const kind = line.startsWith('+++') || line.startsWith('---')
          ? 'file'
          : line.startsWith('+')
            ? 'add'
            : line.startsWith('-')
              ? 'del'
              : line.startsWith('@@')
                ? 'hunk'
                : 'same';
        return (
          <span key={i} className={`nbbridge-Diff-${kind}`}>
            {line + '\n'}
          </span>
        );
      })}
    </pre>
  );
}

interface ICompareProps {
  client: RunsClient;
  rendermime: IRenderMimeRegistry;
  path: string;
  runIds: string[];
}

const ALL_RUNS_LIMIT = 2000;

export function CompareView(props: ICompareProps): JSX.Element {
  const { client, rendermime, path, runIds } = props;
  const [data, setData] = React.useState<CompareResponse | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [onlyDifferences, setOnlyDifferences] = React.useState(false);
  const [metric, setMetric] = React.useState<string>('');
  const [scope, setScope] = React.useState<'selected' | 'all'>('selected');
  const [across, setAcross] = React.useState<VegaSpec | null>(null);
  const [history, setHistory] = React.useState<VegaSpec | null>(null);

  React.useEffect(() => {
    client
      .compare(path, runIds)
      .then(answer => {
        setData(answer);
        setMetric(answer.metrics[0]?.key ?? '');
      })
      .catch(reason => setError(reason instanceof ApiError ? reason.message : String(reason)));
  }, [client, path, runIds]);

  React.useEffect(() => {
    if (!data || !metric) {
      return;
    }
    let cancelled = false;
    const pointsOf = (runs: RunSummary[]) =>
      runs
        .filter(run => typeof run.metrics?.[metric] === 'number')
        .map(run => ({
          run: run.run_id,
          name: runLabel(run),
          start: run.start_ms,
          value: run.metrics?.[metric] as number
        }));
    const load = async (): Promise<void> => {
      if (scope === 'selected') {
        await Promise.resolve(); // drawn after this render, not within it
        setAcross(metricAcrossRuns(metric, pointsOf(data.runs), false));
        return;
      }
      const runs: RunSummary[] = [];
      let token: string | null = null;
      do {
        const page = await client.list({ path, max_results: 500, page_token: token });
        runs.push(...page.runs);
        token = page.next_page_token;
      } while (token && runs.length < ALL_RUNS_LIMIT && !cancelled);
      if (!cancelled) {
        setAcross(metricAcrossRuns(metric, pointsOf(runs), true));
      }
    };
    load().catch(reason => setError(String(reason)));
    client
      .history(path, runIds, metric)
      .then(answer => {
        if (cancelled) {
          return;
        }
        const labels = new Map(data.runs.map(r => [r.run_id, runLabel(r)]));
        const points = answer.series.flatMap(series =>
          series.points.map(p => ({
            run: labels.get(series.run_id) ?? series.run_id.slice(0, 8),
            step: p.step,
            value: p.value
          }))
        );
        const stepped = answer.series.some(s => s.points.length > 1);
        setHistory(stepped ? metricHistory(metric, points) : null);
      })
      .catch(reason => setError(String(reason)));
    return () => {
      cancelled = true;
    };
  }, [client, path, runIds, data, metric, scope]);

  if (error) {
    return <p className="nbbridge-Experiments-error">{error}</p>;
  }
  if (!data) {
    return <p className="nbbridge-Experiments-hint">Loading {runIds.length} runs…</p>;
  }
  const changedData = data.data_versions.filter(r => r.differs);
  const withFigures = data.runs.filter(r => (data.figures[r.run_id] ?? []).length > 0);
  const base = data.runs.find(r => r.run_id === data.code_base);
  const other = data.runs.find(r => r.run_id === data.code_other);
  return (
    <div className="nbbridge-Compare" data-nbbridge-compare-view>
      <div className="nbbridge-Compare-bar">
        <h2>
          {data.runs.length} runs of {path.split('/').pop()}
        </h2>
        <label>
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={() => setOnlyDifferences(!onlyDifferences)}
          />{' '}
          only differences
        </label>
      </div>
      <CompareTable
        title="Params"
        kind="params"
        runs={data.runs}
        rows={data.params}
        onlyDifferences={onlyDifferences}
      />
      <CompareTable
        title="Metrics"
        kind="metrics"
        runs={data.runs}
        rows={data.metrics}
        onlyDifferences={onlyDifferences}
      />
      {data.metrics.length > 0 ? (
        <section className="nbbridge-Compare-section">
          <h3>Chart</h3>
          <div className="nbbridge-Compare-chartbar">
            <select
              data-nbbridge-chart-metric
              aria-label="metric"
              value={metric}
              onChange={e => setMetric(e.target.value)}
            >
              {data.metrics.map(row => (
                <option key={row.key} value={row.key}>
                  {row.key}
                </option>
              ))}
            </select>
            <select
              aria-label="runs"
              value={scope}
              onChange={e => setScope(e.target.value as 'selected' | 'all')}
            >
              <option value="selected">selected runs</option>
              <option value="all">all runs of the notebook</option>
            </select>
          </div>
          {across ? <VegaChart rendermime={rendermime} spec={across} label="across-runs" /> : null}
          {history ? (
            <>
              <h4>{metric} per step</h4>
              <VegaChart rendermime={rendermime} spec={history} label="history" />
            </>
          ) : null}
        </section>
      ) : null}
      {data.data_versions.length > 0 ? (
        <CompareTable
          title="Data versions"
          kind="data"
          runs={data.runs}
          rows={onlyDifferences ? changedData : data.data_versions}
          onlyDifferences={false}
        />
      ) : null}
      <section className="nbbridge-Compare-section">
        <h3>
          Code: {base ? runLabel(base) : ''} → {other ? runLabel(other) : ''}
        </h3>
        {data.code_diffs.length === 0 ? (
          <p className="nbbridge-Experiments-hint">These runs logged no step code.</p>
        ) : (
          data.code_diffs.map(diff => (
            <div key={diff.step} className="nbbridge-Compare-step" data-nbbridge-diff-step={diff.step}>
              <h4>
                {diff.step}{' '}
                <span className="nbbridge-Experiments-hint">
                  {diff.only_in
                    ? `only in ${diff.only_in === data.code_base ? 'the first' : 'the second'} run`
                    : diff.changed
                      ? 'changed'
                      : 'same code'}
                </span>
              </h4>
              {diff.diff ? <Diff text={diff.diff} /> : null}
            </div>
          ))
        )}
      </section>
      {withFigures.length > 0 ? (
        <section className="nbbridge-Compare-section">
          <h3>Figures</h3>
          <div className="nbbridge-Compare-figures">
            {data.runs.map(run => (
              <div key={run.run_id} className="nbbridge-Compare-figurecol">
                <h4>{runLabel(run)}</h4>
                {(data.figures[run.run_id] ?? []).map(figure => (
                  <figure key={figure.path}>
                    <img src={`data:${figure.mime};base64,${figure.data}`} alt={figure.path} />
                    <figcaption>{figure.path}</figcaption>
                  </figure>
                ))}
              </div>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}

/** The compare view as a main-area tab. */
export function compareWidget(props: ICompareProps): MainAreaWidget<ReactWidget> {
  const content = ReactWidget.create(<CompareView {...props} />);
  content.addClass('nbbridge-CompareContent');
  const widget = new MainAreaWidget({ content });
  widget.id = `nbbridge-compare-${props.runIds.map(id => id.slice(0, 6)).join('-')}`;
  widget.title.label = `Compare ${props.runIds.length} runs`;
  widget.title.icon = experimentsIcon;
  widget.title.closable = true;
  return widget;
}
