"""微信客服 (WeCom customer service): residents chat 1:1 from ordinary WeChat.

WeCom only signals (`kf_msg_or_event` with a Token); the service then pulls the messages with
kf/sync_msg from a cursor kept in the database (callback.py, pull.py), stores each as an inbox row
like any channel's message (messages.py), and answers through kf/send_msg within its window of
48 hours and 5 messages after the resident's last message (send.py).
"""
