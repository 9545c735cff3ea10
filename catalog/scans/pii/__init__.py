"""The parts of the PII classifier (`catalog.scans.classify`): kinds, validators, word lists,
column-name rules, value detectors and the free-text scanner."""
