"""Seed the article's key-population categories (names are data: the campaign's language)."""

from django.db import migrations

CATEGORIES = [
    ("corrections", "社区矫正人员", 14, 10),
    ("released_prisoner", "刑满释放人员", 14, 20),
    ("returnee", "高风险地区返回人员", 14, 30),
    ("close_contact", "密切接触者", 14, 40),
    ("staff_returning", "外地返岗工作人员", 14, 50),
    ("fever_case", "发热人员", 14, 60),
    ("other", "其他", 14, 90),
]


def seed(apps, schema_editor):
    Category = apps.get_model("health", "Category")
    for code, name, days, order in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "default_days": days, "order": order})


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
