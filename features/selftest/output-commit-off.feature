@selftest @epic:Self-test
Feature: Self-test: a platform without output commit loses acknowledged writes
  Run only by the self-test (npm test). This scenario MUST FAIL with the State loss
  category: it proves the harness catches a broken platform. The long checkpoint interval
  makes the window of acknowledged-but-not-replicated writes wide (about 250 ms of writes),
  so the loss shows whatever the machine's speed.

  Scenario: Primary crash with output commit off
    Given a protected pair "kv" with:
      | checkpoint interval | 250 ms |
      | output commit       | off    |
    And 8 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
