"""Webhooks: a clinic admin registers an HTTPS endpoint of another system (an EHR, a messaging
service) for events (check-in recorded, alert raised, help requested, consent changed); each
event is posted to it signed (HMAC-SHA256), with ids, times and links only, never clinical text.

Top layer: it hears the apps below through their signals (webhooks.receivers, connected in
WebhooksConfig.ready()) and is imported by none of them.

Why WebhookDelivery is its own outbox table rather than rows of notifications' outbox
(notifications.Notification): that outbox is for messages to people. Its rows are addressed to
a recipient through a channel (email, SMS, in-app, each with its Celery queue), its send-time
checks are about people (consent guards, opt-outs, quiet hours, discharge) and its idempotency
key is kind + occurrence + recipient + channel. A webhook delivery has none of these: it goes to
an endpoint, carries a JSON payload, is signed with the endpoint's secret, checks the address
against server-side request forgery before each send, keeps the receiver's status code, and its
log is per endpoint for the clinic admin. Fitting it in would add a channel every people-rule
must skip and columns most rows leave empty. It keeps the same outbox discipline: rows written
in the transaction of the event, sends queued on commit, a conditional-update claim (two
workers, one send), exponential backoff with a cap, and a periodic sweep
(webhooks.tasks.sweep_webhooks) for retries and anything stranded.
"""
