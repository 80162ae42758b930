"""Dossier pages: the level wizard and workflow (views) and the dossier documents (documents)."""
