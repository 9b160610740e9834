/**
 * The content of the Pipeline panel: problems, DAG, steps and parameters of one notebook.
 *
 * Pure React over an `IPipelineState`; `pipelinePanel.tsx` feeds it and handles the clicks.
 */
import * as React from 'react';

import type { Pipeline } from './api';
import { DagCanvas } from './pipeline/dagCanvas';
import { Library } from './pipeline/library';
import { Step, StepRow } from './pipeline/stepRow';
import type { IPipelineState } from './pipelineWatcher';

type Problem = Pipeline['problems'][number];

export interface IPipelineViewProps {
  /** The notebook shown, or null when no notebook is open. */
  notebookName: string | null;
  state: IPipelineState | null;
  selected: string | null;
  onSelectStep: (name: string) => void;
  onGoToCell: (cellId: string, line: number | null) => void;
  /** The 1-based position of a cell in the notebook, for "cell 7". */
  cellNumber: (cellId: string) => number | null;
  onRefresh: () => void;
  /** Open the Export dialog for this notebook. */
  onExport: () => void;
  /** Whether no cell of the notebook starts a step (it is one step, `main`). */
  untagged: boolean;
  /** Propose steps from the notebook's headings (the Suggest steps dialog). */
  onSuggest: () => void;
  /** Open the pipeline graph in the main area. */
  onOpenGraph: () => void;
}

function ProblemRow(props: {
  problem: Problem;
  cellNumber: number | null;
  onGoToCell: (cellId: string, line: number | null) => void;
}): JSX.Element {
  const { problem, cellNumber } = props;
  const cellId = problem.cell_id ?? null;
  const where: string[] = [];
  if (cellNumber !== null) {
    where.push(`cell ${cellNumber}`);
  }
  if (problem.line !== null && problem.line !== undefined) {
    where.push(`line ${problem.line}`);
  }
  return (
    <li
      className={`nbbridge-ProblemRow nbbridge-mod-${problem.severity}`}
      data-nbbridge-problem={problem.code}
    >
      <div className="nbbridge-ProblemRow-message">
        <span className="nbbridge-ProblemRow-severity">{problem.severity}</span>
        {problem.message}
      </div>
      <div className="nbbridge-ProblemRow-meta">
        <code>{problem.code}</code>
        {where.length > 0 && <span className="nbbridge-ProblemRow-where">{where.join(', ')}</span>}
        {cellId !== null && cellNumber !== null && (
          <button
            className="nbbridge-ProblemRow-goto"
            data-nbbridge-goto={cellId}
            title="Go to the cell"
            onClick={() => props.onGoToCell(cellId, problem.line ?? null)}
          >
            Go to cell
          </button>
        )}
      </div>
    </li>
  );
}

function formatDefault(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function Section(props: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="nbbridge-Section">
      <h3 className="nbbridge-Section-title">
        {props.title}
        {props.count !== undefined && <span className="nbbridge-Section-count">{props.count}</span>}
      </h3>
      {props.children}
    </section>
  );
}

