"""The environment the suite runs in is exactly the lock, and the lock covers pyproject.toml.

`make install-test` (and so `make test` and CI) installs requirements/test.txt with `uv pip
sync`; these tests fail when anything else got in (an unlocked version, a stray package) or
when a dependency was added to pyproject.toml without `make lock`.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SERVICE_LOCK = ROOT / "requirements" / "service.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
# Installers and the project itself are not dependencies of the service.
NOT_LOCKED = {"pip", "setuptools", "uv", "checklistor"}
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of the entries whose marker holds on this machine."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        spec, *options = line.split("--hash=")
        requirement = Requirement(spec.strip())
        (pin,) = requirement.specifier
        assert pin.operator == "==", f"{path.name}: {requirement} is not pinned"
        hashes = [f"--hash={option.strip()}" for option in options]
        assert hashes and all(HASH.fullmatch(h) for h in hashes), f"{requirement}: no hashes"
        if requirement.marker is None or requirement.marker.evaluate(default_environment()):
            entries[canonicalize_name(requirement.name)] = (pin.version, hashes)
    return entries


def installed() -> dict[str, str]:
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"]
    if extra:
        names = project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def test_every_locked_package_is_installed_at_its_locked_version() -> None:
    have = installed()
    wrong = {
        name: f"lock {version}, installed {have.get(name, 'nothing')}"
        for name, (version, _hashes) in read_lock(TEST_LOCK).items()
        if have.get(name) != version
    }
    assert not wrong, f"not the locked versions (run make install-test): {wrong}"


def test_nothing_unlocked_is_installed() -> None:
    stray = set(installed()) - set(read_lock(TEST_LOCK)) - NOT_LOCKED
    assert not stray, f"installed but not in {TEST_LOCK.name}: {sorted(stray)}"


@pytest.mark.parametrize(("lock", "extra"), [(SERVICE_LOCK, None), (TEST_LOCK, "test")])
def test_every_declared_dependency_is_locked_within_its_bounds(
    lock: Path, extra: str | None
) -> None:
    locked = read_lock(lock)
    stale = [
        str(req)
        for req in declared(extra)
        if canonicalize_name(req.name) not in locked
        or locked[canonicalize_name(req.name)][0] not in req.specifier
    ]
    assert not stale, f"pyproject.toml asks for {stale}, {lock.name} lacks it: run make lock"


def test_the_test_lock_keeps_the_service_versions() -> None:
    service = read_lock(SERVICE_LOCK)
    test = read_lock(TEST_LOCK)
    differ = {name: (pin, test.get(name)) for name, pin in service.items() if test.get(name) != pin}
    assert not differ, f"{TEST_LOCK.name} differs from {SERVICE_LOCK.name}: {differ}"
