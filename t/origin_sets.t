# CORSOriginSet and @name: one <Directory> shared by a development and a
# production vhost allows each its own origins; a vhost's own set wins over
# the main server's; CORSAllowOrigin @${VAR} chosen with Define.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $url = '/core_shared/data.json';

# vhost => [allowed...], [refused...]
my @cases = (
    [core_dev  => ['http://localhost:3000', 'http://localhost:5173'],
                  ['https://myapp.com', 'https://main.myapp.com',
                   'http://localhost:8080']],
    [core_prod => ['https://myapp.com'],
                  ['http://localhost:3000', 'http://localhost:5173',
                   'https://main.myapp.com', 'https://www.myapp.com']],
    # No set of its own: the main server's "frontend".
    [core_noset => ['https://main.myapp.com'],
                   ['http://localhost:3000', 'https://myapp.com']],
    # The main server itself.
    [''          => ['https://main.myapp.com'],
                   ['http://localhost:3000', 'https://myapp.com']],
);

my $n = 0;
$n += 3 * @{ $_->[1] } + 2 * @{ $_->[2] } for @cases;
plan tests => $n + 6 + 7;

for my $case (@cases) {
    my ($vhost, $allow, $deny) = @$case;
    my $name = $vhost || 'main server';
    Apache::TestRequest::module($vhost || 'default');
    for my $origin (@$allow) {
        my $res = GET $url, Origin => $origin;
        is $res->code, 200, "$name: $origin: 200";
        is $res->header('Access-Control-Allow-Origin'), $origin,
            "$name: $origin allowed";
        ok vary_count($res, 'Origin'), "$name: $origin: Vary: Origin";
    }
    for my $origin (@$deny) {
        my $res = GET $url, Origin => $origin;
        is $res->code, 200, "$name: $origin: still served";
        ok !defined $res->header('Access-Control-Allow-Origin'),
            "$name: $origin refused";
    }
}

# Preflights through the shared <Directory> follow the same sets: its own
# origin passes, the other vhost's is refused.
for my $case (['core_dev', 'dev', 'http://localhost:5173',
               'production', 'https://myapp.com'],
              ['core_prod', 'prod', 'https://myapp.com',
               'development', 'http://localhost:3000'])
{
    my ($vhost, $name, $own, $whose, $other) = @$case;
    Apache::TestRequest::module($vhost);
    my $res = send_preflight($url, $own, 'GET');
    is $res->code, 204, "$name: preflight from its origin 204";
    is $res->header('Access-Control-Allow-Origin'), $own,
        "$name: preflight ACAO";
    $res = send_preflight($url, $other, 'GET');
    is $res->code, 403, "$name: preflight from ${whose}'s origin 403";
}

# CORSAllowOrigin @${CORE_APP_ENV}, with Define CORE_APP_ENV staging.
Apache::TestRequest::module('core_appenv');
{
    my $res = GET '/core/data.json', Origin => 'https://staging.myapp.com';
    is $res->code, 200, 'appenv: 200';
    is $res->header('Access-Control-Allow-Origin'), 'https://staging.myapp.com',
        'appenv: the staging set allows staging';
    ok vary_count($res, 'Origin'), 'appenv: Vary: Origin';
    $res = GET '/core/data.json', Origin => 'https://myapp.com';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'appenv: the production set is not used';
    $res = GET '/core/data.json', Origin => 'https://main.myapp.com';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'appenv: the main server set is not used';
    $res = GET '/core/data.json';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'appenv: no Origin, no ACAO';
    ok vary_count($res, 'Origin'), 'appenv: no Origin, Vary: Origin';
}
