"""Seed the catalogue with the article's supplies and create the bureau's store."""

from django.db import migrations

from frontline.supplies.catalogue import BUREAU_STORE_NAME, CATALOGUE


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Item = apps.get_model("supplies", "Item")
    Store = apps.get_model("supplies", "Store")
    for name, category, unit, threshold, days in CATALOGUE:
        Item.objects.get_or_create(
            name=name,
            defaults={"category": category, "unit": unit, "low_stock_threshold": threshold, "min_days_of_cover": days},
        )
    Store.objects.get_or_create(name=BUREAU_STORE_NAME, defaults={"kind": "bureau"})


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
