"""Routing, ticket lifecycle and escalation. Knows nothing of WeChat, aiohttp or HTTP."""
