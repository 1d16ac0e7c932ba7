"""The conversation: what residents and staff wrote, answered and turned into reports."""
