@epic:Network @feature:Partition @severity:critical
Feature: Partition of the replication link
  Primary and backup lose each other but not the witness: each may think the other died.
  The witness lease decides; the side holding it keeps serving and the other never does.

  Scenario: A replication partition with witness fencing never yields two primaries
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned for 2 seconds
    And 1 second passes
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms

  # After the partition heals the same primary opens a new replication session with a fresh
  # full state; its epochs and acknowledgements must not be confused with the old session's.
  Scenario: After a healed replication partition a primary crash still loses nothing
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned for 1 second
    Then the pair "kv" is protected again within 5000 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
    And "kv" is never served by two primaries at once
    And no client of "kv" sees state roll back
