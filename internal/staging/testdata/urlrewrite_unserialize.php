<?php
// Used by TestRewriteUnserializesInPHP: reads serialized values, one per
// line in base64, and prints for each a JSON array of every string inside
// it, in order, going into strings that are themselves serialized (arrays,
// objects, strings). Exits 1 when PHP's unserialize rejects any of them.

function strings($v, &$out) {
    if (is_string($v)) {
        if (preg_match('/^(a|O|s):[0-9]+:/', $v)) {
            $u = unserialize($v);
            if ($u === false) {
                fwrite(STDERR, "nested value does not unserialize: " . $v . "\n");
                exit(1);
            }
            strings($u, $out);
            return;
        }
        $out[] = $v;
        return;
    }
    if (is_object($v)) {
        $v = (array)$v;
    }
    if (is_array($v)) {
        foreach ($v as $k => $x) {
            if ($k !== '__PHP_Incomplete_Class_Name') {
                strings($x, $out);
            }
        }
    }
}

while (($line = fgets(STDIN)) !== false) {
    $s = base64_decode(trim($line), true);
    $v = unserialize($s);
    if ($v === false) {
        fwrite(STDERR, "does not unserialize: " . $s . "\n");
        exit(1);
    }
    $out = [];
    strings($v, $out);
    echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
}
