"""Out of the service: the outbox delivered through WeChat's APIs."""
