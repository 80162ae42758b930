"""Due items: every deadline the app knows of, from small provider functions.

- `base`: the `Deadline` a provider returns and the `DueContext` it reads from.
- `providers`: one function per kind of due item (dossier steps, reviews, backups, …).
- `registry`: the one list of providers, each tagged with the job group that sweeps it.
- `reminders`: turns deadlines whose threshold is reached into outbox rows, exactly once.
- `calendar`: the same deadlines as a personal ICS feed.
"""
