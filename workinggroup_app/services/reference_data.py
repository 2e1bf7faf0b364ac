"""The shipped reference data: the agencies of both sides and the controlled substances and
precursor chemicals every database starts with, read from data files and merged in.

The files live in ``resources/reference/`` (installed as ``workinggroup_app.resources``):
``manifest.json`` (the data version and each file's columns), ``agencies.csv`` and
``substances.csv`` (UTF-8, a header row). ``shipped()`` reads and checks them with the same
field rules as a record typed into a form, and refuses a malformed file as a whole.

``merge_in(session, actor)`` brings them into a database, inside the caller's transaction:

- rows are matched by UUID; a new row becomes a record through ``Services.create`` (its
  reference number, search text and audit event, as any record created by a user);
- a record untouched here since it was merged gets the newer shipped content through
  ``Services.update``; one edited here is kept as it is, and reported;
- a record the office archived stays archived and unchanged;
- an agency (same abbreviation and side) or substance (same CAS number) the database already
  holds under another UUID is not duplicated: the shipped row is tied to it and never
  written over;
- the data version and the content hash of each shipped row as merged are kept in
  ``app_setting``; one summary audit event (action ``reference_data``) says which version
  was merged and what was added, updated and kept.

Merging the same files twice changes nothing the second time (no record, setting or audit
event is written). ``merge(db, actor)`` runs the merge in a transaction of its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid as uuidlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workinggroup_app.audit import trail
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import DomainError, ValidationError
from workinggroup_app.domain.fields import RecordType, record_type
from workinggroup_app.domain.models import Agency, Substance
from workinggroup_app.domain.permissions import SYSTEM, Actor, require
from workinggroup_app.domain.validators import has_han
from workinggroup_app.services.records import Services
from workinggroup_app.storage import settings
from workinggroup_app.storage.database import Database

MANIFEST = "manifest.json"
FORMAT = 1
TYPES = ("agency", "substance")  # in the order they are merged
MAX_PROBLEMS = 20  # problems named in one error (the rest are counted)

VERSION_KEY = "reference_data.version"
ROWS_KEY = "reference_data.rows"

# The columns of each file, and what a record takes from them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": ("uuid", "side", "abbreviation", "name_en", "name_zh"),
    "substance": (
        "uuid",
        "name_en",
        "name_zh",
        "category",
        "cas_number",
        "us_control",
        "prc_control",
        "note_en",
        "note_zh",
        "source",
    ),
}
_FIELD_OF_COLUMN = {"name_en": "title_en", "name_zh": "title_zh"}
REQUIRED: dict[str, tuple[str, ...]] = {
    "agency": ("uuid", "side", "abbreviation", "name_en", "name_zh"),
    "substance": ("uuid", "name_en", "name_zh", "category", "cas_number", "source"),
}
# How every shipped record is marked: public names, shared with the counterpart.
MARKING = {"releasability": "releasable", "caveat": "NONE"}
# The fields a merge writes, and so the fields whose content hash says "untouched".
WRITTEN: dict[str, tuple[str, ...]] = {
    "agency": ("title_en", "title_zh", "abbreviation", "side", *MARKING),
    "substance": (
        "title_en",
        "title_zh",
        "category",
        "cas_number",
        "us_control",
        "prc_control",
        "notes_en",
        "notes_zh",
        *MARKING,
    ),
}

KEPT_EDITED = "edited"  # changed here since it was merged: not overwritten
KEPT_ARCHIVED = "archived"  # archived by the office: not brought back or changed
KEPT_EXISTING = "existing"  # the same agency or substance was here under another UUID
KEPT_REMOVED = "removed"  # merged once, no longer in the database: not recreated
WORDS = "reference_data"  # the vocabulary of the reasons and of the source's label


class ReferenceDataError(DomainError):
    """The shipped reference files cannot be used: missing, malformed or inconsistent."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        en = "; ".join(p[0] for p in shown) + (f"; and {more} more" if more else "")
        zh = "；".join(p[1] for p in shown) + (f"；另有 {more} 处" if more else "")
        super().__init__(
            f"The shipped reference data cannot be used, nothing was merged: {en}",
            f"随附的参考数据无法使用，未合并任何内容：{zh}",
        )


