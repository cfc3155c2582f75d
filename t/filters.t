# mod_cors among other modules' output filters (issue 2, rules 3, 5 and 8):
# a preflight answered with CORSPreflightStatus 200 where mod_filter's
# DEFLATE applies, responses stored and replayed by mod_cache, and CORS_OUT
# added by name with SetOutputFilter.
# Config: t/conf/filters.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $ORIGIN = 'https://app.example.com';
my $OTHER  = 'https://other.example.com';
my $EVIL   = 'https://evil.example.com';

plan tests => 34;

reset_user_agent(keep_alive => 0);

# --- DEFLATE: the preflight answer goes through mod_filter ---------------
Apache::TestRequest::module('flt_deflate');
for my $round (1, 2) {
    my $res = OPTIONS '/data.json', Origin => $ORIGIN,
        'Access-Control-Request-Method' => 'PUT',
        'Accept-Encoding' => 'gzip';
    is $res->code, 200, "deflate scope, preflight $round: 200";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "deflate scope, preflight $round: one ACAO";
    is $res->header('Access-Control-Allow-Methods'), 'GET, PUT',
        "deflate scope, preflight $round: ACAM";
}
my $res = GET '/data.json', Origin => $ORIGIN, 'Accept-Encoding' => 'gzip';
is $res->code, 200, 'deflate scope, GET: 200';
is $res->header('Content-Encoding'), 'gzip', 'deflate scope, GET: gzip';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'deflate scope, GET: one ACAO';

# --- mod_cache: what it stores is what mod_cors wrote ---------------------
Apache::TestRequest::module('flt_cache');
# The cache lives on between runs: a URL of this run's own.
my $url = "/data.json?run=$$-" . time;
for my $round (1, 2) {
    $res = GET $url, Origin => $ORIGIN;
    is $res->code, 200, "cache, $ORIGIN, request $round: 200";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "cache, $ORIGIN, request $round: ACAO is the origin, once";
    is $res->header('Access-Control-Allow-Credentials'), 'true',
        "cache, $ORIGIN, request $round: ACAC true";
    ok vary_count($res, 'Origin'),
        "cache, $ORIGIN, request $round: Vary: Origin";
}
like $res->header('X-Cache') // '', qr/^HIT/,
    'cache: the second request was served from the cache';

# A disallowed origin must not be served the stored answer of another.
for my $round (1, 2) {
    $res = GET $url, Origin => $EVIL;
    is $res->code, 200, "cache, disallowed origin, request $round: 200";
    ok !defined $res->header('Access-Control-Allow-Origin'),
        "cache, disallowed origin, request $round: no ACAO";
}

$res = GET $url, Origin => $OTHER;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$OTHER],
    'cache, a second allowed origin: its own ACAO';

$res = GET $url, Origin => $ORIGIN;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'cache, the first origin again: its own ACAO';

# --- CORS_OUT added by name (SetOutputFilter) -----------------------------
Apache::TestRequest::module('flt_byname');
# Outside any CORS scope the filter has nothing to apply: the response is
# the one mod_headers made (this request used to crash the child).
for my $origin ($ORIGIN, undef) {
    my $name = defined $origin ? 'with Origin' : 'without Origin';
    $res = GET '/plain.json', defined $origin ? (Origin => $origin) : ();
    is $res->code, 200, "by name, outside the scope, $name: 200";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
        "by name, outside the scope, $name: mod_headers' * untouched";
    ok !vary_count($res, 'Origin'),
        "by name, outside the scope, $name: no Vary: Origin";
}
# Inside the scope it does what mod_cors's own CORS_OUT does.
$res = GET '/data.json', Origin => $ORIGIN;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'by name, in the scope, allowed origin: its ACAO, once';
$res = GET '/data.json', Origin => $EVIL;
is $res->code, 200, 'by name, in the scope, other origin: 200';
ok !defined $res->header('Access-Control-Allow-Origin'),
    'by name, in the scope, other origin: no ACAO';
$res = GET '/data.json';
ok !defined $res->header('Access-Control-Allow-Origin'),
    'by name, in the scope, no Origin: no ACAO';
