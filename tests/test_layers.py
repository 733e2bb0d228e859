"""The core package stands alone: no kg module imports the web layer."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from kg.cli import main

# Run in a fresh interpreter: this test process has imported `web` long before.
IMPORT_EVERY_KG_MODULE = """
import importlib, pkgutil, sys
import kg
names = [m.name for m in pkgutil.walk_packages(kg.__path__, "kg.")]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "web" or m.startswith("web."))
print(len(names), " ".join(leaked))
"""


def test_importing_every_kg_module_imports_no_web_module() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERY_KG_MODULE], capture_output=True,
                          text=True, timeout=120, check=True)
    count, _, leaked = done.stdout.strip().partition(" ")
    assert int(count) > 20  # every module was walked, kg.cli among them
    assert leaked == ""


def test_kg_serve_comes_from_the_web_package() -> None:
    command = main.get_command(main.make_context("kg", ["stats"]), "serve")
    assert command is not None and command.callback.__module__ == "web.cli"
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--store" in result.output and "--port" in result.output
    assert "serve" in CliRunner().invoke(main, ["--help"]).output
