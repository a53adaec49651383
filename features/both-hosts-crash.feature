@epic:Fault-tolerance @feature:Host-crash @severity:normal
Feature: Both hosts crash
  Fault tolerance covers one failure. When both hosts die the service is down, and the
  harness says so honestly: the availability fails and zero loss is not claimed, because the
  final reads that would prove it cannot be made.

  Scenario: A double failure is reported as an outage, not as zero loss
    Given a protected pair "kv" with checkpoints every 25 ms
    And 4 clients write to "kv" continuously
    And availability of "kv" is probed every 10 ms
    When 1 second passes
    And both hosts of "kv" crash
    And 1 second passes
    Then the availability of "kv" is below 99.999% assuming 12 host failures per year
    And zero state loss of "kv" is not claimed
