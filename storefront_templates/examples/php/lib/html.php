<?php
// Page helpers. Every text the store controls goes through h(): a product called
// `<b>Mug</b>` shows those characters, never bold text.

declare(strict_types=1);

function h(string|int|float|null $text): string
{
    return htmlspecialchars((string) $text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** Integer minor units as a price: 2400 GBP is "£24.00". Never through a float. */
function money(array $money): string
{
    $amount = (int) ($money['amount'] ?? 0);
    $currency = (string) ($money['currency'] ?? '');
    $decimals = in_array($currency, ['JPY', 'KRW', 'ISK', 'CLP', 'VND'], true) ? 0 : 2;
    $symbol = ['GBP' => '£', 'EUR' => '€', 'USD' => '$', 'JPY' => '¥'][$currency] ?? '';
    $unit = 10 ** $decimals;
    $whole = number_format(intdiv($amount, $unit));
    $text = $decimals === 0 ? $whole : $whole . '.' . str_pad((string) ($amount % $unit), $decimals, '0', STR_PAD_LEFT);
    return $symbol !== '' ? $symbol . $text : "$text $currency";
}

/** The controls the widget adds, rendered up front so nothing shifts when it runs. */
function cartstart_controls(): string
{
    return <<<'HTML'
        <div class="cartstart-controls">
          <p class="cartstart-availability" role="status" aria-live="polite">Checking availability…</p>
          <button type="button" class="cartstart-add" disabled>Add to cart</button>
          <p class="cartstart-note" aria-live="polite"></p>
        </div>
    HTML;
}

/** A whole page: the widget's script tag once, in <head> (docs/storefront.md, section 2). */
function page(string $title, string $body, ?string $hubUrl): string
{
    $escapedTitle = h($title);
    $widget = $hubUrl === null ? ''
        : '<script type="module" src="' . h($hubUrl . '/static/cartstart.js') . '"></script>';
    return <<<HTML
    <!doctype html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>{$escapedTitle}</title>
      $widget
      <style>
        body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
        .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
        .products > * { border: 1px solid #ddd; border-radius: 8px; padding: 1rem; }
        [data-cartstart-state="sold"] .cartstart-availability { color: #b02020; }
        [data-cartstart-state="held"] .cartstart-availability { color: #1a7f37; font-weight: 600; }
        table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
      </style>
    </head>
    <body>
    $body
    </body>
    </html>
    HTML;
}
