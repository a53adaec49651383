@epic:Fault-tolerance @feature:Host-crash @severity:critical
Feature: The primary host crashes
  When the host running the protected VM dies, the backup carries on from the last
  committed checkpoint: no acknowledged write is lost, nothing a client saw rolls back, and
  the outage is short enough for five nines at a realistic failure rate.

  @smoke
  Scenario: Primary crash under write load loses nothing and fails over fast
    Given a protected pair "kv" with checkpoints every 25 ms
    And 8 clients write to "kv" continuously
    And 4 clients read, write and compare-and-set 3 shared keys of "kv"
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And "kv" is never served by two primaries at once
    And the history of "kv" is linearizable
    And the outage of "kv" lasts at most 500 ms
    And the availability of "kv" is at least 99.999% assuming 12 host failures per year

  Scenario: Kemari-style event checkpoints also survive a primary crash
    Given a protected pair "kv" with:
      | mode             | event  |
      | failover timeout | 150 ms |
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And "kv" is never served by two primaries at once
