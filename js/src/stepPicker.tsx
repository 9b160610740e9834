/**
 * The step picker that opens from a cell's badge: start a step here (or rename it), join a
 * neighbouring step, or clear the cell's step tag.
 */
import * as React from 'react';

import { INotebookModel } from '@jupyterlab/notebook';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { stepColorStyle } from './colors';
import { clearStep, joinError, joinStep, modelStepInfos, startStep } from './stepEdits';
import { stepNameError, stepNames } from './tags';

interface IPickerProps {
  model: INotebookModel;
  index: number;
  onDone: () => void;
}

function PickerBody(props: IPickerProps): JSX.Element {
  const { model, index, onDone } = props;
  const infos = modelStepInfos(model);
  const own = infos[index];
  const names = stepNames(infos);
  const startsHere = own?.starts === true && own.step !== null;
  const [name, setName] = React.useState(startsHere && own?.step ? own.step : '');
  const [failure, setFailure] = React.useState<string | null>(null);
  const input = React.useRef<HTMLInputElement>(null);
  React.useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const trimmed = name.trim();
  const taken = trimmed !== '' && names.includes(trimmed) && !(startsHere && own?.step === trimmed);
  const nameError = trimmed === '' ? null : taken
    ? `Step "${trimmed}" exists: pick it below to join it.`
    : stepNameError(trimmed);
  const canStart = trimmed !== '' && nameError === null && !(startsHere && own?.step === trimmed);

  const run = (edit: () => void) => {
    try {
      edit();
      onDone();
    } catch (reason) {
      setFailure(reason instanceof Error ? reason.message : String(reason));
    }
  };
  const submit = () => {
    if (canStart) {
      run(() => startStep(model, index, trimmed));
    }
  };

  let current = 'This cell belongs to no step yet.';
  if (own?.role) {
    current = `This cell is tagged "${own.role}": outside every step.`;
  } else if (own?.step) {
    current = own.starts ? `Starts step "${own.step}".` : `Continues step "${own.step}".`;
  }

  return (
    <div
      className="nbbridge-StepPicker-body"
      onKeyDown={event => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onDone();
        }
        // Keep keys away from the notebook's command-mode shortcuts.
        event.stopPropagation();
      }}
    >
      <div className="nbbridge-StepPicker-current">{current}</div>
      <label className="nbbridge-StepPicker-label" htmlFor="nbbridge-step-name">
        {startsHere ? 'Rename this step' : 'Start a new step at this cell'}
      </label>
      <div className="nbbridge-StepPicker-row">
        <input
          id="nbbridge-step-name"
          ref={input}
          className="nbbridge-StepPicker-input jp-mod-styled"
          placeholder="e.g. prepare"
          value={name}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={nameError !== null}
          onChange={event => {
            setName(event.target.value);
            setFailure(null);
          }}
          onKeyDown={event => {
            if (event.key === 'Enter') {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button
          className="nbbridge-StepPicker-start jp-mod-styled jp-mod-accept"
          disabled={!canStart}
          onClick={submit}
        >
          {startsHere ? 'Rename' : 'Start step here'}
        </button>
      </div>
      <div className="nbbridge-StepPicker-error" role="status">
        {failure ?? nameError ?? ''}
      </div>
      {names.length > 0 && (
        <>
          <div className="nbbridge-StepPicker-label">Join a step</div>
          <ul className="nbbridge-StepPicker-steps">
            {names.map(step => {
              const reason = joinError(model, index, step);
              const isCurrent = own?.step === step;
              return (
                <li key={step}>
                  <button
                    className={`nbbridge-StepPicker-step${isCurrent ? ' nbbridge-mod-current' : ''}`}
                    data-nbbridge-pick={step}
                    style={stepColorStyle(step) as React.CSSProperties}
                    disabled={reason !== null || isCurrent}
                    title={isCurrent ? 'This cell is in this step' : reason ?? `Put this cell in "${step}"`}
                    onClick={() => run(() => joinStep(model, index, step))}
                  >
                    <span className="nbbridge-StepPicker-dot" />
                    {step}
                    {isCurrent && <span className="nbbridge-StepPicker-check"> ✓</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <div className="nbbridge-StepPicker-footer">
        <button
          className="nbbridge-StepPicker-clear jp-mod-styled"
          disabled={!startsHere || own?.fromMagic === true}
          title={
            own?.fromMagic
              ? 'The step comes from the %%step line: edit the cell to change it'
              : startsHere
                ? 'Remove the step tag: the cell continues the step above'
                : 'This cell has no step tag of its own'
          }
          onClick={() => run(() => clearStep(model, index))}
        >
          Clear step tag
        </button>
      </div>
    </div>
  );
}

/** A floating picker for one cell, closed by Escape, a click outside or a finished edit. */
export class StepPicker extends ReactWidget {
  /** Open the picker under `anchor` for the cell at `index`; closes any other one first. */
  static open(model: INotebookModel, index: number, anchor: HTMLElement): StepPicker {
    StepPicker._current?.dispose();
    const picker = new StepPicker(model, index, anchor);
    StepPicker._current = picker;
    Widget.attach(picker, document.body);
    picker.place(anchor);
    return picker;
  }

  /** The open picker, if any. */
  static get current(): StepPicker | null {
    return StepPicker._current;
  }

  private constructor(
    private readonly _model: INotebookModel,
    private readonly _index: number,
    /** The badge the picker opened from (a click on it toggles the picker). */
    readonly anchor: HTMLElement
  ) {
    super();
    this.addClass('nbbridge-StepPicker');
    this.node.setAttribute('role', 'dialog');
    this.node.setAttribute('aria-label', 'Step of this cell');
    document.addEventListener('mousedown', this._onOutside, true);
    _model.cells.changed.connect(this._close, this);
  }

  /** Position the picker under the anchor, kept inside the window. */
  place(anchor: HTMLElement): void {
    const rect = anchor.getBoundingClientRect();
    const width = 280;
    const left = Math.max(4, Math.min(rect.left, window.innerWidth - width - 8));
    this.node.style.left = `${left}px`;
    this.node.style.top = `${rect.bottom + 4}px`;
    // Flip above the badge when there is no room below (measured once rendered).
    requestAnimationFrame(() => {
      const height = this.node.offsetHeight;
      if (rect.bottom + 4 + height > window.innerHeight && rect.top - height - 4 > 0) {
        this.node.style.top = `${rect.top - height - 4}px`;
      }
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('mousedown', this._onOutside, true);
    this._model.cells.changed.disconnect(this._close, this);
    if (StepPicker._current === this) {
      StepPicker._current = null;
    }
    // Hand the keyboard back to the notebook (so `z` undoes the edit just made).
    const hadFocus = this.node.contains(document.activeElement);
    super.dispose();
    if (hadFocus) {
      this.anchor.closest<HTMLElement>('.jp-Notebook')?.focus();
    }
  }

  private _onOutside = (event: MouseEvent): void => {
    const target = event.target as Node;
    if (!this.node.contains(target) && !this.anchor.contains(target)) {
      this.dispose();
    }
  };

  private _close(): void {
    this.dispose();
  }

  protected render(): JSX.Element {
    return <PickerBody model={this._model} index={this._index} onDone={() => this.dispose()} />;
  }

  private static _current: StepPicker | null = null;
}
