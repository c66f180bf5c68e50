<?php
// The shop's order book: one JSON file in the private data folder (0600: it holds customers'
// names and emails), changed under an exclusive lock and replaced whole, so a crash mid-write
// never leaves half a file. Each order is kept at its newest version: the hub retries a webhook
// until it gets a 2xx, so the same event can arrive twice, and is then recorded once.

declare(strict_types=1);

function orders_path(): string
{
    return data_dir() . '/orders.json';
}

/** @return array{orders: array<string, array>, events: list<array>} */
function read_order_book(): array
{
    $path = orders_path();
    if (!is_file($path)) {
        return ['orders' => [], 'events' => []];
    }
    $book = json_decode((string) file_get_contents($path), true);
    return is_array($book) ? $book + ['orders' => [], 'events' => []] : ['orders' => [], 'events' => []];
}

/**
 * Records an `order` event (placed or updated). Returns false when it was already recorded
 * (a retry of a webhook whose 2xx answer was lost) or older than what the book holds.
 */
function record_order_event(array $event): bool
{
    $order = $event['order'] ?? null;
    if (!is_array($order) || !is_string($order['order_id'] ?? null)) {
        throw new InvalidArgumentException('the event carries no order');
    }
    $lock = fopen(data_dir() . '/orders.lock', 'c');
    if ($lock === false || !flock($lock, LOCK_EX)) {
        throw new RuntimeException('cannot lock the order book');
    }
    try {
        $book = read_order_book();
        $id = $order['order_id'];
        $known = $book['orders'][$id] ?? null;
        if ($known !== null && (int) $known['version'] >= (int) ($order['version'] ?? 0)) {
            return false;
        }
        $book['orders'][$id] = $order + ['received_at' => time()];
        $book['events'][] = [
            'seq' => $event['seq'] ?? null,
            'change' => $event['change'] ?? null,
            'order_id' => $id,
            'status' => $order['status'] ?? null,
            'version' => $order['version'] ?? null,
            'received_at' => time(),
        ];
        write_private_file(
            orders_path(),
            json_encode($book, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR)
        );
        return true;
    } finally {
        flock($lock, LOCK_UN);
        fclose($lock);
    }
}
