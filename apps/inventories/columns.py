"""The documented column layout of each list kind, for import, export and the template.

The first row of a file holds the headers; each header may be the Chinese label or the
English key below (case and a trailing "*" ignored), in any order. Required columns are
marked "*" in the template. Multi-valued cells (categories, departments) separate values
with "；" ";" "、" "," or "，". Categories are given by code (e.g. 0201) or leaf name;
departments by code (e.g. CGJ) or full name, and must belong to the list's county.

Cells that begin with = + - @ (or a tab / carriage return) are refused: a spreadsheet
would run them as formulas (CSV injection).
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import DutyKind, Kind, PowerKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header written into templates and exports
    required: bool
    help: str

    @property
    def template_header(self):
        return self.header + ("*" if self.required else "")


CODE = Column("code", "事项编码", False, _("Your own item code; optional."))
MATTER = Column("matter", "事项名称", True, _("The matter; unique within the file."))
BASIS = Column("legal_basis", "设定依据", True, _("Law, regulation or document the item rests on."))
NOTE = Column("note", "备注", False, _("Anything else; optional."))
CATEGORIES = Column("categories", "涉及案件类别", False, _("Case category codes or names the item covers."))

COLUMNS = {
    Kind.POWER: [
        CODE, MATTER,
        Column("power_kind", "权力类型", True, _("行政许可, 行政处罚, 行政强制, 行政征收, 行政给付, 行政检查, "
                                                "行政确认, 行政奖励, 行政裁决 or 其他行政权力.")),
        BASIS,
        Column("department", "责任部门", True, _("The department responsible (code or name).")),
        CATEGORIES, NOTE,
    ],
    Kind.ADMISSION: [
        CODE, MATTER, BASIS,
        Column("department", "提出部门", True, _("The department that asks the community to do it.")),
        Column("categories", "涉及案件类别", False,
               _("Case categories that may be pushed down to a village/community under this item.")),
        NOTE,
    ],
    Kind.CERTIFICATE: [
        CODE, MATTER,
        Column("reason", "不应出具理由", True, _("Why the community must not issue it.")),
        Column("go_instead", "替代办理方式", True, _("Where residents go instead.")),
        Column("legal_basis", "依据", False, _("Document the item rests on; optional.")),
        Column("keywords", "识别关键词", False,
               _("Words that identify a request for this certificate in a case text; the matter itself always "
                 "counts.")),
        NOTE,
    ],
    Kind.DUTY: [
        CODE, MATTER,
        Column("duty_kind", "事项类型", True, _("依法履职, 协助政府 or 不应承担.")),
        Column("legal_basis", "设定依据", False, _("Required for duties by law and assisting duties.")),
        NOTE,
    ],
    Kind.REPORT: [
        CODE, MATTER,
        Column("departments", "报到部门", True, _("County departments a township may whistle for this matter.")),
        CATEGORIES,
        Column("legal_basis", "依据", False, _("Optional.")),
        NOTE,
    ],
}

POWER_KIND_LABELS = {
    "行政许可": PowerKind.LICENSING, "行政处罚": PowerKind.PENALTY, "行政强制": PowerKind.COERCION,
    "行政征收": PowerKind.LEVY, "行政给付": PowerKind.PAYMENT, "行政检查": PowerKind.INSPECTION,
    "行政确认": PowerKind.CONFIRMATION, "行政奖励": PowerKind.AWARD, "行政裁决": PowerKind.RULING,
    "其他行政权力": PowerKind.OTHER,
}
DUTY_KIND_LABELS = {"依法履职": DutyKind.BY_LAW, "协助政府": DutyKind.ASSISTING, "不应承担": DutyKind.NOT_UNDERTAKE}
POWER_KIND_ZH = {v: k for k, v in POWER_KIND_LABELS.items()}
DUTY_KIND_ZH = {v: k for k, v in DUTY_KIND_LABELS.items()}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
