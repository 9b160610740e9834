/**
 * What the Export dialog shows after an export: the tests' result, the lint result, warnings,
 * unresolved imports and the files written; or, for a refused export, why, with each problem
 * linked to its cell and the hand-edited files listed.
 */
import * as React from 'react';

import type { ErrorBody, ExportResponse } from './api';
import type { IExportOutcome } from './exportSession';

type Problem = NonNullable<ErrorBody['problems']>[number];
type Tests = NonNullable<ExportResponse['tests']>;

/** What the ruff rules that notebook code often breaks mean (others show as their code). */
const RULE_NAMES: Record<string, string> = {
  B007: 'unused loop variable',
  B008: 'call in a default argument',
  E402: 'import not at the top',
  E501: 'line too long',
  E711: 'comparison to None',
  E712: 'comparison to True/False',
  E731: 'lambda assigned to a name',
  E741: 'ambiguous variable name',
  F401: 'unused import',
  F811: 'redefined name',
  F841: 'unused local variable'
};

function ruleText(code: string): string {
  const name = RULE_NAMES[code];
  return name ? `${code} (${name})` : code;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Hidden files (the manifests of file hashes): bookkeeping, not for reading. */
function isHidden(file: string): boolean {
  return file.split('/').some(part => part.startsWith('.'));
}

export interface IExportResultProps {
  outcome: IExportOutcome;
  /** Open a file (a path relative to the Jupyter root). */
  onOpenFile: (path: string) => void;
  onGoToCell: (cellId: string, line: number | null) => void;
  /** The 1-based position of a cell in the notebook, or null when it is not there. */
  cellNumber: (cellId: string) => number | null;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function joinPath(folder: string, file: string): string {
  return folder && folder !== '.' ? `${folder}/${file}` : file;
}

function ProblemList(props: {
  problems: readonly Problem[];
  goToCell: IExportResultProps['onGoToCell'];
  cellNumber: IExportResultProps['cellNumber'];
}): JSX.Element {
  return (
    <ul className="nbbridge-ExportProblems">
      {props.problems.map((problem, i) => {
        const cellId = problem.cell_id ?? null;
        const number = cellId === null ? null : props.cellNumber(cellId);
        const line = problem.line ?? null;
        const where = [number === null ? null : `cell ${number}`, line ? `line ${line}` : null]
          .filter(Boolean)
          .join(', ');
        return (
          <li
            key={`${problem.code}-${cellId ?? ''}-${i}`}
            className={`nbbridge-ExportProblem nbbridge-mod-${problem.severity}`}
            data-nbbridge-export-problem={problem.code}
          >
            <span className="nbbridge-ExportProblem-message">{problem.message}</span>
            <span className="nbbridge-ExportProblem-meta">
              <code>{problem.code}</code>
              {where && <span>{where}</span>}
              {cellId !== null && number !== null && (
                <button
                  className="nbbridge-ExportLink"
                  data-nbbridge-goto={cellId}
                  title="Close this dialog and go to the cell"
                  onClick={() => props.goToCell(cellId, line)}
                >
                  Go to cell
                </button>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Files grouped by folder: `src/pkg/` then its file names, so long package names stay readable. */
function FileList(props: {
  folder: string;
  files: readonly string[];
  onOpenFile: (path: string) => void;
  attribute: string;
}): JSX.Element {
  const groups = new Map<string, string[]>();
  for (const file of props.files) {
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash + 1);
    groups.set(dir, [...(groups.get(dir) ?? []), file]);
  }
  return (
    <ul className="nbbridge-ExportFiles">
      {[...groups.entries()].map(([dir, files]) => (
        <li key={dir} className="nbbridge-ExportFiles-group">
          {dir && <span className="nbbridge-ExportFiles-dir">{dir}</span>}
          {files.map(file => (
            <button
              key={file}
              className="nbbridge-ExportLink nbbridge-ExportFile"
              {...{ [props.attribute]: file }}
              title={`Open ${joinPath(props.folder, file)}`}
              onClick={() => props.onOpenFile(joinPath(props.folder, file))}
            >
              {file.slice(dir.length)}
            </button>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** pytest's last lines, scrolled to the end, where the failures are summed up. */
function OutputTail(props: { text: string }): JSX.Element {
  const ref = React.useRef<HTMLPreElement>(null);
  React.useEffect(() => {
    if (ref.current) {
      ref.current.scrollTop = ref.current.scrollHeight;
    }
  }, [props.text]);
  return (
    <pre ref={ref} className="nbbridge-ExportTests-output">
      {props.text}
    </pre>
  );
}

function TestResult(props: { tests: Tests | null | undefined }): JSX.Element {
  const { tests } = props;
  if (!tests) {
    return (
      <div
        className="nbbridge-ExportTests nbbridge-mod-skipped"
        data-nbbridge-export-tests="not-run"
      >
        Tests not run (tick “Run the generated tests” to run them).
      </div>
    );
  }
  const parts = [`${tests.passed} passed`];
  if (tests.failed) {
    parts.push(`${tests.failed} failed`);
  }
  if (tests.errors) {
    parts.push(plural(tests.errors, 'error'));
  }
  if (tests.skipped) {
    parts.push(`${tests.skipped} skipped`);
  }
  const state = tests.ok ? 'passed' : 'failed';
  return (
    <div
      className={`nbbridge-ExportTests nbbridge-mod-${state}`}
      data-nbbridge-export-tests={state}
    >
      <div className="nbbridge-ExportTests-summary">
        <span className="nbbridge-ExportTests-mark" aria-hidden="true">
          {tests.ok ? '✓' : '✗'}
        </span>
        Generated tests: {parts.join(', ')}
      </div>
      {!tests.ok && tests.output && <OutputTail text={tests.output} />}
    </div>
  );
}

function Section(props: { title: string; children: React.ReactNode; name: string }): JSX.Element {
  return (
    <section className="nbbridge-ExportSection" data-nbbridge-export-section={props.name}>
      <h4 className="nbbridge-ExportSection-title">{props.title}</h4>
      {props.children}
    </section>
  );
}

function Written(props: IExportResultProps & { response: ExportResponse }): JSX.Element {
  const { response } = props;
  const breaks = Object.entries(response.verbatim_rule_breaks);
  const codes = [...new Set(breaks.flatMap(([, rules]) => rules))].sort();
  const shown = response.files.filter(file => !isHidden(file));
  const hidden = response.files.filter(isHidden);
  return (
    <>
      <TestResult tests={response.tests} />
      <div className="nbbridge-ExportGolden">
        {response.golden
          ? 'Golden tests recorded by running the notebook: each step is checked against its outputs.'
          : 'No golden tests: tick “Execute the notebook” to check each step against the notebook’s outputs.'}
      </div>
      <Section title="Lint" name="lint">
        <div className="nbbridge-ExportLint">black-formatted, ruff-clean</div>
        {codes.length > 0 && (
          <div
            className="nbbridge-ExportLint-relaxed"
            title={breaks.map(([file, rules]) => `${file}: ${rules.join(', ')}`).join('\n')}
          >
            Notebook code keeps these rules relaxed: {codes.map(ruleText).join(', ')}, in{' '}
            {breaks.map(([file]) => fileName(file)).join(', ')}.
          </div>
        )}
      </Section>
      {response.warnings.length > 0 && (
        <Section title={`Warnings (${response.warnings.length})`} name="warnings">
          <ProblemList
            problems={response.warnings}
            goToCell={props.onGoToCell}
            cellNumber={props.cellNumber}
          />
        </Section>
      )}
      {response.unresolved_imports.length > 0 && (
        <Section title="Unresolved imports" name="unresolved">
          <div className="nbbridge-ExportUnresolved">
            <code>{response.unresolved_imports.join(', ')}</code>: no installed distribution
            provides them; add theirs to pyproject.toml by hand.
          </div>
        </Section>
      )}
      <Section title={`Files written (${shown.length})`} name="files">
        <FileList
          folder={response.directory}
          files={shown}
          onOpenFile={props.onOpenFile}
          attribute="data-nbbridge-export-file"
        />
        {hidden.length > 0 && (
          <div className="nbbridge-ExportField-hint">
            and {hidden.join(', ')}: the file hashes that let a re-export spot hand edits.
          </div>
        )}
      </Section>
    </>
  );
}

function Refused(props: IExportResultProps & { error: ErrorBody }): JSX.Element {
  const { error, outcome } = props;
  const problems = error.problems ?? [];
  const edited = error.files ?? [];
  const soleCell = problems.length === 0 && error.cell_id ? error.cell_id : null;
  return (
    <>
      {edited.length > 0 ? (
        <>
          <div className="nbbridge-ExportMessage">
            {edited.length === 1 ? 'A file' : `${edited.length} files`} in{' '}
            <code>{outcome.request.output_dir}/</code> changed by hand since the last export, so
            nothing was written:
          </div>
          <FileList
            folder={outcome.request.output_dir}
            files={edited}
            onOpenFile={props.onOpenFile}
            attribute="data-nbbridge-export-edited"
          />
          <div className="nbbridge-ExportHint">
            Tick “Overwrite hand-edited files” and export again to replace them.
          </div>
        </>
      ) : problems.length > 0 ? (
        // The server's message repeats the problems below, naming cells by id: say it shorter.
        <div className="nbbridge-ExportMessage">
          The analysis found {plural(problems.length, 'problem')} that{' '}
          {problems.length === 1 ? 'stops' : 'stop'} the export. Fix{' '}
          {problems.length === 1 ? 'it' : 'them'} in the notebook and export again.
        </div>
      ) : (
        <div className="nbbridge-ExportMessage">{error.message}</div>
      )}
      {problems.length > 0 && (
        <ProblemList
          problems={problems}
          goToCell={props.onGoToCell}
          cellNumber={props.cellNumber}
        />
      )}
      {soleCell !== null && props.cellNumber(soleCell) !== null && (
        <button
          className="nbbridge-ExportLink"
          data-nbbridge-goto={soleCell}
          onClick={() => props.onGoToCell(soleCell, null)}
        >
          Go to cell {props.cellNumber(soleCell)}
        </button>
      )}
    </>
  );
}

function headline(outcome: IExportOutcome): string {
  const seconds = `${outcome.seconds.toFixed(1)} s`;
  switch (outcome.kind) {
    case 'refused':
      return 'Not exported';
    case 'failed':
      return outcome.response
        ? `Exported in ${seconds}, but the generated tests fail`
        : 'Export failed';
    default:
      return `Exported in ${seconds}`;
  }
}

/** The whole result block. */
export function ExportResult(props: IExportResultProps): JSX.Element {
  const { outcome } = props;
  return (
    <div
      className={`nbbridge-ExportResult nbbridge-mod-${outcome.kind}`}
      data-nbbridge-export-result={outcome.kind}
      role="status"
    >
      <h3 className="nbbridge-ExportResult-title">{headline(outcome)}</h3>
      {outcome.response && (
        <div className="nbbridge-ExportResult-where">
          Package <code>{outcome.response.package}</code> in{' '}
          <code>{outcome.response.directory || outcome.request.output_dir}/</code>
          {outcome.response.target !== 'package' && <> (target: {outcome.response.target})</>}
        </div>
      )}
      {outcome.response && <Written {...props} response={outcome.response} />}
      {outcome.error && <Refused {...props} error={outcome.error} />}
      {outcome.failure && <pre className="nbbridge-ExportFailure">{outcome.failure}</pre>}
    </div>
  );
}
