/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

export type Key = string;
export type Name = string;
export type Step = number;
export type Timestamp = number;
export type Value = number;
export type Points = MetricPoint[];
export type RunId = string;
export type Series = RunSeries[];

export interface MetricHistory {
  key: Key;
  series: Series;
}
export interface RunSeries {
  name: Name;
  points: Points;
  run_id: RunId;
}
export interface MetricPoint {
  step: Step;
  timestamp: Timestamp;
  value: Value;
}
