@epic:Fault-tolerance @feature:Host-crash @severity:normal
Feature: The backup host crashes
  Losing the backup costs no availability: the primary keeps serving, unprotected, and the
  platform says so.

  Scenario: Backup crash causes no outage and leaves the pair unprotected
    Given a protected pair "kv" with checkpoints every 25 ms
    And 8 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the backup host of "kv" crashes
    Then the pair "kv" is reported unprotected within 1000 ms
    When 1 second passes
    Then the primary of "kv" keeps serving
    And the outage of "kv" lasts at most 500 ms
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
