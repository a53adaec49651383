@selftest @epic:Self-test
Feature: Self-test: a platform without output commit loses acknowledged writes
  Run only by the self-test (npm test). This scenario MUST FAIL with the State loss
  category: it proves the harness catches a broken platform. The crash comes 1 second after
  the pair is protected, and epochs start when it is protected: with 400 ms epochs the crash
  lands about 200 ms into an epoch, so about 200 ms of acknowledged writes exist only on the
  primary when it dies, whatever the machine's speed. (With an epoch length that divides
  1 second the crash would land just after a checkpoint and the window would be tiny.)

  Scenario: Primary crash with output commit off
    Given a protected pair "kv" with:
      | checkpoint interval | 400 ms |
      | output commit       | off    |
    And 8 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When 1 second passes
    Then no acknowledged write to "kv" is lost
