"""The demo: a web chat channel on the same inbox and outbox, and a month of seeded history."""
