/**
 * The pan-and-zoom arithmetic of the DAG viewport: pure functions over a view, so the canvas
 * only keeps state and listens to the pointer.
 *
 * A view maps drawing coordinates to the viewport's pixels: `screen = drawing * scale + (x, y)`.
 */

export interface IView {
  scale: number;
  x: number;
  y: number;
}

export interface ISize {
  width: number;
  height: number;
}

export interface IRect extends ISize {
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;
/** Room kept between the drawing and the viewport's edges, in pixels. */
export const FIT_PADDING = 6;
/** One click of the zoom buttons (and one notch of the wheel, roughly). */
export const ZOOM_STEP = 1.25;

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The scale at which `content` fits inside `box` (never above `maxScale`). */
export function fitScale(content: ISize, box: ISize, maxScale = 1): number {
  const room = (n: number) => Math.max(1, n - 2 * FIT_PADDING);
  if (content.width <= 0 || content.height <= 0) {
    return 1;
  }
  return clampScale(
    Math.min(maxScale, room(box.width) / content.width, room(box.height) / content.height)
  );
}

/** The view showing all of `content`, centred in `box`. */
export function fitView(content: ISize, box: ISize, maxScale = 1): IView {
  const scale = fitScale(content, box, maxScale);
  return {
    scale,
    x: (box.width - content.width * scale) / 2,
    y: (box.height - content.height * scale) / 2
  };
}

/** Zoom by `factor` keeping the drawing point under (`px`, `py`) where it is. */
export function zoomAt(view: IView, factor: number, px: number, py: number): IView {
  const scale = clampScale(view.scale * factor);
  const ratio = scale / view.scale;
  return { scale, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

/** Move the view by a drag of (`dx`, `dy`) pixels. */
export function panBy(view: IView, dx: number, dy: number): IView {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** `rect` (drawing coordinates) in viewport pixels. */
export function toScreen(view: IView, rect: IRect): IRect {
  return {
    x: rect.x * view.scale + view.x,
    y: rect.y * view.scale + view.y,
    width: rect.width * view.scale,
    height: rect.height * view.scale
  };
}

/** Whether `rect` (drawing coordinates) is wholly inside the viewport. */
export function isVisible(view: IView, rect: IRect, box: ISize): boolean {
  const r = toScreen(view, rect);
  return r.x >= 0 && r.y >= 0 && r.x + r.width <= box.width && r.y + r.height <= box.height;
}

/** The view panned as little as needed to show `rect` (centred when it is larger than the box). */
export function reveal(view: IView, rect: IRect, box: ISize): IView {
  const r = toScreen(view, rect);
  const shift = (start: number, size: number, room: number): number => {
    if (size + 2 * FIT_PADDING > room) {
      return room / 2 - (start + size / 2);
    }
    if (start < FIT_PADDING) {
      return FIT_PADDING - start;
    }
    if (start + size > room - FIT_PADDING) {
      return room - FIT_PADDING - (start + size);
    }
    return 0;
  };
  return panBy(view, shift(r.x, r.width, box.width), shift(r.y, r.height, box.height));
}
