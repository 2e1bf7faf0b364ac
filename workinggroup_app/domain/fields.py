"""Field definitions: each record type declares its fields once.

Forms, list columns, validation, import column mapping, CSV export and the PDF packet all
read these definitions. Adding a field is one edit here plus a migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workinggroup_app.domain import cli_names, models, validators
from workinggroup_app.domain.workflows import WORKFLOWS, Workflow

# Kinds of field: how it is stored, edited and validated.
TEXT = "text"  # one line
LONGTEXT = "longtext"  # several lines
DATE = "date"
DATETIME = "datetime"  # an instant, stored in UTC
CHOICE = "choice"  # a key from a vocabulary in words.py
LINK = "link"  # the id of another record (column ends in _id)
LINKS = "links"  # a many-to-many list of other records
ACCOUNT = "account"  # the id of a user account here (column ends in _id), shown by its name
BOOL = "bool"
READONLY = "readonly"  # shown, never edited (reference, status, authorship)

LONGTEXT_MAX = 50_000


@dataclass(frozen=True)
class FieldDef:
    name: str
    kind: str
    label_en: str
    label_zh: str
    required: bool = False
    max_length: int = 500
    vocabulary: str | None = None
    target: str | None = None  # record type of a LINK / LINKS field
    validator: Callable[[str, str], str] | None = None
    in_list: bool = False  # a column in list views (shown by default)
    listable: bool = True  # may be chosen in the column chooser
    in_packet: bool = False
    importable: bool = True
    filterable: bool = False  # offered in the list filter bar (CHOICE, LINK and ACCOUNT fields)
    required_if_releasable: bool = False  # must be filled before sharing with the counterpart
    lang: str | None = None  # "en" / "zh" for one half of a bilingual pair
    width: int = 120  # list column width hint, in pixels

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    @property
    def editable(self) -> bool:
        return self.kind != READONLY

    @property
    def pair(self) -> str | None:
        """The other-language twin of a bilingual field (title_en <-> title_zh)."""
        if self.lang == "en":
            return self.name[:-3] + "_zh"
        if self.lang == "zh":
            return self.name[:-3] + "_en"
        return None


@dataclass(frozen=True)
class RecordType:
    key: str
    prefix: str
    model: type[models.RecordMixin]
    fields: tuple[FieldDef, ...]
    workflow: Workflow | None = None
    date_field: str | None = None  # used by the date-range filter and default sort
    agency_fields: tuple[str, ...] = ()  # LINK fields to agencies, for the agency filter
    side_field: str | None = None  # CHOICE field holding a side, for the side filter
    default_sort: tuple[str, bool] = ("id", True)  # (field, descending)
    _by_name: dict[str, FieldDef] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for f in self.fields:
            self._by_name[f.name] = f

    def field(self, name: str) -> FieldDef:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    def editable_fields(self) -> list[FieldDef]:
        return [f for f in self.fields if f.editable]

    def list_fields(self) -> list[FieldDef]:
        return [f for f in self.fields if f.listable and f.kind != LINKS]

    def default_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.in_list]

    def importable_fields(self) -> list[FieldDef]:
        return [f for f in self.fields if f.importable and f.editable]

    def account_fields(self) -> list[FieldDef]:
        """The fields naming a user account (an action item's owner)."""
        return [f for f in self.fields if f.kind == ACCOUNT]


def _bilingual(
    stem: str, en: str, zh: str, kind: str = TEXT, **kw: object
) -> tuple[FieldDef, FieldDef]:
    max_length = LONGTEXT_MAX if kind == LONGTEXT else kw.pop("max_length", 500)
    req_zh = kw.pop("required_if_releasable_zh", False)
    return (
        FieldDef(
            f"{stem}_en",
            kind,
            f"{en} (English)",
            f"{zh}（英文）",
            lang="en",
            max_length=max_length,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        ),
        FieldDef(
            f"{stem}_zh",
            kind,
            f"{en} (Chinese)",
            f"{zh}（中文）",
            lang="zh",
            max_length=max_length,  # type: ignore[arg-type]
            required_if_releasable=bool(req_zh),
            **{k: v for k, v in kw.items() if k != "required"},  # type: ignore[arg-type]
        ),
    )


def _head(title_en: str = "Title", title_zh: str = "标题", required_zh: bool = True) -> tuple:
    return (
        FieldDef(
            "reference", READONLY, "Reference", "编号", in_list=True, width=130, max_length=32
        ),
        *_bilingual(
            "title",
            title_en,
            title_zh,
            required=True,
            in_list=True,
            in_packet=True,
            width=280,
            required_if_releasable_zh=required_zh,
        ),
    )


def _marking(status_vocab: str | None = None) -> tuple:
    status = (
        (
            FieldDef(
                "status",
                READONLY,
                "Status",
                "状态",
                vocabulary=status_vocab,
                in_list=True,
                in_packet=True,
                filterable=True,
                importable=True,
                width=150,
            ),
        )
        if status_vocab
        else ()
    )
    return (
        *status,
        FieldDef(
            "releasability",
            CHOICE,
            "Releasability",
            "可提供范围",
            vocabulary="releasability",
            in_list=True,
            filterable=True,
            width=170,
        ),
        FieldDef("caveat", CHOICE, "Handling caveat", "处理说明", vocabulary="caveat"),
    )


_LOE = FieldDef(
    "line_of_effort",
    CHOICE,
    "Line of effort",
    "工作方向",
    vocabulary="line_of_effort",
    filterable=True,
    width=180,
)
_TAIL = (
    FieldDef("updated_at", READONLY, "Last changed", "最后修改", in_list=True, importable=False),
    FieldDef("updated_by", READONLY, "Changed by", "修改人", importable=False),
    FieldDef("created_at", READONLY, "Created", "创建时间", importable=False),
    FieldDef("created_by", READONLY, "Created by", "创建人", importable=False),
    FieldDef(
        "uuid", READONLY, "UUID", "通用唯一标识", importable=True, listable=False, max_length=36
    ),
)


def _agency_link(name: str, en: str, zh: str, **kw: object) -> FieldDef:
    return FieldDef(name, LINK, en, zh, target="agency", filterable=True, width=110, **kw)  # type: ignore[arg-type]


CASE = RecordType(
    key="case",
    prefix="CASE",
    model=models.Case,
    workflow=WORKFLOWS["case"],
    date_field="opened_on",
    agency_fields=("lead_agency_id",),
    fields=(
        *_head(),
        *_marking("status.case"),
        _LOE,
        _agency_link("lead_agency_id", "Lead agency", "牵头机构", in_list=True),
        FieldDef("opened_on", DATE, "Opened on", "立案日期", in_list=True),
        FieldDef("closed_on", DATE, "Closed on", "结案日期"),
        FieldDef("outcome", READONLY, "Outcome", "结果", vocabulary="case_outcome", in_packet=True),
        *_bilingual("summary", "Summary", "摘要", LONGTEXT, in_packet=True),
        FieldDef("entities", LINKS, "Entities", "涉及实体", target="entity", importable=False),
        FieldDef(
            "substances", LINKS, "Substances", "涉及物质", target="substance", importable=False
        ),
        *_TAIL,
    ),
)

REFERRAL = RecordType(
    key="referral",
    prefix="REF",
    model=models.Referral,
    workflow=WORKFLOWS["referral"],
    date_field="sent_on",
    agency_fields=("sending_agency_id", "receiving_agency_id"),
    fields=(
        *_head(),
        *_marking("status.referral"),
        FieldDef(
            "direction",
            CHOICE,
            "Direction",
            "方向",
            vocabulary="direction",
            required=True,
            in_list=True,
            in_packet=True,
            filterable=True,
        ),
        FieldDef(
            "referral_type",
            CHOICE,
            "Type",
            "类型",
            vocabulary="referral_type",
            required=True,
            in_list=True,
            in_packet=True,
            filterable=True,
            width=200,
        ),
        _LOE,
        _agency_link(
            "sending_agency_id", "Sending agency", "发送机构", in_list=True, in_packet=True
        ),
        _agency_link(
            "receiving_agency_id", "Receiving agency", "接收机构", in_list=True, in_packet=True
        ),
        FieldDef("case_id", LINK, "Case", "所属案件", target="case", width=140),
        FieldDef(
            "sent_on", DATE, "Sent / received on", "发送/接收日期", in_list=True, in_packet=True
        ),
        FieldDef("acknowledged_on", DATE, "Acknowledged on", "确认收到日期"),
        FieldDef("answered_on", DATE, "Answered on", "答复日期", in_packet=True),
        FieldDef("response_due", DATE, "Response due", "答复期限", in_list=True, in_packet=True),
        FieldDef(
            "counterpart_ref",
            TEXT,
            "Counterpart's reference",
            "对方编号",
            max_length=64,
            in_packet=True,
        ),
        FieldDef(
            "source_grade", CHOICE, "Source reliability", "来源可靠性", vocabulary="source_grade"
        ),
        FieldDef(
            "info_grade", CHOICE, "Information accuracy", "信息准确性", vocabulary="info_grade"
        ),
        FieldDef(
            "outcome", READONLY, "Outcome", "结果", vocabulary="referral_outcome", in_packet=True
        ),
        FieldDef("duplicate_of_id", READONLY, "Duplicate of", "重复于", target="referral"),
        *_bilingual("summary", "Summary", "摘要", LONGTEXT, in_packet=True),
        FieldDef(
            "entities", LINKS, "Subject entities", "涉及实体", target="entity", importable=False
        ),
        FieldDef(
            "substances", LINKS, "Substances", "涉及物质", target="substance", importable=False
        ),
        *_TAIL,
    ),
)

ACTION_ITEM = RecordType(
    key="action_item",
    prefix="AI",
    model=models.ActionItem,
    workflow=WORKFLOWS["action_item"],
    date_field="due_date",
    agency_fields=("owner_agency_id",),
    side_field="owner_side",
    default_sort=("due_date", False),
    fields=(
        *_head(),
        *_marking("status.action_item"),
        FieldDef(
            "owner_side",
            CHOICE,
            "Owner side",
            "负责方",
            vocabulary="owner_side",
            required=True,
            in_list=True,
            in_packet=True,
            filterable=True,
        ),
        _agency_link("owner_agency_id", "Owner agency", "负责机构", in_list=True, in_packet=True),
        # the owner is a person: an account here (any active one when it is set), and/or
        # by name an owner on the counterpart's side, who has no account here
        FieldDef(
            "owner_user_id",
            ACCOUNT,
            "Owner",
            "负责人",
            in_list=True,
            in_packet=True,
            filterable=True,
            # a sheet names the owner by user name or display name (services.users.find_owner)
            width=150,
        ),
        FieldDef(
            "owner_person",
            TEXT,
            "Counterpart owner",
            "对方负责人",
            max_length=200,
            in_packet=True,
        ),
        FieldDef("due_date", DATE, "Due date", "截止日期", in_list=True, in_packet=True),
        FieldDef("completed_on", DATE, "Completed on", "完成日期"),
        _LOE,
        FieldDef("origin_meeting_id", LINK, "From meeting", "来源会议", target="meeting"),
        FieldDef("origin_case_id", LINK, "From case", "来源案件", target="case"),
        FieldDef("origin_referral_id", LINK, "From referral", "来源线索", target="referral"),
        *_bilingual("description", "Description", "说明", LONGTEXT, in_packet=True),
        *_TAIL,
    ),
)

MEETING = RecordType(
    key="meeting",
    prefix="MTG",
    model=models.Meeting,
    workflow=WORKFLOWS["meeting"],
    date_field="starts_at",
    default_sort=("starts_at", True),
    fields=(
        *_head(),
        *_marking("status.meeting"),
        FieldDef(
            "meeting_type",
            CHOICE,
            "Meeting type",
            "会议类型",
            vocabulary="meeting_type",
            required=True,
            in_list=True,
            in_packet=True,
            filterable=True,
            width=170,
        ),
        FieldDef(
            "starts_at", DATETIME, "Starts at", "开始时间", in_list=True, in_packet=True, width=170
        ),
        *_bilingual("place", "Place", "地点", in_packet=True, max_length=300),
        _LOE,
        *_bilingual("summary", "Summary", "摘要", LONGTEXT, in_packet=True),
        FieldDef(
            "referrals",
            LINKS,
            "Referrals discussed",
            "讨论的线索",
            target="referral",
            importable=False,
        ),
        FieldDef("cases", LINKS, "Cases discussed", "讨论的案件", target="case", importable=False),
        *_TAIL,
    ),
)

ENTITY = RecordType(
    key="entity",
    prefix="ENT",
    model=models.Entity,
    fields=(
        *_head("Name", "名称", required_zh=False),
        *_marking(),
        FieldDef(
            "entity_type",
            CHOICE,
            "Entity type",
            "实体类型",
            vocabulary="entity_type",
            required=True,
            in_list=True,
            filterable=True,
        ),
        FieldDef(
            "uscc",
            TEXT,
            "Unified Social Credit Code",
            "统一社会信用代码",
            max_length=18,
            validator=validators.validate_uscc,
            in_list=True,
            width=180,
        ),
        FieldDef("country", TEXT, "Country", "国家/地区", max_length=64, in_list=True),
        FieldDef("url", TEXT, "Web address", "网址", max_length=500),
        *_bilingual("notes", "Notes", "备注", LONGTEXT),
        *_TAIL,
    ),
)

SUBSTANCE = RecordType(
    key="substance",
    prefix="SUB",
    model=models.Substance,
    fields=(
        *_head("Name", "名称"),
        *_marking(),
        FieldDef(
            "category",
            CHOICE,
            "Category",
            "类别",
            vocabulary="substance_category",
            required=True,
            in_list=True,
            filterable=True,
            width=170,
        ),
        FieldDef(
            "cas_number",
            TEXT,
            "CAS number",
            "CAS 登记号",
            max_length=16,
            validator=validators.validate_cas,
            in_list=True,
        ),
        FieldDef(
            "us_control",
            CHOICE,
            "US control",
            "美方管制",
            vocabulary="control_status",
            in_list=True,
        ),
        FieldDef(
            "prc_control",
            CHOICE,
            "PRC control",
            "中方管制",
            vocabulary="control_status",
            in_list=True,
        ),
        *_bilingual("notes", "Notes", "备注", LONGTEXT),
        *_TAIL,
    ),
)

AGENCY = RecordType(
    key="agency",
    prefix="AG",
    model=models.Agency,
    side_field="side",
    fields=(
        *_head("Name", "名称"),
        *_marking(),
        FieldDef(
            "abbreviation", TEXT, "Abbreviation", "简称", required=True, max_length=32, in_list=True
        ),
        FieldDef(
            "side",
            CHOICE,
            "Side",
            "所属方",
            vocabulary="side",
            required=True,
            in_list=True,
            filterable=True,
        ),
        *_TAIL,
    ),
)

CONTACT = RecordType(
    key="contact",
    prefix="CT",
    model=models.Contact,
    agency_fields=("agency_id",),
    fields=(
        *_head("Name", "姓名", required_zh=False),
        *_marking(),
        _agency_link("agency_id", "Agency", "所属机构", in_list=True, required=True),
        *_bilingual("position", "Position", "职务", in_list=True, max_length=200),
        FieldDef("email", TEXT, "E-mail", "电子邮箱", max_length=200, in_list=True),
        FieldDef("phone", TEXT, "Telephone", "电话", max_length=64),
        *_TAIL,
    ),
)

RECORD_TYPES: dict[str, RecordType] = {
    rt.key: rt for rt in (CASE, REFERRAL, ACTION_ITEM, MEETING, ENTITY, SUBSTANCE, AGENCY, CONTACT)
}
BY_PREFIX: dict[str, RecordType] = {rt.prefix: rt for rt in RECORD_TYPES.values()}


CLI_NAMES = cli_names.CLI_NAMES  # "action-items" -> "action_item" (command line, file names)


def record_type(key: str) -> RecordType:
    """A record type by its key ("action_item") or command-line name ("action-items")."""
    rt = RECORD_TYPES.get(key) or RECORD_TYPES.get(CLI_NAMES.get(key, ""))
    if rt is None:
        raise KeyError(f"unknown record type {key!r}")
    return rt


def cli_name(key: str) -> str:
    return next(name for name, k in CLI_NAMES.items() if k == key)


def type_of_reference(reference: str) -> RecordType | None:
    return BY_PREFIX.get(reference.split("-", 1)[0].upper())
