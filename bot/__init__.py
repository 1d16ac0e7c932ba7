"""WeChat in and out: callbacks, the conversation with residents, workers' replies, delivery."""
