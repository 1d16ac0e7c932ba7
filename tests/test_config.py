"""config.yaml: the demo file is valid; each kind of mistake names its key and exits 2."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from core.config_load import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEMO = (ROOT / "config.yaml").read_text(encoding="utf-8")


def broken(tmp_path, old: str, new: str) -> Path:
    assert old in DEMO, f"test fixture out of date: {old!r} not in config.yaml"
    path = tmp_path / "config.yaml"
    path.write_text(DEMO.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "grids.geojson").write_bytes((ROOT / "grids.geojson").read_bytes())  # read beside the config
    return path


def problems_of(path) -> list[str]:
    return problems_of_env(path, {})


def problems_of_env(path, env: dict) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env)
    return caught.value.problems


def test_the_demo_community_is_valid():
    s = load_settings(env={})
    assert s.station.name == "青石派出所"
    assert len(s.grids()) >= 5 and len(s.villages) == 2
    assert any(g.micro_grids for _, g in s.grids())
    assert all(3 <= len(g.workers) <= 5 for _, g in s.grids())
    assert s.escalation.urgent.accept[0].after == timedelta(minutes=15)


def test_it_names_an_unknown_key(tmp_path):
    path = broken(tmp_path, "ticker:\n  interval: 1s", "ticker:\n  interval: 1s\n  colour: red")
    assert "ticker.colour: unknown key" in problems_of(path)


def test_it_names_a_process_or_thread_count_out_of_range(tmp_path):
    [problem] = problems_of(broken(tmp_path, "  workers: 1\n", "  workers: 0\n"))
    assert problem.startswith("server.workers:") and "greater than or equal to 1" in problem
    [problem] = problems_of(broken(tmp_path, "  inbox_threads: 2 ", "  inbox_threads: 99 "))
    assert problem.startswith("ticker.inbox_threads:") and "less than or equal to 32" in problem


def test_it_names_a_bad_duration(tmp_path):
    path = broken(tmp_path, "remind_before_close: 2h", "remind_before_close: two hours")
    [problem] = problems_of(path)
    assert problem.startswith("escalation.remind_before_close: bad duration 'two hours'")


def test_it_catches_a_member_in_two_grids(tmp_path):
    path = broken(tmp_path, "workers: [wg_tangli, wg_fengbo, wg_caixia]", "workers: [wg_tangli, wg_fengbo, wg_li]")
    [problem] = problems_of(path)
    assert problem.startswith("villages.1.grids.0.workers.2: member 'wg_li' is already a worker of grid 'gh-1'")


def test_it_catches_a_grid_without_workers(tmp_path):
    path = broken(tmp_path, "workers: [wg_panyong, wg_duhong, wg_yuanpeng]", "workers: []")
    assert any(p.startswith("villages.1.grids.1.workers: List should have at least 1 item") for p in problems_of(path))


def test_it_lists_every_problem_at_once(tmp_path):
    path = broken(tmp_path, "interval: 1s               # how often due deadlines and the outbox are claimed\n  batch: 200",
                  "interval: soon\n  batch: -1")
    assert {p.split(":")[0] for p in problems_of(path)} == {"ticker.interval", "ticker.batch"}


def test_it_catches_references_to_unknown_members_and_wrong_roles(tmp_path):
    path = broken(tmp_path, "officer: mj_tian", "officer: wz_jiang")
    assert problems_of(path) == ["villages.1.officer: member 'wz_jiang' lacks role 'officer'"]


def deployment(tmp_path, **changes) -> Path:
    """config.yaml as a deployment writes it: no demo block, the WeCom app's ids set (its secret from the
    environment), then `changes` as {"section": {key: value}} merged in."""
    config = yaml.safe_load(DEMO)
    del config["demo"]
    config["wechat"]["work"].update(corp_id="wwcorp", agent_id=1000002)
    config["geo"]["boundaries_file"] = str(ROOT / "grids.geojson")
    for section, values in changes.items():
        config.setdefault(section, {}).update(values)
    path = tmp_path / "deployed.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_secrets_come_from_the_environment(tmp_path):
    s = load_settings(deployment(tmp_path), env={"GRIDWHISTLE_WORK_SECRET": "s3cret", "GRIDWHISTLE_API_TOKENS": "a, b",
                                                 "GRIDWHISTLE_PORT": "9090"})
    assert (s.wechat.work.secret, s.api.tokens, s.server.port) == ("s3cret", ["a", "b"], 9090)
    assert not s.demo.enabled  # the demo is asked for, never assumed


def test_the_demo_file_asks_for_the_demo_on_loopback():
    s = load_settings(env={})
    assert s.demo.enabled and not s.demo.public and s.server.host == "127.0.0.1"


@pytest.mark.parametrize("var", ["GRIDWHISTLE_MP_TOKEN", "GRIDWHISTLE_WORK_SECRET", "GRIDWHISTLE_ROBOT_AES_KEY",
                                 "GRIDWHISTLE_KF_SECRET"])
def test_the_demo_refuses_any_wechat_credential(var):
    [problem] = problems_of_env(None, {var: "x"})
    assert problem.startswith("demo.enabled: the demo has no login and must not run with WeChat credentials")


def test_the_demo_refuses_a_credential_in_the_file_too(tmp_path):
    path = broken(tmp_path, '    supervisors_webhook_key: ""', '    supervisors_webhook_key: "k"')
    [problem] = problems_of(path)
    assert "wechat.work.supervisors_webhook_key" in problem and problem.startswith("demo.enabled:")


def test_the_demo_stays_on_loopback_unless_public(tmp_path):
    path = broken(tmp_path, "  host: 127.0.0.1", "  host: 0.0.0.0")
    [problem] = problems_of(path)
    assert problem.startswith("demo.enabled: the demo has no login and listens on loopback only") and "0.0.0.0" in problem
    public = broken(tmp_path, "  host: 127.0.0.1", "  host: 0.0.0.0").read_text(encoding="utf-8")
    path.write_text(public.replace("  public: false ", "  public: true  "), encoding="utf-8")
    assert load_settings(path, env={}).demo.public
    for host in ("localhost", "::1", "127.0.0.2"):
        assert load_settings(broken(tmp_path, "  host: 127.0.0.1", f'  host: "{host}"'), env={}).server.host == host


def test_without_the_demo_the_wecom_app_must_reach_the_staff(tmp_path):
    [problem] = problems_of(deployment(tmp_path))
    assert problem.startswith("wechat.work: with the demo off the service is a deployment, and nobody on staff")
    assert load_settings(deployment(tmp_path), env={"GRIDWHISTLE_WORK_SECRET": "s"}).wechat.work.secret == "s"


@pytest.mark.parametrize("command", ["serve", "check-config"])
def test_run_py_refuses_the_demo_beside_a_credential_with_exit_2(command):
    out = subprocess.run([sys.executable, "run.py", command], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "GRIDWHISTLE_MP_APP_SECRET": "from-the-environment"})
    assert out.returncode == 2
    assert "demo.enabled: the demo has no login and must not run with WeChat credentials (wechat.mp.app_secret" \
        in out.stderr


def test_run_py_exits_2_and_prints_the_key(tmp_path):
    path = broken(tmp_path, "escalation:\n  emergency:", "escalation:\n  emergancy: {}\n  emergency:")
    out = subprocess.run([sys.executable, "run.py", "check-config", "--config", str(path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "escalation.emergancy: unknown key" in out.stderr


def test_an_unreadable_or_non_yaml_file_is_a_clear_error(tmp_path):
    assert problems_of(tmp_path / "missing.yaml")[0].startswith("cannot read file")
    bad = tmp_path / "bad.yaml"
    bad.write_text("station: [unclosed", encoding="utf-8")
    assert problems_of(bad)[0].startswith("not valid YAML")


def test_the_robots_long_connection_needs_its_credentials(tmp_path):
    path = broken(tmp_path, "    mode: callback ", "    mode: long_connection ")
    assert problems_of(path) == ["wechat.robot: mode long_connection needs bot_id and secret"]


def test_the_public_address_must_be_a_url(tmp_path):
    path = broken(tmp_path, 'public_url: ""', "public_url: gw.example.gov.cn")
    assert problems_of(path) == ["server.public_url: must start with https:// (or http://), got "
                                 "'gw.example.gov.cn'"]


def test_the_connection_bounds_are_checked(tmp_path):
    path = broken(tmp_path, "max_connections_per_address: 256", "max_connections_per_address: 2000")
    assert problems_of(path) == ["server: max_connections_per_address (2000) is more than max_connections (1024)"]
    path = broken(tmp_path, "callback_body_timeout: 5s", "callback_body_timeout: 0s")
    assert problems_of(path) == ["server.callback_body_timeout: Input should be greater than or equal to 1 second"]


def test_trusted_proxies_media_hosts_and_login_limits_are_checked(tmp_path):
    proxies = broken(tmp_path, "trusted_proxies: []", "trusted_proxies: [10.0.0.0/24, proxy.local]")
    assert problems_of(proxies) == ["server.trusted_proxies: not an IP address or CIDR: 'proxy.local'"]
    hosts = broken(tmp_path, "media_hosts: [mmbiz.qpic.cn,", "media_hosts: [https://mmbiz.qpic.cn/,")
    assert problems_of(hosts) == ["wechat.media_hosts: a host name like mmbiz.qpic.cn, got 'https://mmbiz.qpic.cn/'"]
    robot = "media_hosts: [ww-aibot-img-1258476243"
    for wrong in ("https://cos.example/", "cos.example:0", "cos.example:x", "me@cos.example", ""):
        path = broken(tmp_path, robot, f"media_hosts: ['{wrong}', ww-aibot-img-1258476243")
        assert problems_of(path) == ["wechat.robot.media_hosts: a host or host:port like ww-aibot-img-1258476243"
                                     f".cos.ap-guangzhou.myqcloud.com, got '{wrong}'"]
    fake = load_settings(broken(tmp_path, robot, "media_hosts: [127.0.0.1:8081, WW-aibot-img-1258476243"), env={})
    assert fake.wechat.robot.media_hosts == ["127.0.0.1:8081", "ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com"]
    login = broken(tmp_path, "  max_failures: 5\n", "  max_failures: 0\n")
    assert [p.split(":")[0] for p in problems_of(login)] == ["login.max_failures"]
    trusted = load_settings(broken(tmp_path, "trusted_proxies: []", "trusted_proxies: [127.0.0.1, 10.0.0.0/24]"), env={})
    assert trusted.server.trusted_proxies == ["127.0.0.1", "10.0.0.0/24"]


def test_a_bad_time_of_day_is_named_the_same_way_wherever_it_is(tmp_path):
    hours = broken(tmp_path, '["08:30", "12:00"]', '["8:3", "12:00"]')
    assert "working_hours.periods.0.0: bad time of day '8:3': write it like 08:30" in problems_of(hours)
    report = broken(tmp_path, 'daily_digest_at: "08:00"', 'daily_digest_at: "25:00"')
    assert "reports.daily_digest_at: bad time of day '25:00': write it like 08:30" in problems_of(report)
    duty = broken(tmp_path, 'times: ["07:30", "16:30"]', 'times: ["07:30", "4pm"]')
    assert "duties.0.times.1: bad time of day '4pm': write it like 08:30" in problems_of(duty)
def test_escalation_delivery_keys_are_checked(tmp_path):
    assert problems_of(broken(tmp_path, "reach_by_group: [sz_lin]", "reach_by_group: [wz_zhang]")) == [
        "escalation.reach_by_group.0: 'wz_zhang' is not one of station.supervisors"]
    [quiet] = problems_of(broken(tmp_path, 'quiet_hours: {start: "22:00", end: "07:00"}',
                                 'quiet_hours: {start: "22:00", end: "7am"}'))
    assert quiet == "escalation.quiet_hours.end: bad time of day '7am': write it like 08:30"
    [same] = problems_of(broken(tmp_path, 'end: "07:00"}', 'end: "22:00"}'))
    assert same.startswith("escalation.quiet_hours: quiet hours start and end at the same time")
    [repeats] = problems_of(broken(tmp_path, "max_repeats: 3", "max_repeats: 12"))
    assert repeats.startswith("escalation.max_repeats: Input should be less than or equal to 9")
    [window] = problems_of(broken(tmp_path, "batch_window: 10m", "batch_window: soon"))
    assert window.startswith("escalation.batch_window: bad duration 'soon'")


def test_quiet_hours_may_be_switched_off(tmp_path):
    path = broken(tmp_path, 'quiet_hours: {start: "22:00", end: "07:00"}', "quiet_hours: null")
    assert load_settings(path, env={}).escalation.quiet_hours is None


def test_it_names_a_notice_template_that_cannot_be_filled(tmp_path):
    path = broken(tmp_path, "    templates: {}", "    templates:\n      accepted: {id: T1, data: {thing1: \"{ticket}\"}}\n"
                                                  "      finished: {id: T2, data: {thing1: \"{text}\"}}")
    problems = problems_of(path)
    assert any(p.startswith("wechat.mp.templates.accepted.data") and "thing1: unknown ['ticket']" in p
               for p in problems), problems
    assert any(p.startswith("wechat.mp.templates.finished") for p in problems), problems
