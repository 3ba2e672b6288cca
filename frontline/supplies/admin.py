from typing import Any

from django.contrib import admin

from frontline.supplies.models import Item, Movement, StockAlert, StockLevel, Store, SupplyRequest


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "unit", "low_stock_threshold", "min_days_of_cover", "active")
    list_filter = ("category", "active")


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger and what follows from it change only through the services, never by hand."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "kind", "item", "lot", "quantity", "from_store", "to_store", "source")
    list_filter = ("kind", "item")


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("store", "item", "lot", "expiry_date", "quantity")


admin.site.register([Store])
admin.site.register([SupplyRequest, StockAlert], ReadOnlyAdmin)
