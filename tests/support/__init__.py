"""Helpers shared by the tests. Test modules import from here (`from support.paths import ROOT`),
never from conftest.py or from another test module: conftest only declares fixtures and options."""
