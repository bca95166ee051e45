"""Local AWS: moto in server mode, with our gap fills applied before it starts."""

from platform_tools.emulator.control import EmulatorProcess, aws_env, start_emulator

__all__ = ["EmulatorProcess", "aws_env", "start_emulator"]
