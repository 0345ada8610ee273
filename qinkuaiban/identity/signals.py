"""Audit receivers for logins, failures, lockouts and logouts."""
