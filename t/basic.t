# Classic scenarios: no CORS, CORSEnable Off, one allowed origin.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET OPTIONS);

plan tests => 45;

my $url = '/core/data.json';

sub vary_has {
    my ($res, $token) = @_;
    my @tokens = map { s/^\s+|\s+$//gr } map { split /,/ } $res->header('Vary');
    return scalar grep { lc $_ eq lc $token } @tokens;
}

sub cors_headers {
    my $res = shift;
    return grep { /^Access-Control-/i } $res->headers->header_field_names;
}

# --- no CORS configured: nothing added, not even Vary
Apache::TestRequest::module('core_none');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'none: GET with Origin -> 200';
    is_deeply [cors_headers($res)], [], 'none: no Access-Control-* header';
    ok !defined $res->header('Vary'), 'none: no Vary';
    like $res->content, qr/"items"/, 'none: body served';

    $res = OPTIONS $url, Origin => 'http://localhost:3000',
        'Access-Control-Request-Method' => 'PUT';
    isnt $res->code, 204, 'none: preflight not answered by mod_cors';
    is_deeply [cors_headers($res)], [], 'none: preflight gets no CORS header';
}

# --- CORSEnable Off: origins configured but CORS off
Apache::TestRequest::module('core_off');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'off: GET -> 200';
    is_deeply [cors_headers($res)], [], 'off: no Access-Control-* header';
    ok !vary_has($res, 'Origin'), 'off: no Vary: Origin';

    $res = OPTIONS $url, Origin => 'http://localhost:3000',
        'Access-Control-Request-Method' => 'GET';
    is_deeply [cors_headers($res)], [], 'off: preflight gets no CORS header';
    ok !vary_has($res, 'Origin'), 'off: preflight no Vary: Origin';
}

# --- http://localhost:3000 allowed
Apache::TestRequest::module('core_basic');
{
    my $res = GET $url, Origin => 'http://localhost:3000';
    is $res->code, 200, 'allowed: 200';
    my @acao = $res->header('Access-Control-Allow-Origin');
    is_deeply \@acao, ['http://localhost:3000'], 'allowed: exactly one ACAO, the origin';
    is vary_has($res, 'Origin'), 1, 'allowed: Vary contains Origin once';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'allowed: no ACAC without credentials';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'allowed: no ACEH when none configured';
    ok !defined $res->header('Access-Control-Allow-Methods'),
        'allowed: no ACAM on an actual request';
    like $res->content, qr/"items"/, 'allowed: body served';

    $res = GET $url, Origin => 'https://evil.example.com';
    is $res->code, 200, 'other origin: still served';
    is_deeply [cors_headers($res)], [], 'other origin: no Access-Control-* header';
    ok vary_has($res, 'Origin'), 'other origin: Vary: Origin';

    $res = GET $url;
    is $res->code, 200, 'no Origin: 200';
    is_deeply [cors_headers($res)], [], 'no Origin: no Access-Control-* header';
    ok vary_has($res, 'Origin'), 'no Origin: Vary: Origin';

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
    $res = OPTIONS $url, Origin => 'http://localhost:3000',
        'Access-Control-Request-Method' => 'GET';
    is $res->code, 204, 'default policy: preflight GET -> 204';
    is $res->header('Access-Control-Allow-Origin'), 'http://localhost:3000',
        'default policy: preflight ACAO';
    $res = OPTIONS $url, Origin => 'http://localhost:3000',
        'Access-Control-Request-Method' => 'PUT';
    is $res->code, 403, 'default policy: preflight PUT -> 403';
}
