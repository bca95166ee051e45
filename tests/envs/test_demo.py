"""The main job (`make demo`) end to end: envs/dev applied to a fresh emulator, re-planned clean, each of the five
flows driven, destroyed with nothing left; asserted on the structured result the demo returns, flow by flow.

The expectations come from the demo's inputs (the sample orders and what each should become, the stream records
put, the commit made), never from a copy of the demo's output. The demo starts its own emulator; the session's
emulator is used only to stand in for "an earlier demo still running" and "a port in use".
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from platform_tools import demo, demo_flows
from platform_tools.demo_result import DemoResult, table
from platform_tools.emulator import EmulatorProcess, start_emulator

pytestmark = [pytest.mark.emulator, pytest.mark.terraform, pytest.mark.spark]


@pytest.fixture(scope="module")
def outcome() -> Iterator[tuple[DemoResult, str]]:
    """One whole demo for the module (it costs minutes): its result and what it printed."""
    capture = pytest.MonkeyPatch()
    screen = io.StringIO()
    capture.setattr(demo, "screen", lambda: screen)
    try:
        result = demo.run("dev", keep=False)
    finally:
        capture.undo()
    yield result, screen.getvalue()


@pytest.fixture(scope="module")
def result(outcome: tuple[DemoResult, str]) -> DemoResult:
    return outcome[0]


def flow_ok(result: DemoResult, name: str) -> dict[str, Any]:
    flow = result.flow(name)
    assert flow.ok, f"{name}: {flow.outcome}\n{flow.error}"
    return flow.details


def test_applies_replans_clean_destroys_and_leaves_nothing(result: DemoResult) -> None:
    assert result.resources_applied > 100  # the five pipelines and the data lake
    assert result.second_plan_clean is True
    assert result.destroyed
    assert result.unlisted == {}, result.unlisted
    assert result.leftovers == {}, result.leftovers
    assert [flow.flow for flow in result.flows] == ["hello", "orders", "stream", "deploy", "batch"]
    assert result.ok
    assert not (demo.DEMO_DIR / "work").exists() and not (demo.DEMO_DIR / "terraform").exists()
    assert not demo.PID_FILE.exists()


def test_hello_passes_the_message_and_a_failed_run_notifies_and_fails(result: DemoResult) -> None:
    details = flow_ok(result, "hello")
    succeeded, failed = details["succeeded"], details["failed"]
    assert succeeded["status"] == "SUCCEEDED" and succeeded["job_run_state"] == "SUCCEEDED"
    assert succeeded["message_received"] == succeeded["message_sent"] == demo_flows.HELLO_MESSAGE
    assert failed["status"] == "FAILED"
    assert failed["states"][-1] == failed["fail_state"]
    notification = failed["notification"]
    assert notification["ExecutionName"] == failed["execution"]
    assert notification["ErrorMessage"] == demo_flows.HELLO_FAILURE
    assert str(notification["JobRunId"]).startswith("jr_")


def test_orders_run_on_the_engine_writes_and_quarantines_what_the_sample_implies(result: DemoResult) -> None:
    details = flow_ok(result, "orders")
    expected = demo_flows.sample_expectation()
    assert details["engine"] in ("duckdb", "spark")
    assert details["execution_status"] == "SUCCEEDED"
    assert (details["rows_in"], details["rows_written"], details["rows_quarantined"]) == (
        expected["rows_in"],
        expected["rows_written"],
        expected["rows_quarantined"],
    )
    assert details["quarantine_records"] == expected["rows_quarantined"]  # read back from the emulator's S3
    every = [r for records in demo_flows.SAMPLE_FILES.values() for r in records]
    written = Counter(f"order_date={r.record['order_date']}" for r in every if r.quarantined is None)
    assert details["rows_by_partition"] == dict(written)  # Parquet rows counted in the emulator's S3
    rules = {rule["rule"]: rule["outcome"] for rule in details["rules"]}
    assert sorted(rule for rule, verdict in rules.items() if verdict == "FAIL") == expected["failed_rules"]
    assert set(rules.values()) <= {"PASS", "FAIL"}
    assert str(details["report"]).startswith("s3://") and str(details["run_id"]) in str(details["report"])


def test_stream_records_land_in_partitions_and_malformed_ones_in_the_quarantine(result: DemoResult) -> None:
    details = flow_ok(result, "stream")
    assert details["records_put"] == demo_flows.GOOD_STREAM_RECORDS + len(details["malformed_put"])
    assert details["rows_written"] == demo_flows.GOOD_STREAM_RECORDS
    assert sorted(set(details["quarantine_reasons"])) == details["malformed_put"]
    assert details["rows_quarantined"] == len(details["quarantine_reasons"]) == len(details["malformed_put"])
    # The good records' event times are 3 hours apart: one hour partition each.
    hours = {
        datetime.fromtimestamp((demo_flows.STREAM_BASE_MS + i * 3 * 3_600_000) / 1000, UTC).strftime("%Y-%m-%d %H")
        for i in range(demo_flows.GOOD_STREAM_RECORDS)
    }
    assert len(details["partitions"]) == len(hours)
    assert all("ingest_hour=" in partition for partition in details["partitions"])


def test_deploy_points_the_job_at_the_new_commit_and_reports_to_the_pipeline(result: DemoResult) -> None:
    details = flow_ok(result, "deploy")
    commit = str(details["commit"])
    assert commit != details["first_commit"]
    assert f"/{commit}/" in str(details["script_after"]) and commit not in str(details["script_before"])
    assert details["target_job_matches_output"] is True
    first, continuation = details["first_invocation"], details["continuation"]
    assert (first["outcome"], first["reported"], first["continuation"]) == ("in_progress", "Succeeded", True)
    assert (continuation["outcome"], continuation["reported"]) == ("succeeded", "Succeeded")
    assert continuation["output_variables"]["script_s3_uri"] == details["script_after"]
    assert details["job_run"] == {"id": details["job_run"]["id"], "state": "SUCCEEDED"}


def test_batch_launcher_waits_starts_once_and_caps(result: DemoResult) -> None:
    details = flow_ok(result, "batch")
    assert details["outcomes"] == ["waiting", "started", "capped"]
    started = details["started"]
    assert int(started["cut_off_time_start"]) < int(started["cut_off_time_end"])
    assert len(started["tables_rebuilt"]) == 4 and started["objects_deleted"] == 1
    assert details["job_runs"] == 1  # the duplicate event started nothing


def test_screen_shows_steps_and_table_and_the_lambda_logs_go_to_the_file(outcome: tuple[DemoResult, str]) -> None:
    result, printed = outcome
    for step in ("terraform init", "terraform apply", "second plan", "terraform destroy"):
        assert any(step in line and line.startswith("[demo ") for line in printed.splitlines()), step
    assert table(result) in printed  # the summary table, one row per flow
    for flow in result.flows:
        verdict = "ok:" if flow.ok else "FAILED:"
        assert any(line.startswith(f"{flow.flow} ") and verdict in line for line in printed.splitlines())
    assert '"service"' not in printed  # no JSON log line on screen
    logged = (demo.DEMO_DIR / "demo.log").read_text()
    assert '"service": "batch-launcher"' in logged or '"service":"batch-launcher"' in logged
    assert '"service": "glue-deployer"' in logged or '"service":"glue-deployer"' in logged


def test_report_json_and_picture_hold_the_same_facts(result: DemoResult) -> None:
    stored = json.loads(Path(result.files["result"]).read_text())
    assert [(f["flow"], f["ok"], f["rows"]) for f in stored["flows"]] == [(f.flow, f.ok, f.rows) for f in result.flows]
    report = Path(result.files["report"]).read_text()
    for flow in result.flows:
        outcome = flow.outcome if flow.ok else f"**FAILED**: {flow.outcome}"
        assert f"| {flow.flow} | {outcome.replace('|', chr(92) + '|')} |" in report
    assert Path(result.files["picture"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- bad input: an earlier emulator, a busy port


@pytest.fixture
def pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "emulator.json"
    monkeypatch.setattr(demo, "PID_FILE", path)
    return path


def test_an_earlier_demos_emulator_still_running_is_named_with_how_to_stop_it(
    emulator: EmulatorProcess, pid_file: Path
) -> None:
    pid_file.write_text(json.dumps({"demo_pid": 1, "emulator_pid": emulator.process.pid, "port": emulator.port}))
    with pytest.raises(demo.ToolingError, match=rf"pid {emulator.process.pid}.*stop it with `make demo-down`"):
        demo.run("dev")
    # A record whose process is gone is stale: removed, not in the way.
    pid_file.write_text(json.dumps({"demo_pid": 1, "emulator_pid": 2**22 + 7, "port": 1}))
    assert demo.previous_demo() is None and not pid_file.exists()


def test_a_port_in_use_is_named_with_how_to_free_it(
    emulator: EmulatorProcess, pid_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMULATOR_PORT", str(emulator.port))
    with pytest.raises(
        demo.ToolingError, match=rf"port {emulator.port} .* in use: .*`make demo-down`.*EMULATOR_PORT=0"
    ):
        demo.run("dev")


def test_demo_down_stops_a_kept_emulator(pid_file: Path) -> None:
    kept = start_emulator()
    try:
        pid_file.write_text(json.dumps({"demo_pid": 0, "emulator_pid": kept.process.pid, "port": kept.port}))
        done = demo.down()
        kept.process.wait(timeout=15)
        assert f"stopped emulator process {kept.process.pid}" in done
        assert not pid_file.exists()
    finally:
        kept.stop()


def test_make_demo_down_with_nothing_running_says_so(
    pid_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    (tmp_path / "work" / "orders").mkdir(parents=True)
    assert demo.main(["down"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"[demo-down] removed {tmp_path / 'work'}"]
    assert demo.main(["down"]) == 0
    assert capsys.readouterr().out.strip() == "[demo-down] nothing to stop or remove"


def test_unknown_env_is_one_clear_sentence() -> None:
    with pytest.raises(demo.ToolingError, match=r"envs/staging does not exist: choose ENV from \['dev', 'prod'\]"):
        demo.run("staging", keep=False)
