<?php
// Settings come from the environment only: no key, secret or hub address is kept in these files.
//
//   CARTSTART_HUB_URL    the hub's HTTP address, e.g. http://127.0.0.1:8740
//   CARTSTART_STORE_ID   this store's id (from `cartstart-server store add`)
//   CARTSTART_STORE_KEY  the store's API key: needed by the CLI scripts only, never by the pages
//   SHOP_URL             where this shop is served, e.g. http://127.0.0.1:8800 (its origin)
//   SHOP_DATA_DIR        a private folder outside the web root for the webhook secret and the
//                        orders (default ~/.local/state/cartstart-php-store)

declare(strict_types=1);

final class ConfigError extends RuntimeException
{
}

function env_required(string $name): string
{
    $value = getenv($name);
    if ($value === false || trim($value) === '') {
        throw new ConfigError("set $name in the environment (see README.md)");
    }
    return trim($value);
}

function hub_url(): string
{
    $url = rtrim(env_required('CARTSTART_HUB_URL'), '/');
    if (!preg_match('#^https?://[^\s/]+(/\S*)?$#', $url)) {
        throw new ConfigError("CARTSTART_HUB_URL must be an http(s) address, not '$url'");
    }
    return $url;
}

function store_id(): string
{
    $id = env_required('CARTSTART_STORE_ID');
    // protocol.md section 1: identifiers use A-Z a-z 0-9 _ . : - and are up to 64 long.
    if (!preg_match('/^[A-Za-z0-9_.:\-]{1,64}$/', $id)) {
        throw new ConfigError("CARTSTART_STORE_ID '$id' is not a store id");
    }
    return $id;
}

/** The shop's own address without a trailing slash; its scheme://host[:port] is its origin. */
function shop_url(): string
{
    $url = rtrim(env_required('SHOP_URL'), '/');
    if (!preg_match('#^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$#', $url)) {
        throw new ConfigError(
            "SHOP_URL must be scheme://host[:port] with no path (an origin), not '$url'"
        );
    }
    return $url;
}

function data_dir(): string
{
    $dir = getenv('SHOP_DATA_DIR');
    if ($dir === false || $dir === '') {
        $home = getenv('HOME') ?: sys_get_temp_dir();
        $dir = $home . '/.local/state/cartstart-php-store';
    }
    if (!is_dir($dir) && !mkdir($dir, 0700, true) && !is_dir($dir)) {
        throw new ConfigError("cannot create the data folder $dir");
    }
    return rtrim($dir, '/');
}

function secret_path(): string
{
    return data_dir() . '/webhook-secret';
}

/** Writes $contents so that only this user can ever read it (0600), replacing the file whole. */
function write_private_file(string $path, string $contents): void
{
    $old = umask(0077);
    try {
        $tmp = tempnam(dirname($path), '.tmp-');
        if ($tmp === false) {
            throw new RuntimeException("cannot write in " . dirname($path));
        }
        chmod($tmp, 0600);
        if (file_put_contents($tmp, $contents) !== strlen($contents) || !rename($tmp, $path)) {
            @unlink($tmp);
            throw new RuntimeException("cannot write $path");
        }
    } finally {
        umask($old);
    }
}

/** The webhook secret that register.php kept, or null before the store is registered. */
function webhook_secret(): ?string
{
    $path = secret_path();
    if (!is_readable($path)) {
        return null;
    }
    $secret = trim((string) file_get_contents($path));
    return $secret === '' ? null : $secret;
}
