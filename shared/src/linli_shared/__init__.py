"""Linli's common library: one way to do each cross-cutting thing."""
