"""Consultations: scope, lifecycle, participants, agenda and themes; who may see and do what."""
