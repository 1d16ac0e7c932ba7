"""The inbox worker reads its batch's triage in one pass of the model: the same triage as one at a time."""
from bot.inbound.incoming import Incoming
from bot.inbound.read_ahead import ReadAhead
from tests.reliability.crash_run import REPORTS


def _text(i: int, text: str, channel: str = "mp", msg_type: str = "text") -> Incoming:
    return Incoming(channel=channel, sender=f"o{i}", msg_key=f"mp:o{i}:{i}", msg_type=msg_type, text=text)


def test_a_batch_read_ahead_gives_each_text_the_triage_it_gets_alone(classifier):
    texts = [*REPORTS, "大家早上好", "查询", "  楼道里有人充电  "]
    ahead = ReadAhead(classifier, [_text(i, t) for i, t in enumerate(texts)])
    assert [ahead.classify(t.strip()) for t in texts] == [classifier.classify(t.strip()) for t in texts]
    assert ahead.classify("没读过的一句话") == classifier.classify("没读过的一句话")  # read as it comes


class Failing:
    def __init__(self):
        self.one_by_one = []

    def classify_many(self, texts):
        raise ValueError("the batch")

    def classify(self, text):
        self.one_by_one.append(text)
        return text


def test_a_batch_that_fails_is_read_one_message_at_a_time():
    failing = Failing()
    ahead = ReadAhead(failing, [_text(1, "路灯坏了"), _text(2, "井盖丢了")])
    assert ahead.classify("路灯坏了") == "路灯坏了" and failing.one_by_one == ["路灯坏了"]
