/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * Unsaved notebook JSON
 */
export type Notebook = {
  [k: string]: unknown;
} | null;
/**
 * Notebook path relative to the server root
 */
export type Path = string | null;

/**
 * Analyse a saved notebook (``path``, relative to the server root) or unsaved content.
 */
export interface PipelineRequest {
  notebook?: Notebook;
  path?: Path;
}
