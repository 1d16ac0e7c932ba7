"""Shared kernel: configuration, time, logging and the working-day calendar."""
