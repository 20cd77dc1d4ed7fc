"""Every string the console shows, in Chinese, in one place. Each page's section is its own dict.

Templates call `t("key")`; a missing key is an error (KeyError), never English on a page.
Enumerations the APIs return (reasons, methods, groups, ...) are labelled by `label(kind, value)`.
"""
from __future__ import annotations

import re

STRINGS: dict[str, str] = {}
LABELS: dict[str, dict[str, str]] = {}

# --- core [C1] ---
STRINGS.update({
    "app.name": "邻里 · 社区工作台",
    "nav.today": "今日走访",
    "nav.residents": "查找居民",
    "nav.inbox": "消息",
    "nav.signout": "退出",
    "nav.skip": "跳到正文",
    "nav.menu": "主菜单",
    "common.save": "保存",
    "common.cancel": "取消",
    "common.back": "返回",
    "common.next_page": "下一页",
    "common.none": "暂无",
    "common.required": "必填",
    "common.yes": "是",
    "common.no": "否",
    "common.signed_in_as": "当前用户",
    "common.which": "（{name}）",  # read out after a button repeated down a list: which one this is
    "error.title": "出错了",
    "error.back_home": "回到首页",
    "error.csrf": "页面已过期或来源不明，请刷新页面后再提交。",
    "error.not_found": "找不到这个页面。",
    "error.field": "这一项填写有误",
    "error.in_title": "有误：",  # before a page's title when it comes back with a problem: heard first
    "error.too_long": "太长了：最多 {n} 个字",
    "error.date_unreadable": "看不懂这个日期：请写成 2026年12月6日 或 2026-12-6",
})

# --- sign-in [C1] ---
STRINGS.update({
    "signin.title": "登录",
    "signin.dev_intro": "开发环境：选择一位工作人员登录（生产环境由区统一身份认证登录）。",
    "signin.staff": "工作人员",
    "signin.submit": "登录",
    "signin.sso": "请通过区统一身份认证进入本系统。若看到本页，说明认证信息缺失或已过期，请重新登录统一身份认证。",
    "signin.none": "没有可选的工作人员。",
    "signin.expired": "登录已过期，请重新登录。",
    "signin.pii": "可查看完整证件号",
    "signin.staff_missing": "请选择一位工作人员",
    "signed_out": "已退出。",
})

LABELS["role"] = {"worker": "网格员", "admin": "管理员", "officer": "街道/区工作人员", "service": "系统"}

# --- worker's day [C1] ---
STRINGS.update({
    "worker.intro": "今天要走访和已逾期的任务，最急的在前。",
    "worker.none": "今天没有待走访的任务。",
    "worker.figures_only": "你看的是汇总数字，没有走访任务：请从菜单打开社区概况或一表通。",
    "worker.overdue": "已逾期",
    "worker.due": "应访时间",
    "worker.reason": "走访原因",
    "worker.mine": "分给我的",
    "worker.unassigned": "未分配",
    "worker.record": "记录走访",
    "worker.record_for": "（{name}，{reason}，{due}）",  # read out after 记录走访: which of the list's buttons this is
    "worker.card": "居民档案",
    "worker.visit_saved": "走访已记录。",
    "worker.more": "还有 {n} 个任务，完成上面的之后会依次显示。",
    "visit.title": "记录走访",
    "visit.met": "走访结果",
    "visit.met_yes": "见到本人",
    "visit.met_no": "无人在家（任务保留）",
    "visit.method": "走访方式",
    "visit.observations": "走访情况",
    "visit.observations_hint": "身体、居住、情绪等情况，简要记录。",
    "visit.needs": "发现的需求（没有可不填）",
    "visit.need_category": "需求类别",
    "visit.need_description": "需求说明",
    "visit.need_urgent": "紧急",
    "visit.aid": "带去的慰问（没有可不填）",
    "visit.aid_kind": "慰问类型",
    "visit.aid_description": "慰问内容",
    "visit.aid_value": "折合金额（元）",
    "visit.submit": "保存走访记录",
    "inbox.title": "消息",
    "inbox.unread": "未读",
    "inbox.read": "已读",
    "inbox.mark_read": "标为已读",
    "inbox.none": "没有消息。",
    "inbox.critical": "紧急",
    "inbox.unread_count": "未读消息",
})
LABELS["method"] = {"in_person": "上门", "phone": "电话", "video": "视频"}
LABELS["aid_kind"] = {"goods": "物资", "cash": "现金"}
# 五必访 reasons say so: a worker sees at a glance which visits are mandatory.
LABELS["reason"] = {"routine": "常规走访", "hospitalized": "五必访·住院", "major_event": "五必访·重大变故",
                    "special_situation": "五必访·特殊情况", "festival": "节日走访", "birthday": "生日走访",
                    "follow_up": "回访"}
