@epic:Fault-tolerance @feature:Re-protection @severity:critical @builtin-only
Feature: A crash during the full state transfer of re-protection
  Re-protection sends a rejoining backup the whole state, then deltas. Until the backup
  acknowledged it and was registered as the standby, the pair is not protected.

  Scenario: The backup crashes while it receives the full state: the primary serves on, protected again later
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the backup host of "kv" crashes
    And the crashed host of "kv" restarts
    And the backup host of "kv" crashes during the full state transfer
    And the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 15 seconds
    And the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms

  # A double failure: the only complete state dies with the primary before the backup holds
  # it. What must hold is that the half-fed backup never serves and that loss is not hidden.
  Scenario: The primary crashes while the backup receives the full state: a double failure, reported as such
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the backup host of "kv" crashes
    And the crashed host of "kv" restarts
    And the primary host of "kv" crashes during the full state transfer
    And 2 seconds pass
    Then "kv" is never served by two primaries at once
    And zero state loss of "kv" is not claimed
