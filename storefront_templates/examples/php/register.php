<?php
// Registers this shop with its CartStart hub through the store API (docs/protocol.md, section 8):
// its origin and webhook URL, its catalogue, and the stock on the shelf.
//
//   CARTSTART_HUB_URL=http://127.0.0.1:8740 CARTSTART_STORE_ID=st... CARTSTART_STORE_KEY=csk... \
//   SHOP_URL=http://127.0.0.1:8800 php register.php [--new-secret] [--no-stock]
//
// Safe to run again: it changes the webhook secret only when the webhook URL changes, the
// secret file is missing, or --new-secret is given; --no-stock leaves the stock counts alone.
// The webhook secret is written to SHOP_DATA_DIR/webhook-secret (0600, outside the web root).

declare(strict_types=1);

require __DIR__ . '/lib/config.php';
require __DIR__ . '/lib/hub.php';

if (PHP_SAPI !== 'cli') {
    http_response_code(404);
    exit;
}

function say(string $line): void
{
    fwrite(STDOUT, $line . "\n");
}

function fail(string $why): never
{
    fwrite(STDERR, "register.php: $why\n");
    exit(1);
}

/** The catalogue entry as the hub takes it (ProductIn: no other fields are accepted). */
function product_in(array $p, string $shopUrl): array
{
    return [
        'id' => $p['id'],
        'name' => $p['name'],
        'code' => $p['code'] ?? '',
        'price' => ['amount' => (int) $p['price']['amount'], 'currency' => $p['price']['currency']],
        'page_url' => $shopUrl . '/products/' . rawurlencode($p['id']),
        'tags' => $p['tags'] ?? [],
        'active' => true,
    ];
}

$options = getopt('', ['new-secret', 'no-stock', 'help']);
if (isset($options['help'])) {
    fwrite(STDOUT, "usage: php register.php [--new-secret] [--no-stock]\n(settings from the environment: see README.md)\n");
    exit(0);
}

try {
    $hubUrl = hub_url();
    $storeId = store_id();
    $key = env_required('CARTSTART_STORE_KEY');
    $shopUrl = shop_url();
    $extra = preg_split('/\s+/', trim((string) getenv('SHOP_EXTRA_ORIGINS')), -1, PREG_SPLIT_NO_EMPTY);
    $origins = array_values(array_unique([$shopUrl, ...$extra]));
    $secretPath = secret_path();
} catch (ConfigError $e) {
    fail($e->getMessage());
}
$catalogue = require __DIR__ . '/catalogue.php';
$hub = new StoreApi($hubUrl, $storeId, $key);
$webhookUrl = $shopUrl . '/hooks/cartstart';

try {
    // 1. Whose key is this? A key for another store would be refused on every route anyway,
    //    but this says so in plain words.
    $holder = $hub->keyHolder();
    if ($holder['id'] !== $storeId) {
        fail("CARTSTART_STORE_KEY belongs to store {$holder['id']} ({$holder['name']}), not to CARTSTART_STORE_ID=$storeId");
    }
    say("store:    {$holder['name']} ($storeId) on $hubUrl");

    // 2. Origins and webhook. Setting webhook_url makes a new secret, shown once: only ask for
    //    one when needed. The Idempotency-Key makes a retry after a lost answer return the same
    //    secret instead of making another.
    $changes = ['origins' => $origins];
    $current = $holder['settings']['webhook_url'] ?? null;
    if ($current !== $webhookUrl || webhook_secret() === null || isset($options['new-secret'])) {
        $changes['webhook_url'] = $webhookUrl;
    }
    $settings = $hub->updateSettings($changes, StoreApi::newKey('php-settings'));
    say('origins:  ' . implode(' ', $settings['origins']));
    if (isset($changes['webhook_url'])) {
        $secret = $settings['webhook_secret'] ?? null;
        if (!is_string($secret) || $secret === '') {
            fail('the hub set the webhook URL but sent no webhook_secret');
        }
        write_private_file($secretPath, $secret . "\n");
        say("webhook:  $webhookUrl (new secret kept in $secretPath, mode 0600)");
    } else {
        say("webhook:  $webhookUrl (unchanged; secret in $secretPath)");
    }

    // 3. The catalogue, in one upsert (stock is untouched by it).
    $products = array_map(fn (array $p) => product_in($p, $shopUrl), $catalogue);
    $upserted = $hub->upsertProducts($products, StoreApi::newKey('php-products'));
    say("products: {$upserted['upserted']} upserted");

    // 4. Stock: the count on the shelf is now the catalogue's (a stock take). Holds beyond it
    //    are revoked by the hub, newest first.
    if (!isset($options['no-stock'])) {
        foreach ($catalogue as $p) {
            $change = $hub->setStock($p['id'], (int) $p['stock'], StoreApi::newKey('php-stock'));
            $revoked = count($change['revoked']);
            if ($revoked > 0) {
                say("          {$p['id']}: $revoked cart hold(s) revoked to match the shelf");
            }
        }
    }
    foreach ($hub->products() as $p) {
        $s = $p['stock'];
        say(sprintf('  %-16s on hand %3d  held %3d  available %3d', $p['id'], $s['on_hand'], $s['held'], $s['available']));
    }
    say("done: the shop's pages can be served now (php -S ... router.php)");
} catch (HubRefused $e) {
    fail($e->explain());
} catch (HubUnreachable $e) {
    fail($e->getMessage() . "\n  (is the hub running? check CARTSTART_HUB_URL)");
} catch (RuntimeException $e) {
    fail($e->getMessage());
}
