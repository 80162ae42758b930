"""Use cases: the only code that writes. Each takes session, actor and time explicitly,
flushes, and records an audit event; the caller (view, CLI, job) commits once."""
