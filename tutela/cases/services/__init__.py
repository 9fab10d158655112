"""Writes on cases: each function is atomic, locks its row and records an event and an audit entry."""
