"""Decode customer files whatever they were saved as: UTF-8 (BOM or not), UTF-16, TIS-620/Windows-874.

Thai exports from older Windows tools are often TIS-620 / Windows-874. A file that would decode to
garbage raises :class:`EncodingError` naming the file; voc never stores mojibake silently.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import IO

from voc.errors import DataError


class EncodingError(DataError):
    """The file's bytes are not text in any encoding voc accepts."""


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_THAI_RE = re.compile(r"[\u0e00-\u0e7f]")
BINARY_CONTROL_SHARE = 0.01
"""A few stray NUL/control bytes are a bad row (quarantined); more than this share is a binary file."""


def _looks_like_text(text: str) -> bool:
    """True unless control characters (other than tab/newline/CR/FF) mark it as binary data.

    A text file with a few rows holding NUL bytes is text (those rows are quarantined one by one);
    binary data has control characters on most of its "lines" as well as a large share of them.
    """
    sample = text[:200_000]
    n_control = len(CONTROL_RE.findall(sample))
    if n_control <= BINARY_CONTROL_SHARE * max(len(sample), 1):
        return True
    lines = [line for line in sample.split("\n") if line.strip()]
    with_control = sum(1 for line in lines if CONTROL_RE.search(line))
    return 2 * with_control <= len(lines)


_THAI_MARK_RE = re.compile(r"(.)([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])")
_THAI_IN_LATIN_RE = re.compile(r"[A-Za-z][\u0e00-\u0e7f][A-Za-z]")


def _plausible_thai(text: str) -> bool:
    """Real Thai puts vowel and tone marks after Thai letters; Latin-1 bytes read as TIS-620 do not."""
    marks = _THAI_MARK_RE.findall(text[:200_000])
    if marks:
        orphans = sum(1 for prev, _ in marks if not "\u0e01" <= prev <= "\u0e4e")
        if orphans > 0.05 * len(marks):
            return False
    inside_latin = len(_THAI_IN_LATIN_RE.findall(text[:200_000]))
    return inside_latin <= 0.05 * max(1, len(_THAI_RE.findall(text[:200_000])))


def _thai_share_of_non_ascii(text: str) -> float:
    non_ascii = len(_NON_ASCII_RE.findall(text))
    if not non_ascii:
        return 1.0
    return len(_THAI_RE.findall(text)) / non_ascii


def decode_bytes(data: bytes, where: str, encoding: str = "auto") -> tuple[str, str]:
    """Return (text, encoding used). ``where`` names the file in errors."""
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise EncodingError(f"{where}: cannot decode as {encoding}: {e}") from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", where), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", where), "utf-16"
    sample = data[:4096]
    if sample.count(0) > BINARY_CONTROL_SHARE * len(sample):
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2 or 1
        if odds / half > 0.3 and evens == 0:
            return _strict(data, "utf-16-le", where), "utf-16-le"
        if evens / half > 0.3 and odds == 0:
            return _strict(data, "utf-16-be", where), "utf-16-be"
        # not UTF-16: NUL bytes in a few rows of a text file are bad rows, not a binary file
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _looks_like_text(text):
            raise EncodingError(f"{where}: binary data (control characters), not a text file")
        return text, "utf-8"
    # Not UTF-8: the only legacy encoding we accept is Thai (cp874 is a superset of TIS-620)
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise EncodingError(
            f"{where}: not UTF-8, UTF-16 or TIS-620/Windows-874 text; "
            "save it as UTF-8 or set `encoding:` in the source config"
        ) from None
    if _looks_like_text(text) and _thai_share_of_non_ascii(text[:1_000_000]) >= 0.95 and _plausible_thai(text):
        return text, "cp874"
    raise EncodingError(
        f"{where}: not UTF-8 and would decode to garbage as TIS-620/Windows-874; "
        "save it as UTF-8 or set `encoding:` in the source config"
    )


def _strict(data: bytes, enc: str, where: str) -> str:
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        raise EncodingError(f"{where}: declared {enc} by its byte-order mark but is not: {e}") from None
    if enc.startswith("utf-8") is False and text.startswith("\ufeff"):
        text = text[1:]
    if not _looks_like_text(text):
        raise EncodingError(f"{where}: binary data (control characters), not a text file")
    return text


def read_text_file(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """Read and decode a whole file; see :func:`decode_bytes`."""
    return decode_bytes(Path(path).read_bytes(), str(path), encoding)


SAMPLE_BYTES = 1 << 20
"""Bytes read to choose a big file's encoding; the rest of the file is then checked as it streams past."""


def _cut_sample(head: bytes) -> bytes:
    """``head`` cut where no character is split (UTF-16: an even length; UTF-8: before a partial sequence)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[:4096].count(0) > 0.3 * min(len(head), 4096):
        return head[: len(head) - len(head) % 2]
    cut = len(head)
    while cut > 0 and len(head) - cut < 3 and head[cut - 1] & 0xC0 == 0x80:  # continuation bytes
        cut -= 1
    if cut > 0 and head[cut - 1] >= 0xC0:  # the lead byte of the cut sequence
        cut -= 1
    return head[:cut]


def _decodes_whole_file(path: Path, encoding: str) -> bool:
    """True if every byte of ``path`` decodes as ``encoding`` (streamed in blocks, bounded memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as f:
            while block := f.read(SAMPLE_BYTES):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _plausible_thai_file(path: Path) -> bool:
    """True if all of ``path`` decodes as cp874 and reads as Thai, block by block (bounded memory)."""
    non_ascii = thai = 0
    decoder = codecs.getincrementaldecoder("cp874")()
    try:
        with open(path, "rb") as f:
            while block := f.read(128 * 1024):  # _plausible_thai reads at most 200,000 characters
                text = decoder.decode(block)
                if not _plausible_thai(text):
                    return False
                non_ascii += len(_NON_ASCII_RE.findall(text))
                thai += len(_THAI_RE.findall(text))
    except UnicodeDecodeError:
        return False
    return thai >= 0.95 * non_ascii


def detect_file_encoding(path: Path, encoding: str = "auto", where: str | None = None) -> str:
    """The encoding to stream ``path`` with (rules of :func:`decode_bytes`); raises EncodingError.

    The choice is made on the first MiB; the whole file is then checked to decode, so a file that is
    UTF-8 at the top and TIS-620 further down is read as what it is, never half as mojibake.
    """
    where = where or str(path)
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES + 1)
    if len(head) <= SAMPLE_BYTES:
        return decode_bytes(head, where, encoding)[1]
    _, chosen = decode_bytes(_cut_sample(head), where, encoding)
    if _decodes_whole_file(path, chosen):
        return chosen
    if encoding == "auto" and chosen == "utf-8" and _plausible_thai_file(path):
        return "cp874"
    raise EncodingError(
        f"{where}: does not decode as {chosen} past its first MiB; "
        "save it as UTF-8 or set `encoding:` in the source config"
    )


def open_text_file(path: Path, encoding: str = "auto", newline: str = "", where: str | None = None) -> IO[str]:
    """``path`` opened as a text stream in its detected encoding (readers drop a leading U+FEFF)."""
    return open(path, encoding=detect_file_encoding(path, encoding, where), newline=newline)
