/**
 * The Experiments icon: a small rising line chart (themed through JupyterLab's icon classes).
 */
import { LabIcon } from '@jupyterlab/ui-components';

const EXPERIMENTS_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 3h1.6v16.4H21V21H3z"/>
    <path d="M6.5 16.2l4.2-5.1 3.3 2.7 4.9-6.3 1.3 1-5.9 7.6-3.3-2.7-3.2 3.8z"/>
  </g>
</svg>`;

export const experimentsIcon = new LabIcon({
  name: 'nbbridge:experiments',
  svgstr: EXPERIMENTS_SVG
});
