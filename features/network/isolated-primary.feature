@epic:Network @feature:Isolation @severity:critical
Feature: The primary is isolated from everything
  The primary loses the backup, the witness and its clients at once. It cannot renew its
  lease, so it must stop serving; the backup gets the lease and takes over; nothing
  acknowledged is lost.

  Scenario: An isolated primary is fenced and the backup takes over without loss
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And 4 clients read, write and compare-and-set 3 shared keys of "kv"
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary of "kv" is isolated
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    And the network heals
    And 1 second passes
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the history of "kv" is linearizable
    And the outage of "kv" lasts at most 1000 ms
