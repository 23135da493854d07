from snshelper.privacy.registry import not_personal

for model in ("catalog.Platform", "catalog.Category", "catalog.Service"):
    for language in ("th", "en", "ko"):
        not_personal(model, f"name_{language}", reason="The name of what we sell, not of a person.")
for language in ("th", "en", "ko"):
    not_personal("catalog.Service", f"description_{language}", reason="Describes a service we sell.")
not_personal("catalog.Platform", "link_pattern", reason="A rule links must match; holds no link itself.")
not_personal("catalog.Service", "one_active_order_per_link", reason="A yes/no setting of the service.")
