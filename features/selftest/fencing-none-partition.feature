@selftest @epic:Self-test
Feature: Self-test: a platform without fencing serves from two primaries under a partition
  Run only by the self-test (npm test). This scenario MUST FAIL with the Split brain
  category: it proves the harness catches a platform that does not fence.

  Scenario: Replication partition with fencing none
    Given a protected pair "kv" with:
      | checkpoint interval | 25 ms  |
      | fencing             | none   |
      | failover timeout    | 100 ms |
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned
    And 2 seconds pass
    Then "kv" is never served by two primaries at once
