<?php
// The shop's one entry point for PHP's built-in server:
//   php -S 127.0.0.1:8800 router.php
// Only the routes below answer; no file in this folder is ever served as it is.
//
//   GET  /                   the catalogue
//   GET  /products/{id}      a product page
//   POST /hooks/cartstart    the hub's signed order webhooks
//   GET  /orders             the orders received (staff only: see README.md)

declare(strict_types=1);

require __DIR__ . '/lib/config.php';
require __DIR__ . '/lib/html.php';
require __DIR__ . '/lib/webhook.php';
require __DIR__ . '/lib/orders.php';

/** @return list<array> */
function catalogue(): array
{
    return require __DIR__ . '/catalogue.php';
}

function respond(int $status, string $body = '', string $type = 'text/html; charset=utf-8'): void
{
    http_response_code($status);
    if ($body !== '' || $status !== 204) {
        header("Content-Type: $type");
    }
    header('X-Content-Type-Options: nosniff');
    echo $body;
}

function not_found(): void
{
    respond(404, page('Not found', '<h1>Not found</h1><p><a href="/">The catalogue</a></p>', null));
}

function product_card(array $p, string $storeId): string
{
    $url = '/products/' . rawurlencode($p['id']);
    return '<article class="cartstart-product" data-cartstart-store="' . h($storeId)
        . '" data-cartstart-product="' . h($p['id']) . '">'
        . '<h2><a href="' . h($url) . '">' . h($p['name']) . '</a></h2>'
        . '<p class="price">' . h(money($p['price'])) . '</p>'
        . cartstart_controls()
        . '</article>';
}

function catalogue_page(): void
{
    $storeId = store_id();
    $cards = implode("\n", array_map(fn (array $p) => product_card($p, $storeId), catalogue()));
    $body = "<h1>Pembroke Pottery</h1>\n<p>Made by hand, sold through CartStart.</p>\n"
        . "<section class=\"products\">\n$cards\n</section>";
    respond(200, page('Pembroke Pottery', $body, hub_url()));
}

function product_page(string $id): void
{
    foreach (catalogue() as $p) {
        if ($p['id'] === $id) {
            // The short form: <cartstart-product store=... product=...> (docs/storefront.md, 3).
            $body = '<p><a href="/">← All products</a></p>'
                . '<cartstart-product store="' . h(store_id()) . '" product="' . h($p['id']) . '">'
                . '<h1>' . h($p['name']) . '</h1>'
                . '<p class="price">' . h(money($p['price'])) . '</p>'
                . '<p class="code">' . h($p['code']) . '</p>'
                . '<p>' . h($p['description']) . '</p>'
                . cartstart_controls()
                . '</cartstart-product>';
            respond(200, page($p['name'] . ' · Pembroke Pottery', $body, hub_url()));
            return;
        }
    }
    not_found();
}

/**
 * POST /hooks/cartstart. 2xx only for a genuine event (the hub then stops retrying it); 4xx
 * for anything unsigned, forged, tampered with or replayed late, and nothing is recorded.
 */
function webhook(): void
{
    if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
        header('Allow: POST');
        respond(405, '', 'text/plain');
        return;
    }
    $secret = webhook_secret();
    if ($secret === null) {
        // Not our sender's fault: a 503 makes the hub retry once the store is registered.
        error_log('cartstart webhook: no webhook secret yet: run register.php');
        respond(503, "not registered yet\n", 'text/plain; charset=utf-8');
        return;
    }
    $body = (string) file_get_contents('php://input', false, null, 0, 1024 * 1024 + 1);
    if (strlen($body) > 1024 * 1024) {
        respond(413, "too large\n", 'text/plain; charset=utf-8');
        return;
    }
    try {
        $event = verify_webhook($secret, $_SERVER['HTTP_CARTSTART_SIGNATURE'] ?? null, $body);
    } catch (WebhookRefused $e) {
        error_log('cartstart webhook refused: ' . $e->getMessage());
        respond(401, 'refused: ' . $e->getMessage() . "\n", 'text/plain; charset=utf-8');
        return;
    }
    if (($event['type'] ?? null) !== 'order' || ($_SERVER['HTTP_CARTSTART_EVENT'] ?? 'order') !== 'order') {
        // Genuine, but of a kind this shop does not know (a newer hub): acknowledge it, or the
        // hub would retry it for ever and hold back the orders behind it.
        respond(204);
        return;
    }
    try {
        $new = record_order_event($event);
    } catch (InvalidArgumentException $e) {
        respond(400, 'refused: ' . $e->getMessage() . "\n", 'text/plain; charset=utf-8');
        return;
    }
    error_log(sprintf('cartstart order %s %s (%s)', $event['order']['order_id'], $event['change'] ?? '?', $new ? 'recorded' : 'already had it'));
    respond(204);
}

