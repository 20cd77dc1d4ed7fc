"""The ledger's Chinese labels: the value of each code as committees write it, and the groups' names.

The first label of each code is the preferred one, written on export; every label is accepted on import.
"""
from __future__ import annotations

from typing import Any

ETHNIC_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()  # GB/T 3304 order: the position is the code

# code -> accepted labels, the first one preferred (and written on export).
VOCABULARIES: dict[str, dict[Any, tuple[str, ...]]] = {
    "housing": {"owned": ("自有", "自有住房", "自购"), "rented": ("租赁", "租住", "租房"),
                "public": ("公房", "公租房", "廉租房")},
    "relation_to_head": {
        "head": ("户主", "本人"), "spouse": ("配偶", "妻子", "丈夫", "妻", "夫"),
        "child": ("子女", "儿子", "女儿", "子", "女", "长子", "长女", "次子", "次女"),
        "parent": ("父母", "父亲", "母亲", "父", "母"),
        "grandchild": ("孙子女", "孙子", "孙女", "外孙子", "外孙女", "外孙"),
        "sibling": ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"), "other": ("其他",)},
    "id_type": {"id_card": ("居民身份证", "身份证"), "passport": ("护照",),
                "hk_macao_permit": ("港澳居民来往内地通行证", "港澳通行证", "回乡证"),
                "taiwan_permit": ("台湾居民来往大陆通行证", "台胞证"),
                "foreign_permanent": ("外国人永久居留身份证", "永久居留证", "外国人永久居留证"), "other": ("其他",)},
    "gender": {"male": ("男", "男性"), "female": ("女", "女性")},
    "ethnicity": {f"{code:02d}": (f"{name}族", name) for code, name in enumerate(ETHNIC_NAMES, start=1)},
    "residence_type": {"registered": ("户籍", "户籍人口"), "resident_nonlocal": ("常住", "常住非户籍", "常住人口"),
                       "temporary": ("暂住", "暂住人口", "流动人口")},
    "employment_status": {"employed": ("在职", "就业", "在业"), "retired": ("退休", "离退休"),
                          "unemployed": ("失业",), "laid_off": ("下岗",), "student": ("学生", "在校学生"),
                          "preschool": ("学龄前", "学龄前儿童"), "other": ("其他",)},
    "health": {"good": ("良好", "健康", "好"), "fair": ("一般",), "poor": ("较差", "差"),
               "bedridden": ("卧床", "长期卧床", "卧床不起")},
    "disability_category": {code: (f"{label}残疾", label) for code, label in (
        ("visual", "视力"), ("hearing", "听力"), ("speech", "言语"), ("physical", "肢体"),
        ("intellectual", "智力"), ("mental", "精神"), ("multiple", "多重"))},
    "disability_grade": {grade: (f"{cn}级", cn, f"{grade}级", formal, f"{formal}级") for grade, cn, formal in (
        (1, "一", "壹"), (2, "二", "贰"), (3, "三", "叁"), (4, "四", "肆"))},
    "retired_cadre": {"lixiu": ("离休", "离休干部"), "tuixiu": ("退休", "退休干部")},
    "special_care": {
        "blind_mute": ("盲聋哑",), "dementia": ("痴呆", "老年痴呆"), "mental_illness": ("精神病", "精神障碍"),
        "severe_illness": ("重病", "重大疾病"), "elderly_without_family": ("孤老",), "drug_user": ("吸毒", "吸毒人员"),
        "released_prisoner": ("刑释", "刑满释放", "刑满释放人员"), "community_corrections": ("社区矫正", "监外执行"),
        "hiv": ("艾滋病", "HIV"), "wandering_begging": ("流浪乞讨",)},
    "birthday_calendar": {"solar": ("公历", "阳历"), "lunar": ("农历", "阴历")},
    # Export-only: not import columns, but the writer renders them with label_of.
    "status": {"active": ("在册",), "moved_out": ("迁出",), "deceased": ("死亡",)},
    "party_member": {True: ("是",), False: ("否",)},
    "volunteer": {True: ("是",), False: ("否",)},
}

GROUP_LABELS: dict[str, str] = {
    "residents": "居民", "households": "户数", "elderly_60": "60岁以上老年人", "elderly_80": "80岁以上老年人",
    "empty_nest_households": "空巢老人户", "living_alone_elderly": "独居老人", "unemployed": "下岗失业人员",
    "hard_to_employ_4050": "4050人员", "low_income_households": "低保户", "low_income_residents": "低保对象",
    "disabled": "残疾人", "retired_cadres": "离退休干部", "special_care": "重点监护对象", "volunteers": "志愿者",
    "party_members": "党员", "children_under_6": "6岁以下儿童", "childbearing_age_women": "育龄妇女",
    "temporary_residents": "暂住人员",
}


def label_of(key: str, code: Any) -> str:
    """The preferred Chinese label of a stored code; the code itself when it has none."""
    labels = VOCABULARIES.get(key, {}).get(code)
    return labels[0] if labels else ("" if code is None else str(code))
