/**
 * One step of the Pipeline panel: its name whole (wrapped when long), then the secondary text
 * on lines of its own — cell count, `after:` edges, inputs and outputs — which is what gets cut
 * short in a narrow sidebar (the full text is in its tooltip).
 */
import * as React from 'react';

import type { Pipeline } from '../api';
import { stepColorStyle } from '../colors';

export type Step = Pipeline['steps'][number];

function Names(props: { names: readonly string[]; kind: 'inputs' | 'outputs' }): JSX.Element {
  if (props.names.length === 0) {
    return (
      <span className={`nbbridge-Names nbbridge-mod-${props.kind} nbbridge-mod-none`}>none</span>
    );
  }
  const what = props.kind === 'inputs' ? 'Reads' : 'Hands on';
  const text = props.names.join(', ');
  return (
    <span className={`nbbridge-Names nbbridge-mod-${props.kind}`} title={`${what}: ${text}`}>
      {text}
    </span>
  );
}

/** A step name with a line-break opportunity after each underscore (long names wrap there). */
export function breakableName(name: string): React.ReactNode[] {
  const parts = name.split(/(?<=_)/);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]));
}

export interface IStepRowProps {
  step: Step;
  index: number;
  selected: boolean;
  onSelect: (name: string) => void;
}

export function StepRow(props: IStepRowProps): JSX.Element {
  const { step } = props;
  const count = step.cell_ids.length;
  const after = step.after.join(', ');
  return (
    <li
      className={`nbbridge-StepRow${props.selected ? ' nbbridge-mod-selected' : ''}`}
      data-nbbridge-step={step.name}
      style={stepColorStyle(step.name) as React.CSSProperties}
      role="button"
      tabIndex={0}
      title={`Step ${step.name}: click to select its cells`}
      onClick={() => props.onSelect(step.name)}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onSelect(step.name);
        }
      }}
    >
      <div className="nbbridge-StepRow-head">
        <span className="nbbridge-StepRow-index">{props.index + 1}</span>
        <span className="nbbridge-StepRow-name">{breakableName(step.name)}</span>
      </div>
      <div className="nbbridge-StepRow-meta">
        <span className="nbbridge-StepRow-cells">
          {count} {count === 1 ? 'cell' : 'cells'}
        </span>
        {step.after.length > 0 && (
          <span className="nbbridge-StepRow-after" title={`Runs after (after: tags): ${after}`}>
            after: {after}
          </span>
        )}
      </div>
      <div className="nbbridge-StepRow-flow">
        <Names names={step.inputs} kind="inputs" />
        <span className="nbbridge-StepRow-arrow" aria-label="to">
          →
        </span>
        <Names names={step.outputs} kind="outputs" />
      </div>
    </li>
  );
}
