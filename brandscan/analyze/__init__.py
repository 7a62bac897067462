"""Analyses: pure functions of the scored posts frame and the config."""
