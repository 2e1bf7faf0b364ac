"""``workinggroup-app --self-test``: prove an installation works, end to end, in seconds.

Run on an officer's machine after installing (or by the build, on the bundle it just made),
it uses only a temporary folder, never the user's database or settings:

1. installation: version, the shipped font, migrations (as files) and translations;
2. log folder: the rotating log file can be written (``logsetup``);
3. libraries: every library the application loads lazily (PostgreSQL driver, Argon2,
   Ed25519 signatures, XLSX, pinyin data, ReportLab's accelerator) imports and works;
4. database: a new SQLite file is created and migrated to the latest schema;
5. demo data: a small demo data set is seeded;
6. main window: the real main window is built over that database and rendered
   (offscreen when there is no display) by the desktop interface handed in as ``desktop``
   (``workinggroup_ui.launch.QtDesktop``), so the core never imports Qt;
7. packet: the bilateral meeting packet of a demo meeting is exported as PDF;
8. Chinese text: the PDF embeds the CJK font and maps the glyphs of the packet's Chinese
   title back to Unicode (so the text is searchable and copyable), read with the small PDF
   reader below (pypdf is a test dependency only).

Each step prints one line; the run stops at the first failure, prints it (and its
traceback on stderr) and returns 1. All steps passing returns 0.
"""

from __future__ import annotations

import base64
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from workinggroup_app.cli.desktop import Desktop

log = logging.getLogger(__name__)

DEMO_SCALE = 100  # action items (and a tenth as many referrals): a few seconds to seed
PACKET_TITLE_ZH = "会议资料"  # the packet's own heading ("Meeting packet")


class SelfTestError(Exception):
    """A check that did not hold (as opposed to an unexpected exception)."""


@dataclass
class State:
    work: Path
    lang: str
    desktop: Desktop | None
    db: Any = None
    meeting_reference: str = ""
    meeting_title_zh: str = ""
    pdf: Path | None = None
    details: dict[str, str] = field(default_factory=dict)


# --- the steps --------------------------------------------------------------------------------


def step_installation(state: State) -> str:
    from importlib.resources import files

    from workinggroup_app import __version__

    font = Path(str(files("workinggroup_app.resources") / "fonts" / "wqy-microhei.ttc"))
    if not font.is_file() or font.stat().st_size < 1_000_000:
        raise SelfTestError(f"the CJK font is missing or damaged: {font}")
    migrations = Path(str(files("workinggroup_app.migrations")))
    versions = sorted((migrations / "versions").glob("[0-9]*.py"))
    for needed in (migrations / "env.py", migrations / "script.py.mako"):
        if not needed.is_file():
            raise SelfTestError(f"a migration file is missing: {needed}")
    if not versions:
        raise SelfTestError(f"no migration scripts in {migrations / 'versions'}")
    qm = sorted(
        p.name for p in Path(str(files("workinggroup_app.resources") / "i18n")).glob("*.qm")
    )
    where = "bundle" if getattr(sys, "frozen", False) else "Python environment"
    return (
        f"version {__version__} ({where}), {len(versions)} migrations, "
        f"{len(qm)} translation file(s) of ours"
    )


def step_log_folder(state: State) -> str:
    from workinggroup_app.support.logs import setup_logging

    path = setup_logging()
    logging.getLogger(__name__).info("self-test running")
    for handler in logging.getLogger().handlers:
        handler.flush()
    if not path.is_file():
        raise SelfTestError(f"the log file was not written: {path}")
    return str(path.parent)


