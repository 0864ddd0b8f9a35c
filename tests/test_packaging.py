"""What the installed package says about itself: its version, its licence, and the shell
completion of its lazily loaded subcommands."""

from importlib import metadata

import pytest

from tests.conftest import run_process


def test_version_is_the_installed_distributions(cli):
    import superviser

    version = metadata.version("superviser")
    assert superviser.__version__ == version
    assert cli("--version").out.strip() == f"superviser, version {version}"


def test_the_licence_ships_with_the_package():
    dist = metadata.distribution("superviser")
    assert dist.metadata["License-Expression"] == "MIT"
    licence = next(f for f in dist.files if f.name == "LICENSE")
    assert "MIT License" in licence.read_text()


@pytest.mark.parametrize(("line", "expected"), [
    ("superviser obj", {"objective"}),
    ("superviser objective l", {"list"}),
    ("superviser extend ", {"request", "approve", "reject"}),
])
def test_shell_completion_reaches_the_lazy_subcommands(line, expected):
    words = line.split(" ")
    ran = run_process(env={"_SUPERVISER_COMPLETE": "bash_complete", "COMP_WORDS": line,
                           "COMP_CWORD": str(len(words) - 1)}, now=None)
    assert ran.returncode == 0, ran.stderr
    assert {item.split(",", 1)[1] for item in ran.stdout.split()} == expected
