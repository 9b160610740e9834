/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * Notebook path relative to the server root
 */
export type Path = string;
export type RunId = string;

/**
 * ``POST /nbbridge/runs/get``: one run of the notebook.
 */
export interface RunRequest {
  path: Path;
  run_id: RunId;
}
