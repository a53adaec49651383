@epic:Network @feature:Partition @severity:normal
Feature: The clients lose the primary, the hosts do not
  Only the client link to the primary is cut. Replication and the witness still work, so no
  failover is needed: the backup must not take over, and what the clients see is reported.

  Scenario: A client-link partition causes no failover and no loss
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the client link to the primary of "kv" is partitioned
    And 1 second passes
    And the network heals
    And 1 second passes
    Then the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
