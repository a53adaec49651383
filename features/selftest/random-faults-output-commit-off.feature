@selftest @epic:Self-test
Feature: Self-test: random faults against a platform without output commit
  Run only by the self-test (npm test). This scenario MUST FAIL with the State loss
  category. Seed 7 draws primary crashes and hangs among the faults; with output commit off
  and 400 ms epochs, writes acknowledged since the last checkpoint die with the primary.

  Scenario: Seeded random faults with output commit off
    Given a protected pair "kv" with:
      | checkpoint interval | 400 ms |
      | output commit       | off    |
      | failover timeout    | 150 ms |
    And 32 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When random faults (crash, hang) hit "kv" every 1500 ms for 9 seconds with seed 7
    Then no acknowledged write to "kv" is lost
