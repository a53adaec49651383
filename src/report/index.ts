/** Plots (vega-lite specs + headless SVG rendering) and text/report helpers. See README.md. */
export { renderSvg, type RenderOptions } from './render.ts';
export { timelineSpec, type TimelineOptions } from './timeline.ts';
export { latencySpec, type LatencyPlotOptions } from './latency-plot.ts';
export { throughputSpec, type ThroughputPlotOptions } from './throughput-plot.ts';
export { networkSpec, NETWORK_PANEL_TITLES, type NetworkPlotOptions } from './network-plot.ts';
export { formatVerdictTable, type VerdictTableOptions, type VerdictRow } from './verdict-table.ts';
export { allureCategories, failureMessage, categoryTag, type AllureCategory } from './categories.ts';
export { laneOrder } from './lanes.ts';
export { linWindowSpec, shortOpLabel, type LinWindowPlotOptions } from './lin-window-plot.ts';
export { fleetSpec, fleetRows, FLEET_PANEL_TITLES, type FleetPlotOptions } from './fleet-plot.ts';
export { capacitySpec, capacityRows } from './capacity-plot.ts';
