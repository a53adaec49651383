@epic:Fault-tolerance @feature:Fleet @severity:critical
Feature: Two pairs in one scenario
  Each pair is judged on its own history: a crash of one pair's primary is that pair's fault,
  not an excuse for the other pair to fail over, and two pairs' clients of the same names
  never mix their keys.

  Scenario: two pairs: a primary crash of one costs the other nothing
    Given 2 protected pairs "duo" with checkpoints every 25 ms
    And 2 clients write to every pair of "duo" continuously
    And availability of every pair of "duo" is probed every 10 ms
    When 1 second passes
    And the primary host of "duo-1" crashes
    Then the backup of "duo-1" becomes primary within 1000 ms
    When 1 second passes
    Then every other pair of "duo" keeps serving and stays protected
    And every pair of "duo" loses no acknowledged write
    And no pair of "duo" is served by two primaries at once
    And the outage of every pair of "duo" lasts at most 1000 ms
