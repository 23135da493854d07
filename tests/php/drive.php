<?php
/*
 * Runs a reseller script's calls through the Api class and prints what each returned, as JSON.
 * Usage: php drive.php URL KEY < calls.json, where calls.json is [["order", {...}], ["balance"], ...]
 * (method name, then its arguments exactly as the published examples pass them).
 */
require __DIR__ . '/Api.php';

$api = new Api($argv[1], $argv[2]);
$calls = json_decode(stream_get_contents(STDIN), true);
$results = [];
foreach ($calls as $call) {
    $method = array_shift($call);
    $results[] = call_user_func_array([$api, $method], $call);
}
echo json_encode($results, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
