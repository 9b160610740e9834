/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * Run the notebook to record golden tests
 */
export type Execute = boolean;
/**
 * Replace files edited by hand
 */
export type Force = boolean;
/**
 * Folder to write the package into, relative to the root
 */
export type OutputDir = string;
/**
 * Import name; default from the notebook
 */
export type Package = string | null;
/**
 * Notebook path relative to the server root
 */
export type Path = string;
/**
 * Run the package's tests after export
 */
export type RunTests = boolean;
/**
 * Export target: package (default), dvc
 */
export type Target = string | null;
/**
 * Seconds each run of the notebook (execute: it runs 3 times) and the test run may take before they are stopped; default: the server's NbbridgeApp.execute_timeout
 */
export type Timeout = number | null;

/**
 * ``POST /nbbridge/export``: export a saved notebook into a folder, both inside the root.
 */
export interface ExportRequest {
  execute?: Execute;
  force?: Force;
  output_dir: OutputDir;
  package?: Package;
  path: Path;
  run_tests?: RunTests;
  target?: Target;
  timeout?: Timeout;
}
