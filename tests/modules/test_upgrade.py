"""The upgrade check: a deployment made before modules/_parts is adopted by the new code, not rebuilt.

For each root, platform_tools.upgrade applies the root as it was at the commit before the refactor
(`DEFAULT_REF`, exported with `git archive`) on a fresh emulator, plans the working tree's version against
that state, then destroys. The plan may destroy (replace) nothing but KMS aliases, whose names change
under the one alias pattern; every KMS key and bucket the old code made must be kept (moved or unchanged).

The roots' own tests are in tests/modules/test_upgrade_*.py, one file a root so that xdist (a file per worker)
runs them side by side; each has its own emulator (the roots' names are fixed, so they must not share one with
the session's applied examples). This file tests the tool itself. Needs `make build` and the full git history
(`git fetch --unshallow` in a shallow clone).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from upgrade_helpers import check_upgrade

from platform_tools import REPO_ROOT, ToolingError
from platform_tools.upgrade import DEFAULT_REF, UpgradePlan, export_ref, parse_plan

# ---------------------------------------------------------------- the tool itself, without an emulator

PLAN_JSON = {
    "resource_changes": [
        {
            "address": "module.kms_key[0].aws_kms_key.this",
            "previous_address": "aws_kms_key.this[0]",
            "mode": "managed",
            "type": "aws_kms_key",
            "change": {"actions": ["no-op"]},
        },
        {
            "address": "module.kms_key[0].aws_kms_alias.this",
            "previous_address": "aws_kms_alias.this[0]",
            "mode": "managed",
            "type": "aws_kms_alias",
            "action_reason": "replace_because_cannot_update",
            "change": {"actions": ["create", "delete"], "replace_paths": [["name"]]},
        },
        {
            "address": "aws_s3_bucket.data",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "change": {
                "actions": ["update"],
                "before": {"bucket": "b", "tags": {"a": "1"}, "arn": "arn:b"},
                "after": {"bucket": "b", "tags": {"a": "2"}},
                "after_unknown": {"arn": True},
            },
        },
        {"address": "aws_iam_role.extra", "mode": "managed", "type": "aws_iam_role", "change": {"actions": ["create"]}},
        {"address": "aws_sns_topic.old", "mode": "managed", "type": "aws_sns_topic", "change": {"actions": ["delete"]}},
        {
            "address": "data.aws_iam_policy_document.x",
            "mode": "data",
            "type": "aws_iam_policy_document",
            "change": {"actions": ["read"]},
        },
    ]
}


def test_plan_helpers_sort_changes_and_flag_destroys_other_than_aliases() -> None:
    plan = UpgradePlan(
        old_root="r",
        new_root="r",
        ref=DEFAULT_REF,
        changes=parse_plan(PLAN_JSON),
        old_state={"aws_kms_key.this[0]": "aws_kms_key", "aws_s3_bucket.data": "aws_s3_bucket"},
    )
    assert plan.moved() == {
        "aws_kms_key.this[0]": "module.kms_key[0].aws_kms_key.this",
        "aws_kms_alias.this[0]": "module.kms_key[0].aws_kms_alias.this",
    }
    assert plan.destroyed() == ["module.kms_key[0].aws_kms_alias.this", "aws_sns_topic.old"]
    assert plan.updated() == ["aws_s3_bucket.data"]
    assert plan.created() == ["aws_iam_role.extra"]
    assert [change.address for change in plan.unexpected_destroys()] == ["aws_sns_topic.old"]
    assert not plan.ok
    fate = plan.fate("aws_kms_key.this[0]")
    assert fate is not None and fate.address == "module.kms_key[0].aws_kms_key.this"
    assert "[replaced for: name]" in plan.describe()
    assert "aws_s3_bucket.data [changes: arn, tags]" in plan.describe()
    with pytest.raises(AssertionError, match=r"aws_sns_topic\.old"):
        check_upgrade(plan)


def test_export_ref_writes_the_old_tree_and_links_build(tmp_path: Path) -> None:
    tree = export_ref(DEFAULT_REF, tmp_path / "old")
    assert (tree / "envs/dev/main.tf").is_file()
    assert not (tree / "modules/_parts").exists()  # the parts came after
    assert (tree / "build").is_symlink() and (tree / "build").resolve() == (REPO_ROOT / "build").resolve()
    assert not (tree / ".git").exists()


def test_export_ref_in_a_shallow_clone_says_to_fetch_the_history(tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPO_ROOT.as_uri(), str(clone)], check=True)
    with pytest.raises(ToolingError, match=r"git fetch --unshallow"):
        export_ref(DEFAULT_REF, tmp_path / "old", repo=clone)