NEED_CATEGORIES = ["生活照料", "医疗健康", "经济困难", "住房安全", "就业", "心理慰藉", "其他"]

# --- residents [C1] ---
STRINGS.update({
    "residents.title": "查找居民",
    "residents.q": "姓名、拼音首字母、证件号或手机号后几位、地址",
    "residents.q_hint": "例如：王建国、WJG、5678、工农里3号楼",
    "residents.search": "查找",
    "residents.none": "没有找到符合条件的居民。",
    "residents.age": "岁",
    "card.title": "居民档案",
    "card.id_number": "证件号",
    "card.phone": "联系电话",
    "card.gender": "性别",
    "card.birth_date": "出生日期",
    "card.age": "年龄",
    "card.status": "状态",
    "card.address": "住址",
    "card.groups": "所属人群",
    "card.household": "同户成员",
    "card.relation": "与户主关系",
    "card.tasks": "待走访任务",
    "card.visits": "走访记录",
    "card.life_events": "登记生活事件",
    "card.life_history": "生活事件",
    "card.no_life_events": "还没有登记生活事件。",
    "card.seeker": "求职登记",
    "card.seeker_none": "未登记求职。",
    "card.masked": "（已隐藏部分号码）",
    "card.reveal": "查看完整证件号和电话",
    "card.reveal_note": "查看完整信息会被记录在案（谁、何时、查看了谁）。",
    "card.revealed": "完整信息已显示，本次查看已记录。",
    "card.no_visits": "还没有走访记录。",
    "card.nobody_home": "无人在家",
    "card.met": "见到本人",
    "card.building": "{v}号楼",
    "card.unit": "{v}单元",
    "life.kind": "事件类型",
    "life.date": "日期",
    "life.note": "说明",
    "life.submit": "登记",
    "life.saved": "生活事件已登记。需要走访的，会自动生成走访任务。",
})
LABELS["life_event"] = {"hospitalized": "住院", "discharged": "出院", "major_event": "重大变故",
                        "special_situation": "特殊情况", "moved_out": "迁出", "deceased": "去世"}
LABELS["gender"] = {"male": "男", "female": "女"}
LABELS["resident_status"] = {"active": "在册", "moved_out": "已迁出", "deceased": "已去世"}
LABELS["relation"] = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "grandchild": "孙子女",
                      "sibling": "兄弟姐妹", "other": "其他"}

# Plain messages for the APIs' problems: by code first, then by status.
PROBLEMS: dict[str, str] = {
    "auth.scope": "这不在你负责的范围内，无法查看。",
    "auth.role": "你的岗位没有这项权限。",
    "auth.missing": "请先登录。",
    "auth.token_expired": "登录已过期，请重新登录。",
    "resident.not_found": "找不到这位居民，或不在你负责的范围内。",
    "console.unreachable": "服务暂时无法连接，请稍后再试。",
    "request.too_large": "提交的内容太大。",
    "task.not_open": "这个任务已完成或已取消，或不在你负责的范围内。",
}
STATUS_PROBLEMS: dict[int, str] = {
    400: "请求有误，请检查后再试。",
    401: "请先登录。",
    403: "你没有权限查看或修改这里。",
    404: "找不到要找的内容，或不在你负责的范围内。",
    409: "与已有记录冲突，请检查后再试。",
    412: "这条记录刚被别人修改过，请刷新后再改。",
    413: "提交的内容太大。",
    422: "有几项填写有误，请看标出的地方。",
    428: "请刷新后再改。",
    429: "操作太频繁，请稍后再试。",
}
FIELD_CODES: dict[str, str] = {
    "missing": "请填写这一项",
    "string_too_long": "太长了",
    "string_too_short": "请填写这一项",
    "too_long": "项目太多了",
    "date_from_datetime_parsing": "日期格式不对",
    "date_parsing": "日期格式不对",
    "datetime_parsing": "时间格式不对",
    "datetime_from_date_parsing": "时间格式不对",
    "enum": "请从选项中选择",
    "literal_error": "请从选项中选择",
    "bool_parsing": "请选择是或否",
    "decimal_parsing": "请填写数字",
    "float_parsing": "请填写数字",
    "int_parsing": "请填写整数",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "value_error": "这一项填写有误",
    "life_event.date.future": "日期不能晚于今天",
    "life_event.date.before_birth": "日期不能早于出生日期",
}


