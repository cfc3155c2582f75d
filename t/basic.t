# Classic scenarios: no CORS, CORSEnable Off, one allowed origin.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 45;

my $url = '/core/data.json';

# --- no CORS configured: nothing added, not even Vary
Apache::TestRequest::module('core_none');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'none: GET with Origin -> 200';
    is_deeply cors_headers_present($res), [],
        'none: no Access-Control-* header';
    ok !defined $res->header('Vary'), 'none: no Vary';
    like $res->content, qr/"items"/, 'none: body served';

    $res = send_preflight($url, 'http://localhost:3000', 'PUT');
    isnt $res->code, 204, 'none: preflight not answered by mod_cors';
    is_deeply cors_headers_present($res), [],
        'none: preflight gets no CORS header';
}

# --- CORSEnable Off: origins configured but CORS off
Apache::TestRequest::module('core_off');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'off: GET -> 200';
    is_deeply cors_headers_present($res), [],
        'off: no Access-Control-* header';
    ok !vary_count($res, 'Origin'), 'off: no Vary: Origin';

    $res = send_preflight($url, 'http://localhost:3000', 'GET');
    is_deeply cors_headers_present($res), [],
        'off: preflight gets no CORS header';
    ok !vary_count($res, 'Origin'), 'off: preflight no Vary: Origin';
}

# --- http://localhost:3000 allowed
Apache::TestRequest::module('core_basic');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'allowed: 200';
    my @acao = $res->header('Access-Control-Allow-Origin');
    is_deeply \@acao, ['http://localhost:3000'], 'allowed: exactly one ACAO, the origin';
    is vary_count($res, 'Origin'), 1, 'allowed: Vary contains Origin once';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'allowed: no ACAC without credentials';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'allowed: no ACEH when none configured';
    ok !defined $res->header('Access-Control-Allow-Methods'),
        'allowed: no ACAM on an actual request';
    like $res->content, qr/"items"/, 'allowed: body served';

    $res = GET $url, Origin => 'https://evil.example.com';
    is $res->code, 200, 'other origin: still served';
    is_deeply cors_headers_present($res), [],
        'other origin: no Access-Control-* header';
    ok vary_count($res, 'Origin'), 'other origin: Vary: Origin';

    $res = GET $url;
    is $res->code, 200, 'no Origin: 200';
    is_deeply cors_headers_present($res), [],
        'no Origin: no Access-Control-* header';
    ok vary_count($res, 'Origin'), 'no Origin: Vary: Origin';

    # HEAD gets the same headers as GET
    $res = Apache::TestRequest::HEAD($url, Origin => 'http://localhost:3000');
    is $res->code, 200, 'HEAD: 200';
    is $res->header('Access-Control-Allow-Origin'), 'http://localhost:3000',
        'HEAD: ACAO';

    # Nothing differing from the allowed origin is allowed.
    for my $origin ('https://localhost:3000',     # https vs http
                    'http://localhost:3001',      # other port
                    'http://localhost',           # default port
                    'http://LOCALHOST:3000',      # case: Origin not rewritten
                    'HTTP://localhost:3000',
                    'http://localhost:3000/',     # trailing slash
                    'http://127.0.0.1:3000',
                    'http://localhost:30000') {
        my $r = GET $url, Origin => $origin;
        is $r->code, 200, "refused $origin: still served";
        ok !defined $r->header('Access-Control-Allow-Origin'),
            "refused $origin: no ACAO";
    }

    # The default methods: GET, HEAD, POST.
    $res = send_preflight($url, 'http://localhost:3000', 'GET');
    is $res->code, 204, 'default policy: preflight GET -> 204';
    is $res->header('Access-Control-Allow-Origin'), 'http://localhost:3000',
        'default policy: preflight ACAO';
    $res = send_preflight($url, 'http://localhost:3000', 'PUT');
    is $res->code, 403, 'default policy: preflight PUT -> 403';
}
