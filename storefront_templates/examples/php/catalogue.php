<?php
// The shop's own catalogue. register.php sends it to the hub; the pages show it.
// Prices are integer minor units (2400 is £24.00), never floats. `stock` is the count on the
// shelf that register.php sets at the hub; `description` stays here (the hub does not take it).

declare(strict_types=1);

return [
    [
        'id' => 'tide-vase',
        'name' => 'Tide vase',
        'code' => 'PP-V01',
        'price' => ['amount' => 14500, 'currency' => 'GBP'],
        'tags' => ['one-off', 'vases'],
        'stock' => 1, // one of a kind
        'description' => 'Thrown once, glazed in the colours of a spring tide. There is only this one.',
    ],
    [
        'id' => 'harbour-mug',
        'name' => 'Harbour mug',
        'code' => 'PP-M10',
        'price' => ['amount' => 2400, 'currency' => 'GBP'],
        'tags' => ['mugs'],
        'stock' => 8,
        'description' => 'Holds a proper mug of tea.',
    ],
    [
        'id' => 'cruet-set',
        'name' => 'Salt & pepper "Twins" <set of 2>',
        'code' => 'PP-C02',
        'price' => ['amount' => 1850, 'currency' => 'GBP'],
        'tags' => ['table'],
        'stock' => 5,
        'description' => 'Two pots <b>not bold</b> & a cork each: every character here is shown as written.',
    ],
];