def t(key: str) -> str:
    return STRINGS[key]


def label(kind: str, value: str | None) -> str:
    """A code the API returns, as a person here calls it; an unknown code shows as itself."""
    if value is None:
        return ""
    return LABELS.get(kind, {}).get(value, value)


def problem_message(status: int, code: str) -> str:
    if code in PROBLEMS:
        return PROBLEMS[code]
    if status >= 500:
        return "系统暂时出了问题，请稍后再试。"
    return STATUS_PROBLEMS.get(status, "操作没有成功，请检查后再试。")


def field_message(code: str, english: str) -> str:
    """The API's error on one field, in Chinese; a length limit keeps its number (the API's message holds it)."""
    if code == "string_too_long" and (limit := re.search(r"\d+", english)):
        return STRINGS["error.too_long"].format(n=limit.group())
    return FIELD_CODES.get(code, STRINGS["error.field"])


# --- ledger, community, jobs, admin and officer pages [C2] ---
STRINGS.update({
    "nav.ledger": "台账",
    "nav.community": "社区概况",
    "nav.jobs": "就业",
    "nav.tasks": "分派任务",
    "nav.policy": "走访规则",
    "nav.reports": "一表通",
    "common.show": "查看",
    "common.all": "全部",
    "common.org": "辖区",
    "ledger.title": "台账导入与导出",
    "ledger.upload": "上传台账",
    "ledger.file": "台账文件（Excel 或 CSV）",
    "ledger.file_hint": ("第一行为表头，列名可用中文（如 姓名、身份证号、与户主关系）。"
                         "同一台账重复导入只会更新，不会重复登记。"),
    "ledger.file_missing": "请选择要上传的台账文件",
    "ledger.submit": "开始导入",
    "ledger.recent": "最近的导入",
    "ledger.file_name": "文件",
    "ledger.started": "开始时间",
    "ledger.status": "状态",
    "ledger.rows": "行数",
    "ledger.rows_ok": "成功",
    "ledger.rows_failed": "有错",
    "ledger.progress": "导入进度",
    "ledger.progress_text": "已处理 {done} / {total} 行",
    "ledger.refreshing": "正在导入，本页每 2 秒自动刷新。",
    "ledger.summary": "导入结果",
    "ledger.created": "新登记居民",
    "ledger.updated": "更新居民",
    "ledger.unchanged": "未变化",
    "ledger.households_created": "新建户",
    "ledger.failed_whole": "整个文件无法导入：",
    "ledger.errors": "有错的行",
    "ledger.errors_none": "没有出错的行。",
    "ledger.warnings": "提醒（已导入，但请核对）",
    "ledger.row": "行号",
    "ledger.column": "列",
    "ledger.message": "问题",
    "ledger.more_errors": "后面还有更多出错的行",
    "ledger.export": "导出台账",
    "ledger.export_hint": "按条件导出为 Excel；没有查看完整证件号权限时，证件号和电话为遮挡显示。",
    "ledger.group": "人群",
    "ledger.resident_status": "居民状态",
    "ledger.grid": "网格",
    "ledger.as_of": "统计日期",
    "ledger.download": "下载 Excel",
    "ledger.export_file": "台账_{code}.xlsx",
    "community.title": "社区概况",
    "community.filters": "查看条件",
    "community.as_of": "统计日期",
    "community.from": "走访/就业统计从",
    "community.to": "到",
    "community.statistics": "人口与重点人群",
    "community.group": "人群",
    "community.count": "人数/户数",
    "community.suppressed": "人数过少不显示",
    "community.suppressed_short": "不足{n}",
    "community.suppressed_note": "标“人数过少不显示”的格子：少于 {n} 人（户），为保护个人隐私不显示。",
    "community.breakdown": "各{level}明细",
    "community.total": "合计",
    "community.name": "名称",
    "community.visits": "走访覆盖",
    "community.members": "应访",
    "community.visited": "已访",
    "community.share": "覆盖率",
    "community.target": "目标",
    "community.overdue": "逾期未访任务",
    "community.visit_count": "走访次数",
    "community.met": "见到本人",
    "community.employment": "就业情况",
    "community.seekers": "求职登记",
    "community.seekers_4050": "其中4050人员",
    "community.referrals": "推荐就业",
    "community.referrals_4050": "其中4050人员",
    "community.placements": "实现就业",
    "community.placed_4050": "其中4050人员",
    "community.chart_groups": "人口结构与重点人群",
    "community.chart_groups_desc": "各重点人群的人数（户数），数字写在每条柱子末端。",
    "community.chart_coverage": "走访覆盖与目标",
    "community.chart_coverage_desc": "截至所选期间最后一天，各走访人群在走访周期内见过本人的比例，目标为全部。",
    "community.chart_months": "近六个月每月走访次数",
    "community.chart_months_desc": "每月走访次数，数字写在每个点的上方。",
    "community.met_target": "达标",
    "community.short_of_target": "未达标",
    "jobs.title": "就业服务",
    "jobs.seekers": "求职人员",
    "jobs.name": "姓名",
    "jobs.status": "状态",
    "jobs.priority_groups": "重点群体",
    "jobs.postings": "在招岗位",
    "jobs.job_title": "岗位",
    "jobs.employer": "用人单位",
    "jobs.wage": "月薪（元）",
    "jobs.headcount": "招聘/已招",
    "jobs.matches": "匹配的求职人员",
    "jobs.score": "匹配分",
    "jobs.reasons": "匹配理由",
    "jobs.refer": "推荐",
    "jobs.interview_at": "面试时间",
    "jobs.note": "备注",
    "jobs.referral": "推荐记录",
    "jobs.referral_made": "已推荐。",
    "jobs.outcome": "推荐结果",
    "jobs.outcome_submit": "记录结果",
    "jobs.start_date": "入职日期",
    "jobs.wage_cny": "月薪（元）",
    "jobs.history": "经过",
    "jobs.outcome_saved": "结果已记录。",
    "admin.tasks": "分派走访任务",
    "admin.resident": "居民",
    "admin.reason": "事由",
    "admin.due": "应访时间",
    "admin.assignee": "负责人",
    "admin.unassigned": "未分派",
    "admin.assign": "分派",
    "admin.assigned": "已分派。",
    "admin.policy": "走访规则",
    "admin.cadence": "每隔几天走访一次",
    "admin.days": "天",
    "admin.mandatory": "必访人群（五必访之外）",
    "admin.policy_saved": "走访规则已保存。",
    "admin.policy_days": "期限（天）",
    "admin.reports": "一表通报表",
    "admin.report": "报表",
    "admin.period": "期间",
    "admin.indicator": "指标",
    "admin.value": "数值",
    "admin.submit": "提交街道审核",
    "admin.accept": "审核通过",
    "admin.return": "退回修改",
    "admin.comment": "退回意见",
    "admin.submitted": "已提交。",
    "admin.accepted": "已通过。",
    "admin.returned": "已退回。",
    "admin.download": "下载 Excel",
    "admin.history": "办理经过",
    "picker.community": "社区",
    "picker.org": "社区或街道",
    "picker.go": "切换",
})

