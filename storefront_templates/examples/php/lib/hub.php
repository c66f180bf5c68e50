<?php
// A small client for the hub's REST store API (docs/protocol.md, section 8), with PHP's own
// HTTP stream wrapper: no curl, no Composer.

declare(strict_types=1);

/** The hub answered with an error: {"error": {"code", "message", "details"}} (protocol.md 3). */
final class HubRefused extends RuntimeException
{
    /** @param array<string, mixed> $details */
    public function __construct(
        public readonly string $what,
        public readonly int $status,
        public readonly string $errorCode,
        string $message,
        public readonly array $details,
    ) {
        parent::__construct($message);
    }

    /** One readable paragraph: what was asked, the hub's own words, and what to do about it. */
    public function explain(): string
    {
        $text = "the hub refused $this->what: HTTP $this->status $this->errorCode: {$this->getMessage()}";
        foreach ($this->details['problems'] ?? [] as $problem) {
            $text .= "\n  - " . ($problem['loc'] ?? '?') . ': ' . ($problem['msg'] ?? '?');
        }
        $hint = match ($this->errorCode) {
            'unauthorized' => 'check CARTSTART_STORE_KEY: a rotated key stops working at once '
                . '(`cartstart-server store rotate-key` gives a new one)',
            'forbidden' => 'this key belongs to another store: check CARTSTART_STORE_ID',
            'not_found' => 'check CARTSTART_STORE_ID and the product ids',
            'idempotency_conflict' => 'this Idempotency-Key was already used for a different change',
            'conflict' => 'the change clashes with what the hub holds'
                . (isset($this->details['on_hand']) ? " (on hand: {$this->details['on_hand']})" : ''),
            'rate_limited' => 'too many requests: wait a moment and run it again',
            'too_large' => 'the request is too large: send fewer products at once',
            'invalid_message' => 'fix the values listed above (docs/protocol.md, section 8)',
            default => '',
        };
        return $hint === '' ? $text : "$text\n  ($hint)";
    }
}

/** No answer at all: the hub is down, the address is wrong, or the network is. */
final class HubUnreachable extends RuntimeException
{
}

final class StoreApi
{
    /** Pauses before the retries of a request that got no answer (or a 500/503). */
    private const RETRY_PAUSES = [0.5, 1.0, 2.0];

    public function __construct(
        private readonly string $hubUrl,
        private readonly string $storeId,
        private readonly string $apiKey,
        private readonly float $timeout = 15.0,
    ) {
    }

    /** A fresh Idempotency-Key: 8-64 of A-Z a-z 0-9 _ . : - (protocol.md, sections 1 and 4). */
    public static function newKey(string $prefix): string
    {
        return $prefix . '-' . bin2hex(random_bytes(12));
    }

    /** GET /api/store: which store this key belongs to ({id, name, settings}). */
    public function keyHolder(): array
    {
        return $this->call('GET', '/api/store');
    }

    public function store(): array
    {
        return $this->call('GET', $this->base());
    }

    /** PATCH /settings. Setting webhook_url answers with a new webhook_secret, once. */
    public function updateSettings(array $changes, string $idempotencyKey): array
    {
        return $this->call('PATCH', $this->base() . '/settings', $changes, $idempotencyKey);
    }

    /** POST /products: upsert up to 1000; stock is untouched. */
    public function upsertProducts(array $products, string $idempotencyKey): array
    {
        return $this->call('POST', $this->base() . '/products', ['products' => $products], $idempotencyKey);
    }

    public function products(): array
    {
        return $this->call('GET', $this->base() . '/products');
    }

    public function product(string $productId): array
    {
        return $this->call('GET', $this->base() . '/products/' . rawurlencode($productId));
    }

    /** PUT /products/{id}/stock: the on-hand count is now $onHand. */
    public function setStock(string $productId, int $onHand, string $idempotencyKey): array
    {
        $path = $this->base() . '/products/' . rawurlencode($productId) . '/stock';
        return $this->call('PUT', $path, ['on_hand' => $onHand], $idempotencyKey);
    }

    /** POST /products/{id}/stock-adjustments: the Idempotency-Key is required here. */
    public function adjustStock(string $productId, int $delta, string $idempotencyKey): array
    {
        $path = $this->base() . '/products/' . rawurlencode($productId) . '/stock-adjustments';
        return $this->call('POST', $path, ['delta' => $delta], $idempotencyKey);
    }

    public function orders(): array
    {
        return $this->call('GET', $this->base() . '/orders');
    }

    private function base(): string
    {
        return '/api/stores/' . rawurlencode($this->storeId);
    }

    /**
     * One request, retried with the same Idempotency-Key when no answer came or the hub said
     * `internal`/`server_busy` ("nothing changed, retry with the same command id"). Any other
     * refusal is final and thrown as HubRefused.
     */
    private function call(string $method, string $path, ?array $body = null, ?string $key = null): array
    {
        $what = "$method $path";
        foreach ([...self::RETRY_PAUSES, null] as $pause) {
            try {
                return $this->once($method, $path, $body, $key, $what);
            } catch (HubUnreachable | HubRefused $e) {
                $retryable = $e instanceof HubUnreachable || in_array($e->status, [500, 503], true);
                if (!$retryable || $pause === null) {
                    throw $e;
                }
                usleep((int) ($pause * 1_000_000));
            }
        }
        throw new LogicException('unreachable');
    }

    private function once(string $method, string $path, ?array $body, ?string $key, string $what): array
    {
        $headers = ["Authorization: Bearer $this->apiKey", 'Accept: application/json'];
        $options = [
            'method' => $method,
            'ignore_errors' => true, // read the body of 4xx/5xx answers too: it says why
            'timeout' => $this->timeout,
            'follow_location' => 0,
            'protocol_version' => 1.1,
        ];
        if ($key !== null) {
            $headers[] = "Idempotency-Key: $key";
        }
        if ($body !== null) {
            $headers[] = 'Content-Type: application/json';
            $options['content'] = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        }
        $headers[] = 'Connection: close';
        $options['header'] = implode("\r\n", $headers);
        $context = stream_context_create(['http' => $options]);

        $http_response_header = null;
        $text = @file_get_contents($this->hubUrl . $path, false, $context);
        if ($text === false || !is_array($http_response_header) || $http_response_header === []) {
            $why = error_get_last()['message'] ?? 'no answer';
            throw new HubUnreachable("no answer from the hub at $this->hubUrl ($what): $why");
        }
        $status = self::statusOf($http_response_header);
        $data = $text === '' ? [] : json_decode($text, true);
        if ($status >= 200 && $status < 300) {
            if (!is_array($data)) {
                throw new HubRefused($what, $status, 'bad_answer', "the hub's answer is not JSON", []);
            }
            return $data;
        }
        $error = is_array($data) && is_array($data['error'] ?? null) ? $data['error'] : [];
        throw new HubRefused(
            $what,
            $status,
            (string) ($error['code'] ?? 'http_' . $status),
            (string) ($error['message'] ?? trim(substr($text, 0, 200))),
            is_array($error['details'] ?? null) ? $error['details'] : [],
        );
    }

    /** The status of the last response (after any 1xx lines). */
    private static function statusOf(array $headers): int
    {
        $status = 0;
        foreach ($headers as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
                $status = (int) $m[1];
            }
        }
        return $status;
    }
}
