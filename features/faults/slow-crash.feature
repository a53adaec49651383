@epic:Fault-tolerance @feature:Host-crash @severity:critical
Feature: The primary crashes while the replication link is slow
  With 100 ms of latency on the replication link, an epoch is always in flight when the
  primary dies. Output commit held that epoch's replies, so the backup's older checkpoint
  still has every acknowledged write.

  Scenario: A primary crash with an epoch in flight loses nothing
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 100 ms of latency with 10 ms jitter are added to the replication link of "kv"
    And 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the network heals
    And the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 10 seconds
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