/** Orders hold customers' names and emails: staff only. */
function staff_allowed(): bool
{
    $password = getenv('SHOP_STAFF_PASSWORD');
    if ($password === false || $password === '') {
        // No password set: only from this machine.
        return in_array($_SERVER['REMOTE_ADDR'] ?? '', ['127.0.0.1', '::1'], true);
    }
    return hash_equals($password, (string) ($_SERVER['PHP_AUTH_PW'] ?? ''));
}

function orders_page(): void
{
    if (!staff_allowed()) {
        header('WWW-Authenticate: Basic realm="Pembroke Pottery staff"');
        respond(401, page('Staff only', '<h1>Staff only</h1>', null));
        return;
    }
    $book = read_order_book();
    $orders = $book['orders'];
    uasort($orders, fn (array $a, array $b) => ($b['created_at'] ?? 0) <=> ($a['created_at'] ?? 0));
    $rows = '';
    foreach ($orders as $o) {
        $lines = implode('<br>', array_map(
            fn (array $l) => h($l['qty'] . ' × ' . $l['name'] . ' (' . $l['product_id'] . ')'),
            $o['lines'] ?? []
        ));
        $rows .= '<tr data-order="' . h($o['order_id']) . '">'
            . '<td>' . h($o['order_id']) . '</td>'
            . '<td class="status">' . h($o['status']) . '</td>'
            . '<td>' . h(($o['customer']['name'] ?? '') . ' <' . ($o['customer']['email'] ?? '') . '>') . '</td>'
            . "<td>$lines</td>"
            . '<td>' . h(money($o['total'])) . '</td>'
            . '<td>' . h(gmdate('Y-m-d H:i', (int) $o['created_at'])) . ' UTC</td>'
            . '</tr>';
    }
    $body = '<h1>Orders received</h1>'
        . ($rows === '' ? '<p class="empty">No orders yet.</p>'
            : '<table><thead><tr><th>Order</th><th>Status</th><th>Customer</th><th>Items</th>'
              . '<th>Total</th><th>Placed</th></tr></thead><tbody>' . $rows . '</tbody></table>')
        . '<p>' . count($book['events']) . ' webhook(s) received.</p>';
    respond(200, page('Orders · Pembroke Pottery', $body, null));
}

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
try {
    if ($path === '/hooks/cartstart') {
        webhook();
    } elseif ($_SERVER['REQUEST_METHOD'] !== 'GET' && $_SERVER['REQUEST_METHOD'] !== 'HEAD') {
        header('Allow: GET, HEAD');
        respond(405, '', 'text/plain');
    } elseif ($path === '/') {
        catalogue_page();
    } elseif (preg_match('#^/products/([A-Za-z0-9_.:\-]{1,64})$#', $path, $m)) {
        product_page($m[1]);
    } elseif ($path === '/orders') {
        orders_page();
    } else {
        not_found();
    }
} catch (ConfigError $e) {
    error_log('cartstart shop: ' . $e->getMessage());
    respond(500, "The shop is not configured: see the server's log.\n", 'text/plain; charset=utf-8');
}
