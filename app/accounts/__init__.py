"""Accounts: organisations, users, sign-in sessions and API tokens."""
