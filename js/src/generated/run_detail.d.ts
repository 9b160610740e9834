/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

export type IsDir = boolean;
export type Path = string;
export type Size = number | null;
export type Artifacts = ArtifactInfo[];
/**
 * base64 of the file
 */
export type Data = string;
export type Mime = string;
export type Path1 = string;
export type Figures = Figure[];
/**
 * The run's page in the MLflow UI, when http(s)
 */
export type MlflowUrl = string | null;
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
export type CacheHit = boolean | null;
export type Cells = string[];
export type CodeSha256 = string | null;
export type DurationS = number | null;
export type Name1 = string;
export type Steps1 = StepInfo[];

export interface RunDetail {
  artifacts: Artifacts;
  data_versions: DataVersions;
  figures: Figures;
  mlflow_url: MlflowUrl;
  run: RunSummary;
  steps: Steps1;
  tags: Tags;
}
export interface ArtifactInfo {
  is_dir: IsDir;
  path: Path;
  size?: Size;
}
/**
 * Data file (relative path) → digest
 */
export interface DataVersions {
  [k: string]: string;
}
/**
 * An image artifact, inline (data URL), for the detail and compare views.
 */
export interface Figure {
  data: Data;
  mime: Mime;
  path: Path1;
}
/**
 * One row of the runs list.
 */
export interface RunSummary {
  cell_id?: CellId;
  duration_ms?: DurationMs;
  end_ms?: EndMs;
  metrics?: Metrics;
  name: Name;
  params?: Params;
  run_id: RunId;
  source: Source;
  start_ms: StartMs;
  status: Status;
  steps?: Steps;
}
/**
 * Latest value of each
 */
export interface Metrics {
  [k: string]: number;
}
export interface Params {
  [k: string]: string;
}
export interface StepInfo {
  cache_hit?: CacheHit;
  cells?: Cells;
  code_sha256?: CodeSha256;
  duration_s?: DurationS;
  name: Name1;
}
export interface Tags {
  [k: string]: string;
}
