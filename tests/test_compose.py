import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml  # PyYAML comes with drf-spectacular

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_file_validates():
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("docker-compose is required on CI (.ci/run installs it).")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose).")

    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"]},
    )

    assert result.returncode == 0, result.stderr


def test_compose_runs_web_worker_and_beat_on_postgres_and_redis():
    text = (ROOT / "docker-compose.yml").read_text()

    for service in ["db:", "redis:", "web:", "worker:", "beat:"]:
        assert f"\n  {service}" in text
    assert "gunicorn" in text and "celery" in text


def _service(config: dict, name: str) -> dict:
    return config["services"][name]


@pytest.fixture
def compose_config() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_migrations_run_as_the_owner_and_the_app_as_its_own_role(compose_config):
    owner = "postgres://recovery:"
    migrate = _service(compose_config, "migrate")

    assert "migrate" in migrate["command"]
    assert migrate["environment"]["DATABASE_URL"].startswith(owner)
    for name in ("web", "worker", "beat"):
        service = _service(compose_config, name)
        assert service["environment"]["DATABASE_URL"].startswith("postgres://recovery_app:")
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in str(service["command"]), f"{name} must not migrate as the app role"


def test_the_database_creates_the_app_role_on_first_start(compose_config):
    db = _service(compose_config, "db")
    mounts = [volume.split(":")[:2] for volume in db["volumes"]]

    assert ["./deploy/postgres/init-app-role.sh", "/docker-entrypoint-initdb.d/10-app-role.sh"] in (
        mounts
    )
    assert ["./deploy/postgres/app-role.sql", "/deploy/postgres/app-role.sql"] in mounts
    assert (ROOT / "deploy/postgres/init-app-role.sh").stat().st_mode & 0o111, "executable"
    script = (ROOT / "deploy/postgres/init-app-role.sh").read_text()
    assert "/deploy/postgres/app-role.sql" in script
    assert db["environment"]["APP_DB_USER"] == "recovery_app"
