/**
 * "Suggest steps": ask the server for a proposal (POST /nbbridge/suggest, on the notebook's
 * unsaved content), show it — steps with their headings, inputs → outputs, the graph, the
 * merges and problems — and only on Apply write its `step:` tags through the notebook model,
 * in one transaction, so one undo takes them all back.
 */
import * as React from 'react';

import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';

import { NbbridgeClient, SuggestResponse } from '../api';
import { stepColorStyle } from '../colors';
import { analysisPayload } from '../payload';
import { addTags } from '../stepEdits';
import { DagCanvas } from './dagCanvas';
import { breakableName } from './stepRow';

type Suggested = SuggestResponse['steps'][number];

function names(list: readonly string[]): string {
  return list.length ? list.join(', ') : 'none';
}

function SuggestedRow(props: { step: Suggested; index: number }): JSX.Element {
  const { step } = props;
  const count = step.cell_ids.length;
  const origin = step.heading ? `from “${step.heading}”` : step.new ? 'new' : 'already tagged';
  return (
    <li
      className={`nbbridge-SuggestRow${step.new ? '' : ' nbbridge-mod-kept'}`}
      data-nbbridge-suggest-step={step.name}
      style={stepColorStyle(step.name) as React.CSSProperties}
    >
      <div className="nbbridge-SuggestRow-head">
        <span className="nbbridge-StepRow-index">{props.index + 1}</span>
        <span className="nbbridge-StepRow-name">{breakableName(step.name)}</span>
        <span className="nbbridge-SuggestRow-cells">
          {count} {count === 1 ? 'cell' : 'cells'}
        </span>
      </div>
      <div className="nbbridge-SuggestRow-origin" title={step.heading ?? undefined}>
        {origin}
      </div>
      <div
        className="nbbridge-SuggestRow-flow"
        title={`in: ${names(step.inputs)}\nout: ${names(step.outputs)}`}
      >
        <span className="nbbridge-Names nbbridge-mod-inputs">{names(step.inputs)}</span>
        <span className="nbbridge-StepRow-arrow"> → </span>
        <span className="nbbridge-Names nbbridge-mod-outputs">{names(step.outputs)}</span>
      </div>
    </li>
  );
}

/** The proposal, as the dialog shows it. */
export function SuggestView(props: { proposal: SuggestResponse }): JSX.Element {
  const { proposal } = props;
  const level = proposal.level;
  const tags = proposal.tags.length;
  return (
    <div className="nbbridge-Suggest" data-nbbridge-suggest="">
      <p className="nbbridge-Suggest-summary">
        {level !== null && level !== undefined
          ? `Split at the ${'#'.repeat(level)} headings: ${proposal.steps.length} steps, ` +
            `${tags} tag${tags === 1 ? '' : 's'} to add. Nothing is written until you apply.`
          : 'No new steps to suggest.'}
      </p>
      {proposal.problems.length > 0 && (
        <ul className="nbbridge-ProblemList nbbridge-Suggest-problems">
          {proposal.problems.map((problem, i) => (
            <li
              key={`${problem.code}-${i}`}
              className={`nbbridge-ProblemRow nbbridge-mod-${problem.severity}`}
              data-nbbridge-suggest-problem={problem.code}
            >
              <div className="nbbridge-ProblemRow-message">
                <span className="nbbridge-ProblemRow-severity">{problem.severity}</span>
                {problem.message}
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="nbbridge-Suggest-body">
        <ol className="nbbridge-StepList nbbridge-Suggest-steps">
          {proposal.steps.map((step, i) => (
            <SuggestedRow key={step.name} step={step} index={i} />
          ))}
        </ol>
        <div className="nbbridge-Suggest-graph">
          <DagCanvas pipeline={proposal.pipeline} selected={null} variant="panel" />
        </div>
      </div>
    </div>
  );
}

/**
 * Propose steps for the notebook in `panel` and apply them if the user says so. Resolves to
 * the number of cells tagged (0 when cancelled or there was nothing to add).
 */
export async function suggestSteps(panel: NotebookPanel, client: NbbridgeClient): Promise<number> {
  await panel.context.ready;
  const model = panel.context.model;
  let proposal: SuggestResponse;
  try {
    proposal = await client.suggest({ notebook: analysisPayload(model) });
  } catch (reason) {
    await showErrorMessage(
      'Suggest steps',
      reason instanceof Error ? reason.message : String(reason)
    );
    return 0;
  }
  const count = proposal.tags.length;
  const buttons =
    count > 0
      ? [
          Dialog.cancelButton(),
          Dialog.okButton({ label: `Apply ${count} tag${count === 1 ? '' : 's'}` })
        ]
      : [Dialog.okButton({ label: 'Close' })];
  const body = ReactWidget.create(<SuggestView proposal={proposal} />);
  body.addClass('nbbridge-SuggestBody');
  const result = await showDialog({
    title: `Suggest steps: ${panel.context.localPath}`,
    body,
    buttons
  });
  if (!result.button.accept || count === 0 || model.isDisposed) {
    return 0;
  }
  return addTags(
    model,
    proposal.tags.map(tag => ({ cellId: tag.cell_id, tag: tag.tag }))
  );
}
