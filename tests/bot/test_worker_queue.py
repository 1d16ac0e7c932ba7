"""Whose messages go behind the inbox worker's (bot/context.py WorkerQueue)."""
from bot.context import WorkerQueue


def test_only_the_conversation_with_a_message_left_waits_until_too_many_do():
    queue = WorkerQueue()
    assert not queue.busy() and not queue.busy("mp:oA")
    queue.left("mp:oA")
    assert queue.busy("mp:oA") and not queue.busy("mp:oB") and queue.busy()
    for n in range(WorkerQueue.SPILL):
        queue.left(f"mp:o{n}")
    assert queue.busy("mp:oB")  # more than SPILL wait: everyone's goes behind


def test_claimed_messages_hold_their_conversations_until_drained():
    queue = WorkerQueue()
    queue.left("mp:oA")
    queue.left("mp:oA")
    queue.left("mp:oB")
    queue.took(["mp:oA"], all_waiting=False)  # one of oA's claimed, the rest still left
    assert queue.busy("mp:oA") and queue.busy("mp:oB")
    queue.drained()
    assert queue.busy("mp:oA") and queue.busy("mp:oB")  # one of oA's still left, and oB's
    queue.took(["mp:oA", "mp:oB"], all_waiting=True)
    assert queue.busy("mp:oA") and not queue.busy("mp:oC")
    queue.drained()
    assert not queue.busy() and not queue.busy("mp:oA")
