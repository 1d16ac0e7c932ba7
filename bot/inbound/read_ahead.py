"""Triage read ahead for the messages the inbox worker drains together: one pass of the model for all.

The model reads a batch for about a fifth of what it costs one message at a time (classify_many: one
matrix product per head for the whole batch), and gives each text the same triage either way.
"""
import logging

from bot.inbound.incoming import Incoming

log = logging.getLogger(__name__)

READABLE = ("text", "voice")


class ReadAhead:
    """A classifier that answers from the batch read ahead, and reads any other text as it comes."""

    def __init__(self, classifier, messages: list[Incoming]):
        self.classifier = classifier
        # what a resident's message is classified as (bot/conversation/residents.py): its text, stripped
        texts = list(dict.fromkeys(m.text.strip() for m in messages
                                   if m.channel != "web" and m.msg_type in READABLE and m.text and m.text.strip()))
        try:
            self._read = dict(zip(texts, classifier.classify_many(texts)))
        except Exception:  # noqa: BLE001 - each message then meets its own error, and goes to the duty desk
            log.exception("reading a batch ahead failed; reading one by one", extra={"count": len(texts)})
            self._read = {}

    def classify(self, text: str):
        """The triage of one text."""
        read = self._read.get(text)
        return read if read is not None else self.classifier.classify(text)

    def __getattr__(self, name: str):
        return getattr(self.classifier, name)
