@epic:Network @feature:Partition @severity:critical
Feature: Partition of the replication link
  Primary and backup lose each other but not the witness: each may think the other died.
  The witness lease decides; the side holding it keeps serving and the other never does.

  Scenario: A replication partition with witness fencing never yields two primaries
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned for 2 seconds
    And 1 second passes
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms

  # After the partition heals the same primary opens a new replication session with a fresh
  # full state; its epochs and acknowledgements must not be confused with the old session's
  # (three seconds of the first session: ~15 epochs, then a crash soon after the resync). Both
  # hosts go through it once. A reply released one epoch too early is lost only by a crash
  # between its release (the previous epoch's ack: two link latencies and the backup's apply
  # into the epoch) and the end of its epoch, and only replies made before that ack came back
  # are released with it. 200 ms epochs make the window most of the epoch; 10 ms of latency on
  # the checkpoint stream and 64 clients put a few replies into it (one crash in eight missed
  # with 32 clients and 5 ms, one in two with 25 ms epochs).
  Scenario: After a healed replication partition a primary crash still loses nothing
    Given a protected pair "kv" with checkpoints every 200 ms
    And 64 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 3 seconds pass
    And the replication link of "kv" is partitioned for 1 second
    Then the pair "kv" is protected again within 5000 ms
    When 10 ms of latency with 1 ms jitter are added to the replication link of "kv"
    And 300 ms pass
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the network heals
    And the crashed host of "kv" restarts
    Then the pair "kv" is protected again within 10 seconds
    When 3 seconds pass
    And the replication link of "kv" is partitioned for 1 second
    Then the pair "kv" is protected again within 5000 ms
    When 10 ms of latency with 1 ms jitter are added to the replication link of "kv"
    And 300 ms pass
    And the primary host of "kv" crashes
    Then the backup of "kv" becomes primary within 1000 ms
    When the network heals
    And 500 ms pass
    Then no acknowledged write to "kv" is lost
    And "kv" is never served by two primaries at once
    And no client of "kv" sees state roll back

  # While the backup is cut off the primary serves unprotected, and the backup's checkpoint
  # goes stale. The primary must withdraw the backup as standby at the witness before it
  # releases output; then, when the primary stops, the stale backup is refused the lease and
  # the primary resumes on waking. A stale backup that took over would lose every write
  # acknowledged since the partition began.
  Scenario: A primary that hangs while its backup is cut off is not replaced by the stale backup
    Given a protected pair "kv" with:
      | checkpoint interval | 25 ms  |
      | failover timeout    | 150 ms |
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication link of "kv" is partitioned
    And 1 second passes
    And the primary host of "kv" hangs for 2 seconds
    And 1 second passes
    Then "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
