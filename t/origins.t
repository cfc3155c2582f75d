# Origin entries: subdomain and port patterns, regexes, null, "*", mobile
# origins, comma lists; malformed Origin values never echoed.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET OPTIONS);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $url = '/core/data.json';

my %cases = (
    core_sub => {
        allow => ['https://api.myapp.com', 'https://a.b.myapp.com',
                  'https://x-1.myapp.com'],
        deny  => ['https://myapp.com', 'http://api.myapp.com',
                  'https://api.myapp.com:8443',
                  'https://myapp.com.evil.com', 'https://api.myapp.com.evil.com',
                  'https://evilmyapp.com', 'https://api.evilmyapp.com',
                  'https://.myapp.com', 'https://api.myapp.com.',
                  'wss://api.myapp.com', 'https://API.myapp.com',
                  'https://api.MYAPP.com', 'HTTPS://api.myapp.com'],
    },
    core_port => {
        allow => ['http://localhost:3000', 'http://localhost:5173',
                  'http://localhost', 'http://localhost:1'],
        deny  => ['https://localhost:3000', 'http://127.0.0.1:3000',
                  'http://localhost.evil.com:3000', 'http://evil.localhost:3000',
                  'http://localhost:', 'http://localhost:abc',
                  'http://LOCALHOST:3000', 'http://localhost:99999'],
    },
    core_subport => {
        allow => ['https://a.dev.myapp.com', 'https://a.dev.myapp.com:8443',
                  'https://b.a.dev.myapp.com:3000'],
        deny  => ['https://dev.myapp.com', 'https://dev.myapp.com:8443',
                  'http://a.dev.myapp.com:8443', 'https://a.myapp.com:8443',
                  'https://a.dev.myapp.com.evil.com:8443',
                  'https://A.dev.myapp.com:8443'],
    },
    core_regex => {
        allow => ['https://api1.myapp.com', 'https://api9.myapp.com',
                  'https://abcdefgh.example.com', 'https://a.example.com'],
        deny  => ['https://api.myapp.com', 'https://api10.myapp.com',
                  'https://xapi1.myapp.com', 'https://api1.myapp.com:8443',
                  'https://api1.myapp.com.evil.com', 'http://api1.myapp.com',
                  'https://abcdefghi.example.com', 'https://a.example.com.evil.com',
                  'https://evil.com'],
    },
    core_regex_alt => {
        allow => ['https://api.myapp.com'],
        deny  => ['https://evil.com', 'https://api.myapp.com.evil.com',
                  'https://x.api.myapp.com'],
    },
    core_norm => {
        allow => ['https://norm.myapp.com', 'http://plain.myapp.com',
                  'http://[::1]:8080', 'http://127.0.0.1:8080'],
        deny  => ['https://Norm.MyApp.com', 'HTTPS://norm.myapp.com',
                  'http://norm.myapp.com', 'https://plain.myapp.com',
                  'http://[::1]', 'http://[::2]:8080', 'http://127.0.0.1'],
    },
    core_null => {
        allow => ['null', 'https://myapp.com'],
        deny  => ['NULL', 'Null', 'https://null', 'https://evil.com'],
    },
    core_mobile => {
        allow => ['capacitor://localhost', 'ionic://localhost'],
        deny  => ['capacitor://localhost:8080', 'ionic://localhost:8100',
                  'http://localhost', 'https://localhost', 'CAPACITOR://localhost',
                  'capacitor://evil.com', 'null'],
    },
    core_list => {
        allow => ['http://localhost:3000', 'http://localhost:5173',
                  'https://one.myapp.com', 'https://two.myapp.com',
                  'https://three.myapp.com'],
        deny  => ['http://localhost:8080', 'https://four.myapp.com',
                  'http://localhost:3000,http://localhost:5173'],
    },
);

# Malformed Origin values: each would be allowed by a sloppy matcher of
# core_sub's https://*.myapp.com.
my @malformed = (
    'https://api.myapp.com/',
    'https://api.myapp.com/path',
    'https://api.myapp.com?x=1',
    'https://api.myapp.com#f',
    'https://user@api.myapp.com',
    'https://api .myapp.com',
    "https://api\t.myapp.com",
    'https:// api.myapp.com',
    'https://api.myapp.com, https://b.myapp.com',
    'https://' . ('a' x 2100) . '.myapp.com',
    'api.myapp.com',
    '//api.myapp.com',
);

my $count = 0;
$count += 2 * (@{ $_->{allow} } + @{ $_->{deny} }) for values %cases;
plan tests => $count + 2 * @malformed + 4 + 4 + 25 + 2 + 4;

sub show { my $o = shift; length $o > 60 ? substr($o, 0, 57) . '...' : $o }

