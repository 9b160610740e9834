/**
 * The pipeline DAG as SVG: one box per step, arrows labelled with the names that flow.
 *
 * `DagGraphics` draws a layout (edges, then nodes); `DagView` is the static drawing the inline
 * `application/vnd.nbbridge.pipeline+json` output uses. The Pipeline panel and the main-area
 * graph draw the same graphics inside a pan-and-zoom viewport (`pipeline/dagCanvas.tsx`).
 */
import * as React from 'react';

import type { Pipeline } from './api';
import { stepColorStyle } from './colors';
import {
  edgePath,
  IDagLayout,
  ILaidOutNode,
  layoutPipeline,
  LABEL_FONT_SIZE,
  NODE_FONT_SIZE,
  NODE_LINE_HEIGHT
} from './dagLayout';

export interface IDagViewProps {
  pipeline: Pipeline;
  /** The highlighted step, if any. */
  selected?: string | null;
  /** Called with a step's name when its node is clicked (nodes are inert without it). */
  onSelect?: (name: string) => void;
}

let markerIds = 0;
const MIN_SCALE = 0.75;

/** A document-wide unique id for one DAG's arrow marker. */
export function useMarkerId(): string {
  return React.useMemo(() => `nbbridge-dag-arrow-${++markerIds}`, []);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function NodeText(props: { node: ILaidOutNode }): JSX.Element {
  const { node } = props;
  const top = node.height / 2 - ((node.lines.length - 1) * NODE_LINE_HEIGHT) / 2;
  return (
    <text
      x={node.width / 2}
      y={top}
      fontSize={NODE_FONT_SIZE}
      textAnchor="middle"
      dominantBaseline="central"
    >
      {node.lines.map((line, i) => (
        <tspan key={i} x={node.width / 2} y={top + i * NODE_LINE_HEIGHT}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

export interface IDagGraphicsProps {
  layout: IDagLayout;
  markerId: string;
  selected?: string | null;
  onSelect?: (name: string) => void;
}

/** The marker, edges and nodes of a laid-out DAG (inside an `<svg>` the caller sizes). */
export function DagGraphics(props: IDagGraphicsProps): JSX.Element {
  const { layout, markerId, selected = null, onSelect } = props;
  return (
    <>
      <defs>
        <marker
          id={markerId}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path className="nbbridge-Dag-arrowhead" d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      {layout.edges.map(edge => (
        <g
          key={`${edge.source}->${edge.target}`}
          className={`nbbridge-DagEdge${edge.dashed ? ' nbbridge-mod-dashed' : ''}`}
          data-nbbridge-edge={`${edge.source}->${edge.target}`}
        >
          <title>
            {edge.dashed
              ? `${edge.target} runs after ${edge.source} (after: tag, no data)`
              : `${edge.source} → ${edge.target}: ${edge.names.join(', ')}`}
          </title>
          <path d={edgePath(edge.points)} markerEnd={`url(#${markerId})`} />
          {edge.labelBox && (
            <g className="nbbridge-DagEdge-label">
              <rect
                x={edge.labelBox.x}
                y={edge.labelBox.y}
                width={edge.labelBox.width}
                height={edge.labelBox.height}
                rx={3}
              />
              <text
                x={edge.labelBox.x + edge.labelBox.width / 2}
                y={edge.labelBox.y + edge.labelBox.height / 2}
                fontSize={LABEL_FONT_SIZE}
                textAnchor="middle"
                dominantBaseline="central"
              >
                {edge.label}
              </text>
            </g>
          )}
        </g>
      ))}
      {layout.nodes.map(node => {
        const classes = ['nbbridge-DagNode'];
        if (node.name === selected) {
          classes.push('nbbridge-mod-selected');
        }
        if (node.hasError) {
          classes.push('nbbridge-mod-error');
        }
        if (onSelect) {
          classes.push('nbbridge-mod-clickable');
        }
        return (
          <g
            key={node.name}
            className={classes.join(' ')}
            data-nbbridge-node={node.name}
            data-nbbridge-dag-node={node.name}
            transform={`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}
            style={stepColorStyle(node.name) as React.CSSProperties}
            role={onSelect ? 'button' : undefined}
            tabIndex={onSelect ? 0 : undefined}
            onClick={onSelect ? () => onSelect(node.name) : undefined}
            onKeyDown={
              onSelect
                ? event => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onSelect(node.name);
                    }
                  }
                : undefined
            }
          >
            <title>
              {`${node.name}: ${plural(node.cellCount, 'cell')}` +
                (node.hasError ? ' (has errors)' : '') +
                (onSelect ? ' — click to select its cells' : '')}
            </title>
            <rect width={node.width} height={node.height} rx={6} />
            <NodeText node={node} />
            {node.hasError && (
              <circle className="nbbridge-DagNode-errorDot" cx={node.width - 3} cy={3} r={4} />
            )}
          </g>
        );
      })}
    </>
  );
}

/** The DAG of a pipeline as a static drawing, laid out once per pipeline object. */
export function DagView(props: IDagViewProps): JSX.Element {
  const { pipeline, selected = null, onSelect } = props;
  const layout: IDagLayout = React.useMemo(() => layoutPipeline(pipeline), [pipeline]);
  const markerId = useMarkerId();

  if (layout.nodes.length === 0) {
    return <div className="nbbridge-Dag nbbridge-mod-empty">No steps yet.</div>;
  }
  return (
    <div className="nbbridge-Dag">
      <svg
        className="nbbridge-Dag-svg"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        // Shrink to fit a narrow output, but not past legibility: then scroll sideways.
        style={{ minWidth: Math.min(layout.width, Math.round(layout.width * MIN_SCALE)) }}
        role="img"
        aria-label={`Pipeline: ${plural(layout.nodes.length, 'step')}`}
      >
        <DagGraphics layout={layout} markerId={markerId} selected={selected} onSelect={onSelect} />
      </svg>
    </div>
  );
}