# --- reading the files -------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedRow:
    """One row of a reference file, as the values a record takes."""

    record_type: str
    uuid: str
    values: Mapping[str, Any]  # field name -> cleaned value, uuid not included
    line: int  # line of the file (the header is line 1)

    @property
    def content_hash(self) -> str:
        return content_hash(self.record_type, self.values)

    def label(self, zh: bool = False) -> str:
        """How people name it: the abbreviation of an agency, the name of a substance."""
        if self.record_type == "agency":
            return str(self.values["abbreviation"])
        return str(self.values["title_zh" if zh else "title_en"])

    def kept(self, reference: str, reason: str) -> Kept:
        return Kept(reference, reason, self.label(), self.label(zh=True))


@dataclass(frozen=True)
class ShippedData:
    version: str
    description_en: str
    description_zh: str
    agencies: tuple[ShippedRow, ...]
    substances: tuple[ShippedRow, ...]

    def rows(self, type_key: str | None = None) -> Iterator[ShippedRow]:
        for key in TYPES if type_key is None else (type_key,):
            yield from self.agencies if key == "agency" else self.substances

    def by_uuid(self) -> dict[str, ShippedRow]:
        return {row.uuid: row for row in self.rows()}


def data_folder() -> Traversable:
    """Where the shipped files are (tests point this at a copy)."""
    return files("workinggroup_app.resources") / "reference"


def content_hash(type_key: str, values: Mapping[str, Any]) -> str:
    """SHA-256 of the fields a merge writes, as stored: equal hashes, equal content."""
    content = {name: values.get(name) for name in WRITTEN[type_key]}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(type_key: str, obj: Any) -> str:
    return content_hash(type_key, {name: getattr(obj, name) for name in WRITTEN[type_key]})


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, en: str, zh: str) -> None:
        self.items.append((f"{where}: {en}", f"{where}：{zh}"))


def _read_text(folder: Traversable, name: str, problems: _Problems) -> str | None:
    entry = folder / name
    try:
        raw = entry.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        problems.add(name, "the file is missing.", "缺少该文件。")
        return None
    except OSError as exc:
        problems.add(name, f"cannot be read ({exc.strerror or exc}).", "无法读取该文件。")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(
            name,
            f"is not UTF-8 text (byte {exc.start + 1}).",
            f"不是 UTF-8 文本（第 {exc.start + 1} 字节）。",
        )
        return None


def _manifest(folder: Traversable, problems: _Problems) -> dict[str, Any] | None:
    text = _read_text(folder, MANIFEST, problems)
    if text is None:
        return None
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        problems.add(MANIFEST, f"is not valid JSON ({exc}).", f"不是有效的 JSON（{exc}）。")
        return None
    if not isinstance(manifest, dict):
        problems.add(MANIFEST, "must be a JSON object.", "必须是 JSON 对象。")
        return None
    if manifest.get("format") != FORMAT:
        problems.add(
            MANIFEST,
            f"format {manifest.get('format')!r} is not {FORMAT}, the one this version reads.",
            f"格式 {manifest.get('format')!r} 不是本版本可读取的 {FORMAT}。",
        )
    version = manifest.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 32:
        problems.add(
            MANIFEST,
            "'version' must name the data version (text, at most 32 characters).",
            "“version”必须写明数据版本（文本，最多 32 个字符）。",
        )
    shipped_files = manifest.get("files")
    if not isinstance(shipped_files, dict):
        problems.add(MANIFEST, "'files' must list the data files.", "“files”必须列出数据文件。")
        return None
    for type_key in TYPES:
        entry = next(
            (
                e
                for e in shipped_files.values()
                if isinstance(e, dict) and e.get("record_type") == type_key
            ),
            None,
        )
        if entry is None or not isinstance(entry.get("file"), str):
            problems.add(
                MANIFEST,
                f"no file of {vocabulary.word('record_type_plural', type_key).lower()} is listed.",
                f"未列出{vocabulary.word('record_type_plural', type_key, 'zh')}文件。",
            )
        elif set(entry.get("columns") or {}) != set(COLUMNS[type_key]):
            problems.add(
                MANIFEST,
                f"the columns of {entry['file']} must be {', '.join(COLUMNS[type_key])}.",
                f"{entry['file']} 的列必须是 {', '.join(COLUMNS[type_key])}。",
            )
    return manifest


