"""Shared plumbing every feature builds on: database base, errors, realtime, Markdown."""
