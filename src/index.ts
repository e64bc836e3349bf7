/**
 * buypath: a notebook workbench for e-commerce conversion analysis.
 * One flat export list, by pipeline stage.
 */
// Foundations: errors, defaults, the seeded RNG, the tfjs backend and its kernels
export * from './errors';
export * from './defaults';
export * from './random';
export * from './backend';
export { repoRoot } from './repo-root';
export { registerFastKernels, scatterAdd } from './backend-kernels';
export { wasmMatMul, setWasmMatMul } from './backend-kernels';
export { towersThreadStats } from './towers-thread';
export { relaxedSimd } from './fma-gemm';
export { loadSgemm, batchedSgemm, blasCandidates, blasPath } from './native-blas';
// Statistics
export * from './stats/intervals';
export * from './stats/bootstrap';
export { lnGamma, gammaQ, chiSquareSf, normalTwoSided } from './stats/special';
export { benjaminiHochberg } from './stats/multiple-testing';
export { kaplanMeier, survivalCells, compressCells, survivalAt, type KmStep, type SurvivalCells } from './stats/kaplan-meier';
export { cochranQ, logRiskRatio, riskRatioPValue, chiSquare2x2, type CochranQ, type TwoByTwo } from './stats/heterogeneity';
export { hanleyMcNeilVariance, normalQuantile, correlation } from './stats/power';
// Data: reading logs (events and labelled tables), presets, the simulator
export * from './data/schema';
export * from './data/timestamps';
export * from './data/presets';
export * from './data/load-report';
export { loadEvents, logOfTable, type LoadOptions, type LoadResult } from './data/load-events';
export { readEvents, type ReadOptions, type ReadResult } from './data/read-events';
export { eventTable, eventLogOf, StringDict, type EventLog, type Dictionary, type FeatureColumn, type RowGroups } from './data/event-log';
export { simulate, SIMULATOR_VERSION, type Simulation, type SimulateOptions, type SimulationRates } from './data/simulate';
export { writeSimulation, type SimulationFiles } from './data/write-simulation';
export { ensureDefaultData } from './data/default-data';
export { openDuckDB, sqlString } from './data/duckdb';
export { csvField } from './data/csv';
// Paths: the path rules, funnel, action table and DAction choice
export * from './paths/path-set';
export { minePaths, parseWindow, type MineOptions } from './paths/mine-paths';
export { clickedCells, countSet, liftOf, liftInterval, buyRatesOf, maskOf, type Cells, type SetCounts } from './paths/cells';
export { funnel, type Funnel, type FunnelStep, type Timing } from './paths/funnel';
export { actionTable, actionOverlap, pathVariants, actionsIn, type ActionRow, type PathVariant } from './paths/action-table';
export { candidateSets, evaluateCandidate, recommend, recommendationRule, type DActionCandidate, type ChooseOptions } from './paths/choose-dactions';
export { analysePaths, type AnalyseOptions, type PathReport } from './paths/path-report';
export { minePathsDuckDB, type DuckMineOptions, type DuckLoadSummary } from './paths/mine-duckdb';
export { minePartitions, partitionsFor, eventRowsFor } from './paths/mine-partitions';
// Exploration: breakdowns, correlation scan, transition graph, funnel settings, time to purchase, drill-down
export { eventColumns, eventNames, pathSequences, userSequences, sessionSequences, type EventColumns, type Sequences } from './explore/sequences';
export { groupPaths, groupIndices, propertyColumns, defaultBreakdownColumn, columnKind, pathValues, quantileEdges, OTHER, MISSING, type PathGroups, type GroupOptions } from './explore/groups';
export { breakdown, type Breakdown, type BreakdownGroup, type GroupActionRow, type HeterogeneityRow, type BreakdownOptions } from './explore/breakdown';
export { correlationScan, OUTCOME_EVENTS, type Scan, type ScanRow, type ScanOptions } from './explore/scan';
export { transitionGraph, stepMatrix, type TransitionGraph, type GraphNode, type GraphEdge, type StepMatrix } from './explore/transitions';
export { sequenceFunnel, funnelOverSequences, type FunnelSettings, type SequenceFunnel, type SettingsFunnelStep } from './explore/sequence-funnel';
export { timeToBuy, timeToBuyCells, conditionalPercentile, type TimeToBuy, type TimeToBuyReport, type KmPoint, type TimePercentile } from './explore/time-to-buy';
export { samplePaths, cellPaths, formatSamplePath, type CellSelector, type SamplePath } from './explore/drill-down';
export { exploreReport, type ExploreOptions, type ExploreReport } from './explore/explore-report';
// Features: samples, time split, encoder, history
export { buildSamples, splitByTime, parseFeatureOptions, describeFeatures, NON_FEATURE_COLUMNS, type SampleSet, type SampleOptions, type FeatureOptions, type Split } from './features/samples';
export { sampleOrder, splitSizes, trainingPaths, type SampleOrder, type LeftOut, type TrainingPaths } from './features/sample-order';
export { fitEncoder, encodeRows, preTransform, type FeatureEncoder, type EncodedRows } from './features/encoder';
export { historyFeatures, HISTORY_FEATURES, type OutcomeTimes } from './features/history';
// Metrics on plain arrays
export { auc, aucSorted, sortRows, rowsWhere } from './metrics/auc';
export { scoreModel, type ModelScores } from './metrics/model-scores';
export { gauc, topK, topKSorted, logLoss, calibration } from './metrics/metrics';
// Models and the tfjs model registry
export { ConversionModel, type ModelSpec, type ModelConfig, type ModelOptions, type Batch, type Outputs } from './models/model';
export { Esm2, ESM2_TOWERS } from './models/esm2';
export { Esmm } from './models/esmm';
export { Dnn, DnnOs, DnnMt, unoversample } from './models/dnn';
export { MODELS, createModel, isModelName, type ModelName, type ModelEntry } from './models/index';
export { Embedding, Tower, bce, dropout } from './models/layers';
export { TwoTowerModel } from './models/two-tower';
// Training
export { trainData, Batcher, disposeBatch, type TrainData } from './train/data';
export type { EpochLog } from './train/epoch-log';
export { train, validate, cvrRows, resolveProgress, type ProgressMode, type TrainLoopOptions, type TrainResult } from './train/trainer';
export { predict, type Predictions } from './train/predict';
export { prepareTraining, fitModel, trainModel, type PrepareOptions, type Prepared, type FitOptions, type Fitted } from './train/pipeline';
export { saveModel, loadModel, type ModelMeta } from './train/save-model';
// The GBDT baseline
export { fitGbdt, fitTrees, gbdtData, gbdtParams, type GbdtOptions, type GbdtData, type GbdtSplit, type GbdtFit, type FittedTrees } from './baseline/gbdt';
export { loadXgboost, xgboostCandidates, DMatrix, Booster, type FeatureType } from './baseline/xgboost';
// Evaluation: user bootstrap, paired comparisons, comparison and ablation scoring, the oracle
export { oracleScores, type OracleScores } from './evaluate/oracle';
export { bootstrapUsers, weightedAuc, weightedGauc, weightedTopK, type WeightedMetric, type DerivedStatistic, type UserBootstrapOptions, type BootstrapResult } from './evaluate/bootstrap-users';
export { comparisonPairs, pairedStatistics, pairedComparisons, comparisonSentence, minimumDetectableDifference, PAIRED_METRICS, type PairedComparison, type MinimumDetectable } from './evaluate/paired';
export { ablationCandidates, scoreAblation, ABLATION_RULE, type Ablation, type AblationRow, type AblationScore } from './evaluate/ablation';
export { scoreComparison, LIFT_REFERENCE, TOP_K, type Comparison, type ComparisonInput, type ModelNumbers } from './evaluate/compare';
// Plots
export * from './plot/figure';
export { show, showHtml } from './plot/show';
export { eventCountsFigure, type EventCountsOptions } from './plot/event-counts';
export { funnelFigure, variantSankeyFigure, coverageScatterFigure, actionOverlapFigure, timeToPurchaseFigure, pathFigures } from './plot/path-figures';
export { forestFigure, scanFigure, transitionGraphFigure, stepMatrixFigure, kaplanMeierFigure } from './plot/explore-figures';
export { trainingCurvesFigure } from './plot/training-figures';
export { metricBarsFigure, liftFigure, curvesFigure, calibrationFigure, ablationFigure } from './plot/compare-figures';
// Report pages
export { escapeHtml, fmt, fmtCi, htmlTable, htmlPage, type HtmlColumn, type PageSection } from './report/html';
export { funnelTableHtml, actionTableHtml, candidatesHtml, anomaliesHtml, recommendationHtml, pathReportPage } from './report/path-report-html';
export { breakdownTableHtml, heterogeneityHtml, scanTableHtml, graphEdgesHtml, timeToBuyHtml, samplePathsHtml, sequenceFunnelsHtml, exploreSections } from './report/explore-html';
export { pairedTableHtml, pairedSentencesHtml, ablationTableHtml } from './report/comparison-html';
export { writeReport, reportPage, reportResults, orderingStatement, table3Html, table4Html, liftTableHtml, comparisonFigures } from './report/report';
// Pipeline: the one layer that composes the stages (the CLI, notebooks and benchmarks call it)
export { mineLog, chooseEngine, ENGINES, type Engine, type MineLogOptions, type MinedLog } from './pipeline/mine-log';
export { prepareLog, trainFromLog, testPositives, type PrepareLogOptions, type PreparedLog, type TrainLogOptions, type TrainedLog } from './pipeline/train-log';
export { predictLog, type PredictedLog } from './pipeline/predict-log';
export { MODEL_REGISTRY, COMPARE_MODELS, COMPARABLE_MODELS, CLAIMED_ORDER, registeredModel, type RegisteredModel, type FitContext, type FittedModel } from './pipeline/registry';
export { compareModels, type CompareOptions, type ModelComparison } from './pipeline/compare';
export { dactionAblation, type AblationOptions } from './pipeline/ablation';
export { runReport, type ReportOptions } from './pipeline/report';
// Command line
export { main as cli } from './cli/index';
export { LOAD_FLAGS, LOAD_FLAGS_USAGE, loadOptionsFromFlags } from './cli/load-flags';
export { startArgs, notebookParameters, paramsFor, START_FLAGS, START_USAGE, type StartPlan } from './cli/start-args';
// Notebooks
export { record, parseRecorded, RESULTS_MARKER } from './notebook/record';
export { setupJupyter, findJupyterPython, jupyterPaths, kernelRegistered, JUPYTER_APT_PACKAGES, JUPYTER_INSTALL_HINT } from './notebook/jupyter';
export { executeNotebook, type ExecuteOptions, type NotebookRun } from './notebook/execute';
export { loadOptionsFromParams, paramsOfLoadOptions, flagOfParam, LOAD_PARAMS, type LoadParams } from './notebook/load-params';