def _checker() -> Services:
    # the services' own field rules; a checker that never opens a transaction
    return Services(cast(Database, None), SYSTEM)


def _read_rows(
    folder: Traversable, name: str, type_key: str, problems: _Problems
) -> list[ShippedRow]:
    text = _read_text(folder, name, problems)
    if text is None:
        return []
    rt = record_type(type_key)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:  # (line of the file where the row ends, its cells)
        lines = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        problems.add(name, f"is not valid CSV ({exc}).", f"不是有效的 CSV（{exc}）。")
        return []
    if not lines:
        problems.add(name, "is empty: it needs a header row.", "文件为空：需要标题行。")
        return []
    header = [h.strip() for h in lines[0][1]]
    missing = [c for c in COLUMNS[type_key] if c not in header]
    unknown = [h for h in header if h not in COLUMNS[type_key]]
    doubled = sorted({h for h in header if header.count(h) > 1})
    if missing:
        problems.add(
            name, f"missing column(s) {', '.join(missing)}.", f"缺少列 {', '.join(missing)}。"
        )
    if unknown:
        problems.add(
            name,
            f"unknown column(s) {', '.join(u[:40] for u in unknown)}.",
            f"未知的列 {', '.join(u[:40] for u in unknown)}。",
        )
    if doubled:
        problems.add(
            name,
            f"column(s) {', '.join(doubled)} appear twice.",
            f"列 {', '.join(doubled)} 重复出现。",
        )
    if missing or unknown or doubled:
        return []
    checker = _checker()
    out = []
    for number, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        where = f"{name}, line {number}"
        if len(cells) != len(header):
            problems.add(
                where,
                f"{len(cells)} cells where the header has {len(header)}.",
                f"有 {len(cells)} 个单元格，而标题行有 {len(header)} 列。",
            )
            continue
        row = dict(zip(header, cells, strict=True))
        shipped = _row(checker, rt, row, number, where, problems)
        if shipped is not None:
            out.append(shipped)
    if not out and not problems.items:
        problems.add(name, "holds no rows.", "没有数据行。")
    return out


def _row(
    checker: Services,
    rt: RecordType,
    row: dict[str, str],
    number: int,
    where: str,
    problems: _Problems,
) -> ShippedRow | None:
    before = len(problems.items)
    for column in REQUIRED[rt.key]:
        if not row[column].strip():
            problems.add(f"{where}, {column}", "required.", "必填。")
    raw_uuid = row["uuid"].strip()
    try:
        parsed = uuidlib.UUID(raw_uuid)
    except ValueError:
        parsed = None
    if raw_uuid and (parsed is None or str(parsed) != raw_uuid):
        problems.add(
            f"{where}, uuid",
            f"'{raw_uuid[:40]}' is not a UUID in lower case (such as {uuidlib.UUID(int=0)}).",
            f"“{raw_uuid[:40]}”不是小写的 UUID。",
        )
    values: dict[str, Any] = dict(MARKING)
    notes = {"en": row.get("note_en", ""), "zh": row.get("note_zh", "")}
    for column, raw in row.items():
        if column in ("uuid", "note_en", "note_zh", "source"):
            continue
        f = rt.field(_FIELD_OF_COLUMN.get(column, column))
        try:
            values[f.name] = checker._clean_value(cast(Session, None), rt, f, raw)
        except ValidationError as exc:
            problems.add(f"{where}, {column}", exc.message_en, exc.message_zh)
    if values.get("title_zh") and not has_han(values["title_zh"]):
        problems.add(
            f"{where}, name_zh", "must be written in Chinese characters.", "必须用汉字书写。"
        )
    if rt.key == "substance":
        source = " ".join(row["source"].split())
        for lang in ("en", "zh"):
            label = vocabulary.word(WORDS, "source", lang) + ("：" if lang == "zh" else ": ")
            note = notes[lang].strip()
            text = f"{note}\n\n{label}{source}" if note else f"{label}{source}"
            f = rt.field(f"notes_{lang}")
            try:
                values[f.name] = checker._clean_value(cast(Session, None), rt, f, text)
            except ValidationError as exc:
                problems.add(f"{where}, note_{lang}", exc.message_en, exc.message_zh)
    if len(problems.items) > before:
        return None
    return ShippedRow(rt.key, raw_uuid, values, number)


