<?php
// A sale over the counter: takes COUNT units (default 1) off the hub's on-hand count, so every
// page and cart showing the product changes at once. Carts holding more than is left lose their
// newest holds first (docs/protocol.md, section 8).
//
//   php sell.php PRODUCT_ID [COUNT]        (same environment as register.php)
//
// A stock adjustment needs an Idempotency-Key: one fresh key per sale, reused on a retry after
// a lost answer, so the hub counts the sale once.

declare(strict_types=1);

require __DIR__ . '/lib/config.php';
require __DIR__ . '/lib/hub.php';

if (PHP_SAPI !== 'cli') {
    http_response_code(404);
    exit;
}

$productId = $argv[1] ?? '';
$count = $argv[2] ?? '1';
if ($productId === '' || !preg_match('/^[1-9][0-9]{0,6}$/', $count)) {
    fwrite(STDERR, "usage: php sell.php PRODUCT_ID [COUNT]\n");
    exit(2);
}
try {
    $hub = new StoreApi(hub_url(), store_id(), env_required('CARTSTART_STORE_KEY'));
    $change = $hub->adjustStock($productId, -(int) $count, StoreApi::newKey('php-till'));
    $s = $change['stock'];
    printf("sold %d × %s: on hand %d, available %d\n", $count, $productId, $s['on_hand'], $s['available']);
    foreach ($change['revoked'] as $ticket) {
        printf("  a cart's hold gave way: ticket %s, now %s\n", $ticket['ticket_id'], $ticket['state']);
    }
} catch (ConfigError $e) {
    fwrite(STDERR, 'sell.php: ' . $e->getMessage() . "\n");
    exit(1);
} catch (HubRefused $e) {
    fwrite(STDERR, 'sell.php: ' . $e->explain() . "\n");
    exit(1);
} catch (HubUnreachable $e) {
    fwrite(STDERR, 'sell.php: ' . $e->getMessage() . "\n");
    exit(1);
}
