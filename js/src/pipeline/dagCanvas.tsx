/**
 * The DAG in a viewport that fits it, pans and zooms: the Pipeline panel's graph and the
 * main-area "Pipeline graph" both use it.
 *
 * By default the whole drawing is shown, scaled to the viewport (never clipped); the wheel
 * (Ctrl+wheel in the sidebar, where the wheel scrolls the panel) zooms about the pointer, a
 * drag pans, and the buttons fit, zoom in and zoom out. After the
 * user moves the view it stays where they put it while the notebook is edited, and the
 * selected step is panned into view. The rank direction (top to bottom or left to right) is
 * the one that shows the graph larger in the space there is.
 */
import * as React from 'react';

import type { Pipeline } from '../api';
import { IDagLayout, layoutPipeline, RankDirection } from '../dagLayout';
import { DagGraphics, plural, useMarkerId } from '../dagView';
import {
  FIT_PADDING,
  fitScale,
  fitView,
  isVisible,
  IView,
  panBy,
  reveal,
  ZOOM_STEP,
  zoomAt
} from './viewTransform';

export type DagCanvasVariant = 'panel' | 'main';

export interface IDagCanvasProps {
  pipeline: Pipeline;
  selected: string | null;
  onSelect?: (name: string) => void;
  /** `panel`: as tall as the fitted drawing needs (up to a limit); `main`: fills its parent. */
  variant: DagCanvasVariant;
  /** Shows an "Open pipeline graph" button that calls it (the panel's). */
  onOpenLarge?: () => void;
}

const DRAG_THRESHOLD = 3;
const WHEEL_RATE = 0.0015;
const MIN_PANEL_HEIGHT = 90;

/** How tall the panel's viewport may grow: a long pipeline gets room, the panel stays a panel. */
function panelMaxHeight(width: number): number {
  const screen = typeof window !== 'undefined' ? window.innerHeight : 800;
  return Math.max(220, Math.round(Math.min(screen * 0.6, width * 2)));
}

interface IChosen {
  layout: IDagLayout;
  height: number;
}

/** The direction whose layout fits larger, and the viewport height for it. */
function choose(
  layouts: Record<RankDirection, IDagLayout>,
  variant: DagCanvasVariant,
  width: number,
  height: number
): IChosen {
  const box = { width, height: variant === 'panel' ? panelMaxHeight(width) : height };
  const tb = fitScale(layouts.TB, box);
  const lr = fitScale(layouts.LR, box);
  // Top to bottom reads like the notebook: it wins unless left to right is clearly larger.
  const layout = lr > tb * 1.15 ? layouts.LR : layouts.TB;
  if (variant === 'main') {
    return { layout, height };
  }
  const scale = layout === layouts.LR ? lr : tb;
  return {
    layout,
    height: Math.max(MIN_PANEL_HEIGHT, Math.ceil(layout.height * scale + 2 * FIT_PADDING))
  };
}

