"""Made-up committee ledgers (台账) of any size, as CSV in GB18030, for the import bench and the district load."""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from linli_devtools.people import id_number

HEADER = ["户编号", "小区", "楼栋", "单元", "门牌", "与户主关系", "姓名", "身份证号", "联系电话", "民族", "就业状况",
          "健康状况", "党员", "志愿者", "重点监护", "低保金额"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文淑珍德福海燕小亮春"
RELATIONS = ("配偶", "子女", "父母", "孙子女")
EMPLOYMENT = ("在职", "在职", "退休", "退休", "失业", "下岗", "学生", "其他")
DAYS = 33_000  # birth dates spread over ~90 years; the index picks date and sequence, so numbers never repeat


def person_number(index: int, gender: str) -> str:
    birth = date(1935, 1, 1) + timedelta(days=index % DAYS)
    return id_number(birth, gender, seq=index // DAYS)


def write_ledger(path: Path, rows: int, seed: int = 7, first_index: int = 0) -> int:
    """`rows` residents in households of one to four; about 2% of households split over non-adjacent rows."""
    rng = random.Random(seed)
    written, household, held_back = 0, 0, []
    with path.open("w", encoding="gb18030", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        while written < rows:
            household += 1
            members = min(rng.choice((1, 2, 2, 3, 4)), rows - written)
            address = [f"H{first_index + household}", f"小区{household % 40 + 1}", str(household % 60 + 1),
                       str(household % 6 + 1), str(household % 30 + 101)]
            allowance = "182" if rng.random() < 0.04 else ""
            for m in range(members):
                index = first_index + written
                gender = rng.choice(("male", "female"))
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
                row = [*(address if m == 0 else [address[0], "", "", "", ""]), "户主" if m == 0 else
                       rng.choice(RELATIONS), name, person_number(index, gender), f"1{3 + index % 7}{index:09d}",
                       "汉族", rng.choice(EMPLOYMENT), rng.choice(("良好", "良好", "一般", "较差")),
                       "是" if rng.random() < 0.08 else "否", "是" if rng.random() < 0.05 else "否",
                       "孤老" if rng.random() < 0.01 else "", allowance if m == 0 else ""]
                if m > 0 and rng.random() < 0.02:
                    held_back.append(row)  # this member's row comes some lines later
                else:
                    out.writerow(row)
                written += 1
            if len(held_back) > 3:
                out.writerows(held_back)
                held_back = []
        out.writerows(held_back)
    return written
