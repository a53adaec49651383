/** Checkers: pure functions history → verdict (+ figures). See README.md. */
export { CATEGORIES, type Category, type Figure, type Verdict } from './types.ts';
export {
  ordered,
  historySpan,
  pairOps,
  faultWindows,
  faultLabel,
  roleEvents,
  isProbe,
  isClient,
  isFinal,
  served,
  CONCURRENT_PROCESSES,
  type Op,
  type Outcome,
  type PairedOps,
  type HistoryAnomaly,
  type FaultWindow,
} from './ops.ts';
export { checkHistory } from './history-check.ts';
export { checkLostWrites, type LostWritesOptions, type KeyOutcome, type KeyStatus, type LostWritesDetails } from './lost-writes.ts';
export { checkRollback, type RollbackViolation } from './rollback.ts';
export { checkSplitBrain, servingRuns, type ServingRun, type Overlap } from './split-brain.ts';
export { checkOutage, findOutages, type OutageOptions, type Outage, type Incident, type OutageAnalysis } from './outage.ts';
export { checkAvailability, projectAvailability, downtimeBudgetSeconds, SECONDS_PER_YEAR, type AvailabilityOptions } from './availability.ts';
export { checkFailover, findFailovers, checkPromotion, DEFAULT_FAILOVER_FAULTS, type FailoverOptions, type Failover, type PromotionOptions } from './failover.ts';
export { checkStaysFenced, type FencingOptions } from './fencing.ts';
export { checkCommitLatency, commitLatency, autoBucketMs, type CommitLatencyOptions, type LatencyStats, type LatencyBucket } from './latency.ts';
export {
  replicationBandwidth,
  metricsSamples,
  bandwidthIntervals,
  METRICS_LABEL,
  type MetricsSample,
  type BandwidthInterval,
  type PairReplication,
} from './replication.ts';
export { percentileSorted, median, sortedAsc } from './stats.ts';
export { pct, ms, round } from './format.ts';
export { commitGrowth, checkCommitGrowth, type CommitGrowth } from './commit-growth.ts';
export { checkKeepsServing } from './keeps-serving.ts';
export { checkNoUnplannedFailover, roleChanges, type RoleChange, type UnplannedOptions } from './unplanned.ts';
export { loopSamples, loopSummaries, stallsAround, type LoopSample, type LoopSummary } from './loop-stalls.ts';
export {
  checkLinearizable,
  opLabel,
  DEFAULT_BUDGET as LINEARIZABLE_DEFAULT_BUDGET,
  type LinearizableOptions,
  type LinearizableDetails,
  type WindowOp,
} from './linearizable.ts';
export { eventsOf, pairOf, pairsIn, concerns } from './scope.ts';
export { checkStaysProtected, protectionRuns, unprotectedPeriods, type ProtectionRun } from './protection.ts';
export { fleetFigures, pairFigures, protectedOverTime, type FleetFigures, type PairFigures } from './fleet.ts';
export { capacitySweep, capacitySteps, capacityVerdict, CAPACITY_STEP, CAPACITY_END, type CapacityResult, type CapacityStep, type CapacityPair } from './capacity.ts';