function useElementSize(ref: React.RefObject<HTMLElement>): { width: number; height: number } {
  const [size, setSize] = React.useState({ width: 0, height: 0 });
  React.useLayoutEffect(() => {
    const node = ref.current;
    if (!node) {
      return;
    }
    const measure = () => {
      const width = Math.floor(node.clientWidth);
      const height = Math.floor(node.clientHeight);
      setSize(old => (old.width === width && old.height === height ? old : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

const ICON_PATHS: Record<'fit' | 'in' | 'out' | 'open', string> = {
  fit: 'M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4',
  in: 'M8 3v10M3 8h10',
  out: 'M3 8h10',
  open: 'M9 2h5v5M14 2L8 8M12 10v4H2V4h4'
};

function ToolIcon(props: { kind: keyof typeof ICON_PATHS }): JSX.Element {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d={ICON_PATHS[props.kind]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The interactive DAG of a pipeline. */
export function DagCanvas(props: IDagCanvasProps): JSX.Element {
  const { pipeline, selected, onSelect, variant, onOpenLarge } = props;
  const edgeLabels = variant === 'main';
  const layouts = React.useMemo(() => {
    const lineChars = edgeLabels ? 14 : 10;
    const compact = !edgeLabels;
    return {
      TB: layoutPipeline(pipeline, { direction: 'TB', edgeLabels, lineChars, compact }),
      LR: layoutPipeline(pipeline, { direction: 'LR', edgeLabels, lineChars, compact })
    };
  }, [pipeline, edgeLabels]);
  const markerId = useMarkerId();
  const area = React.useRef<HTMLDivElement>(null);
  const svgRef = React.useRef<SVGSVGElement>(null);
  const size = useElementSize(area);
  const { layout, height } = choose(layouts, variant, size.width, size.height);
  const box = React.useMemo(() => ({ width: size.width, height }), [size.width, height]);

  // The user's view once they pan or zoom; until then (and after "fit") the fitted one, so
  // edits that change the drawing re-fit it.
  const [userView, setUserView] = React.useState<IView | null>(null);
  const fitted = React.useMemo(() => fitView(layout, box), [layout, box]);
  const view = userView ?? fitted;
  const drag = React.useRef<{ x: number; y: number; view: IView; active: boolean } | null>(null);
  const swallowClick = React.useRef(false);

  // A newly selected step is panned into view (never zoomed): adjusted while rendering, as
  // React recommends for state that follows a prop.
  const [revealed, setRevealed] = React.useState<string | null>(null);
  if (selected !== revealed && box.width > 0) {
    setRevealed(selected);
    const node = layout.nodes.find(n => n.name === selected);
    if (node) {
      const rect = {
        x: node.x - node.width / 2,
        y: node.y - node.height / 2,
        width: node.width,
        height: node.height
      };
      if (!isVisible(view, rect, box)) {
        setUserView(reveal(view, rect, box));
      }
    }
  }

  const fit = () => setUserView(null);
  const zoomBy = (factor: number) =>
    setUserView(zoomAt(view, factor, box.width / 2, box.height / 2));

  // React's wheel listeners are passive: preventDefault needs a listener of our own.
  React.useEffect(() => {
    const svg = svgRef.current;
    if (!svg) {
      return;
    }
    const onWheel = (event: WheelEvent) => {
      // In the sidebar the wheel scrolls the panel; Ctrl (or a pinch, which Chromium sends as
      // Ctrl+wheel) zooms. The main-area graph zooms with the plain wheel.
      if (variant === 'panel' && !(event.ctrlKey || event.metaKey)) {
        return;
      }
      event.preventDefault();
      const bounds = svg.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * WHEEL_RATE);
      setUserView(zoomAt(view, factor, event.clientX - bounds.left, event.clientY - bounds.top));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [view, variant]);

  const onPointerDown = (event: React.PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) {
      return;
    }
    drag.current = { x: event.clientX, y: event.clientY, view, active: false };
  };
  const onPointerMove = (event: React.PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    if (!start) {
      return;
    }
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (!start.active && Math.hypot(dx, dy) < DRAG_THRESHOLD) {
      return;
    }
    if (!start.active) {
      start.active = true;
      // Captured only once it is a drag: a plain click still reaches the node under it.
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    setUserView(panBy(start.view, dx, dy));
  };
  const onPointerUp = (event: React.PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    drag.current = null;
    if (start?.active) {
      swallowClick.current = true;
      event.currentTarget.releasePointerCapture(event.pointerId);
    }
  };
  const onClickCapture = (event: React.MouseEvent) => {
    if (swallowClick.current) {
      swallowClick.current = false;
      event.stopPropagation();
    }
  };

  const empty = layout.nodes.length === 0;
  return (
    <div
      className={`nbbridge-DagCanvas nbbridge-mod-${variant}`}
      data-nbbridge-dag-scale={view.scale.toFixed(4)}
      data-nbbridge-dag-direction={layout.direction}
    >
      {!empty && (
        <div className="nbbridge-DagCanvas-tools" role="toolbar" aria-label="Graph view">
          <button title="Fit the whole graph" data-nbbridge-dag-fit="" onClick={fit}>
            <ToolIcon kind="fit" />
          </button>
          <button title="Zoom in" data-nbbridge-dag-zoom-in="" onClick={() => zoomBy(ZOOM_STEP)}>
            <ToolIcon kind="in" />
          </button>
          <button
            title="Zoom out"
            data-nbbridge-dag-zoom-out=""
            onClick={() => zoomBy(1 / ZOOM_STEP)}
          >
            <ToolIcon kind="out" />
          </button>
          {onOpenLarge && (
            <button
              title="Open pipeline graph (in the main area)"
              data-nbbridge-dag-open=""
              onClick={onOpenLarge}
            >
              <ToolIcon kind="open" />
            </button>
          )}
        </div>
      )}
      <div
        ref={area}
        className="nbbridge-DagCanvas-area"
        title={
          variant === 'panel'
            ? 'Drag to pan · Ctrl+wheel to zoom · double-click to fit'
            : 'Drag to pan · wheel to zoom · double-click to fit'
        }
      >
        {empty ? (
          <div className="nbbridge-Dag nbbridge-mod-empty">No steps yet.</div>
        ) : (
          <svg
            ref={svgRef}
            className="nbbridge-Dag-svg nbbridge-mod-canvas"
            width={box.width}
            height={box.height}
            role="img"
            aria-label={`Pipeline: ${plural(layout.nodes.length, 'step')}`}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => (drag.current = null)}
            onClickCapture={onClickCapture}
            onDoubleClick={event => {
              if (event.target === svgRef.current) {
                fit();
              }
            }}
          >
            <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
              <DagGraphics
                layout={layout}
                markerId={markerId}
                selected={selected}
                onSelect={onSelect}
              />
            </g>
          </svg>
        )}
      </div>
    </div>
  );
}
