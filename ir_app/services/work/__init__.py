"""Whose turn it is: the personal work queue ("Việc của tôi"), hand-off messages, role dashboards.

- `steps`: who acts next on a dossier, read from the workflow data (`@appraises` → roles by level).
- `queue`: everything waiting on one user, sorted by legal deadline, in a bounded number of statements.
- `assignment`: a dossier step given to a named person (default: the role), audited.
- `handoff`: the in-app + e-mail message that tells the next people it is their turn.
- `dashboard`: the overview's figures per role, each a link to the filtered list.
"""
