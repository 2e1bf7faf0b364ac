"""The one table of words: every coded value the application stores, in English and Chinese.

Statuses, sides, record types, markings and other vocabularies are stored as plain keys.
The interface, the PDF packets and CSV headers all take their words from here.
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
        ("keygen", "Signing key created", "创建签名密钥"),
        ("register_key", "Counterpart key registered", "登记对方公钥"),
        ("resolve_conflict", "Exchange conflict resolved", "解决交换冲突"),
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


def both(vocabulary: str, key: str | None) -> str:
    """English and Chinese together, as shown to both delegations: 'Sent / 已发送'."""
    if key is None or key == "":
        return ""
    return f"{word(vocabulary, key, 'en')} / {word(vocabulary, key, 'zh')}"


def is_known(vocabulary: str, key: str) -> bool:
    return str(key) in _INDEX.get(vocabulary, {})
