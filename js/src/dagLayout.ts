/**
 * Lays a pipeline out as a DAG with dagre: boxes for steps, labelled edges for the data.
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
  nodes: ILaidOutNode[];
  edges: ILaidOutEdge[];
}

/** How wide a piece of text is in pixels at a font size, in the UI or the code font. */
export type MeasureText = (text: string, fontSize: number, code: boolean) => number;

export const NODE_FONT_SIZE = 12;
export const LABEL_FONT_SIZE = 10;
const NODE_HEIGHT = 30;
const NODE_PAD_X = 14;
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
 * Lay the steps and edges of a pipeline out top to bottom.
 *
 * Steps follow `order` (then any the order misses); edges naming an unknown step are dropped.
 */
export function layoutPipeline(pipeline: Pipeline, measure: MeasureText = uiTextMeasurer()): IDagLayout {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 40, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
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

  for (const name of names) {
    const width = Math.ceil(measure(name, NODE_FONT_SIZE, false)) + 2 * NODE_PAD_X;
    graph.setNode(name, { width: Math.max(width, 56), height: NODE_HEIGHT });
  }
  const edges = pipeline.edges.filter(
    edge => byName.has(edge.source) && byName.has(edge.target) && edge.source !== edge.target
  );
  for (const edge of edges) {
    const label = edgeLabel(edge.names);
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
    const label = edgeLabel(edge.names);
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
