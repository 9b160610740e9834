/**
 * Lays a pipeline out as a DAG with dagre: boxes for steps, labelled edges for the data.
 *
 * Node names break after underscores so boxes stay narrow: a fan-out of five models side by
 * side then fits a sidebar at a readable scale. The direction (TB or LR) is the caller's.
 *
 * Pure geometry; `dagView.tsx` draws it. The panel and the inline output share both.
 */
import * as dagre from '@dagrejs/dagre';

import type { Pipeline } from './api';
import { stepColor } from './colors';

export interface IPoint {
  x: number;
  y: number;
}

export interface ILaidOutNode {
  name: string;
  /** The name as drawn: broken after underscores into lines that keep the box narrow. */
  lines: string[];
  /** Centre of the box. */
  x: number;
  y: number;
  width: number;
  height: number;
  color: string;
  cellCount: number;
  /** Whether an error problem sits in one of the step's cells. */
  hasError: boolean;
}

export interface ILaidOutEdge {
  source: string;
  target: string;
  names: string[];
  /** The text drawn on the edge (long name lists are shortened; `names` has them all). */
  label: string;
  /** An `after:`-only edge: ordering without data. */
  dashed: boolean;
  points: IPoint[];
  labelBox: { x: number; y: number; width: number; height: number } | null;
}

export interface IDagLayout {
  width: number;
  height: number;
  /** Top to bottom (TB) or left to right (LR). */
  direction: RankDirection;
  nodes: ILaidOutNode[];
  edges: ILaidOutEdge[];
}

/** How wide a piece of text is in pixels at a font size, in the UI or the code font. */
export type MeasureText = (text: string, fontSize: number, code: boolean) => number;

export type RankDirection = 'TB' | 'LR';

export interface ILayoutOptions {
  direction?: RankDirection;
  /** Draw the names on the edges (the main-area graph); the panel leaves them to tooltips. */
  edgeLabels?: boolean;
  /** Longest line of a node's name (narrower boxes for the sidebar). */
  lineChars?: number;
  /** Tighter boxes and spacing: the sidebar, where every pixel of width shows as scale. */
  compact?: boolean;
}

export const NODE_FONT_SIZE = 12;
export const NODE_LINE_HEIGHT = 15;
export const LABEL_FONT_SIZE = 10;
/** Longest line of a node's name before it breaks after an underscore. */
export const NODE_LINE_CHARS = 14;
const MAX_NODE_LINES = 4;
const NODE_PAD_Y = 6;
const NODE_PAD_X = 10;
const LABEL_PAD_X = 4;
const LABEL_HEIGHT = 14;
const MAX_LABEL_NAMES = 3;
const MARGIN = 8;

let canvas: HTMLCanvasElement | null = null;

/**
 * A text measurer in JupyterLab's fonts (as the DAG's CSS draws them), from a canvas; a
 * per-character estimate without one. The font families are read once per measurer.
 */
export function uiTextMeasurer(): MeasureText {
  canvas = canvas ?? (typeof document !== 'undefined' ? document.createElement('canvas') : null);
  const context = canvas?.getContext('2d');
  if (!context) {
    return (text, fontSize, code) => text.length * fontSize * (code ? 0.62 : 0.58);
  }
  const style = getComputedStyle(document.body);
  const ui = style.getPropertyValue('--jp-ui-font-family').trim() || 'sans-serif';
  const mono = style.getPropertyValue('--jp-code-font-family').trim() || 'monospace';
  return (text, fontSize, code) => {
    context.font = `${code ? '' : '600 '}${fontSize}px ${code ? mono : ui}`;
    return context.measureText(text).width;
  };
}

/** The label of an edge: its names, the first few then "+N". */
export function edgeLabel(names: readonly string[]): string {
  if (names.length <= MAX_LABEL_NAMES) {
    return names.join(', ');
  }
  const shown = names.slice(0, MAX_LABEL_NAMES - 1).join(', ');
  return `${shown}, +${names.length - (MAX_LABEL_NAMES - 1)}`;
}

/**
 * A step name in lines of at most `max` characters, broken after underscores (a part longer
 * than a line is cut inside); more than four lines end in an ellipsis (the tooltip has it all).
 */
export function nodeLines(name: string, max: number = NODE_LINE_CHARS): string[] {
  const parts = name.match(/[^_]*_+|[^_]+$/g) ?? [name];
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line && line.length + part.length > max) {
      lines.push(line);
      line = '';
    }
    line += part;
    // A word a little longer than a line stays whole; a long one is cut into even pieces.
    const hard = Math.max(max + 1, 16);
    if (line.length > hard) {
      const pieces = Math.ceil(line.length / hard);
      const size = Math.ceil(line.length / pieces);
      while (line.length > size) {
        lines.push(line.slice(0, size));
        line = line.slice(size);
      }
    }
  }
  if (line) {
    lines.push(line);
  }
  if (lines.length > MAX_NODE_LINES) {
    const kept = lines.slice(0, MAX_NODE_LINES);
    kept[MAX_NODE_LINES - 1] = `${kept[MAX_NODE_LINES - 1].slice(0, max - 1)}…`;
    return kept;
  }
  return lines.length ? lines : [name];
}

