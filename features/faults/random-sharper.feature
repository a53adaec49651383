@epic:Network @feature:Random-faults @severity:critical @builtin-only @extended
Feature: Seeded random sharper faults
  A seeded schedule of the sharper faults — backup hangs, witness cuts, lost acks, stream
  damage, crashes during a full state transfer and with an epoch in flight — each at a random
  phase of the checkpoint interval. Whatever the schedule, nothing acknowledged is lost, there
  is never more than one primary, and the pair is protected again at the end.

  Scenario: Fifteen seconds of random sharper faults with seed 5
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When random faults (backup-hang, witness-partition, one-way, stream-damage, transfer-crash, slow-crash) hit "kv" every 3 seconds for 15 seconds with seed 5
    Then the pair "kv" is protected again within 15 seconds
    And no acknowledged write to "kv" is lost
    And "kv" is never served by two primaries at once
    And no client of "kv" sees state roll back
