/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * A %%track cell's id
 */
export type Cell = string | null;
export type MaxResults = number;
export type Order = "asc" | "desc";
export type PageToken = string | null;
/**
 * Notebook path relative to the server root
 */
export type Path = string;
/**
 * Text in NAME=VALUE
 */
export type Search = string | null;
/**
 * start_time, end_time, status, run_name, metrics.NAME or params.NAME
 */
export type Sort = string;
export type Status = ("RUNNING" | "FINISHED" | "FAILED" | "KILLED") | null;
/**
 * A step (or cell) name
 */
export type Step = string | null;

/**
 * ``POST /nbbridge/runs``: a page of a notebook's runs.
 */
export interface RunsRequest {
  cell?: Cell;
  max_results?: MaxResults;
  order?: Order;
  page_token?: PageToken;
  path: Path;
  search?: Search;
  sort?: Sort;
  status?: Status;
  step?: Step;
}
