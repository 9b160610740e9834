/**
 * A Vega-Lite chart drawn by JupyterLab's own renderer (`application/vnd.vegalite.v5+json`),
 * so it follows the light and dark themes as the notebook's charts do.
 */
import * as React from 'react';

import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

export type VegaSpec = Record<string, unknown>;

export interface IVegaChartProps {
  rendermime: IRenderMimeRegistry;
  spec: VegaSpec;
  label: string;
}

export function VegaChart(props: IVegaChartProps): JSX.Element {
  const { rendermime, spec, label } = props;
  const host = React.useRef<HTMLDivElement>(null);
  const missing = !rendermime.mimeTypes.includes(VEGALITE_MIME);
  // The renderer picks its theme when it draws: draw again when the theme changes.
  const [theme, setTheme] = React.useState(document.body.dataset.jpThemeLight ?? '');
  React.useEffect(() => {
    const observer = new MutationObserver(() =>
      setTheme(document.body.dataset.jpThemeLight ?? '')
    );
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light'] });
    return () => observer.disconnect();
  }, []);
  React.useEffect(() => {
    const node = host.current;
    if (!node || missing) {
      return;
    }
    const renderer = rendermime.createRenderer(VEGALITE_MIME);
    const model = rendermime.createModel({ data: { [VEGALITE_MIME]: spec as never } });
    Widget.attach(renderer, node);
    renderer.renderModel(model).catch(reason => console.warn('nbbridge: chart failed', reason));
    return () => {
      renderer.dispose();
    };
  }, [rendermime, spec, missing, theme]);
  if (missing) {
    return <p className="nbbridge-Experiments-hint">JupyterLab's Vega renderer is not installed.</p>;
  }
  return <div className="nbbridge-Chart" ref={host} aria-label={label} data-nbbridge-chart={label} />;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A metric's value per run: the selected runs side by side, or every run over time. */
export function metricAcrossRuns(
  metric: string,
  points: { run: string; name: string; start: number; value: number }[],
  overTime: boolean
): VegaSpec {
  const x = overTime
    ? { field: 'start', type: 'temporal', title: 'run started' }
    : { field: 'label', type: 'ordinal', title: 'run', sort: { field: 'start' } };
  const labelled = points.map(p => ({
    ...p,
    label: `${p.name} · ${new Date(p.start).toLocaleTimeString([], { hourCycle: 'h23' })}`
  }));
  return {
    $schema: SCHEMA,
    description: `${metric} across runs`,
    width: overTime ? 520 : Math.min(520, 90 * Math.max(points.length, 2)),
    height: 180,
    data: { values: labelled },
    mark: overTime
      ? { type: 'line', point: { size: 50 }, tooltip: true }
      : { type: 'bar', tooltip: true, width: { band: 0.6 } },
    encoding: {
      x: { ...x, axis: { labelAngle: overTime ? 0 : -20, labelLimit: 160 } },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: !overTime } },
      tooltip: [
        { field: 'label', title: 'run' },
        { field: 'value', title: metric, format: '.4~g' }
      ]
    }
  };
}

/** Per-step values of a metric, one line per run. */
export function metricHistory(
  metric: string,
  points: { run: string; step: number; value: number }[]
): VegaSpec {
  return {
    $schema: SCHEMA,
    description: `${metric} per step`,
    width: 520,
    height: 180,
    data: { values: points },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run' }
    }
  };
}
