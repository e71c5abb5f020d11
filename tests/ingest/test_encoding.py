import pytest

from voc.ingest.encoding import EncodingError, decode_bytes
from voc.ingest.run import ingest_file
from voc.store import open_store

THAI = "บริการดีมาก ส่งของเร็ว"
CSV = f"id,text,time\n1,{THAI},2026-11-20 10:00\n2,สินค้าชำรุด,2026-11-21 11:00\n"


@pytest.mark.parametrize(
    "encoding,data",
    [
        ("tis-620", CSV.encode("tis-620")),
        ("cp874", CSV.encode("cp874")),
        ("utf-16", CSV.encode("utf-16")),
        ("utf-8-sig", CSV.encode("utf-8-sig")),
        ("utf-8", CSV.encode("utf-8")),
    ],
)
def test_thai_csv_loads_intact_in_every_encoding(tmp_path, encoding, data):
    f = tmp_path / f"reviews-{encoding}.csv"
    f.write_bytes(data)
    with open_store("duckdb", tmp_path / "s.duckdb") as st:
        rec = ingest_file(f, st, "review", "text", "time", "id")
        texts = sorted(st.read_table("records")["text"])
    assert rec.read == 2 and rec.accepted == 2 and rec.balanced
    assert texts == sorted([THAI, "สินค้าชำรุด"])


def test_garbage_bytes_are_an_error_naming_the_file():
    latin1 = "id,text\n1,café crème brûlée déjà vu\n".encode("latin-1")
    with pytest.raises(EncodingError, match="menu.csv"):
        decode_bytes(latin1, "menu.csv")


def test_binary_file_named_csv_is_an_error():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(EncodingError, match="binary|not UTF-8"):
        decode_bytes(png, "photo.csv")
