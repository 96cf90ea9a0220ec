import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_secret


def test_env_bool_refuses_anything_but_a_clear_boolean(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='ture' is not a boolean"):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_FLAG", "Off")
    assert env_bool("X_FLAG", True) is False


def test_env_int_names_the_variable_it_cannot_read(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_secrets_are_read_from_a_file_and_never_from_both_places(monkeypatch, tmp_path):
    secret_file = tmp_path / "db"
    secret_file.write_text("postgresql://u:p@db/x\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_secret("X_SECRET") == "postgresql://u:p@db/x"
    monkeypatch.setenv("X_SECRET", "other")
    with pytest.raises(ImproperlyConfigured, match="either X_SECRET or X_SECRET_FILE"):
        env_secret("X_SECRET")
