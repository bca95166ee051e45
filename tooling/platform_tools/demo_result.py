"""What `make demo` returns and reports: one record per flow plus the apply/plan/destroy facts, printed as a
table, written as build/demo/result.json and report.md, with a picture of rows written vs quarantined and the
orders job's data-quality outcome per rule."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class FlowResult:
    """One flow: `ok` when every expected fact held; `details` holds the facts the tests assert on."""

    flow: str
    ok: bool
    outcome: str
    rows: int | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class DemoResult:
    env: str
    endpoint: str = ""
    resources_applied: int = 0
    second_plan_clean: bool | None = None
    destroyed: bool = False
    # What the emulator still holds after destroy, per service (platform_tools.leftovers: KMS keys pending
    # deletion are not counted); None = not checked. `unlisted`: services that could not be listed, with the error.
    leftovers: dict[str, list[str]] | None = None
    unlisted: dict[str, str] = field(default_factory=dict)
    flows: list[FlowResult] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)

    def flow(self, name: str) -> FlowResult:
        for result in self.flows:
            if result.flow == name:
                return result
        raise KeyError(f"no flow {name!r} in the demo result (flows: {[f.flow for f in self.flows]})")

    @property
    def ok(self) -> bool:
        return (
            bool(self.flows)
            and all(flow.ok for flow in self.flows)
            and self.second_plan_clean is True
            and self.destroyed
            and self.leftovers is not None
            and not any(self.leftovers.values())
            and not self.unlisted
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


OUTCOME_WIDTH = 72


def table(result: DemoResult) -> str:
    """The summary table: flow, what happened (wrapped), rows/records, time."""
    import textwrap

    rows = [("flow", "what happened", "rows", "time")]
    for flow in result.flows:
        text = f"{'ok' if flow.ok else 'FAILED'}: {flow.outcome}"
        lines = textwrap.wrap(text, OUTCOME_WIDTH) or [""]
        rows.append((flow.flow, lines[0], "" if flow.rows is None else str(flow.rows), f"{flow.seconds:.1f} s"))
        rows += [("", line, "", "") for line in lines[1:]]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]), row[3].rjust(widths[3])]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(result: DemoResult, picture: Path | None) -> str:
    lines = [
        f"# make demo: envs/{result.env} on the local emulator",
        "",
        f"- applied {result.resources_applied} resources; second plan "
        + (
            "showed no changes"
            if result.second_plan_clean
            else "SHOWED CHANGES"
            if result.second_plan_clean is False
            else "not run"
        ),
        f"- destroyed: {'yes' if result.destroyed else 'NO'}; left on the emulator after destroy: "
        + _leftover_text(result.leftovers, result.unlisted),
        f"- total {result.seconds:.0f} s; steps: "
        + ", ".join(f"{name} {secs:.0f} s" for name, secs in result.steps.items() if not name.startswith("flow ")),
        "",
        "| flow | what happened | rows/records | time |",
        "| --- | --- | ---: | ---: |",
    ]
    for flow in result.flows:
        outcome = (flow.outcome if flow.ok else f"**FAILED**: {flow.outcome}").replace("|", "\\|")
        rows = "" if flow.rows is None else str(flow.rows)
        lines.append(f"| {flow.flow} | {outcome} | {rows} | {flow.seconds:.1f} s |")
    lines.append("")
    for flow in result.flows:
        lines += [f"## {flow.flow}", "", "```json", json.dumps(flow.details, indent=2, default=str), "```", ""]
        if flow.error:
            lines += ["Error:", "", "```", flow.error, "```", ""]
    if picture is not None:
        lines += ["## Rows written and quarantined; data quality per rule", "", f"![outcomes]({picture.name})", ""]
    return "\n".join(lines)


def _leftover_text(leftovers: dict[str, list[str]] | None, unlisted: dict[str, str]) -> str:
    if leftovers is None:
        return "not checked"
    found = {service: names for service, names in leftovers.items() if names}
    if not found and not unlisted:
        return "nothing"
    return "; ".join(
        [f"{service}: could not list ({error.splitlines()[0][:160]})" for service, error in unlisted.items()]
        + [
            f"{service}: {len(names)} ({', '.join(names[:3])}{'…' if len(names) > 3 else ''})"
            for service, names in found.items()
        ]
    )


def picture(result: DemoResult, path: Path) -> Path | None:
    """Rows written vs quarantined per flow that moves rows, and the orders job's rule outcomes."""
    counted = [f for f in result.flows if "rows_written" in f.details and "rows_quarantined" in f.details]
    rules = next((f.details.get("rules") for f in result.flows if f.flow == "orders" and f.details.get("rules")), None)
    if not counted and not rules:
        return None
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    panels = 1 + (1 if rules else 0) if counted else 1
    figure, axes = plt.subplots(1, panels, figsize=(6 * panels, 3.6), squeeze=False)
    index = 0
    if counted:
        axis = axes[0][index]
        names = [f.flow for f in counted]
        written = [int(f.details["rows_written"]) for f in counted]
        quarantined = [int(f.details["rows_quarantined"]) for f in counted]
        positions = range(len(names))
        axis.bar([p - 0.2 for p in positions], written, width=0.4, label="written", color="#2b8a3e")
        axis.bar([p + 0.2 for p in positions], quarantined, width=0.4, label="quarantined", color="#c92a2a")
        axis.set_xticks(list(positions), names)
        axis.set_ylabel("rows / records")
        axis.set_title("written vs quarantined")
        axis.legend()
        index += 1
    if rules:
        axis = axes[0][index]
        labels = [str(rule["rule"]) for rule in rules]
        colours = ["#2b8a3e" if rule["outcome"] == "PASS" else "#c92a2a" for rule in rules]
        axis.barh(range(len(labels)), [1] * len(labels), color=colours)
        axis.set_yticks(range(len(labels)), labels, fontsize=8)
        axis.set_xticks([])
        for position, rule in enumerate(rules):
            axis.text(0.5, position, rule["outcome"], ha="center", va="center", color="white", fontsize=8)
        axis.invert_yaxis()
        axis.set_title("orders: data quality per rule")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def write_reports(result: DemoResult, folder: Path) -> None:
    """report.md, result.json and outcomes.png into `folder`; their paths go into `result.files`."""
    folder.mkdir(parents=True, exist_ok=True)
    png = picture(result, folder / "outcomes.png")
    report = folder / "report.md"
    data = folder / "result.json"
    result.files.update({"report": str(report), "result": str(data)})
    if png is not None:
        result.files["picture"] = str(png)
    report.write_text(markdown(result, png), encoding="utf-8")
    data.write_text(json.dumps(result.to_json(), indent=2, default=str), encoding="utf-8")
