# CORSAllowMethods and CORSAllowHeaders: restricted lists refuse the rest;
# methods compare case-sensitively, header names case-insensitively.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET PATCH);
use HTTP::Request ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 41;

my $url    = '/core/data.json';
my $origin = 'https://app.myapp.com';

sub preflight { send_preflight($url, $origin, @_) }

Apache::TestRequest::module('core_methods');
{
    for my $m (qw(PUT PATCH GET)) {
        my $res = preflight($m);
        is $res->code, 204, "$m listed: 204";
        is $res->header('Access-Control-Allow-Methods'), 'GET, PUT, PATCH',
            "$m listed: ACAM is the configured list";
    }
    preflight_refused_ok(preflight('DELETE'), 'DELETE not listed');
    preflight_refused_ok(preflight('OPTIONS'), 'OPTIONS not listed');
    preflight_refused_ok(preflight('patch'),
                         'lower-case patch (only PATCH is listed)');
    preflight_refused_ok(preflight('Put'),
                         'mixed-case Put (methods are case-sensitive)');
    preflight_refused_ok(preflight('GET PUT'), 'a non-token method');

    my $res = preflight('PUT', 'Access-Control-Request-Headers' => 'x-requested-with');
    is $res->code, 204, 'listed header: 204';
    is $res->header('Access-Control-Allow-Headers'), 'X-Requested-With',
        'listed header: ACAH as configured';
    $res = preflight('PUT', 'Access-Control-Request-Headers' => 'X-REQUESTED-WITH');
    is $res->code, 204, 'header names are case-insensitive';
    preflight_refused_ok(
        preflight('PUT', 'Access-Control-Request-Headers' => 'x-api-key'),
        'header not listed');
    preflight_refused_ok(
        preflight('GET', 'Access-Control-Request-Headers' =>
                  'x-requested-with, authorization'),
        'authorization not listed');

    $res = GET $url, Origin => $origin;
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'actual GET: ACAO';

    # CORS does not filter actual requests by method (the preflight does):
    # an unlisted method reaches the handler, whose answer (405 for a static
    # file) carries the origin's CORS headers.
    $res = Apache::TestRequest::user_agent()->request(HTTP::Request->new(
        DELETE => Apache::TestRequest::resolve_url($url), [Origin => $origin]));
    is $res->code, 405, 'actual DELETE (not listed): the handler\'s 405';
    is_deeply [$res->header('Access-Control-Allow-Origin')], [$origin],
        'actual DELETE (not listed): exactly one ACAO, the origin';
}

Apache::TestRequest::module('core_methods_case');
{
    my $res = preflight('PUT');
    is $res->code, 204, 'configured "put" is normalised: PUT 204';
    $res = preflight('patch');
    is $res->code, 204, 'configured "patch" stays lower case: patch 204';
    is $res->header('Access-Control-Allow-Methods'), 'PUT, patch',
        'ACAM: PUT upper-cased, patch as written';
    preflight_refused_ok(preflight('PATCH'),
                         'PATCH does not match a configured "patch"');

    # The same for a method that only fails the case-sensitive comparison.
    $res = PATCH $url, Origin => $origin, content => '{}';
    is $res->code, 405, 'actual PATCH (only "patch" listed): the handler\'s 405';
    is_deeply [$res->header('Access-Control-Allow-Origin')], [$origin],
        'actual PATCH (only "patch" listed): exactly one ACAO, the origin';
}
