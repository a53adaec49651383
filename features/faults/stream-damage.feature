@epic:Network @feature:Stream-damage @severity:normal
Feature: Damage to the replication stream
  The replication connection is not cut but damaged: its bytes arrive in tiny pieces, it is
  reset, or it closes after some data (Toxiproxy's slicer, reset_peer and limit_data toxics on
  the bytes the primary sends to the backup). Framing must survive any slicing; a reset or a
  close is a lost backup that comes back: never a second primary, never a lost write.

  Scenario: A sliced stream, a reset connection and a connection closed after 256 KB
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And the replication stream of "kv" is sliced into pieces of about 64 bytes
    And 1 second passes
    And the network heals
    And the replication connection of "kv" is reset after 50 ms
    Then the pair "kv" is protected again within 10 seconds
    When the replication link of "kv" closes after 256 KB
    And 1 second passes
    And the network heals
    Then the pair "kv" is protected again within 10 seconds
    And the primary of "kv" keeps serving
    And "kv" is never served by two primaries at once
    And no acknowledged write to "kv" is lost
    And no client of "kv" sees state roll back
    And the outage of "kv" lasts at most 1000 ms
