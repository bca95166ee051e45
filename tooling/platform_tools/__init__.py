"""Developer tooling for the Glue ETL platform: local AWS emulator, Terraform runner, packaging."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = REPO_ROOT / "build"


class ToolingError(RuntimeError):
    """A failure whose message is one sentence naming the cause and the fix; shown without a traceback."""