for my $vhost (sort keys %cases) {
    Apache::TestRequest::module($vhost);
    for my $origin (@{ $cases{$vhost}{allow} }) {
        my $res = GET $url, Origin => $origin;
        is_deeply [$res->header('Access-Control-Allow-Origin')], [$origin],
            "$vhost: $origin allowed, echoed once";
        ok vary_count($res, 'Origin'), "$vhost: $origin: Vary: Origin";
    }
    for my $origin (@{ $cases{$vhost}{deny} }) {
        my $res = GET $url, Origin => $origin;
        is $res->code, 200, "$vhost: " . show($origin) . ' refused, still served';
        ok !defined $res->header('Access-Control-Allow-Origin'),
            "$vhost: " . show($origin) . ' refused, no ACAO';
    }
}

Apache::TestRequest::module('core_sub');
for my $origin (@malformed) {
    my $res = GET $url, Origin => $origin;
    is $res->code, 200, 'malformed ' . show($origin) . ': served';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'malformed ' . show($origin) . ': never echoed';
}
{
    # Control characters: httpd itself refuses a header value holding one
    # (HttpProtocolOptions Strict, the default), before any module runs.
    for my $c ("\x01", "\x7f") {
        my $res = GET $url, Origin => "https://api${c}.myapp.com";
        is $res->code, 400,
            sprintf 'control character 0x%02x: httpd answers 400', ord $c;
        ok !defined $res->header('Access-Control-Allow-Origin'),
            sprintf 'control character 0x%02x: never echoed', ord $c;
    }
}
{
    # Two Origin header lines (httpd joins them): matches nothing.
    my $res = GET $url, Origin => ['https://api.myapp.com', 'https://api.myapp.com'];
    is $res->code, 200, 'two Origin lines: served';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'two Origin lines: no ACAO';
    $res = OPTIONS $url, Origin => ['https://api.myapp.com', 'https://b.myapp.com'],
        'Access-Control-Request-Method' => 'GET';
    is $res->code, 403, 'two Origin lines: preflight 403';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'two Origin lines: preflight no ACAO';
}

# --- a public API: "*" without credentials (25 tests)
Apache::TestRequest::module('core_any');
for my $origin ('https://anything.example.com', 'http://localhost:3000', 'null',
                'https://api.myapp.com/path', 'not an origin',
                'https://' . ('a' x 2100) . '.example.com') {
    my $res = GET $url, Origin => $origin;
    is_deeply [$res->header('Access-Control-Allow-Origin')], ['*'],
        'any: ' . show($origin) . ' -> literal *';
    ok !vary_count($res, 'Origin'),
        'any: ' . show($origin) . ': no Vary: Origin';
}
{
    my $res = GET $url, Origin => ['https://a.example.com', 'https://b.example.com'];
    is $res->header('Access-Control-Allow-Origin'), '*', 'any: two Origin lines -> *';

    $res = GET $url;
    is $res->code, 200, 'any, no Origin: 200';
    ok !defined $res->header('Access-Control-Allow-Origin'), 'any, no Origin: no ACAO';
    ok !vary_count($res, 'Origin'), 'any, no Origin: no Vary: Origin';
    ok !defined $res->header('Access-Control-Allow-Credentials'), 'any: no ACAC';

    $res = OPTIONS $url, Origin => 'https://anything.example.com',
        'Access-Control-Request-Method' => 'PUT',
        'Access-Control-Request-Headers' => 'content-type';
    is $res->code, 204, 'any: preflight 204';
    is $res->header('Access-Control-Allow-Origin'), '*', 'any: preflight ACAO *';
    ok !vary_count($res, 'Origin'), 'any: preflight no Vary: Origin';
    is vary_count($res, '*'), 1, 'any: preflight Vary: * (the method decides)';
    is $res->header('Access-Control-Allow-Headers'), 'Content-Type',
        'any: preflight ACAH';

    $res = OPTIONS $url, Origin => 'https://anything.example.com',
        'Access-Control-Request-Method' => 'DELETE';
    is $res->code, 403, 'any: preflight with a refused method 403';

    $res = OPTIONS $url, Origin => 'null', 'Access-Control-Request-Method' => 'PUT';
    is $res->code, 204, 'any: preflight from null 204';
    is $res->header('Access-Control-Allow-Origin'), '*', 'any: preflight from null: *';
}

# --- null is only allowed where listed
Apache::TestRequest::module('core_sub');
{
    my $res = GET $url, Origin => 'null';
    is $res->code, 200, 'null not listed: served';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'null not listed: no ACAO';
}

# --- a listed null also passes a preflight
Apache::TestRequest::module('core_null');
{
    my $res = OPTIONS $url, Origin => 'null', 'Access-Control-Request-Method' => 'GET';
    is $res->code, 204, 'listed null: preflight 204';
    is $res->header('Access-Control-Allow-Origin'), 'null', 'listed null: ACAO null';
    is vary_count($res, '*'), 1, 'listed null: preflight Vary: *';
}
Apache::TestRequest::module('core_sub');
{
    my $res = OPTIONS $url, Origin => 'null', 'Access-Control-Request-Method' => 'GET';
    is $res->code, 403, 'null not listed: preflight 403';
}
