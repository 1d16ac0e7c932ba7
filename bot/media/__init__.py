"""Photos and voice that arrive through WeChat, downloaded off the callback path and kept in our store."""
