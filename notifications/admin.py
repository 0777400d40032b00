from django.contrib import admin

from audit.admin import AuditedReadsAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(AuditedReadsAdmin):
    list_display = ("due_at", "kind", "channel", "recipient_key", "status", "attempts")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient_key", "address", "occurrence")
    readonly_fields = [f.name for f in Notification._meta.fields]
