"""Thin Flask faces over the services."""
