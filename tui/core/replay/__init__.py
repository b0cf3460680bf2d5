"""Replay: send a (repaired) request with the official client, one visible attempt at a time.

SDK retries are off (``max_retries=0``): the SDK's own ``retry-after`` handling has no cap, and the
user must see every attempt.  :mod:`policy` decides whether and when to try again.
"""
