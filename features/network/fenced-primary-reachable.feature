@epic:Network @feature:Isolation @severity:critical
Feature: A fenced primary its clients can still reach
  The primary loses the witness and the backup but not its clients. It must fence itself, and
  while fenced it must refuse everything, reads included: the backup takes over and takes
  writes, and clients that later lose the new primary come back to the old one. Any answer it
  gives them then is stale, which only the linearizability check of the register workload sees
  (no write is lost and writes are never taken twice).

  Scenario: A fenced primary reachable by its clients never serves them stale reads
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
    And "kv" is never served by two primaries at once

  # The same cut, healed while the clients still wait: the writes the primary took after the
  # backup was cut off were never replicated, so their replies are held. Once the healed witness
  # tells it another host holds the lease, the deposed primary must drop them; sent, they would
  # acknowledge writes the new primary never had. The heal must come after the backup took
  # over (about the lease ttl, 500 ms, after the witness cut) and while the clients still wait:
  # they wait up to 3 seconds, the cut lasts 1.5 seconds.
  Scenario: A primary deposed while its clients wait drops the replies it held
    Given a protected pair "kv" with:
      | checkpoint interval | 25 ms  |
      | failover timeout    | 100 ms |
    And 8 clients write to "kv" continuously, waiting up to 3 seconds for each reply
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the witness of "kv" is partitioned from the primary
    And the replication link of "kv" is partitioned
    And 1500 ms pass
    And the network heals
    And 1 second passes
    Then no acknowledged write to "kv" is lost
    And "kv" is never served by two primaries at once
    And no client of "kv" sees state roll back
