"""Both envs init and validate; a bad terraform.tfvars makes `terraform plan` fail naming the variable and the fix.

Plan-level only (nothing is applied): each env is initialised once, with its S3 backend on a fresh emulator, and
planned with `-var-file` of a temporary tfvars standing in for its own. A failing plan costs nearly a full plan
(tens of seconds), so three plans carry the cases, each test asserting its own message: Terraform reports every
variable's failed validation, but a settings value that does not convert to the stack's type stops that
variable's own validations (hence the bad value alone in a plan of its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

STATE_BUCKET = "envs-inputs-state"
ENVS = ("dev", "prod")


@pytest.fixture(scope="module")
def inputs_emulator() -> Iterator[EmulatorProcess]:
    with start_emulator() as process:
        process.client("s3").create_bucket(Bucket=STATE_BUCKET)
        yield process


@pytest.fixture(scope="module")
def roots(inputs_emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, TerraformRoot]:
    found = {}
    for env in ENVS:
        root = TerraformRoot(
            REPO_ROOT / "envs" / env,
            tmp_path_factory.mktemp(f"envs-{env}"),
            env=inputs_emulator.env(),
            backend_config={
                "bucket": STATE_BUCKET,
                "key": f"{env}/terraform.tfstate",
                "region": inputs_emulator.env()["AWS_REGION"],
                "use_path_style": "true",
            },
        )
        root.init()
        found[env] = root
    return found


def plan_with(root: TerraformRoot, tfvars: str) -> str:
    """Plan with `tfvars` in place of the env's own terraform.tfvars; return the error output (the plan must fail)."""
    var_file = root.work_dir / "bad.tfvars"
    var_file.write_text(tfvars)
    # -var-file after the auto-loaded terraform.tfvars: its values win, as a user's override would.
    result = root.run(
        "plan", "-input=false", "-no-color", "-refresh=false", f"-var-file={var_file}", "-lock=false", check=False
    )
    assert result.returncode == 1, f"the plan did not fail:\n{result.stdout[-2000:]}"
    # Terraform wraps messages at ~80 columns: compare on single spaces.
    return re.sub(r"\s+", " ", result.stderr.replace("│", " "))


@pytest.fixture(scope="module")
def dev_errors(roots: dict[str, TerraformRoot]) -> str:
    # Another environment's name, a mistyped setting and a misspelt one.
    return plan_with(
        roots["dev"], 'environment = "staging"\nsettings = { force_destroy = "maybe", orders_engin = "x" }\n'
    )


@pytest.fixture(scope="module")
def prod_errors(roots: dict[str, TerraformRoot]) -> str:
    # dev's name in prod's folder, and manifest_comparison without the import type it must have.
    tfvars = (
        'environment = "dev"\n'
        'settings = { manifest_comparison = { dependency_queue_names = ["imports"], snapshot_type = "full" } }\n'
    )
    return plan_with(roots["prod"], tfvars)


@pytest.mark.parametrize("env", ENVS)
def test_env_inits_and_validates(roots: dict[str, TerraformRoot], env: str) -> None:
    result = roots[env].run("validate", "-no-color", check=False)
    assert result.returncode == 0, result.stderr
    assert "The configuration is valid" in result.stdout


def test_wrong_type_names_the_setting(dev_errors: str) -> None:
    assert "settings.force_destroy and settings.protect_data must be true or false." in dev_errors, dev_errors


def test_unknown_environment_is_refused(dev_errors: str) -> None:
    # prod's tfvars (or a typo) in dev's folder: the state here is dev's.
    assert (
        "environment must be \"dev\" in envs/dev (this folder's state is dev's); to deploy another environment use "
        "its folder, envs/<environment>, with its own terraform.tfvars." in dev_errors
    ), dev_errors


def test_misspelt_setting_is_refused_not_dropped(dev_errors: str) -> None:
    assert "settings has an attribute the stack does not know (misspelt?)" in dev_errors, dev_errors


def test_prod_refuses_dev(prod_errors: str) -> None:
    assert 'environment must be "prod" in envs/prod' in prod_errors, prod_errors


def test_missing_required_value_names_it(prod_errors: str) -> None:
    assert "var.settings" in prod_errors and 'attribute "import_type" is required' in prod_errors, prod_errors


def test_bad_value_gets_the_settings_validation_message(roots: dict[str, TerraformRoot]) -> None:
    error = plan_with(roots["prod"], 'environment = "prod"\nsettings = { orders_engine = "pandas" }\n')
    assert (
        'settings.orders_engine must be "spark" (a Glue Spark job) or "duckdb" (a Python-shell job on DuckDB).' in error
    ), error
