@epic:Network @feature:Random-faults @severity:critical @soak
Feature: Seeded random faults
  A schedule of crashes, hangs, partitions and latency drawn from a seed hits the pair for
  20 seconds. The same seed replays the same schedule (it is in the history and the report's
  environment). Whatever the schedule, nothing acknowledged is lost and there is never more
  than one primary.

  Scenario: Twenty seconds of random faults with seed 42
    Given a protected pair "kv" with:
      | checkpoint interval | 25 ms  |
      | failover timeout    | 150 ms |
    And 4 clients write to "kv" continuously
    And 4 clients read, write and compare-and-set 3 shared keys of "kv"
    And availability of "kv" is probed every 10 ms
    When random faults (crash, hang, partition, latency) hit "kv" every 2 seconds for 20 seconds with seed 42
    And the network heals
    And 1 second passes
    Then no acknowledged write to "kv" is lost
    And "kv" is never served by two primaries at once
    And no client of "kv" sees state roll back
    And the history of "kv" is linearizable