LABELS["group"] = {**{  # the core's wording wins where both name a group
    "residents": "居民", "households": "户", "elderly_60": "60岁以上老人", "elderly_80": "80岁以上老人",
    "empty_nest_households": "空巢老人户", "living_alone_elderly": "独居老人",
    "living_alone_elderly_80": "80岁以上独居老人",
    "unemployed": "失业人员", "hard_to_employ_4050": "4050就业困难人员", "low_income_households": "低保户",
    "low_income_residents": "低保人员", "disabled": "残疾人", "retired_cadres": "离退休干部",
    "special_care": "重点监护对象",
    "volunteers": "志愿者", "party_members": "党员", "children_under_6": "6岁以下儿童",
    "childbearing_age_women": "育龄妇女", "temporary_residents": "暂住人员",
}, **LABELS.get("group", {})}
LABELS["import_status"] = {"running": "导入中", "done": "已完成", "failed": "失败"}
LABELS["resident_status"] = {"active": "在册", "moved_out": "已迁出", "deceased": "已故"}
LABELS["level"] = {"district": "街道", "street": "社区"}  # what a level's breakdown is made of
LABELS["seeker_status"] = {"intent_pending": "待确认意向", "active": "求职中", "placed": "已就业", "inactive": "暂停"}
LABELS["reason"] = {**{
    "routine": "定期走访", "hospitalized": "住院必访", "major_event": "重大变故必访",
    "special_situation": "特殊情况必访",
    "festival": "节日走访", "birthday": "生日走访", "follow_up": "回访"}, **LABELS.get("reason", {})}
