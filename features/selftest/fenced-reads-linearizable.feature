@selftest @epic:Self-test @planted-bug:fenced-reads
Feature: Self-test: a fenced primary that still answers reads serves stale data
  Run only by the self-test (npm test). This scenario MUST FAIL with the Not linearizable
  category. The planted bug fenced-reads (src/platform/builtin/bugs.ts, selected by the tag)
  lets a primary that lost its lease go on answering GET. The primary is cut from the witness
  and from the backup, but not from its clients: it fences itself (and, cut from the witness,
  never learns it was deposed), the backup takes over and takes writes. Then the clients lose
  the new primary and come back to the old one, which answers their reads with values the new
  one has already overwritten. No write is lost and the two never both accept writes, so only
  the linearizability checker can see it. Eight keys, not two: a write the old primary took
  after its backup was cut off times out, and such an indeterminate write may take effect at
  any later moment, so a read of its value is never provably stale. Each client has at most
  one such write, so with eight keys some keys keep an acknowledged value on the old primary,
  and reading those after the new primary overwrote them is the proof (with two keys the
  self-test passed the bug in 1 of 5 runs).

  Scenario: A fenced primary answers reads with stale values
    Given a protected pair "kv" with checkpoints every 25 ms
    And 6 clients read, write and compare-and-set 8 shared keys of "kv"
    When 1 second passes
    And the witness of "kv" is partitioned from the primary
    And the replication link of "kv" is partitioned
    And 2 seconds pass
    And the client link to the primary of "kv" is partitioned
    And 4 seconds pass
    And the network heals
    And 1 second passes
    Then the history of "kv" is linearizable
