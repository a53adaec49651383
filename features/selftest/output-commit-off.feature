@selftest @epic:Self-test
Feature: Self-test: a platform without output commit loses acknowledged writes
  Run only by the self-test (npm test). This scenario MUST FAIL with the State loss
  category: it proves the harness catches a broken platform. With 400 ms epochs and output
  commit off, every write acknowledged since the last checkpoint exists only on the primary.
  Each crash strikes at a seeded random phase of an epoch, and each client thinks a random
  part of an epoch between writes, so a single crash can land so soon after a checkpoint that
  no client has written since (with 8 clients, about 1 crash in 16; the self-test once passed
  that way). So 32 clients write, and the primary crashes twice, the second time after the
  crashed host has come back and the pair is protected again: both crashes would have to
  miss, about 1 run in 4000.

  Scenario: Primary crash with output commit off
    Given a protected pair "kv" with:
      | checkpoint interval | 400 ms |
      | output commit       | off    |
    And 32 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 30 seconds
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
