import pytest

from voc.config import ConfigError, load_config


def write(tmp_path, text):
    p = tmp_path / "pipeline.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_key_names_the_key_and_file(tmp_path):
    p = write(tmp_path, "timezone: Asia/Bangkok\nsources:\n  - name: a\n    path: x.csv\n    channel: review\n"
                        "    columns: {text: t, txet_col: y}\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert str(p) in msg and "txet_col" in msg and "unknown key" in msg


def test_unknown_channel_and_zone_are_errors(tmp_path):
    p = write(tmp_path, "timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError, match="time zone"):
        load_config(p)
    p = write(tmp_path, "sources:\n  - {name: a, path: x.csv, channel: tweets, columns: {text: t}}\n")
    with pytest.raises(ConfigError, match="unknown channel"):
        load_config(p)


def test_paths_resolve_beside_the_config_and_overrides_apply(tmp_path):
    p = write(tmp_path, "store: {path: data/voc.duckdb}\n")
    cfg = load_config(p, ["timezone=UTC"])
    assert cfg.store_path == tmp_path / "data" / "voc.duckdb"
    assert cfg.timezone == "UTC"
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        load_config(p, ["timezone"])


def test_sql_source_takes_its_url_from_the_environment_only(tmp_path):
    p = write(tmp_path, "sources:\n  - {name: db, kind: sql, url: 'postgresql://u:secret@h/db', query: 'select 1',"
                        " channel: survey, columns: {text: t}}\n")
    with pytest.raises(ConfigError, match="url"):
        load_config(p)