// Spacing per direction: ranks close enough that a long chain stays compact, siblings of a
// fan-out apart enough to tell them from each other.
const SPACING: Record<RankDirection, { nodesep: number; ranksep: number; edgesep: number }> = {
  TB: { nodesep: 12, ranksep: 22, edgesep: 8 },
  LR: { nodesep: 10, ranksep: 30, edgesep: 8 }
};

/**
 * Lay the steps and edges of a pipeline out, top to bottom unless told otherwise.
 *
 * Steps follow `order` (then any the order misses); edges naming an unknown step are dropped.
 */
export function layoutPipeline(
  pipeline: Pipeline,
  options: ILayoutOptions = {},
  measure: MeasureText = uiTextMeasurer()
): IDagLayout {
  const direction = options.direction ?? 'TB';
  const edgeLabels = options.edgeLabels ?? true;
  const spacing = SPACING[direction];
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: direction,
    nodesep: options.compact ? Math.round(spacing.nodesep * 0.7) : spacing.nodesep,
    ranksep: edgeLabels ? spacing.ranksep + 12 : spacing.ranksep,
    edgesep: spacing.edgesep,
    marginx: MARGIN,
    marginy: MARGIN
  });
  graph.setDefaultEdgeLabel(() => ({}));

  const byName = new Map(pipeline.steps.map(step => [step.name, step]));
  const names = [...pipeline.order.filter(name => byName.has(name))];
  for (const step of pipeline.steps) {
    if (!names.includes(step.name)) {
      names.push(step.name);
    }
  }
  const errorCells = new Set(
    pipeline.problems.filter(p => p.severity === 'error' && p.cell_id).map(p => p.cell_id)
  );

  const chars = options.lineChars ?? NODE_LINE_CHARS;
  const linesOf = new Map(names.map(name => [name, nodeLines(name, chars)]));
  for (const name of names) {
    const lines = linesOf.get(name) ?? [name];
    const widest = Math.max(...lines.map(line => measure(line, NODE_FONT_SIZE, false)));
    graph.setNode(name, {
      width: Math.max(Math.ceil(widest) + 2 * (options.compact ? NODE_PAD_X / 2 : NODE_PAD_X), 40),
      height: lines.length * NODE_LINE_HEIGHT + 2 * NODE_PAD_Y
    });
  }
  const edges = pipeline.edges.filter(
    edge => byName.has(edge.source) && byName.has(edge.target) && edge.source !== edge.target
  );
  for (const edge of edges) {
    const label = edgeLabels ? edgeLabel(edge.names) : '';
    graph.setEdge(edge.source, edge.target, {
      width: label ? Math.ceil(measure(label, LABEL_FONT_SIZE, true)) + 2 * LABEL_PAD_X : 0,
      height: label ? LABEL_HEIGHT : 0,
      labelpos: 'c'
    });
  }
  dagre.layout(graph);

  const nodes: ILaidOutNode[] = names.map(name => {
    const laid = graph.node(name);
    const step = byName.get(name);
    return {
      name,
      lines: linesOf.get(name) ?? [name],
      x: laid.x,
      y: laid.y,
      width: laid.width,
      height: laid.height,
      color: stepColor(name),
      cellCount: step?.cell_ids.length ?? 0,
      hasError: step?.cell_ids.some(id => errorCells.has(id)) ?? false
    };
  });
  const laidEdges: ILaidOutEdge[] = edges.map(edge => {
    const laid = graph.edge(edge.source, edge.target);
    const label = edgeLabels ? edgeLabel(edge.names) : '';
    const labelBox =
      label && laid.x !== undefined && laid.y !== undefined
        ? {
            x: laid.x - laid.width / 2,
            y: laid.y - laid.height / 2,
            width: laid.width,
            height: laid.height
          }
        : null;
    return {
      source: edge.source,
      target: edge.target,
      names: edge.names,
      label,
      dashed: edge.names.length === 0,
      points: laid.points.map(p => ({ x: p.x, y: p.y })),
      labelBox
    };
  });
  const size = graph.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    direction,
    nodes,
    edges: laidEdges
  };
}

/** An SVG path through the points, rounded at the bends. */
export function edgePath(points: readonly IPoint[]): string {
  if (points.length === 0) {
    return '';
  }
  const [first, ...rest] = points;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i];
    const next = rest[i + 1];
    d += ` Q${p.x},${p.y} ${(p.x + next.x) / 2},${(p.y + next.y) / 2}`;
  }
  const last = rest[rest.length - 1];
  if (last) {
    d += ` L${last.x},${last.y}`;
  }
  return d;
}
