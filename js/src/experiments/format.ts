/**
 * How runs read in the panel: times, durations, metric values, sources.
 */

/** "14:03:12" today, "Dec 1 14:03" before. */
export function formatTime(ms: number, now: Date = new Date()): string {
  const when = new Date(ms);
  const time = when.toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23'
  });
  if (when.toDateString() === now.toDateString()) {
    return time;
  }
  const day = when.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return `${day} ${time.slice(0, 5)}`;
}

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min"; "…" while it runs. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '…';
  }
  if (ms < 1000) {
    return `${ms} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  }
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A metric value with four significant digits (integers as they are). */
export function formatValue(value: number | string | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    return String(value);
  }
  return value.toPrecision(4).replace(/\.?0+(e|$)/, '$1');
}

export const SOURCE_LABELS: Record<string, string> = {
  cli: 'CLI',
  cell: 'cell',
  job: 'job',
  magic: '%nbbridge',
  other: 'other'
};
