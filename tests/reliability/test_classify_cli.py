"""`python run.py classify` fed broken bytes and broken JSON: one JSON line per input line, and it keeps going.

Run with PYTHONIOENCODING=utf-8 (strict both ways), the least forgiving console, and with a
surrogateescape text stream in-process (what a C-locale stdin hands over).
"""
import io
import json
import subprocess
import sys
from pathlib import Path

from nlp.cli import run_classify

ROOT = Path(__file__).resolve().parents[2]
GOOD = '{"id": 1, "text": "锦绣花园12栋楼道有人打架"}'.encode()
LINES = [  # (input line, whether its output line is an error)
    (GOOD, False),
    (b"\xff\xfe\xfd", True),  # not UTF-8
    ('{"id": 3, "text": "有人'.encode() + b"\xe6\x89" + '打架"}'.encode(), True),  # a cut character in the text
    (b'{"id": 4, "text": }', True),
    (b"[1, 2]", True),
    (b'{"id": 6}', True),
    (b'{"id": NaN, "text": "x"}', True),  # Python reads it; it is not JSON, and would be written back as NaN
    (b'{"id": 1e999, "text": "x"}', True),  # would be written back as Infinity
    (b"[" * 100_000, True),  # nested too deep for the parser
    (b'{"id": "\\ud800", "text": "\\udcff\\u0000\xe7\x9d\x80\xe7\x81\xab"}', False),  # lone surrogates as escapes
    ('{"id": 11, "text": "'.encode() + "啊".encode() * 100_000 + b'"}', False),
    (b"   ", None),  # blank: no output
    (b'{"id": 12, "text": "\xe8\xb7\xaf\xe7\x81\xaf\xe5\x9d\x8f\xe4\xba\x86"}\r', False),  # CRLF
    (GOOD.replace(b": 1,", b': "last",'), False),
]


def _rows(stdout: bytes) -> list[dict]:
    text = stdout.decode("utf-8")  # strict: every byte written is UTF-8

    def refuse(constant):
        raise AssertionError(f"{constant} written")
    return [json.loads(line, parse_constant=refuse) for line in text.splitlines()]


def _check(rows: list[dict]) -> None:
    expected = [error for _, error in LINES if error is not None]
    assert ["error" in row for row in rows] == expected
    assert rows[0]["id"] == 1 and rows[0]["category"] == "violence" and rows[0]["location"] == "锦绣花园12栋楼道"
    assert rows[-1]["id"] == "last" and rows[-1]["category"] == "violence"  # it kept going to the end
    assert rows[9]["id"] == "\ud800" and set(rows[9]) == {"id", "is_report", "kind", "category", "urgency",
                                                          "location", "confidence"}
    assert all(row["error"].startswith("bad input line") for row in rows if "error" in row)


def test_it_answers_every_line_of_broken_input_from_the_command_line():
    stdin = b"\n".join(line for line, _ in LINES) + b"\n"
    done = subprocess.run([sys.executable, "run.py", "classify"], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    _check(_rows(done.stdout))


def test_it_answers_lines_a_c_locale_stdin_decoded_with_surrogates(classifier):
    stdin = io.TextIOWrapper(io.BytesIO(b"\n".join(line for line, _ in LINES)), encoding="utf-8",
                             errors="surrogateescape")
    out = io.StringIO()
    assert run_classify(classifier, stdin, out) == 0
    _check(_rows(out.getvalue().encode("utf-8")))
