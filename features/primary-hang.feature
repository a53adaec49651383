@epic:Fault-tolerance @feature:Host-hang @severity:critical
Feature: The primary host hangs
  A primary that stops for longer than the failover timeout is replaced by the backup; when
  it wakes up it has lost its lease and must not serve again (fencing).

  Scenario: A primary hung past the failover timeout is replaced and stays fenced
    Given a protected pair "kv" with:
      | checkpoint interval | 25 ms  |
      | failover timeout    | 150 ms |
    And 8 clients write to "kv" continuously
    And 4 clients read, write and compare-and-set 3 shared keys of "kv"
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" hangs for 2 seconds
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then the old primary of "kv" does not serve
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the history of "kv" is linearizable

