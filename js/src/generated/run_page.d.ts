/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * The notebook's path in its project (the experiment)
 */
export type Experiment = string;
/**
 * Metric names of this page's runs, sorted
 */
export type MetricKeys = string[];
/**
 * The MLflow UI's experiment page, when http(s)
 */
export type MlflowUrl = string | null;
/**
 * Give it back for the next page; null: end
 */
export type NextPageToken = string | null;
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
/**
 * The store, with any password taken out
 */
export type TrackingUri = string;

/**
 * A page of a notebook's runs, newest first unless sorted otherwise.
 */
export interface RunPage {
  experiment: Experiment;
  metric_keys: MetricKeys;
  mlflow_url: MlflowUrl;
  next_page_token: NextPageToken;
  runs: Runs;
  tracking_uri: TrackingUri;
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
