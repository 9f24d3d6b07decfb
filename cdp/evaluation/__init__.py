"""Offline quality evaluation of platform components on labelled synthetic data."""
