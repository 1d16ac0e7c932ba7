"""The rates supervisors are judged by, computed over a list of Facts; the definitions shown on the page."""
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from statistics import median

from reports.facts import Facts

DEFINITIONS = [
    ("统计范围", "受理时间（居民报事或任务生成的时间）落在所选时间段内、且在你的查看范围内的工单；"
             "居民撤销的工单不计入任何比率。"),
    ("及时签收率", "首次派单后，在该工单派单时冻结的升级策略第一级签收时限（如一般事项 30 分钟）内签收的工单数"
              " ÷ 已派单的工单数。"),
    ("按时办结率", "首次办结时间不晚于办结时限（该轮派单时间 + 策略第一级办结时限，如一般事项 1 天）的工单数"
              " ÷ 已办结过的工单数。"),
    ("办结率", "当前状态为已办结、已回访或已关闭的工单数 ÷ 全部未撤销工单数。"),
    ("满意率", "回访答复“满意”的条数 ÷ 有答复的回访条数（满意 + 不满意）。"
            "回访超时未答复、按“默认满意”关闭的单独列出，不计入满意率。"),
    ("签收用时中位数", "首次派单到首次签收的时长的中位数（仅计已签收的工单）。"),
    ("办结用时中位数", "首次派单到首次办结的时长的中位数（仅计已办结过的工单）。"),
    ("重开率", "回访不满意而重新办理过的工单数 ÷ 已办结过的工单数。"),
    ("承办人", "按人统计时，工单算给办结它的人；未办结的算给签收它的人；未签收的算给最近一次派单的第一承办人。"),
]


@dataclass(frozen=True)
class Rates:
    """Counts and the rates made from them; a rate with nothing to count is None."""

    total: int
    dispatched: int
    accepted_on_time: int
    resolved: int
    resolved_on_time: int
    done: int
    answered: int
    satisfied: int
    default_satisfied: int
    reopened: int
    median_accept_s: float | None
    median_close_s: float | None

    @property
    def accept_rate(self) -> float | None:
        return _ratio(self.accepted_on_time, self.dispatched)

    @property
    def on_time_close_rate(self) -> float | None:
        return _ratio(self.resolved_on_time, self.resolved)

    @property
    def done_rate(self) -> float | None:
        return _ratio(self.done, self.total)

    @property
    def satisfaction_rate(self) -> float | None:
        return _ratio(self.satisfied, self.answered)

    @property
    def reopen_rate(self) -> float | None:
        return _ratio(self.reopened, self.resolved)


def compute(facts: Iterable[Facts]) -> Rates:
    """The rates over these tickets (cancelled ones are left out)."""
    rows = [f for f in facts if not f.cancelled]
    dispatched = [f for f in rows if f.dispatched_at]
    resolved = [f for f in rows if f.resolved_at]
    answers = [a for f in rows for a in f.feedback]
    accept_times = [s for f in rows if (s := f.accept_seconds) is not None]
    close_times = [s for f in rows if (s := f.close_seconds) is not None]
    return Rates(total=len(rows), dispatched=len(dispatched),
                 accepted_on_time=sum(f.accepted_on_time for f in dispatched),
                 resolved=len(resolved), resolved_on_time=sum(f.resolved_on_time for f in resolved),
                 done=sum(f.done for f in rows),
                 answered=sum(a is not None for a in answers), satisfied=sum(a is True for a in answers),
                 default_satisfied=sum(a is None for a in answers),
                 reopened=sum(f.reopened for f in resolved),
                 median_accept_s=median(accept_times) if accept_times else None,
                 median_close_s=median(close_times) if close_times else None)


def by(facts: Iterable[Facts], key: Callable[[Facts], str | None]) -> dict[str, Rates]:
    """Rates per group (groups with no key are left out), in order of size."""
    groups: dict[str, list[Facts]] = defaultdict(list)
    for f in facts:
        k = key(f)
        if k:
            groups[k].append(f)
    return {k: compute(v) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
