from pathlib import Path

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


def test_every_path_is_resolved_once_beside_the_config_whatever_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "taxonomy.yaml").write_text("renames: {}\n", encoding="utf-8")
    p = tmp_path / "conf" / "pipeline.yaml"
    p.write_text("store: {path: ../data/voc.duckdb}\nexports_dir: out\n"
                 "topics: {taxonomy_path: taxonomy.yaml}\nsentiment: {model: ./models/mine}\n"
                 "sources:\n  - {name: a, path: 'inputs/*.csv', channel: review, columns: {text: t}}\n"
                 "  - {name: chats, kind: transcript, path: chats/ลูกค้า.jsonl, channel: chat}\n",
                 encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = load_config("../conf/pipeline.yaml")
    conf = tmp_path / "conf"
    assert cfg.store_path.resolve() == (tmp_path / "data" / "voc.duckdb").resolve()
    assert Path(cfg.exports_dir).resolve() == (conf / "out").resolve()
    assert Path(cfg.topics.taxonomy_path).resolve() == (conf / "taxonomy.yaml").resolve()
    assert Path(cfg.sentiment.model).resolve() == (conf / "models" / "mine").resolve()
    assert [Path(s.path).resolve() for s in cfg.sources] == [(conf / "inputs" / "*.csv").resolve(),
                                                             (conf / "chats" / "ลูกค้า.jsonl").resolve()]
    assert all(Path(s.path).is_absolute() for s in cfg.sources)
    default = load_config(p, ["sentiment.model=default"])
    assert default.sentiment.model == "default"  # a model name stays a name


def test_a_missing_taxonomy_file_is_a_config_error_when_the_config_loads(tmp_path):
    p = write(tmp_path, "topics: {taxonomy_path: nowhere/taxonomy.yaml}\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert str(p) in msg and "taxonomy_path" in msg and str(tmp_path / "nowhere" / "taxonomy.yaml") in msg
    assert "\n" not in msg


def test_config_errors_belong_to_the_one_error_hierarchy():
    from voc.errors import ConfigError as Base
    from voc.errors import VocError

    assert ConfigError is Base and issubclass(ConfigError, VocError) and issubclass(ConfigError, ValueError)


SOURCE = "  - name: {name}\n    path: x.csv\n    channel: review\n    columns: {{text: t, created_at: c, rating: s}}\n"


@pytest.mark.parametrize("scale, expect", [
    ("stars_1_10", "'stars_1_10' is not a rating scale"),
    ("5", "5 is not a rating scale"),
    ("{min: 10, max: 0}", "rating_scale min (10.0) must be a number below max (0.0)"),
])
def test_a_bad_rating_scale_is_one_line_naming_the_source_and_the_allowed_values(tmp_path, scale, expect):
    good = SOURCE.format(name="line_chat") + "    rating_scale: nps_0_10\n"
    text = "timezone: Asia/Bangkok\nsources:\n" + good + SOURCE.format(name="app_reviews")
    p = write(tmp_path, text + f"    rating_scale: {scale}\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert len(msg.splitlines()) == 1, msg
    assert msg.startswith(f"{p}: sources[app_reviews].rating_scale: ") and expect in msg
    assert "literal[" not in msg and "function-after" not in msg and ".file." not in msg and "sources.1" not in msg
    if "{min" not in scale:
        assert "stars_1_5, csat_1_5, nps_0_10 or {min: 0, max: 100}" in msg


def test_config_errors_name_sources_by_name_and_keep_missing_keys(tmp_path):
    p = write(tmp_path, "sources:\n  - {name: crm_export, path: x.csv, channel: reviewz, columns: {text: t}}\n"
                        "  - {path: y.csv, channel: chat, columns: {text: t}}\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    lines = str(e.value).splitlines()
    assert any(line.startswith(f"{p}: sources[crm_export].channel: unknown channel 'reviewz'") for line in lines)
    assert f"{p}: sources.1.name: Field required" in lines  # a source without a name keeps its index
