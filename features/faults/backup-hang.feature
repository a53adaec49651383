@epic:Fault-tolerance @feature:Host-hang @severity:critical
Feature: The backup host hangs
  A backup that stops answering (SIGSTOP) must not cost the clients more than the primary's
  wait before it drops protection (3 x the failover timeout), and must never lead to a second
  primary: when it wakes up, the primary still holds the lease and re-protects with it.

  Scenario: A hung backup is dropped and re-protected; the primary keeps serving
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the backup host of "kv" hangs for 1 second
    Then the pair "kv" is protected again within 10 seconds
    And the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms
