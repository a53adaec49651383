@epic:Fault-tolerance @feature:Host-crash @severity:critical
Feature: The primary crashes while an epoch is in flight
  With 5 ms of latency on the checkpoint stream, the backup acknowledges each epoch a fifth to a
  half of an epoch after it closed, and the replies of the next epoch pile up meanwhile. Output commit
  holds them until their own epoch is acknowledged, so a crash at any moment leaves the backup
  with every acknowledged write; a reply released one acknowledgement early would be lost.
  Two crashes, one from each host, each at a seeded random phase of the epoch.

  Scenario: A primary crash with an epoch in flight loses nothing
    Given a protected pair "kv" with checkpoints every 25 ms
    And 16 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 5 ms of latency with 1 ms jitter are added to the replication link of "kv"
    And 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the network heals
    And the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 10 seconds
    When 5 ms of latency with 1 ms jitter are added to the replication link of "kv"
    And 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the network heals
    And 500 ms pass
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
