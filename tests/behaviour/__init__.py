"""Behavioural test cases (CheckList style): the case files and the harness that runs them (docs/BEHAVIOUR.md)."""