LABELS["task_status"] = {"open": "待访", "overdue": "逾期", "completed": "已完成", "cancelled": "已取消"}
LABELS["referral_status"] = {"referred": "已推荐", "interviewed": "已面试", "hired": "已录用", "rejected": "未录用",
                             "declined": "本人放弃", "no_show": "未到场"}
LABELS["report_status"] = {"draft": "待提交", "submitted": "待审核", "returned": "已退回", "accepted": "已通过"}
LABELS["report_action"] = {"computed": "生成", "submitted": "提交", "returned": "退回", "accepted": "通过"}
PROBLEMS.update({
    "import.file.too_large": "文件太大，请分成几份分批导入。",
    "import.file.missing": "请选择要上传的台账文件。",
    "referral.duplicate": "这位求职人员已经推荐到这个岗位，还在等结果。",
    "seeker.inactive": "这位求职人员不在求职名单上，不能推荐。",
    "job.filled": "这个岗位已招满。",
    "job.closed": "这个岗位已停止招聘。",
    "referral.hire.incomplete": "录用需要填写入职日期和月薪。",
    "referral.other_district": "求职人员和岗位不在同一个区。",
    "referral.not_found": "找不到这条推荐记录，或不在你负责的范围内。",
    "report.not_found": "找不到这份报表，或不在你负责的范围内。",
})
LABELS["priority_group"] = {"hard_to_employ_4050": "4050人员", "zero_employment_family": "零就业家庭",
                            "disabled": "残疾人", "youth": "待业青年"}
STRINGS.update({
    "admin.hospitalized_days": "住院后几天内走访",
    "admin.major_event_days": "重大变故后几天内走访",
    "admin.special_situation_days": "特殊情况后几天内走访",
    "admin.birthday_days_either_side": "生日前后几天内走访",
    "admin.birthday_notice_days": "生日提前几天提醒",
    "admin.follow_up_days": "回访间隔",
    "admin.festival_days_before": "节前几天开始走访",
    "admin.festival_days_after": "节后几天内走访完",
})

# --- registering a newcomer (issue 22) ---
STRINGS.update({
    "register.title": "登记居民",
    "register.link": "登记新居民",
    "register.same_household": "登记同户居民",
    "register.household": "住址",
    "register.new_household_hint": ("新立一户：填写住址。要登记到已有的户里，请先找到户里的一位居民，"
                                    "在其档案的同户成员下点“登记同户居民”。"),
    "register.estate": "小区",
    "register.building": "楼栋",
    "register.unit": "单元",
    "register.room": "门牌",
    "register.housing": "住房性质",
    "register.person": "居民信息",
    "register.name": "姓名",
    "register.id_number": "身份证号",
    "register.id_number_hint": "18位，最后一位可能是X；出生日期和性别按身份证号登记。",
    "register.phone": "联系电话",
    "register.residence_type": "居住类型",
    "register.employment_status": "就业状况",
    "register.unset": "（不填）",
    "register.submit": "登记",
    "register.missing": "请填写这一项",
    "register.duplicate": "这个证件号已经登记过一位在册居民，请先查找，不要重复登记。",
    "register.saved": "居民已登记。",
})
LABELS["residence_type"] = {"registered": "户籍", "resident_nonlocal": "常住非户籍", "temporary": "暂住"}
LABELS["employment_status"] = {"employed": "在业", "retired": "退休", "unemployed": "失业", "laid_off": "下岗",
                               "student": "在校学生", "preschool": "学龄前", "other": "其他"}
LABELS["housing"] = {"owned": "自有住房", "rented": "租住", "public": "公房"}
PROBLEMS["resident.duplicate"] = STRINGS["register.duplicate"]
FIELD_CODES.update({
    "string_pattern_mismatch": "格式不对",
    "resident.id_number.format": "证件号格式不对",
    "resident.id_number.checksum": "身份证号校验位不对，可能抄错了一位，请核对",
    "resident.id_number.birth_date": "身份证号中的出生日期无效",
    "resident.birth_date.future": "出生日期晚于今天",
    "resident.household.not_found": "找不到这一户",
    "resident.household.other_community": "这一户不在所选社区",
})
