"""The project's Terraform CLI configuration: provider from a filesystem mirror when there is one.

No machine path is committed: the mirror is taken from TF_PROVIDER_MIRROR, else searched for in
the usual places, and the generated file lives in build/. With no mirror, providers come from
the public registry. A plugin cache under build/ makes repeated `terraform init` fast.
"""

from __future__ import annotations

import os
from pathlib import Path

from platform_tools import BUILD_DIR, ToolingError

PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"

# Where Terraform and OS packagers conventionally put provider mirrors (see Terraform's
# "implied local mirror directories"), plus /opt/* used by offline images.
MIRROR_CANDIDATES = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/terraform/plugins",
    "/opt/tf-plugins",
)


def find_provider_mirror() -> Path | None:
    """The first directory holding registry.terraform.io/hashicorp/aws, or None."""
    explicit = os.environ.get("TF_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit).expanduser()
        if not (path / PROVIDER_SOURCE).is_dir():
            raise ToolingError(
                f"TF_PROVIDER_MIRROR={explicit} has no {PROVIDER_SOURCE} folder: "
                "point it at the mirror's top folder, or unset it to use the public registry."
            )
        return path
    for candidate in MIRROR_CANDIDATES:
        path = Path(candidate).expanduser()
        if (path / PROVIDER_SOURCE).is_dir():
            return path
    return None


def render_cli_config(mirror: Path | None, plugin_cache: Path) -> str:
    lines = [f'plugin_cache_dir = "{plugin_cache.as_posix()}"', "disable_checkpoint = true", ""]
    if mirror is None:
        lines += ["provider_installation {", "  direct {}", "}"]
    else:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror.as_posix()}"',
            f'    include = ["{PROVIDER_SOURCE}"]',
            "  }",
            "  direct {",
            f'    exclude = ["{PROVIDER_SOURCE}"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def write_cli_config(build_dir: Path = BUILD_DIR) -> Path:
    """Write build/terraform/cli.tfrc (only when its text changes) and return its path."""
    plugin_cache = build_dir / "terraform" / "plugin-cache"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    path = build_dir / "terraform" / "cli.tfrc"
    text = render_cli_config(find_provider_mirror(), plugin_cache)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def terraform_env(build_dir: Path = BUILD_DIR) -> dict[str, str]:
    """Variables every Terraform call of ours runs with."""
    return {
        "TF_CLI_CONFIG_FILE": str(write_cli_config(build_dir)),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        # The plugin cache may hold providers installed for another lock file; allow reuse.
        "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1",
    }


if __name__ == "__main__":
    print(write_cli_config())
