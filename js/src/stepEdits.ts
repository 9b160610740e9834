/**
 * Step edits on a live notebook model: start, rename, join and clear a step.
 *
 * Every edit goes through the cell model's metadata API inside one notebook transaction, so it
 * is saved with the notebook, seen by collaborators, and undone in one step by the notebook's
 * undo (`z` in command mode).
 */
import { ICellModel } from '@jupyterlab/cells';
import { INotebookModel } from '@jupyterlab/notebook';

import {
  cellStepInfos,
  ICellLike,
  ICellStepInfo,
  stepNameError,
  stepTagOf,
  withAfterRenamed,
  withStep
} from './tags';

/** The string tags of a cell (an absent or malformed `tags` entry reads as none). */
export function readTags(cell: ICellModel): string[] {
  const tags = cell.getMetadata('tags');
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

function writeTags(cell: ICellModel, tags: string[]): void {
  const before = readTags(cell);
  if (before.length === tags.length && before.every((tag, i) => tag === tags[i])) {
    return;
  }
  if (tags.length === 0) {
    cell.deleteMetadata('tags');
  } else {
    cell.setMetadata('tags', tags);
  }
}

// One notebook transaction: the notebook's undo manager records the edit as a single step.
function transact(model: INotebookModel, edit: () => void): void {
  model.sharedModel.transact(edit);
}

/** The cells of a notebook model as the pure tag functions see them. */
export function cellLikes(model: INotebookModel): ICellLike[] {
  const cells: ICellLike[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    // Only the first line matters for `%%step`; avoid copying long sources.
    const source = cell.type === 'code' ? cell.sharedModel.getSource().slice(0, 200) : '';
    cells.push({ type: cell.type, tags: readTags(cell), source });
  }
  return cells;
}

/** The step of every cell of the model from its tags (null for non-code cells). */
export function modelStepInfos(model: INotebookModel): (ICellStepInfo | null)[] {
  return cellStepInfos(cellLikes(model));
}

/** The step the cell at `index` would continue if it had no tag of its own. */
export function stepAbove(model: INotebookModel, index: number): string | null {
  const infos = modelStepInfos(model);
  for (let i = index - 1; i >= 0; i--) {
    const info = infos[i];
    if (info && info.role === null) {
      return info.step;
    }
  }
  return null;
}

/**
 * Make the cell at `index` start step `name` (renaming the step when it already starts one).
 *
 * A rename also rewrites the `after:` tags that pointed at the old name.
 */
export function startStep(model: INotebookModel, index: number, name: string): void {
  const error = stepNameError(name);
  if (error !== null) {
    throw new Error(error);
  }
  const cell = model.cells.get(index);
  const previous = stepTagOf(readTags(cell));
  transact(model, () => {
    writeTags(cell, withStep(readTags(cell), name));
    if (previous !== null && previous !== name) {
      for (let i = 0; i < model.cells.length; i++) {
        const other = model.cells.get(i);
        writeTags(other, withAfterRenamed(readTags(other), previous, name));
      }
    }
  });
}

/** A tag to add to a cell (what Apply of a suggestion writes): `step:NAME` or a role. */
export interface ITagToAdd {
  cellId: string;
  tag: string;
}

/**
 * Add tags to cells, all in one transaction (one undo step): `step:NAME` starts a step there
 * (through `withStep`), any other tag is appended. Cells no longer in the model, a step tag on
 * a cell that starts a step already, and invalid step names are skipped. Returns the tags added.
 */
export function addTags(model: INotebookModel, additions: readonly ITagToAdd[]): number {
  const byId = new Map<string, ICellModel>();
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    byId.set(cell.id, cell);
  }
  const edits: [ICellModel, string][] = [];
  for (const { cellId, tag } of additions) {
    const cell = byId.get(cellId);
    if (!cell || cell.type !== 'code') {
      continue;
    }
    if (canAdd(readTags(cell), tag)) {
      edits.push([cell, tag]);
    }
  }
  if (edits.length > 0) {
    transact(model, () => {
      for (const [cell, tag] of edits) {
        const tags = readTags(cell);
        const step = stepTagOf([tag]);
        writeTags(cell, step !== null ? withStep(tags, step) : [...tags, tag]);
      }
    });
  }
  return edits.length;
}

function canAdd(tags: readonly string[], tag: string): boolean {
  const step = stepTagOf([tag]);
  if (step === null) {
    return !tags.includes(tag);
  }
  return stepNameError(step) === null && stepTagOf(tags) === null;
}

/** Remove the cell's own step tag: it then continues the step above it. */
export function clearStep(model: INotebookModel, index: number): void {
  const cell = model.cells.get(index);
  transact(model, () => writeTags(cell, withStep(readTags(cell), null)));
}

/**
 * Why the cell at `index` cannot join step `name`, or null when it can.
 *
 * Steps are contiguous runs of cells, so a cell joins the step just above it (by dropping its
 * own tag) or the step starting just below it (whose start moves up to this cell).
 */
export function joinError(model: INotebookModel, index: number, name: string): string | null {
  const infos = modelStepInfos(model);
  const own = infos[index];
  if (!own) {
    return 'Only code cells belong to steps.';
  }
  if (own.starts && own.step === name) {
    return null;
  }
  if (stepAbove(model, index) === name) {
    return null;
  }
  const start = nextStepStart(infos, index);
  if (start !== null && infos[start]?.step === name) {
    return infos[start]?.fromMagic
      ? `Step "${name}" is set by a %%step line in its first cell; edit that line instead.`
      : null;
  }
  return `Step "${name}" is not next to this cell: move the cell beside it first.`;
}

/** Put the cell at `index` into step `name` (see `joinError` for when that is possible). */
export function joinStep(model: INotebookModel, index: number, name: string): void {
  const reason = joinError(model, index, name);
  if (reason !== null) {
    throw new Error(reason);
  }
  const infos = modelStepInfos(model);
  const own = infos[index];
  if (own?.starts && own.step === name) {
    return;
  }
  const cell = model.cells.get(index);
  if (stepAbove(model, index) === name) {
    transact(model, () => writeTags(cell, withStep(readTags(cell), null)));
    return;
  }
  const start = nextStepStart(infos, index);
  if (start === null) {
    return;
  }
  const startCell = model.cells.get(start);
  transact(model, () => {
    writeTags(startCell, withStep(readTags(startCell), null));
    writeTags(cell, withStep(readTags(cell), name));
  });
}

// The index of the first cell below `index` that starts a step, if only untagged code cells,
// markdown or role cells lie between.
function nextStepStart(infos: readonly (ICellStepInfo | null)[], index: number): number | null {
  for (let i = index + 1; i < infos.length; i++) {
    const info = infos[i];
    if (info?.starts) {
      return i;
    }
  }
  return null;
}
