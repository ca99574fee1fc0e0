"""Widgets that own their session-state key and return a value, shared by all pages."""
