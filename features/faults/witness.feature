@epic:Fault-tolerance @feature:Witness @severity:critical
Feature: The witness fails or is cut off
  The witness holds the lease that decides which host may serve. When it dies or is cut off,
  the platform must never let two hosts serve and never lose an acknowledged write. The rules
  (docs/platform.md) say what happens to the service: a primary that can renew its lease
  keeps serving; one that cannot stops serving after the lease ttl and serves again once the
  witness answers (or the backup takes over, if the witness lets it).

  Scenario: The witness cut off from the backup: the primary keeps serving, protected
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the witness of "kv" is partitioned from the backup
    And 1 second passes
    And the network heals
    Then the pair "kv" is protected again within 5 seconds
    And the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And the outage of "kv" lasts at most 500 ms

  Scenario: The witness cut off from the primary, then from both hosts: one primary at most, service back after the cut
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the witness of "kv" is partitioned from the primary
    And 1 second passes
    And the network heals
    Then the pair "kv" is protected again within 5 seconds
    When the witness of "kv" is partitioned from both hosts
    And 1 second passes
    And the network heals
    Then the pair "kv" is protected again within 5 seconds
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1600 ms

  # Known gap of the builtin platform: a restarted witness has an empty lease table, so the
  # primary's renewal is refused ("lost"), it is deposed, and the backup is not the registered
  # standby: nobody serves again. Tagged @wip until the platform survives it.
  @wip @known-gap @builtin-only @extended
  Scenario: The witness crashes and restarts: service back soon after it returns
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the witness of "kv" crashes
    And 1 second passes
    And the witness of "kv" restarts
    Then the pair "kv" is protected again within 5 seconds
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