def _consistent(data: list[ShippedRow], problems: _Problems, names: dict[str, str]) -> None:
    """UUIDs unique across the files; abbreviations unique per side; CAS numbers unique."""
    first: dict[tuple[str, ...], ShippedRow] = {}

    def once(key: tuple[str, ...], row: ShippedRow, what_en: str, what_zh: str) -> None:
        other = first.setdefault(key, row)
        if other is not row:
            problems.add(
                f"{names[row.record_type]}, line {row.line}",
                f"{what_en} {key[-1]} is already used on line {other.line} of {names[other.record_type]}.",
                f"{what_zh} {key[-1]} 已在 {names[other.record_type]} 第 {other.line} 行使用。",
            )

    for row in data:
        once(("uuid", row.uuid), row, "UUID", "UUID")
        if row.record_type == "agency":
            key = ("agency", str(row.values["side"]), str(row.values["abbreviation"]).casefold())
            once(key, row, "the abbreviation", "简称")
        elif row.values.get("cas_number"):
            once(("cas", str(row.values["cas_number"])), row, "CAS number", "CAS 登记号")


def shipped() -> ShippedData:
    """The shipped reference data, read and checked; ``ReferenceDataError`` names every
    problem (file, line and column) when a file is missing or malformed."""
    folder = data_folder()
    problems = _Problems()
    manifest = _manifest(folder, problems)
    if manifest is None or problems.items:
        raise ReferenceDataError(problems.items)
    names: dict[str, str] = {}
    rows: dict[str, list[ShippedRow]] = {}
    for type_key in TYPES:
        entry = next(e for e in manifest["files"].values() if e.get("record_type") == type_key)
        names[type_key] = entry["file"]
        rows[type_key] = _read_rows(folder, entry["file"], type_key, problems)
    _consistent([*rows["agency"], *rows["substance"]], problems, names)
    if problems.items:
        raise ReferenceDataError(problems.items)
    return ShippedData(
        version=manifest["version"].strip(),
        description_en=str(manifest.get("description_en", "")),
        description_zh=str(manifest.get("description_zh", "")),
        agencies=tuple(rows["agency"]),
        substances=tuple(rows["substance"]),
    )


# --- what a merge did --------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """A shipped row whose local record the merge left as it is, and why."""

    reference: str  # the local record's ("" when there is none)
    reason: str  # KEPT_EDITED, KEPT_ARCHIVED, KEPT_EXISTING, KEPT_REMOVED
    label_en: str = ""  # how the shipped row names it
    label_zh: str = ""

    def describe(self, zh: bool = False) -> str:
        label = self.label_zh if zh else self.label_en
        what = " ".join(p for p in (self.reference, label) if p)
        why = vocabulary.word(WORDS, self.reason, "zh" if zh else "en")
        return f"{what}（{why}）" if zh else f"{what} ({why})"


