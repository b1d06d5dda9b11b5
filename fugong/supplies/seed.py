"""The standard supply items, seeded by migration 0002 (and again by the demo and the tests
when a transactional test has flushed the table)."""

from __future__ import annotations

# (name, unit, a mask, whole units, warning days, application field)
STANDARD_ITEMS = [
    ("医用外科口罩", "只", True, True, 7, ""),
    ("N95/KN95口罩", "只", True, True, 7, ""),
    ("一次性医用口罩", "只", True, True, 7, "masks_on_hand"),
    ("消毒液", "升", False, False, 7, "disinfectant_litres_on_hand"),
    ("体温计", "支", False, True, 3, "thermometers_on_hand"),
    ("血氧仪", "台", False, True, 3, "oximeters_on_hand"),
    ("防护服", "套", False, True, 7, ""),
    ("护目镜", "副", False, True, 7, ""),
    ("一次性手套", "副", False, True, 7, ""),
]


def seed_items(SupplyItem) -> None:
    for order, (name, unit, is_mask, whole, days, field) in enumerate(STANDARD_ITEMS, start=1):
        SupplyItem.objects.get_or_create(
            name=name,
            defaults={
                "unit": unit,
                "is_mask": is_mask,
                "whole_units": whole,
                "warning_days": days,
                "application_field": field,
                "sort_order": order * 10,
            },
        )
