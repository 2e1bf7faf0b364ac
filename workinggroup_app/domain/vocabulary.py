"""The one table of words: every coded value the application stores, and every label the
packets, the review, the dashboard and the exports print beside them, in English and Chinese.

Statuses, sides, record types, markings and other vocabularies are stored as plain keys;
the interface, the PDF packets and the CSV headers all take their words from here. (A field's
own label is part of its definition, in ``fields`` and ``children``; the desktop's own texts
are Qt translations.)
"""

from __future__ import annotations

Word = tuple[str, str, str]  # key, English, Chinese

VOCABULARIES: dict[str, tuple[Word, ...]] = {
    "record_type": (
        ("case", "Case", "案件"),
        ("referral", "Referral", "线索移交"),
        ("action_item", "Action item", "行动事项"),
        ("meeting", "Meeting", "会议"),
        ("entity", "Entity", "实体"),
        ("substance", "Substance", "物质"),
        ("agency", "Agency", "机构"),
        ("contact", "Contact", "联系人"),
    ),
    "record_type_plural": (
        ("case", "Cases", "案件"),
        ("referral", "Referrals", "线索移交"),
        ("action_item", "Action items", "行动事项"),
        ("meeting", "Meetings", "会议"),
        ("entity", "Entities", "实体"),
        ("substance", "Substances", "物质"),
        ("agency", "Agencies", "机构"),
        ("contact", "Contacts", "联系人"),
    ),
    "side": (
        ("US", "United States", "美方"),
        ("PRC", "China", "中方"),
    ),
    "owner_side": (
        ("US", "United States", "美方"),
        ("PRC", "China", "中方"),
        ("JOINT", "Joint", "双方共同"),
    ),
    "direction": (
        ("US_TO_PRC", "US to PRC", "美方至中方"),
        ("PRC_TO_US", "PRC to US", "中方至美方"),
    ),
    "releasability": (
        ("releasable", "Releasable to counterpart", "可向对方提供"),
        ("us_only", "US only", "仅限美方"),
    ),
    "caveat": (
        ("SBU", "Sensitive But Unclassified", "敏感但非密"),
        ("LES", "Law Enforcement Sensitive", "执法敏感"),
        ("NONE", "No caveat", "无限制说明"),
    ),
    "line_of_effort": (
        ("law_enforcement", "Law enforcement cases", "执法案件"),
        ("scheduling", "Precursor scheduling and controls", "前体列管与管制"),
        ("equipment", "Pill presses and equipment", "压片机及设备"),
        ("finance", "Illicit finance", "非法资金"),
        ("online", "Online sales and platforms", "网络销售与平台"),
        ("customs", "Customs and shipments", "海关与货运"),
        ("emerging", "Emerging substances", "新型物质"),
        ("multilateral", "Multilateral", "多边合作"),
    ),
    "referral_type": (
        ("lead", "Investigative lead", "侦查线索"),
        ("assistance", "Request for assistance / information", "协助或信息请求"),
        ("scheduling", "Scheduling request", "列管请求"),
        ("seizure", "Seizure or shipment notification", "查获或货运通报"),
        ("financial", "Financial intelligence", "金融情报"),
        ("takedown", "Online-platform takedown request", "网络平台下架请求"),
    ),
    "referral_outcome": (
        ("arrest", "Action taken: arrest", "已采取行动：逮捕"),
        ("seizure", "Action taken: seizure", "已采取行动：查获"),
        ("takedown", "Action taken: takedown", "已采取行动：下架"),
        ("scheduling", "Action taken: scheduling", "已采取行动：列管"),
        ("designation", "Action taken: designation", "已采取行动：制裁认定"),
        ("no_action", "No action", "未采取行动"),
        ("insufficient", "Insufficient information", "信息不足"),
    ),
    "case_outcome": (
        ("prosecution", "Prosecution", "起诉"),
        ("disruption", "Network disrupted", "网络已被瓦解"),
        ("scheduled", "Substance scheduled", "物质已列管"),
        ("no_further_action", "No further action", "不再采取行动"),
    ),
    "source_grade": (
        ("A", "A: completely reliable", "A：完全可靠"),
        ("B", "B: mostly reliable", "B：基本可靠"),
        ("C", "C: not reliable", "C：不可靠"),
        ("X", "X: reliability unknown", "X：可靠性未知"),
    ),
    "info_grade": (
        ("1", "1: known to be true", "1：确知属实"),
        ("2", "2: known personally to the source", "2：来源亲自知悉"),
        ("3", "3: not known personally, corroborated", "3：非亲自知悉，已佐证"),
        ("4", "4: cannot be judged", "4：无法判断"),
    ),
    "meeting_type": (
        ("plenary", "Plenary", "全体会议"),
        ("technical", "Technical / expert session", "技术/专家会议"),
        ("video", "Video call", "视频会议"),
    ),
    "entity_type": (
        ("company", "Company", "公司"),
        ("person", "Person", "个人"),
        ("website", "Website / online store", "网站/网店"),
        ("shipment", "Shipment", "货物"),
        ("account", "Financial account", "金融账户"),
    ),
    "substance_category": (
        ("opioid", "Fentanyl or analogue", "芬太尼及其类似物"),
        ("precursor", "Precursor chemical", "前体化学品"),
        ("nitazene", "Nitazene", "尼秦类物质"),
        ("adulterant", "Adulterant", "掺杂物"),
        ("equipment", "Equipment", "设备"),
    ),
    "control_status": (
        ("controlled", "Controlled", "已管制"),
        ("class_wide", "Controlled as a class", "整类列管"),
        ("monitored", "Monitored / listed", "监控/列名"),
        ("not_controlled", "Not controlled", "未管制"),
    ),
    "role": (
        ("administrator", "Administrator", "管理员"),
        ("manager", "Manager", "主管"),
        ("coordinator", "Coordinator", "协调员"),
        ("liaison", "Liaison officer", "联络官"),
        ("viewer", "Viewer", "只读用户"),
    ),
    "status.referral": (
        ("draft", "Draft", "草稿"),
        ("sent", "Sent", "已发送"),
        ("received", "Received", "已接收"),
        ("acknowledged", "Acknowledged", "已确认收到"),
        ("under_verification", "Under verification", "核查中"),
        ("info_requested", "Information requested", "已要求补充信息"),
        ("responded", "Responded", "已答复"),
        ("closed", "Closed", "已结案"),
        ("withdrawn", "Withdrawn", "已撤回"),
        ("duplicate", "Duplicate", "重复"),
    ),
    "status.case": (
        ("open", "Open", "已立案"),
        ("active", "Active", "办理中"),
        ("suspended", "Suspended", "已中止"),
        ("closed", "Closed", "已结案"),
        ("reopened", "Reopened", "已重新开启"),
    ),
    "status.action_item": (
        ("open", "Open", "待办"),
        ("in_progress", "In progress", "进行中"),
        ("blocked", "Blocked", "受阻"),
        ("done", "Done", "已完成"),
        ("cancelled", "Cancelled", "已取消"),
    ),
    "status.meeting": (
        ("planned", "Planned", "已计划"),
        ("agenda_circulated", "Agenda circulated", "议程已分发"),
        ("held", "Held", "已举行"),
        ("minutes_approved", "Minutes approved", "纪要已批准"),
        ("cancelled", "Cancelled", "已取消"),
    ),
    "derived": (
        ("overdue", "Overdue", "已逾期"),
        ("awaiting_response", "Awaiting response", "待对方答复"),
    ),
    "audit_action": (
        ("create", "Created", "创建"),
        ("update", "Updated", "修改"),
        ("transition", "Status changed", "状态变更"),
        ("archive", "Archived", "归档"),
        ("restore", "Restored", "恢复"),
        ("export", "Exported", "导出"),
        ("import", "Imported", "导入"),
        ("sign_in", "Signed in", "登录"),
        ("sign_in_failed", "Sign-in failed", "登录失败"),
        ("permission", "Permission changed", "权限变更"),
        ("seed", "Demo data loaded", "载入演示数据"),
        ("reference_data", "Reference data merged", "合并参考数据"),
        ("settings", "Settings changed", "设置变更"),
        ("keygen", "Signing key created", "创建签名密钥"),
        ("register_key", "Counterpart key registered", "登记对方公钥"),
        ("protect_key", "Private key protected by a passphrase", "私钥设置口令保护"),
        ("resolve_conflict", "Exchange conflict resolved", "解决交换冲突"),
        # written by the PostgreSQL server for a row changed without the application
        # (storage/server_roles.py): the actor is the server login that changed it
        ("server_insert", "Added outside the application", "在应用程序之外添加"),
        ("server_update", "Changed outside the application", "在应用程序之外修改"),
        ("server_delete", "Deleted outside the application", "在应用程序之外删除"),
    ),
    # --- labels printed or shown beside the stored words -------------------------------
    # figure and chart titles of the dashboard and the manager's review
    "dashboard": (
        ("review", "Manager's review of open work", "工作进展审阅"),
        ("key_figures", "Key figures", "关键数据"),
        ("open", "Open action items", "未完成的行动事项"),
        ("overdue", "Overdue action items", "已逾期的行动事项"),
        ("due_soon", "Due in the next 14 days", "14 天内到期"),
        ("awaiting", "Referrals awaiting the counterpart's response", "待对方答复的线索"),
        ("awaiting_long", "…of which waiting over 30 days", "其中等待超过 30 天"),
        (
            "median.US_TO_PRC",
            "Median response time, US to PRC (days)",
            "中位答复时间：美方至中方（天）",
        ),
        (
            "median.PRC_TO_US",
            "Median response time, PRC to US (days)",
            "中位答复时间：中方至美方（天）",
        ),
        (
            "items_by_side",
            "Open action items by owner side and status",
            "按负责方和状态统计的未完成行动事项",
        ),
        (
            "overdue_by_agency",
            "Overdue action items by owner agency",
            "按负责机构统计的逾期行动事项",
        ),
        ("pipeline", "Referral pipeline by status", "按状态统计的线索移交"),
        (
            "response_by_month",
            "Median response time by month sent (days)",
            "按发送月份统计的中位答复时间（天）",
        ),
        ("since", "Since the last meeting", "自上次会议以来"),
        ("no_meeting", "No meeting has been held yet.", "尚未举行会议。"),
        ("since_opened", "Action items opened", "新增行动事项"),
        ("since_completed", "Action items completed", "已完成的行动事项"),
        ("since_overdue", "Action items that became overdue", "新逾期的行动事项"),
        ("since_referrals", "Referrals sent or received", "新发送或接收的线索"),
        ("since_answered", "Referrals answered", "已获答复的线索"),
        ("answers", "Referrals answered since the last meeting", "自上次会议以来获答复的线索"),
        ("mine", "My work", "我的工作"),
        ("my_open", "My open action items", "我的未完成事项"),
        ("my_overdue", "My overdue action items", "我的逾期事项"),
        ("new_overdue_mine", "My items that became overdue", "我的新逾期事项"),
        ("new_overdue_all", "All items that became overdue", "全部新逾期事项"),
        ("no_agency", "No agency", "无负责机构"),
        ("hidden_agency", "No agency or not releasable", "无机构或不可提供"),
        ("days", "days", "天"),
        ("median", "Median", "中位数"),
        ("answered_n", "answered", "已答复"),
        ("none", "None", "无"),
    ),
    # headings and labels of the meeting packet
    "packet": (
        ("packet", "Meeting packet", "会议资料"),
        ("contents", "Contents", "目录"),
        ("summary", "Meeting summary", "会议摘要"),
        ("attendees", "Attendees", "与会人员"),
        ("agenda", "Agenda", "议程"),
        ("decisions", "Decisions", "决定事项"),
        ("discussed", "Referrals and cases discussed", "讨论的线索移交和案件"),
        ("changes", "Status changes since the previous meeting", "自上次会议以来的状态变更"),
        ("actions", "Action items", "行动事项"),
        ("agreed", "Agreed at this meeting", "本次会议商定的事项"),
        ("open", "Still open, by owner", "尚未完成的事项（按负责方）"),
        ("overdue", "Overdue", "已逾期事项"),
        ("completed", "Completed since the previous meeting", "自上次会议以来已完成的事项"),
        ("chart", "Action items by status and owner side", "按状态和负责方统计的行动事项"),
        ("annex", "Annex: referral details", "附件：线索移交详情"),
        ("delegation.US", "United States delegation", "美方代表团"),
        ("delegation.PRC", "Chinese delegation", "中方代表团"),
        ("head", "Head of delegation", "代表团团长"),
        ("heads", "Heads of delegation", "代表团团长"),
        ("name", "Name", "姓名"),
        ("item", "Item", "事项"),
        ("decision", "Decision", "决定"),
        ("owner", "Owner", "负责方"),
        ("when", "Date and time", "日期和时间"),
        ("washington", "Washington", "华盛顿"),
        ("beijing", "Beijing", "北京"),
        ("audience", "Audience", "分发范围"),
        ("generated", "Generated", "生成日期"),
        ("previous", "Previous meeting", "上次会议"),
        ("none_previous", "None: first meeting", "无：首次会议"),
        ("none", "None", "无"),
        ("not_set", "Not set", "未定"),
        ("change", "Change", "变更"),
        ("note", "Note", "备注"),
        ("changed_at", "Date (Washington)", "日期（华盛顿时间）"),
        ("dates", "Dates", "日期"),
        ("sent", "Sent", "发送"),
        ("due", "Due", "期限"),
        ("answered", "Answered", "答复"),
        ("completed_on", "Completed", "完成"),
        ("direction_type", "Direction and type", "方向和类型"),
        ("total", "Total", "合计"),
        ("no_agency", "No agency", "未指定机构"),
        ("note_withheld", "Note not releasable", "备注不可提供"),
        ("field", "Field", "字段"),
        ("described_above", "Described above", "说明见上文"),
    ),
    # days of the week, Monday first (date.weekday())
    "weekday": (
        ("0", "Mon", "周一"),
        ("1", "Tue", "周二"),
        ("2", "Wed", "周三"),
        ("3", "Thu", "周四"),
        ("4", "Fri", "周五"),
        ("5", "Sat", "周六"),
        ("6", "Sun", "周日"),
    ),
    # headings and column titles of the manager's review
    "review": (
        ("as_of", "As of", "截至"),
        ("audience", "Audience", "分发范围"),
        ("figure", "Figure", "指标"),
        ("value", "Value", "数值"),
        ("note", "Note", "说明"),
        ("meeting", "Last meeting", "上次会议"),
        ("reference", "Reference", "编号"),
        ("title", "Title", "标题"),
        ("direction", "Direction", "方向"),
        ("answered_on", "Answered on", "答复日期"),
        ("days", "Days", "天数"),
        ("total", "Total", "合计"),
        ("shown", "Showing the latest", "仅列出最近"),
        ("of", "of", "共"),
        ("page", "Page", "第"),
        ("owner_side", "Owner side", "负责方"),
        ("owner_agency", "Owner agency", "负责机构"),
        ("status", "Status", "状态"),
        ("month_sent", "Month sent", "发送月份"),
    ),
    # columns that are not a field of a record (exports, imports)
    "column": (("releasable", "Releasable", "可向对方提供"),),
    # what an exchange import does with each incoming record
    "exchange_outcome": (
        ("new", "New", "新增"),
        ("update", "Updated from the counterpart", "按对方更新"),
        ("unchanged", "Unchanged", "无变化"),
        ("kept", "Ours is newer: kept", "本方较新：保留"),
        ("conflict", "Conflict: both sides changed it", "冲突：双方均有修改"),
        ("problem", "Cannot be imported", "无法导入"),
    ),
    # how a spreadsheet cell may name a linked record (exchange.sheets: import, template)
    "link_how": (
        ("agency", "give its abbreviation, reference or name", "请填写其简称、编号或名称"),
        ("contact", "give its reference, e-mail or name", "请填写其编号、电子邮件或姓名"),
        ("substance", "give its reference, CAS number or name", "请填写其编号、CAS 号或名称"),
        ("entity", "give its reference, USCC or name", "请填写其编号、统一社会信用代码或名称"),
        ("", "give its reference", "请填写其编号"),
        ("yes_no", "yes or no", "是或否"),
    ),
    # what the audit trail names besides records
    "audit_subject": (("user", "User account", "用户账户"),),
    # the signed checkpoints of the audit trail, as footers and packages print them
    "audit_checkpoint": (
        ("checkpoint", "Audit checkpoint", "审计检查点"),
        ("key", "key", "密钥"),
    ),
    # what an administrator's command did to an account (cli users disable|enable|unlock)
    "account_action": (
        ("disable", "disabled", "已停用"),
        ("enable", "enabled", "已启用"),
        ("unlock", "unlocked", "已解锁"),
    ),
    # the shipped reference data (services.reference_data): the label of a substance's
    # source in its notes, and why a merge left a local record as it was
    "reference_data": (
        ("source", "Source", "来源"),
        ("added", "added", "新增"),
        ("updated", "updated", "更新"),
        ("edited", "edited here", "本地已修改"),
        ("archived", "archived here", "本地已归档"),
        ("existing", "already present under another identifier", "已以其他标识存在"),
        ("removed", "no longer in this database", "已不在本数据库中"),
    ),
}

_INDEX: dict[str, dict[str, tuple[str, str]]] = {
    name: {key: (en, zh) for key, en, zh in words} for name, words in VOCABULARIES.items()
}


def keys(vocabulary: str) -> list[str]:
    return [key for key, _en, _zh in VOCABULARIES[vocabulary]]


def word(vocabulary: str, key: str | None, lang: str = "en") -> str:
    """The word for a stored key; an unknown key is shown as itself, never hidden."""
    if key is None or key == "":
        return ""
    pair = _INDEX.get(vocabulary, {}).get(str(key))
    if pair is None:
        return str(key)
    return pair[1] if lang.startswith("zh") else pair[0]


def pair(vocabulary: str, key: str) -> tuple[str, str]:
    """(English, Chinese) of a label; an unknown key is a programming error (KeyError)."""
    return _INDEX[vocabulary][key]


def both(vocabulary: str, key: str | None) -> str:
    """English and Chinese together, as shown to both delegations: 'Sent / 已发送'."""
    if key is None or key == "":
        return ""
    return f"{word(vocabulary, key, 'en')} / {word(vocabulary, key, 'zh')}"


def is_known(vocabulary: str, key: str) -> bool:
    return str(key) in _INDEX.get(vocabulary, {})
