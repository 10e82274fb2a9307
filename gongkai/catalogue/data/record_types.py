"""The structured-list types (结构化清单) a new installation starts with, as data.

Administrators change them and add others in the workbench without code; this module only
seeds them. :func:`seed_record_types` takes the model classes as arguments so that a data
migration can pass its historical models (``apps.get_model``) and tests the real ones.

Each field is ``(key, label, type, options)`` where ``options`` may hold ``required``,
``choices``, ``personal`` (masked on every public page, export and API answer, never indexed)
and ``searchable`` (offered as a filter on the public list).
"""

from __future__ import annotations

from typing import Any

POWER_TYPES = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他",
]

# 政府采购法 art. 26 and the 2014 measures on competitive consultation (竞争性磋商).
PROCUREMENT_METHODS = [
    "公开招标",
    "邀请招标",
    "竞争性谈判",
    "竞争性磋商",
    "单一来源采购",
    "询价",
]

HOUSING_MODES = ["经济适用住房", "廉租住房", "公共租赁住房", "租赁补贴"]

REQUIRED = {"required": True}

RECORD_TYPES: list[dict[str, Any]] = [
    {
        "code": "power-list",
        "name": "行政权力清单",
        "description": "本机关行使的行政权力事项及其实施依据、办理流程、时限和监督方式。",
        "column": "zdly-xzql",
        "statutory_items": ["reg20-05", "reg20-06"],
        "fields": [
            ("item_name", "事项名称", "text", REQUIRED),
            (
                "power_type",
                "权力类型",
                "choice",
                {"required": True, "choices": POWER_TYPES, "searchable": True},
            ),
            ("implementing_agency", "实施主体", "agency", {"required": True, "searchable": True}),
            ("legal_basis", "实施依据", "text", REQUIRED),
            ("fee_basis", "收费依据和标准", "text", {}),
            ("procedure", "办理流程", "text", {}),
            ("statutory_time_limit", "法定时限", "text", {}),
            ("promised_time_limit", "承诺时限", "text", {}),
            ("supervision_phone", "监督电话", "text", {}),
        ],
    },
    {
        "code": "procurement-notice",
        "name": "政府采购公告",
        "description": "政府采购项目的采购公告：项目名称、预算金额、用途和采购方式。",
        "column": "zdly-zfcg",
        "statutory_items": ["reg20-09"],
        "fields": [
            ("project_name", "项目名称", "text", REQUIRED),
            ("budget", "预算金额", "money", REQUIRED),
            ("purpose", "用途", "text", {}),
            ("notice_date", "公告日期", "date", {"required": True, "searchable": True}),
            (
                "procurement_method",
                "采购方式",
                "choice",
                {"required": True, "choices": PROCUREMENT_METHODS, "searchable": True},
            ),
        ],
    },
    {
        "code": "procurement-result",
        "name": "政府采购结果",
        "description": "政府采购项目的中标、成交结果公告。",
        "column": "zdly-zfcg",
        "statutory_items": ["reg20-09"],
        "fields": [
            ("project_name", "项目名称", "text", REQUIRED),
            ("winning_supplier", "中标供应商", "text", {"required": True, "searchable": True}),
            ("winning_amount", "中标金额", "money", REQUIRED),
            ("notice_date", "公告日期", "date", {"required": True, "searchable": True}),
        ],
    },
    {
        "code": "housing-allocation",
        "name": "保障性住房分配公示",
        "description": "保障性住房分配对象公示；申请人姓名和身份证号在公开页面上隐去部分字符。",
        "column": "zdly-bzxzf",
        "statutory_items": ["reg20-11"],
        "fields": [
            ("batch", "批次", "text", {"required": True, "searchable": True}),
            ("applicant_name", "申请人姓名", "text", {"required": True, "personal": True}),
            ("id_number", "身份证号", "text", {"required": True, "personal": True}),
            ("household_size", "家庭人口", "number", REQUIRED),
            (
                "support_mode",
                "保障方式",
                "choice",
                {"required": True, "choices": HOUSING_MODES, "searchable": True},
            ),
            ("notice_date", "公示日期", "date", {"required": True, "searchable": True}),
        ],
    },
    {
        "code": "land-expropriation",
        "name": "征地公告",
        "description": "土地征收的批准情况、位置、面积和补偿标准。",
        "column": "zdly-tdzs",
        "statutory_items": ["reg21-county-04"],
        "fields": [
            ("project_name", "项目名称", "text", REQUIRED),
            ("location", "征地位置", "text", REQUIRED),
            ("area_mu", "面积（亩）", "number", REQUIRED),
            ("approval_number", "批准文号", "text", {}),
            ("compensation", "补偿标准", "text", {}),
            ("notice_date", "公告日期", "date", {"required": True, "searchable": True}),
        ],
    },
]


def seed_record_types(
    RecordType: Any,
    RecordField: Any,
    Column: Any,
    StatutoryItem: Any,
) -> None:
    """Create or bring up to date the pre-configured types; repeat-safe.

    A type's column and statutory items are linked when they exist (an administrator may have
    removed a column); fields are matched by key, so labels and flags follow this module while
    fields an administrator added stay.
    """
    for order, spec in enumerate(RECORD_TYPES):
        record_type, _created = RecordType.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "column": Column.objects.filter(slug=spec["column"]).first(),
                "sort_order": order * 10,
            },
        )
        record_type.statutory_items.set(
            StatutoryItem.objects.filter(code__in=spec["statutory_items"])
        )
        for field_order, (key, label, field_type, options) in enumerate(spec["fields"]):
            RecordField.objects.update_or_create(
                record_type=record_type,
                key=key,
                defaults={
                    "label": label,
                    "type": field_type,
                    "required": options.get("required", False),
                    "choices": list(options.get("choices", [])),
                    "personal": options.get("personal", False),
                    "searchable": options.get("searchable", False),
                    "sort_order": (field_order + 1) * 10,
                },
            )