function statusText(state: IPipelineState): string {
  if (state.pending) {
    return 'Analysing…';
  }
  const pipeline = state.pipeline;
  if (!pipeline) {
    return '';
  }
  const errors = pipeline.problems.filter(p => p.severity === 'error').length;
  const warnings = pipeline.problems.length - errors;
  const parts = [`${pipeline.steps.length} step${pipeline.steps.length === 1 ? '' : 's'}`];
  if (errors) {
    parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  }
  if (warnings) {
    parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}

/** The whole panel body. */
export function PipelineView(props: IPipelineViewProps): JSX.Element {
  const { notebookName, state } = props;
  // The graph follows a step behind: the rows show at once, the layout is drawn right after.
  const graphPipeline = React.useDeferredValue(state?.pipeline ?? null);
  if (notebookName === null || state === null) {
    return (
      <div className="nbbridge-Panel nbbridge-mod-empty">
        <h2 className="nbbridge-Panel-title">Pipeline</h2>
        <p>Open a notebook to see it as a pipeline.</p>
        <p className="nbbridge-Panel-hint">
          Tag a code cell with a step name (click the badge at its left) to start.
        </p>
      </div>
    );
  }
  const pipeline = state.pipeline;
  const steps = pipeline
    ? pipeline.order
        .map(name => pipeline.steps.find(step => step.name === name))
        .filter((step): step is Step => step !== undefined)
        .concat(pipeline.steps.filter(step => !pipeline.order.includes(step.name)))
    : [];
  return (
    <div className={`nbbridge-Panel${state.pending ? ' nbbridge-mod-pending' : ''}`}>
      <div className="nbbridge-Panel-titleRow">
        <h2 className="nbbridge-Panel-title">Pipeline</h2>
        <button
          className="nbbridge-Panel-suggest"
          title="Suggest steps from the notebook's headings (shown before anything is tagged)"
          data-nbbridge-suggest-open=""
          onClick={props.onSuggest}
        >
          Suggest…
        </button>
        <button
          className="nbbridge-Panel-export"
          title="Export this notebook as a Python package"
          data-nbbridge-export-open=""
          onClick={props.onExport}
        >
          Export…
        </button>
      </div>
      <header className="nbbridge-Panel-header">
        <span className="nbbridge-Panel-notebook" title={notebookName}>
          {notebookName}
        </span>
        <span className="nbbridge-Panel-status" data-nbbridge-status={state.pending ? 'pending' : 'ready'}>
          {statusText(state)}
        </span>
        <button
          className="nbbridge-Panel-refresh"
          title="Analyse again"
          onClick={props.onRefresh}
        >
          ↻
        </button>
      </header>
      {state.error !== null && (
        <div className="nbbridge-Panel-error" role="alert" data-nbbridge-error="">
          Analysis failed: {state.error}
        </div>
      )}
      {pipeline && props.untagged && !state.pending && (
        <div className="nbbridge-Panel-start" data-nbbridge-untagged="">
          <p>
            <strong>No step tags yet:</strong> this notebook runs as one step,{' '}
            <code>main</code>.
          </p>
          <button
            className="nbbridge-Panel-startButton"
            data-nbbridge-suggest-start=""
            onClick={props.onSuggest}
          >
            Suggest steps from headings…
          </button>
          <p className="nbbridge-Panel-hint">
            Splits it at its headings, keeps the data flowing between the steps, and shows the
            steps before anything is tagged. Or tag a cell with the badge at its left.
          </p>
        </div>
      )}
      {pipeline && pipeline.problems.length > 0 && (
        <Section title="Problems" count={pipeline.problems.length}>
          <ul className="nbbridge-ProblemList">
            {pipeline.problems.map((problem, i) => (
              <ProblemRow
                key={`${problem.code}-${problem.cell_id ?? ''}-${i}`}
                problem={problem}
                cellNumber={problem.cell_id ? props.cellNumber(problem.cell_id) : null}
                onGoToCell={props.onGoToCell}
              />
            ))}
          </ul>
        </Section>
      )}
      {pipeline && (
        <>
          <Section title="Graph">
            {graphPipeline ? (
              <DagCanvas
                pipeline={graphPipeline}
                selected={props.selected}
                onSelect={props.onSelectStep}
                variant="panel"
                onOpenLarge={props.onOpenGraph}
              />
            ) : (
              <div className="nbbridge-Dag nbbridge-mod-empty">Drawing…</div>
            )}
          </Section>
          <Section title="Steps" count={steps.length}>
            <ol className="nbbridge-StepList">
              {steps.map((step, i) => (
                <StepRow
                  key={step.name}
                  step={step}
                  index={i}
                  selected={step.name === props.selected}
                  onSelect={props.onSelectStep}
                />
              ))}
            </ol>
          </Section>
          {pipeline.parameters.length > 0 && (
            <Section title="Parameters" count={pipeline.parameters.length}>
              <table className="nbbridge-ParamTable">
                <tbody>
                  {pipeline.parameters.map(param => (
                    <tr key={param.name} data-nbbridge-parameter={param.name}>
                      <td className="nbbridge-ParamTable-name">{param.name}</td>
                      <td className="nbbridge-ParamTable-type">{param.type}</td>
                      <td className="nbbridge-ParamTable-default">{formatDefault(param.default)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          )}
          {pipeline.library.length > 0 && (
            <Section title="Library">
              <Library
                library={pipeline.library}
                cellNumber={props.cellNumber}
                onGoToCell={props.onGoToCell}
              />
            </Section>
          )}
        </>
      )}
    </div>
  );
}