def step_libraries(state: State) -> str:
    import io

    from sqlalchemy import create_engine

    checked = []
    # PostgreSQL: the dialect and psycopg 3 with its compiled (binary) implementation
    engine = create_engine("postgresql+psycopg://selftest@127.0.0.1:1/none")
    engine.dispose()
    import psycopg

    checked.append(f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})")
    # Argon2 password hashes (sign-in)
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if not hasher.verify(hasher.hash("self-test"), "self-test"):
        raise SelfTestError("Argon2 could not verify its own hash")
    checked.append("argon2")
    # Ed25519 signatures (exchange packages)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    key.public_key().verify(key.sign(b"self-test"), b"self-test")
    checked.append("cryptography")
    # age encryption of exchange packages (pyrage), to and from an Ed25519 key
    from cryptography.hazmat.primitives import serialization

    from workinggroup_app.exchange.sync.envelope import seal, unseal

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if unseal(seal(b"self-test", [raw]), key) != b"self-test":
        raise SelfTestError("pyrage did not decrypt what it encrypted")
    checked.append("pyrage")
    # the private key's passphrase: OpenSSH format with bcrypt-pbkdf (bcrypt)
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.BestAvailableEncryption(b"self-test"),
    )
    serialization.load_ssh_private_key(locked, b"self-test")
    checked.append("bcrypt")
    # encrypted SQLite files (SQLCipher), with the full-text index the search uses
    from workinggroup_app.storage.engine import keyed, sqlcipher_module

    sqlcipher = sqlcipher_module()
    conn = sqlcipher.connect(":memory:")
    try:
        keyed(b"\x01" * 32)(conn, None)
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
        conn.execute("INSERT INTO t VALUES ('芬太尼前体')")
        if conn.execute("SELECT count(*) FROM t WHERE t MATCH '芬太尼'").fetchone()[0] != 1:
            raise SelfTestError("SQLCipher's full-text index did not find what it holds")
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    checked.append(f"SQLCipher {version}")
    # XLSX import/export
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active.append(["芬太尼", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    if load_workbook(buffer).active["A1"].value != "芬太尼":
        raise SelfTestError("openpyxl did not read back what it wrote")
    checked.append("openpyxl")
    # pinyin search (its dictionaries are data files)
    from pypinyin import lazy_pinyin

    if lazy_pinyin("芬太尼") != ["fen", "tai", "ni"]:
        raise SelfTestError(f"pypinyin gave {lazy_pinyin('芬太尼')!r} for 芬太尼")
    checked.append("pypinyin")
    # ReportLab and its C accelerator
    import reportlab
    from reportlab.lib import rl_accel

    fallback = sorted(getattr(rl_accel, "_py_funcs", {}))
    if fallback:
        raise SelfTestError(
            "ReportLab's C accelerator (_rl_accel) is missing; slow fallbacks for "
            + ", ".join(fallback)
        )
    checked.append(f"reportlab {reportlab.Version} + _rl_accel")
    return ", ".join(checked)


def step_database(state: State) -> str:
    from workinggroup_app.storage.database import open_database
    from workinggroup_app.storage.migrate import schema_state

    state.db = open_database(f"sqlite:///{state.work / 'selftest.sqlite3'}")
    current = schema_state(state.db.engine)
    if not current.up_to_date:
        raise SelfTestError(f"schema at {current.current}, expected {current.head}")
    return f"new SQLite database migrated to {current.head}"


def step_demo(state: State) -> str:
    from sqlalchemy import select

    from workinggroup_app import demo
    from workinggroup_app.domain import models

    counts = demo.seed(state.db, scale=DEMO_SCALE)
    with state.db.session() as session:
        meeting = session.scalars(
            select(models.Meeting)
            .where(models.Meeting.releasability == "releasable")
            .order_by(models.Meeting.id.desc())
            .limit(1)
        ).first()
        if meeting is None:
            raise SelfTestError("the demo data holds no meeting releasable to the counterpart")
        state.meeting_reference = meeting.reference
        state.meeting_title_zh = meeting.title_zh or ""
    return ", ".join(f"{n} {key}" for key, n in counts.items() if n)


def step_window(state: State) -> str:
    assert state.desktop is not None
    return str(state.desktop.render_main_window(state.db, lang=state.lang, work=state.work))


def step_packet(state: State) -> str:
    from workinggroup_app.reports.packet import export_packet

    out = state.work / "bilateral-packet.pdf"
    report = export_packet(state.db, state.meeting_reference, "bilateral", out)
    if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
        raise SelfTestError(f"no PDF was written at {out}")
    if report.pages < 1:
        raise SelfTestError("the packet has no pages")
    state.pdf = out
    return f"{report.meeting_reference}: {report.pages} pages, {out.stat().st_size:,} bytes"


def step_chinese(state: State) -> str:
    assert state.pdf is not None
    fonts = read_pdf_fonts(state.pdf.read_bytes())
    cjk = [f for f in fonts if f.embedded and f.chars & CJK_SAMPLE]
    if not cjk:
        names = ", ".join(f.name for f in fonts) or "none"
        raise SelfTestError(f"no embedded font with Chinese glyphs in the packet (fonts: {names})")
    mapped: set[str] = set().union(*(f.chars for f in fonts if f.embedded))
    wanted = {c for c in PACKET_TITLE_ZH + state.meeting_title_zh if _is_cjk(c)}
    missing = sorted(wanted - mapped)
    if missing:
        raise SelfTestError(
            "the packet's Chinese title is not extractable text; characters without a "
            f"Unicode mapping: {''.join(missing)}"
        )
    return (
        f"{len(wanted)} characters of '{PACKET_TITLE_ZH}' and '{state.meeting_title_zh}' "
        f"found in embedded {cjk[0].name.split('+')[-1]} ({len(cjk)} subset(s))"
    )


STEPS: tuple[tuple[str, Callable[[State], str]], ...] = (
    ("installation", step_installation),
    ("log folder", step_log_folder),
    ("libraries", step_libraries),
    ("database", step_database),
    ("demo data", step_demo),
    ("main window", step_window),
    ("packet", step_packet),
    ("Chinese text", step_chinese),
)


# --- running ----------------------------------------------------------------------------------


@contextmanager
def _private_data_dir(work: Path) -> Iterator[None]:
    """Whatever writes to the data folder during the test writes into ``work``."""
    key = "WORKINGGROUP_DATA_DIR"
    before = os.environ.get(key)
    os.environ[key] = str(work / "data")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = before


def run_self_test(
    *,
    lang: str = "en",
    desktop: Desktop | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run every step; 0 if all pass, else 1 after printing the first failure.

    ``work_dir`` keeps the database and the PDF there (default: a temporary folder that is
    removed afterwards). Without a ``desktop`` the main-window step is left out (no Qt).
    """
    from workinggroup_app import __version__

    out = out or sys.stdout
    err = err or sys.stderr
    keep = work_dir is not None
    work = Path(work_dir) if keep else Path(tempfile.mkdtemp(prefix="workinggroup-selftest-"))
    work.mkdir(parents=True, exist_ok=True)
    state = State(
        work=work, lang="zh_CN" if lang.lower().startswith("zh") else "en", desktop=desktop
    )
    steps = [s for s in STEPS if desktop is not None or s[0] != "main window"]
    print(
        f"workinggroup-app {__version__} self-test on {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}",
        file=out,
        flush=True,
    )
    started = time.perf_counter()
    try:
        with _private_data_dir(work):
            for name, fn in steps:
                t0 = time.perf_counter()
                try:
                    detail = fn(state)
                except BaseException as exc:
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    message = str(exc) if isinstance(exc, SelfTestError) else _describe(exc)
                    print(f"FAIL  {name}: {message}", file=out, flush=True)
                    if not isinstance(exc, SelfTestError):
                        traceback.print_exc(file=err)
                    log.error("self-test failed at %s: %s", name, message)
                    print(f"self-test FAILED at step '{name}'", file=out, flush=True)
                    return 1
                seconds = time.perf_counter() - t0
                print(f"ok    {name:<13} {detail}  [{seconds:.1f} s]", file=out, flush=True)
    finally:
        if state.db is not None:
            state.db.dispose()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    log.info("self-test passed in %.1f s", total)
    print(f"self-test passed: {len(steps)} steps in {total:.1f} s", file=out, flush=True)
    return 0


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- a small PDF reader: fonts and their Unicode maps --------------------------------------------

CJK_SAMPLE = set("的一是会中议")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@dataclass
class PdfFont:
    name: str
    embedded: bool  # a font program (FontFile/FontFile2/FontFile3) is in the file
    chars: set[str]  # the characters its ToUnicode map gives back


_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_REF = rb"\s+(\d+)\s+\d+\s+R"


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary text, decoded stream or None)."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for m in _OBJECT.finditer(pdf):
        body = m.group(3)
        at = body.find(b"stream")
        if at < 0:
            objects[int(m.group(1))] = (body, None)
            continue
        head = body[:at]
        data = body[at + len(b"stream") :]
        data = data[2:] if data.startswith(b"\r\n") else data[1:]
        length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
        data = data[: int(length.group(1))] if length else data[: data.rfind(b"endstream")]
        if b"/ASCII85Decode" in head:  # ReportLab's default; the packet turns it off
            text = data.strip().removeprefix(b"<~").removesuffix(b"~>")
            data = base64.a85decode(text)
        if b"/FlateDecode" in head:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                data = zlib.decompressobj().decompress(data)
        objects[int(m.group(1))] = (head, data)
    return objects


def _hex_text(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", errors="replace")


def _cmap_chars(cmap: bytes) -> set[str]:
    chars: set[str] = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for _src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            chars.update(_hex_text(dst))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, rest in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block
        ):
            if rest.startswith(b"["):
                for dst in re.findall(rb"<([0-9A-Fa-f]+)>", rest):
                    chars.update(_hex_text(dst))
                continue
            start = _hex_text(rest[1:-1])
            count = int(hi, 16) - int(lo, 16) + 1
            if start and 0 < count <= 0x10000:
                base = ord(start[-1])
                chars.update(start[:-1] + chr(base + i) for i in range(count))
    return chars


def read_pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """The fonts of a PDF: name, whether embedded, and the characters they map to Unicode.

    Enough to check that text in a given script is present as real, extractable text: a
    glyph drawn from an embedded font subset whose ToUnicode map names the character.
    """
    objects = _objects(pdf)
    fonts: list[PdfFont] = []
    for head, _data in objects.values():
        if not re.search(rb"/Type\s*/Font\b", head):
            continue
        name_match = re.search(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", head)
        name = name_match.group(1).decode("latin-1") if name_match else "?"
        chars: set[str] = set()
        to_unicode = re.search(rb"/ToUnicode" + _REF, head)
        if to_unicode:
            stream = objects.get(int(to_unicode.group(1)), (b"", None))[1]
            chars = _cmap_chars(stream or b"")
        embedded = False
        descriptors = [head]
        for ref in re.findall(rb"/(?:FontDescriptor|DescendantFonts\s*\[)" + _REF, head):
            target = objects.get(int(ref), (b"", None))[0]
            descriptors.append(target)
            descriptors += [
                objects.get(int(r), (b"", None))[0]
                for r in re.findall(rb"/FontDescriptor" + _REF, target)
            ]
        embedded = any(re.search(rb"/FontFile[23]?" + _REF, d) for d in descriptors)
        fonts.append(PdfFont(name, embedded, chars))
    return fonts


__all__ = ["PdfFont", "SelfTestError", "read_pdf_fonts", "run_self_test"]
