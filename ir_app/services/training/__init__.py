"""Tập huấn: courses, sessions and attendance of a commune; coverage of the role requirements; reminders."""
