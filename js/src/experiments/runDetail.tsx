/**
 * One run in the Experiments panel: params, metrics, steps (cache hits, durations), data
 * versions, figures, artifacts, tags; "Go to cell" for a %%track run, "Open in MLflow".
 */
import * as React from 'react';

import { formatDuration, formatTime, formatValue, SOURCE_LABELS } from './format';
import { RunDetail } from './runsClient';

export interface IRunDetailProps {
  detail: RunDetail;
  onBack: () => void;
  /** Null when the cell is not in the open notebook (any more). */
  onGoToCell: (() => void) | null;
}

function KeyValues(props: { title: string; values: Record<string, string | number> }): JSX.Element {
  const keys = Object.keys(props.values).sort();
  return (
    <section className="nbbridge-RunDetail-section">
      <h3>{props.title}</h3>
      {keys.length === 0 ? (
        <p className="nbbridge-Experiments-hint">none</p>
      ) : (
        <table className="nbbridge-KeyValues">
          <tbody>
            {keys.map(key => (
              <tr key={key}>
                <th>{key}</th>
                <td>{formatValue(props.values[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RunDetailView(props: IRunDetailProps): JSX.Element {
  const { detail, onBack, onGoToCell } = props;
  const run = detail.run;
  const [showTags, setShowTags] = React.useState(false);
  return (
    <div className="nbbridge-RunDetail" data-nbbridge-run-detail={run.run_id}>
      <div className="nbbridge-RunDetail-bar">
        <button className="nbbridge-Experiments-button" onClick={onBack}>
          ← Runs
        </button>
        {onGoToCell ? (
          <button
            className="nbbridge-Experiments-button"
            data-nbbridge-go-to-cell
            onClick={onGoToCell}
          >
            Go to cell
          </button>
        ) : null}
        {detail.mlflow_url ? (
          <a
            className="nbbridge-Experiments-button"
            href={detail.mlflow_url}
            target="_blank"
            rel="noreferrer"
          >
            Open in MLflow
          </a>
        ) : null}
      </div>
      <h2 className="nbbridge-RunDetail-title">{run.name || run.run_id.slice(0, 8)}</h2>
      <p className="nbbridge-RunDetail-meta">
        <span className={`nbbridge-Status nbbridge-Status-${run.status.toLowerCase()}`}>
          {run.status.toLowerCase()}
        </span>{' '}
        {SOURCE_LABELS[run.source] ?? run.source} · {formatTime(run.start_ms)} ·{' '}
        {formatDuration(run.duration_ms)} · <code>{run.run_id.slice(0, 12)}</code>
      </p>
      <KeyValues title="Metrics" values={run.metrics ?? {}} />
      <KeyValues title="Params" values={run.params ?? {}} />
      {detail.steps.length > 0 ? (
        <section className="nbbridge-RunDetail-section">
          <h3>Steps</h3>
          <table className="nbbridge-KeyValues">
            <tbody>
              {detail.steps.map(step => (
                <tr key={step.name} data-nbbridge-run-step={step.name}>
                  <th>{step.name}</th>
                  <td>
                    {step.cache_hit === null || step.cache_hit === undefined
                      ? ''
                      : step.cache_hit
                        ? 'cached'
                        : 'ran'}
                  </td>
                  <td>
                    {step.duration_s === null || step.duration_s === undefined
                      ? ''
                      : formatDuration(Math.round(step.duration_s * 1000))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {Object.keys(detail.data_versions).length > 0 ? (
        <KeyValues title="Data versions" values={detail.data_versions} />
      ) : null}
      {detail.figures.length > 0 ? (
        <section className="nbbridge-RunDetail-section">
          <h3>Figures</h3>
          <div className="nbbridge-Figures">
            {detail.figures.map(figure => (
              <figure key={figure.path}>
                <img src={`data:${figure.mime};base64,${figure.data}`} alt={figure.path} />
                <figcaption>{figure.path}</figcaption>
              </figure>
            ))}
          </div>
        </section>
      ) : null}
      <section className="nbbridge-RunDetail-section">
        <h3>Artifacts</h3>
        {detail.artifacts.filter(a => !a.is_dir).length === 0 ? (
          <p className="nbbridge-Experiments-hint">none</p>
        ) : (
          <ul className="nbbridge-Artifacts">
            {detail.artifacts
              .filter(a => !a.is_dir)
              .map(a => (
                <li key={a.path}>{a.path}</li>
              ))}
          </ul>
        )}
      </section>
      <section className="nbbridge-RunDetail-section">
        <h3>
          <button className="nbbridge-Experiments-link" onClick={() => setShowTags(!showTags)}>
            {showTags ? '▾' : '▸'} Tags ({Object.keys(detail.tags).length})
          </button>
        </h3>
        {showTags ? <KeyValues title="" values={detail.tags} /> : null}
      </section>
    </div>
  );
}
