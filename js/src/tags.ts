/**
 * The tag model of nbbridge (DESIGN.md §2) as pure functions over tag lists.
 *
 * Nothing here touches JupyterLab: the cell badges, the picker and the commands all read a
 * notebook through `cellStepInfos`, and write through `stepEdits.ts`.
 */
import { LOWER_IDENTIFIER, PYTHON_KEYWORDS, SOFT_KEYWORDS } from './pythonNames';

/** A tag that starts a step: `step:NAME` (Kale's `block:NAME` is read the same way). */
export const STEP_PREFIX = 'step:';
const KALE_STEP_PREFIX = 'block:';
export const AFTER_PREFIX = 'after:';

/** Roles that take a cell out of the step flow (it neither starts nor continues a step). */
export const EXCLUSIVE_ROLES = ['parameters', 'export', 'test', 'skip'] as const;
export type ExclusiveRole = (typeof EXCLUSIVE_ROLES)[number];

// `%%step NAME [--after A,B]` on a cell's first line is the same as a `step:NAME` tag.
const STEP_MAGIC = /^%%step[ \t]+([A-Za-z_][A-Za-z0-9_]*)/;

/**
 * Why `name` is not a valid step name, or null when it is one.
 *
 * A step name is a lowercase Python identifier that is not a keyword.
 */
export function stepNameError(name: string): string | null {
  if (name === '') {
    return 'Type a step name.';
  }
  if (!LOWER_IDENTIFIER.test(name)) {
    return 'Use a lowercase Python identifier: a–z, 0–9 and _, not starting with a digit.';
  }
  // A step becomes a function: soft keywords are refused too.
  if (PYTHON_KEYWORDS.has(name) || SOFT_KEYWORDS.has(name)) {
    return `"${name}" is a Python keyword.`;
  }
  return null;
}

/** The step this tag list starts, if any. */
export function stepTagOf(tags: readonly string[]): string | null {
  for (const tag of tags) {
    if (tag.startsWith(STEP_PREFIX)) {
      return tag.slice(STEP_PREFIX.length);
    }
    if (tag.startsWith(KALE_STEP_PREFIX)) {
      return tag.slice(KALE_STEP_PREFIX.length);
    }
  }
  return null;
}

/** The exclusive role of this tag list (`skip`, `test`, ...), if any. */
export function roleOf(tags: readonly string[]): ExclusiveRole | null {
  for (const role of EXCLUSIVE_ROLES) {
    if (tags.includes(role)) {
      return role;
    }
  }
  return null;
}

/**
 * The tags with the cell's step set to `name` (or cleared when null).
 *
 * Putting a cell in a step also drops the roles that would keep it out of every step.
 */
export function withStep(tags: readonly string[], name: string | null): string[] {
  const kept = tags.filter(
    tag => !tag.startsWith(STEP_PREFIX) && !tag.startsWith(KALE_STEP_PREFIX)
  );
  if (name === null) {
    return kept;
  }
  const roles: readonly string[] = EXCLUSIVE_ROLES;
  return [`${STEP_PREFIX}${name}`, ...kept.filter(tag => !roles.includes(tag))];
}

/** The tags with every `after:OLD` turned into `after:NEW` (a step was renamed). */
export function withAfterRenamed(tags: readonly string[], from: string, to: string): string[] {
  return tags.map(tag => (tag === `${AFTER_PREFIX}${from}` ? `${AFTER_PREFIX}${to}` : tag));
}

/** What a badge needs to know about one cell, before any analysis answers. */
export interface ICellStepInfo {
  /** The step the cell belongs to: its own `step:` tag or the nearest one above it. */
  step: string | null;
  /** Whether the cell itself starts that step (a tag or a `%%step` line). */
  starts: boolean;
  /** Whether the step comes from a `%%step` line rather than a tag. */
  fromMagic: boolean;
  /** The exclusive role keeping the cell out of the step flow, if any. */
  role: ExclusiveRole | null;
}

/** The minimal view of a cell these functions need. */
export interface ICellLike {
  type: string;
  tags: readonly string[];
  source: string;
}

/**
 * The step of every cell from the tags alone (null entries for markdown and raw cells).
 *
 * Following untagged code cells continue the step above; cells with an exclusive role belong
 * to no step but do not end the one above either.
 */
export function cellStepInfos(cells: readonly ICellLike[]): (ICellStepInfo | null)[] {
  let current: string | null = null;
  return cells.map(cell => {
    if (cell.type !== 'code') {
      return null;
    }
    const role = roleOf(cell.tags);
    const tagged = stepTagOf(cell.tags);
    const magic = tagged === null ? STEP_MAGIC.exec(cell.source)?.[1] ?? null : null;
    const own = tagged ?? magic;
    if (own !== null && role === null) {
      current = own;
      return { step: own, starts: true, fromMagic: magic !== null, role: null };
    }
    if (role !== null) {
      return { step: null, starts: false, fromMagic: false, role };
    }
    return { step: current, starts: false, fromMagic: false, role: null };
  });
}

/** The distinct step names of these infos, in notebook order. */
export function stepNames(infos: readonly (ICellStepInfo | null)[]): string[] {
  const names: string[] = [];
  for (const info of infos) {
    if (info?.starts && info.step !== null && !names.includes(info.step)) {
      names.push(info.step);
    }
  }
  return names;
}
