"""Readers for the data folders (YAML + JSON Schema) that turn files into domain objects."""
