/**
 * The Export dialog's fields: package name, output folder, target and the three options.
 *
 * Pure React over an `IExportForm`; errors show under their field as the user types.
 */
import * as React from 'react';

import { ExportTarget, IExportForm, IFormErrors } from './exportForm';

export interface IExportFieldsProps {
  form: IExportForm;
  errors: IFormErrors;
  /** An error the server gave for a field (a package name that shadows the standard library). */
  serverErrors: { packageName: string | null; outputDir: string | null };
  disabled: boolean;
  /** The notebook has unsaved changes (Export saves it first). */
  dirty: boolean;
  /** The last export kept hand-edited files: draw the eye to "overwrite". */
  highlightForce: boolean;
  /** Seconds each run of the notebook and the test run may take (the setting), or null. */
  executeTimeout?: number | null;
  onPackageName: (value: string) => void;
  onChange: (change: Partial<IExportForm>) => void;
}

function FieldError(props: { id: string; message: string | null }): JSX.Element | null {
  if (props.message === null) {
    return null;
  }
  return (
    <div className="nbbridge-ExportField-error" id={props.id} role="alert">
      {props.message}
    </div>
  );
}

function Option(props: {
  name: string;
  label: string;
  note: string;
  checked: boolean;
  disabled: boolean;
  highlight?: boolean;
  onChange: (checked: boolean) => void;
}): JSX.Element {
  const id = `nbbridge-export-${props.name}`;
  return (
    <div className={`nbbridge-ExportOption${props.highlight ? ' nbbridge-mod-highlight' : ''}`}>
      <input
        id={id}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={event => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>
        <span className="nbbridge-ExportOption-label">{props.label}</span>
        <span className="nbbridge-ExportOption-note">{props.note}</span>
      </label>
    </div>
  );
}

/** What "Execute" does, with the bound the `executeTimeout` setting puts on it. */
function executeNote(timeout: number | null): string {
  const note =
    "Runs the whole notebook in a new kernel; each step's outputs become the values the tests expect.";
  return timeout === null
    ? note
    : `${note} Each of its 3 runs, and the test run, is stopped after ${timeout} s ` +
        '(setting: “Export: execution timeout”).';
}

export function ExportFields(props: IExportFieldsProps): JSX.Element {
  const { form, disabled } = props;
  const packageError = props.errors.packageName ?? props.serverErrors.packageName;
  const folderError = props.errors.outputDir ?? props.serverErrors.outputDir;
  return (
    <fieldset className="nbbridge-ExportFields" disabled={disabled}>
      <div className="nbbridge-ExportField">
        <label htmlFor="nbbridge-export-package">Package name</label>
        <input
          id="nbbridge-export-package"
          name="package"
          className={`jp-mod-styled${packageError ? ' nbbridge-mod-invalid' : ''}`}
          value={form.packageName}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={packageError !== null}
          aria-describedby="nbbridge-export-package-error"
          onChange={event => props.onPackageName(event.target.value)}
        />
        <FieldError id="nbbridge-export-package-error" message={packageError} />
      </div>
      <div className="nbbridge-ExportField">
        <label htmlFor="nbbridge-export-folder">Output folder</label>
        <input
          id="nbbridge-export-folder"
          name="output_dir"
          className={`jp-mod-styled${folderError ? ' nbbridge-mod-invalid' : ''}`}
          value={form.outputDir}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={folderError !== null}
          aria-describedby="nbbridge-export-folder-error"
          onChange={event =>
            props.onChange({ outputDir: event.target.value, outputDirEdited: true })
          }
        />
        <FieldError id="nbbridge-export-folder-error" message={folderError} />
        {folderError === null && (
          <div className="nbbridge-ExportField-hint">Relative to the Jupyter root.</div>
        )}
      </div>
      <div className="nbbridge-ExportField">
        <label htmlFor="nbbridge-export-target">Target</label>
        <select
          id="nbbridge-export-target"
          name="target"
          className="jp-mod-styled"
          value={form.target}
          onChange={event => props.onChange({ target: event.target.value as ExportTarget })}
        >
          <option value="package">Python package</option>
          <option value="dvc">Python package + DVC pipeline</option>
        </select>
        {form.target === 'dvc' && (
          <div className="nbbridge-ExportField-hint">
            Adds dvc.yaml (a stage per step) and params.yaml: dvc repro re-runs only what changed.
          </div>
        )}
      </div>
      <div className="nbbridge-ExportOptions">
        <Option
          name="execute"
          label="Execute the notebook for golden tests"
          note={executeNote(props.executeTimeout ?? null)}
          checked={form.execute}
          disabled={disabled}
          onChange={execute => props.onChange({ execute })}
        />
        <Option
          name="run_tests"
          label="Run the generated tests"
          note="pytest on the exported package, right after writing it."
          checked={form.runTests}
          disabled={disabled}
          onChange={runTests => props.onChange({ runTests })}
        />
        <Option
          name="force"
          label="Overwrite hand-edited files"
          note="Files changed by hand since the last export are kept unless this is ticked."
          checked={form.force}
          disabled={disabled}
          highlight={props.highlightForce && !form.force}
          onChange={force => props.onChange({ force })}
        />
      </div>
      {props.dirty && (
        <div className="nbbridge-ExportDirty" data-nbbridge-export-dirty="">
          The notebook has unsaved changes: Export saves it first.
        </div>
      )}
    </fieldset>
  );
}
