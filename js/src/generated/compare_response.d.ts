/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * The run the code diffs start from (the first given)
 */
export type CodeBase = string;
export type Changed = boolean;
/**
 * Unified diff, empty when the code is the same
 */
export type Diff = string;
/**
 * The one run that has the step
 */
export type OnlyIn = string | null;
export type Step = string;
export type CodeDiffs = StepDiff[];
/**
 * The run they go to (the second given)
 */
export type CodeOther = string;
export type Differs = boolean;
export type Key = string;
export type Values = (string | number | null)[];
export type DataVersions = CompareRow[];
/**
 * base64 of the file
 */
export type Data = string;
export type Mime = string;
export type Path = string;
export type Metrics = CompareRow[];
export type Params = CompareRow[];
/**
 * The %%track cell, if one made it
 */
export type CellId = string | null;
/**
 * null while it runs
 */
export type DurationMs = number | null;
export type EndMs = number | null;
export type Name = string;
export type RunId = string;
/**
 * cli, cell, job, magic or other
 */
export type Source = string;
export type StartMs = number;
export type Status = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";
/**
 * Step names of a pipeline run
 */
export type Steps = string[];
export type Runs = RunSummary[];

export interface CompareResponse {
  code_base: CodeBase;
  code_diffs: CodeDiffs;
  code_other: CodeOther;
  data_versions: DataVersions;
  figures: Figures;
  metrics: Metrics;
  params: Params;
  runs: Runs;
}
/**
 * A step's code in two runs, from their ``steps/<name>.py`` artifacts.
 */
export interface StepDiff {
  changed: Changed;
  diff: Diff;
  only_in?: OnlyIn;
  step: Step;
}
/**
 * One param, metric or data file across the compared runs (null: the run has none).
 */
export interface CompareRow {
  differs: Differs;
  key: Key;
  values: Values;
}
/**
 * Run id → its figures
 */
export interface Figures {
  [k: string]: Figure[];
}
/**
 * An image artifact, inline (data URL), for the detail and compare views.
 */
export interface Figure {
  data: Data;
  mime: Mime;
  path: Path;
}
/**
 * One row of the runs list.
 */
export interface RunSummary {
  cell_id?: CellId;
  duration_ms?: DurationMs;
  end_ms?: EndMs;
  metrics?: Metrics1;
  name: Name;
  params?: Params1;
  run_id: RunId;
  source: Source;
  start_ms: StartMs;
  status: Status;
  steps?: Steps;
}
/**
 * Latest value of each
 */
export interface Metrics1 {
  [k: string]: number;
}
export interface Params1 {
  [k: string]: string;
}