@dataclass
class TypeReport:
    added: list[str] = field(default_factory=list)  # references of the records created
    updated: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class MergeReport:
    """What one merge added, updated and kept, per record type."""

    version: str
    previous_version: str | None = None
    types: dict[str, TypeReport] = field(default_factory=lambda: {k: TypeReport() for k in TYPES})
    written: bool = False  # anything stored (records, settings, the summary event)

    def added(self, type_key: str) -> list[str]:
        return self.types[type_key].added

    def updated(self, type_key: str) -> list[str]:
        return self.types[type_key].updated

    def kept(self, type_key: str) -> list[Kept]:
        return self.types[type_key].kept

    @property
    def changed(self) -> bool:
        return any(t.added or t.updated for t in self.types.values())

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            k: {
                "added": len(t.added),
                "updated": len(t.updated),
                "kept": len(t.kept),
                "unchanged": t.unchanged,
            }
            for k, t in self.types.items()
        }

    def audit_changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": [self.previous_version, self.version]}
        for key, t in self.types.items():
            out[key] = {
                "added": list(t.added),
                "updated": list(t.updated),
                "kept": [{"reference": k.reference, "reason": k.reason} for k in t.kept],
            }
        return out

    def _summary(self, zh: bool) -> str:
        parts = []
        for attr in ("added", "updated"):
            verb = vocabulary.word(WORDS, attr, "zh" if zh else "en")
            counts = [
                _count(len(getattr(t, attr)), key, zh)
                for key, t in self.types.items()
                if getattr(t, attr)
            ]
            if counts:
                parts.append(f"{verb}{'、'.join(counts)}" if zh else f"{verb} {', '.join(counts)}")
        kept = [k for t in self.types.values() for k in t.kept]
        if kept:
            named = [k.describe(zh) for k in kept[:10]]
            more = len(kept) - len(named)
            if zh:
                tail = f"；另有 {more} 条" if more else ""
                parts.append(f"保留 {len(kept)} 条本地记录不变：{'；'.join(named)}{tail}")
            else:
                tail = f"; and {more} more" if more else ""
                plural = "s" if len(kept) != 1 else ""
                parts.append(
                    f"kept {len(kept)} local record{plural} as they are: {'; '.join(named)}{tail}"
                )
        if not parts:
            present = [_count(t.unchanged, key, zh) for key, t in self.types.items() if t.unchanged]
            if zh:
                return f"参考数据 {self.version}：已是最新（{'、'.join(present) or '无记录'}）。"
            return (
                f"Reference data {self.version}: up to date ({', '.join(present) or 'no records'})."
            )
        if zh:
            return f"参考数据 {self.version}：{'；'.join(parts)}。"
        return f"Reference data {self.version}: {'; '.join(parts)}."

    def summary_en(self) -> str:
        return self._summary(False)

    def summary_zh(self) -> str:
        return self._summary(True)


def _count(n: int, type_key: str, zh: bool) -> str:
    if zh:
        unit = "个" if type_key == "agency" else "种"
        return f"{vocabulary.word('record_type', type_key, 'zh')} {n} {unit}"
    word = vocabulary.word("record_type" if n == 1 else "record_type_plural", type_key)
    return f"{n} {word.lower()}"


# --- merging -----------------------------------------------------------------------------


class _InTransaction(Services):
    """The services, writing in the caller's transaction instead of one of their own."""

    def __init__(self, session: Session, actor: Actor) -> None:
        super().__init__(cast(Database, None), actor)
        self._session = session

    def _run(self, fn: Any) -> Any:
        return fn(self._session)


def _state(session: Session) -> dict[str, dict[str, Any]]:
    raw = settings.read(session, ROWS_KEY)
    try:
        rows = json.loads(raw) if raw else {}
    except ValueError:
        rows = {}
    return rows if isinstance(rows, dict) else {}


def local_records(session: Session, data: ShippedData | None = None) -> dict[str, int]:
    """Shipped UUID -> id of the record that stands for it here (itself, or the record
    with another UUID it was tied to). Rows not in this database are left out."""
    data = data or shipped()
    state = _state(session)
    out: dict[str, int] = {}
    for type_key in TYPES:
        model = record_type(type_key).model
        wanted = {
            row.uuid: str(state.get(row.uuid, {}).get("local") or row.uuid)
            for row in data.rows(type_key)
        }
        found = dict(
            session.execute(
                select(model.uuid, model.id).where(model.uuid.in_(set(wanted.values())))
            ).all()
        )
        out.update({u: found[local] for u, local in wanted.items() if local in found})
    return out


