/**
 * Webhook notifications as a plugin: each propagated fact is POSTed as JSON to an operator's
 * endpoint. See {@link com.example.webhook.WebhookPlugin}.
 */
package com.example.webhook;
