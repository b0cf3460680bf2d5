"""Repairs: fixes are JSON Patch operations produced by the rules; applying them is pure."""