def _twin(session: Session, row: ShippedRow) -> Any:
    """A record that is the same agency or substance under another UUID."""
    if row.record_type == "agency":
        abbreviation = str(row.values["abbreviation"]).lower()
        q = select(Agency).where(
            Agency.side == row.values["side"],
            func.lower(func.trim(Agency.abbreviation)) == abbreviation,
        )
        q = q.order_by(Agency.id)
    else:
        q = select(Substance).where(func.trim(Substance.cas_number) == row.values["cas_number"])
        q = q.order_by(Substance.id)
    return session.execute(q.limit(1)).scalar()


def merge_in(session: Session, actor: Actor) -> MergeReport:
    """Merge the shipped reference data inside the caller's transaction (see the module's
    docstring); returns what was added, updated and kept."""
    for type_key in TYPES:
        require(actor, "create", type_key)
        require(actor, "update", type_key)
    data = shipped()  # a malformed file stops everything before anything is written
    svc = _InTransaction(session, actor)
    previous = settings.read(session, VERSION_KEY)
    state = _state(session)
    new_state = {u: dict(e) for u, e in state.items()}
    report = MergeReport(data.version, previous)
    for type_key in TYPES:
        rt = record_type(type_key)
        out = report.types[type_key]
        rows = list(data.rows(type_key))
        wanted = {row.uuid: str(state.get(row.uuid, {}).get("local") or row.uuid) for row in rows}
        present = {
            obj.uuid: obj
            for obj in session.execute(
                select(rt.model).where(rt.model.uuid.in_(set(wanted.values())))
            ).scalars()
        }
        for row in rows:
            entry = state.get(row.uuid)
            obj = present.get(wanted[row.uuid])
            if obj is None:
                if entry is not None:  # merged before, gone since: not recreated
                    out.kept.append(row.kept("", KEPT_REMOVED))
                    continue
                twin = _twin(session, row)
                if twin is not None:
                    out.kept.append(row.kept(twin.reference, KEPT_EXISTING))
                    new_state[row.uuid] = {"type": type_key, "local": twin.uuid, "hash": ""}
                    continue
                change = svc.create(type_key, {**row.values, "uuid": row.uuid})
                out.added.append(change.reference)
                created = session.get(rt.model, change.ids[0])
                new_state[row.uuid] = {
                    "type": type_key,
                    "local": row.uuid,
                    "hash": record_hash(type_key, created),
                }
                continue
            if obj.archived:
                out.kept.append(row.kept(obj.reference, KEPT_ARCHIVED))
                continue
            if entry is not None and not entry.get("hash"):  # tied to a record of the office's
                out.kept.append(row.kept(obj.reference, KEPT_EXISTING))
                continue
            current = record_hash(type_key, obj)
            if current == row.content_hash:
                out.unchanged += 1
            elif entry is not None and entry.get("hash") == current:
                change = svc.update(type_key, obj.id, row.values, obj.version)
                if change.action == "update":
                    out.updated.append(obj.reference)
                else:
                    out.unchanged += 1
                current = record_hash(type_key, obj)
            else:
                out.kept.append(row.kept(obj.reference, KEPT_EDITED))
                continue
            new_state[row.uuid] = {"type": type_key, "local": obj.uuid, "hash": current}
    if report.changed or new_state != state or previous != data.version:
        settings.write(
            session,
            ROWS_KEY,
            json.dumps(new_state, ensure_ascii=False, sort_keys=True),
            actor.username,
        )
        settings.write(session, VERSION_KEY, data.version, actor.username)
        trail.append(
            session,
            actor=actor.username,
            action="reference_data",
            record_type="",
            reference=f"reference data {data.version}"[:32],
            changes=report.audit_changes(),
        )
        report.written = True
    return report


def merge(db: Database, actor: Actor = SYSTEM) -> MergeReport:
    """Merge the shipped reference data in one transaction of its own."""
    return db.write(lambda session: merge_in(session, actor))
