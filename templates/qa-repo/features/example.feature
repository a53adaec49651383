@epic:Fault-tolerance @feature:Host-crash @severity:critical
Feature: The primary host crashes
  An example from `npx ftchaos init`: every step is in the ftchaos step catalog
  (node_modules/ftchaos/docs/steps.md); the editor completes them with the Cucumber extension.

  @smoke
  Scenario: Primary crash under write load loses nothing and fails over fast
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And "kv" is never served by two primaries at once
