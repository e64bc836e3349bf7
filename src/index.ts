/**
 * buypath: a notebook workbench for e-commerce conversion analysis.
 * One flat export list, by pipeline stage.
 */
// Foundations
export * from './errors';
export * from './defaults';
export * from './random';
export * from './backend';
// Data
export * from './data/schema';
export * from './data/timestamps';
export * from './data/presets';
export * from './data/load-report';
export { loadEvents, type LoadOptions, type LoadResult } from './data/load-events';
export { simulate, SIMULATOR_VERSION, type Simulation, type SimulateOptions, type SimulationRates } from './data/simulate';
export { writeSimulation, type SimulationFiles } from './data/write-simulation';
export { ensureDefaultData, repoRoot } from './data/default-data';
export { openDuckDB, sqlString } from './data/duckdb';
// Plots
export * from './plot/figure';
export { show, showHtml } from './plot/show';
export { eventCountsFigure, type EventCountsOptions } from './plot/event-counts';
// CLI
export { main as cli } from './cli/index';
// Notebooks and reports
export { record, parseRecorded, RESULTS_MARKER } from './report/record';
export { setupJupyter, findJupyterPython, jupyterPaths, kernelRegistered, JUPYTER_APT_PACKAGES, JUPYTER_INSTALL_HINT } from './report/jupyter';
export { executeNotebook, type ExecuteOptions, type NotebookRun } from './report/notebooks';
