@epic:Network @feature:Partition @severity:critical
Feature: Acknowledgements lost: the replication link cut from backup to primary
  Checkpoints still reach the backup, but its acknowledgements and heartbeats never come back.
  The primary must hold output it cannot prove replicated, then drop protection and serve on
  unprotected; the backup, still hearing the primary, must not take over.

  Scenario: A one-way cut from backup to primary: no failover, no loss, protected again after the heal
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned from backup to primary
    And 1 second passes
    And the network heals
    Then the pair "kv" is protected again within 10 seconds
    And the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms
