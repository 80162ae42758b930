"""Incident pages: one blueprint; its routes live in views (record, lifecycle), work (tasks, evidence,
reports) and documents (generated files, summary)."""
from ir_app.web.incidents import documents, views, work  # noqa: F401 - importing registers the routes
from ir_app.web.incidents.common import bp

__all__ = ["bp"]
