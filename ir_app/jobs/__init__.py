"""Scheduled jobs: each idempotent, each also a CLI command (`ir-app jobs run-due`, `jobs run ID`).

- `registry`: the jobs, their stable ids and triggers.
- `runner`: runs a job once at a given moment, in its own unit of work.
- `scheduler`: APScheduler 3.x, one active per database through a lease row.
"""
