@epic:Network @feature:Flapping @severity:normal
Feature: A flapping replication link
  The replication link goes down and up every 200 ms. Each drop may look like a failure to
  one side; the witness must keep the pair to one primary and nothing may be lost.

  Scenario: Flapping replication link: no split brain, no loss, bounded outage
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" flaps every 200 ms for 3 seconds
    And 1 second passes
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms
