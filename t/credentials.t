# CORSAllowCredentials: Access-Control-Allow-Credentials: true on actual
# requests and preflights from allowed origins, and only then.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 22;

my $url    = '/core/data.json';
my $origin = 'https://app.myapp.com';

Apache::TestRequest::module('core_cred');
{
    my $res = GET $url, Origin => $origin;
    is $res->code, 200, 'on: GET 200';
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'on: ACAO is the origin, never *';
    is_deeply [$res->header('Access-Control-Allow-Credentials')], ['true'],
        'on: exactly one ACAC: true';
    ok vary_count($res, 'Origin'), 'on: Vary: Origin';

    $res = GET $url, Origin => 'http://localhost:3000';
    is $res->header('Access-Control-Allow-Credentials'), 'true',
        'on: loopback http origin gets ACAC too';

    $res = send_preflight($url, $origin, 'PUT',
        'Access-Control-Request-Headers' => 'x-token');
    is $res->code, 204, 'on: preflight 204';
    is $res->header('Access-Control-Allow-Origin'), $origin, 'on: preflight ACAO';
    is $res->header('Access-Control-Allow-Credentials'), 'true',
        'on: preflight ACAC: true';
    is $res->header('Access-Control-Allow-Headers'), 'X-Token',
        'on: preflight ACAH';

    $res = GET $url, Origin => 'https://evil.example.com';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'on, other origin: no ACAC';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'on, other origin: no ACAO';

    $res = send_preflight($url, 'https://evil.example.com', 'PUT');
    is $res->code, 403, 'on, other origin: preflight 403';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'on, other origin: preflight no ACAC';

    $res = send_preflight($url, $origin, 'DELETE');
    is $res->code, 403, 'on, method refused: 403';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'on, method refused: no ACAC';

    $res = GET $url;
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'on, no Origin: no ACAC';
    ok vary_count($res, 'Origin'), 'on, no Origin: Vary: Origin';
}

Apache::TestRequest::module('core_cred_off');
{
    my $res = GET $url, Origin => $origin;
    is $res->header('Access-Control-Allow-Origin'), $origin, 'off: ACAO';
    ok !defined $res->header('Access-Control-Allow-Credentials'), 'off: no ACAC';

    $res = send_preflight($url, $origin, 'PUT');
    is $res->code, 204, 'off: preflight 204';
    is $res->header('Access-Control-Allow-Origin'), $origin, 'off: preflight ACAO';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'off: preflight no ACAC';
}
