@epic:Fault-tolerance @feature:Re-protection @severity:critical
Feature: Re-protection after a crash
  A restarted host joins the new primary as its backup (full state transfer, then deltas);
  a second crash, now of the new primary, still loses nothing.

  Scenario: Crash, re-protect, crash again: still zero loss
    Given a protected pair "kv" with checkpoints every 25 ms
    And 8 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 5 seconds
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And "kv" is never served by two primaries at once
    And the availability of "kv" is at least 99.999% assuming 12 host failures per year
