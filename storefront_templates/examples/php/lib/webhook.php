<?php
// The check of a webhook from the hub (docs/protocol.md, section 8, "Webhooks"):
//   CartStart-Signature: t=<unix seconds>,v1=<hex>
// where v1 is HMAC-SHA256, keyed with the webhook secret, over "<t>.<raw body>". Compared in
// constant time; a timestamp more than 5 minutes off is refused (a replayed old POST).

declare(strict_types=1);

const WEBHOOK_TOLERANCE_SECONDS = 300;

final class WebhookRefused extends RuntimeException
{
}

/**
 * Returns the decoded event when $signatureHeader signs $rawBody with $secret, at most five
 * minutes from $now; throws WebhookRefused (with the reason) otherwise. $rawBody must be the
 * bytes exactly as received: re-encoded JSON would not match.
 */
function verify_webhook(string $secret, ?string $signatureHeader, string $rawBody, ?int $now = null): array
{
    if ($signatureHeader === null || trim($signatureHeader) === '') {
        throw new WebhookRefused('no CartStart-Signature header');
    }
    $timestamp = null;
    $signatures = [];
    foreach (explode(',', $signatureHeader) as $part) {
        $pair = explode('=', trim($part), 2);
        if (count($pair) !== 2) {
            continue;
        }
        [$name, $value] = $pair;
        if ($name === 't') {
            $timestamp = $value;
        } elseif ($name === 'v1') {
            $signatures[] = strtolower($value);
        }
    }
    if ($timestamp === null || !preg_match('/^[0-9]{1,12}$/', $timestamp)) {
        throw new WebhookRefused('the signature has no valid t=<unix seconds>');
    }
    if ($signatures === []) {
        throw new WebhookRefused('the signature has no v1=<hex>');
    }
    $now ??= time();
    if (abs($now - (int) $timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
        throw new WebhookRefused('the signature is more than 5 minutes old (or ahead)');
    }
    $expected = hash_hmac('sha256', $timestamp . '.' . $rawBody, $secret);
    $match = false;
    foreach ($signatures as $candidate) {
        // Constant time: how much of a guess matches must not show in how long this takes.
        $match = hash_equals($expected, $candidate) || $match;
    }
    if (!$match) {
        throw new WebhookRefused('the signature does not match the body');
    }
    $event = json_decode($rawBody, true);
    if (!is_array($event)) {
        throw new WebhookRefused('the signed body is not a JSON object');
    }
    return $event;
}
