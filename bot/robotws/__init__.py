"""The intelligent robot's long-connection mode: messages over a WebSocket, and pushes into its chats.

link.py keeps the connection (subscribe, heartbeat, reconnect); inbound.py hands pushed messages
to the same inbox and conversation as the callback does; push.py delivers the outbox's notices to
robot residents through it (into the group the report came from, masked), and holds the lease that
lets one instance at a time keep the connection.
"""
