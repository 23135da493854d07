"""The one-active-order-per-link rule as a unique index (decision 0010): each active order of a
service that keeps the rule holds its link's hash in ``active_link``. Existing active orders get
theirs, the oldest of a member's, service's and link's first (the rule held them one at a time;
a service switched to the rule later may have several, and only the oldest holds the link)."""

import hashlib

from django.conf import settings
from django.db import migrations, models

ACTIVE = ["Pending", "Processing", "In progress"]


def fill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    held, changed = set(), []
    active = Order.objects.filter(status__in=ACTIVE, service__one_active_order_per_link=True)
    for order in active.order_by("created_at", "id").only("id", "member_id", "service_id", "link").iterator():
        key = hashlib.sha256(order.link.encode()).hexdigest()
        if (order.member_id, order.service_id, key) not in held:
            held.add((order.member_id, order.service_id, key))
            order.active_link = key
            changed.append(order)
    Order.objects.bulk_update(changed, ["active_link"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_verbose_names'),
        ('orders', '0006_order_updated_at_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='active_link',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='active link key'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.UniqueConstraint(condition=models.Q(('active_link__isnull', False)), fields=('member', 'service', 'active_link'), name='one_active_order_per_link'),
        ),
    ]
