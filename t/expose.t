# CORSExposeHeaders: Access-Control-Expose-Headers on actual responses to
# allowed origins only, never on preflights.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 14;

my $url    = '/core/data.json';
my $origin = 'https://app.myapp.com';

Apache::TestRequest::module('core_expose');
{
    my $res = GET $url, Origin => $origin;
    is $res->code, 200, 'GET 200';
    is $res->header('Access-Control-Allow-Origin'), $origin, 'ACAO';
    is_deeply [$res->header('Access-Control-Expose-Headers')],
        ['X-Total-Count, X-Request-Id'], 'exactly one ACEH, the configured list';

    $res = Apache::TestRequest::HEAD($url, Origin => $origin);
    is $res->header('Access-Control-Expose-Headers'), 'X-Total-Count, X-Request-Id',
        'HEAD: ACEH';

    $res = send_preflight($url, $origin, 'PUT');
    is $res->code, 204, 'preflight 204';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'preflight: no ACEH';

    $res = GET $url, Origin => 'https://evil.example.com';
    is $res->code, 200, 'other origin: 200';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'other origin: no ACEH';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'other origin: no ACAO';

    $res = GET $url;
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'no Origin: no ACEH';

    $res = GET $url, Origin => 'null';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'null origin (not listed): no ACEH';
}

Apache::TestRequest::module('core_expose_any');
{
    my $res = GET $url, Origin => $origin;
    is $res->header('Access-Control-Expose-Headers'), '*',
        'CORSExposeHeaders *: ACEH *';
    $res = GET $url, Origin => 'https://evil.example.com';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'CORSExposeHeaders *, other origin: no ACEH';

    $res = send_preflight($url, $origin, 'GET');
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'CORSExposeHeaders *, preflight: no ACEH';
}
