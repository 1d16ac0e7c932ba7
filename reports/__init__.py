"""What supervisors are told: each rate (及时签收率, 按时办结率, 办结率, 满意率) defined once, from the audit log,
and the texts built on them (daily digest, weekly summary, monthly ranking). Read-only over the store."""
