/**
 * The runs list of the Experiments panel: filters, sort, one row per run (`data-nbbridge-run`),
 * a checkbox per row to pick runs to compare.
 */
import * as React from 'react';

import { formatDuration, formatTime, formatValue, SOURCE_LABELS } from './format';
import { RunSummary } from './runsClient';

export interface IQuery {
  sort: string;
  order: 'asc' | 'desc';
  status: '' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  /** '' (all), `cell:ID` or `step:NAME` */
  scope: string;
  search: string;
}

export const DEFAULT_QUERY: IQuery = {
  sort: 'start_time',
  order: 'desc',
  status: '',
  scope: '',
  search: ''
};

export interface IFiltersProps {
  query: IQuery;
  metricKeys: string[];
  scopes: { value: string; label: string }[];
  onChange: (query: IQuery) => void;
}

export function Filters(props: IFiltersProps): JSX.Element {
  const { query, metricKeys, scopes, onChange } = props;
  const [search, setSearch] = React.useState(query.search);
  const sortKeys = ['start_time', ...metricKeys.map(k => `metrics.${k}`)];
  if (!sortKeys.includes(query.sort)) {
    sortKeys.push(query.sort);
  }
  return (
    <div className="nbbridge-Experiments-filters">
      <label>
        sort
        <select
          data-nbbridge-sort
          value={query.sort}
          onChange={e => onChange({ ...query, sort: e.target.value })}
        >
          {sortKeys.map(key => (
            <option key={key} value={key}>
              {key === 'start_time' ? 'time' : key.slice('metrics.'.length)}
            </option>
          ))}
        </select>
      </label>
      <button
        className="nbbridge-Experiments-order"
        title={query.order === 'desc' ? 'Highest / newest first' : 'Lowest / oldest first'}
        onClick={() => onChange({ ...query, order: query.order === 'desc' ? 'asc' : 'desc' })}
      >
        {query.order === 'desc' ? '↓' : '↑'}
      </button>
      <select
        data-nbbridge-status-filter
        aria-label="status"
        value={query.status}
        onChange={e => onChange({ ...query, status: e.target.value as IQuery['status'] })}
      >
        <option value="">any status</option>
        {['FINISHED', 'FAILED', 'KILLED', 'RUNNING'].map(s => (
          <option key={s} value={s}>
            {s.toLowerCase()}
          </option>
        ))}
      </select>
      <select
        data-nbbridge-scope-filter
        aria-label="cell or step"
        value={query.scope}
        onChange={e => onChange({ ...query, scope: e.target.value })}
      >
        <option value="">all cells and steps</option>
        {scopes.map(s => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <input
        data-nbbridge-search
        type="search"
        placeholder="search params (lr=0.1)"
        value={search}
        onChange={e => setSearch(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter') {
            onChange({ ...query, search });
          }
        }}
        onBlur={() => search !== query.search && onChange({ ...query, search })}
      />
    </div>
  );
}

const STATUS_MARKS: Record<string, string> = {
  FINISHED: '✓',
  FAILED: '✗',
  KILLED: '■',
  RUNNING: '●',
  SCHEDULED: '○'
};

export interface IRunTableProps {
  runs: RunSummary[];
  metricKeys: string[];
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onOpen: (runId: string) => void;
  sortKey: string;
}

export function RunTable(props: IRunTableProps): JSX.Element {
  const { runs, metricKeys, selected, onToggle, onOpen, sortKey } = props;
  // The sorted-by metric first: the sidebar has room for two.
  const sorted = sortKey.startsWith('metrics.') ? sortKey.slice('metrics.'.length) : null;
  const shown = (sorted ? [sorted, ...metricKeys.filter(k => k !== sorted)] : metricKeys).slice(0, 2);
  return (
    <table className="nbbridge-RunTable">
      <thead>
        <tr>
          <th aria-label="select" />
          <th>time</th>
          <th>source</th>
          <th title="status">st.</th>
          <th>took</th>
          {shown.map(key => (
            <th key={key} title={key} className="nbbridge-RunTable-number">
              {key}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map(run => (
          <tr
            key={run.run_id}
            data-nbbridge-run={run.run_id}
            data-nbbridge-status={run.status}
            className={selected.has(run.run_id) ? 'nbbridge-mod-selected' : ''}
            onClick={() => onOpen(run.run_id)}
            title={run.name}
          >
            <td onClick={e => e.stopPropagation()}>
              <input
                type="checkbox"
                aria-label={`select run ${run.name}`}
                checked={selected.has(run.run_id)}
                onChange={() => onToggle(run.run_id)}
              />
            </td>
            <td>{formatTime(run.start_ms)}</td>
            <td>{SOURCE_LABELS[run.source] ?? run.source}</td>
            <td title={run.status.toLowerCase()}>
              <span
                className={`nbbridge-Status nbbridge-Status-${run.status.toLowerCase()}`}
                aria-label={run.status.toLowerCase()}
              >
                {STATUS_MARKS[run.status] ?? '?'}
              </span>
            </td>
            <td>{formatDuration(run.duration_ms)}</td>
            {shown.map(key => (
              <td key={key} className="nbbridge-RunTable-number">
                {formatValue(run.metrics?.[key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
