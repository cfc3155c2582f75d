# Actual requests get exactly one set of CORS headers on every status: 304,
# 3xx redirects, 403, 404, 500, and ErrorDocument pages inside and outside
# the CORS scope (issue 2, rules 5, 6 and 9).  Config: <VirtualHost
# int_errors> and <VirtualHost int_errors_vh> in t/conf/integration.conf.in.
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

# t/TEST.PL loads mod_alias, mod_rewrite, mod_dir and mod_cgi(d) itself, so
# need_module() does not see them: no skip condition.
plan tests => 136;

reset_user_agent();
Apache::TestRequest::module('int_errors');

# The full set for an allowed origin in /api/ (credentials, expose): 5 tests.
sub api_ok
{
    my ($res, $name) = @_;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: exactly one Access-Control-Allow-Origin, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
        "$name: Access-Control-Allow-Credentials: true";
    is_deeply values_of($res, 'Access-Control-Expose-Headers'),
        ['X-Int-Expose'], "$name: Access-Control-Expose-Headers once";
    is_deeply cors_headers_present($res),
        [qw(access-control-allow-credentials access-control-allow-origin
            access-control-expose-headers)],
        "$name: no other Access-Control-* header";
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";
}

# A GET from the origin: its status and api_ok: 6 tests.
sub api_get_ok
{
    my ($path, $code, $name, @headers) = @_;
    my $res = GET $path, Origin => $ORIGIN, @headers;
    is $res->code, $code, "$name: status";
    api_ok($res, $name);
    return $res;
}

# A GET from a disallowed origin: its status and no_cors_ok: 3 tests.
sub disallowed_get_ok
{
    my ($path, $code, $name, @headers) = @_;
    my $res = GET $path, Origin => $EVIL, @headers;
    is $res->code, $code, "$name, disallowed origin: status";
    no_cors_ok($res, "$name, disallowed origin");
}

my $res;

# --- 200 and 304 ----------------------------------------------------------
$res = api_get_ok('/api/file.txt', 200, '200');
my $etag = $res->header('ETag');
my $last_modified = $res->header('Last-Modified');
ok defined $etag && defined $last_modified, '200: ETag and Last-Modified';

api_get_ok('/api/file.txt', 304, '304 (If-None-Match)',
           'If-None-Match' => $etag);
api_get_ok('/api/file.txt', 304, '304 (If-Modified-Since)',
           'If-Modified-Since' => $last_modified);
disallowed_get_ok('/api/file.txt', 304, '304', 'If-None-Match' => $etag);

# --- 3xx ------------------------------------------------------------------
for my $case (['/api/moved',    301, 'Redirect 301 in <Location>'],
              ['/api/seeother', 303, 'Redirect 303 in <Location>'],
              ['/api/temp',     307, 'Redirect 307 in <Location>'],
              ['/api/perm',     308, 'Redirect 308 in <Location>'],
              ['/api/rw/file.txt', 302, 'RewriteRule [R=302] in <Directory>'])
{
    my ($path, $code, $name) = @$case;
    $res = GET $path, Origin => $ORIGIN;
    is $res->code, $code, "$name: status $code";
    like $res->header('Location') // '', qr{/api/file\.txt$},
        "$name: Location";
    api_ok($res, $name);
}

# mod_dir's DirectorySlash redirect.
$res = GET '/api/dir', Origin => $ORIGIN;
is $res->code, 301, 'DirectorySlash: 301';
like $res->header('Location') // '', qr{/api/dir/$}, 'DirectorySlash: Location';
api_ok($res, 'DirectorySlash (301)');

disallowed_get_ok('/api/moved', 301, '301');

# --- 403 ------------------------------------------------------------------
$res = GET '/api/forbidden/file.txt', Origin => $ORIGIN;
is $res->code, 403, '403 (Require all denied): status';
like $res->content, qr/int outside 403 page/,
    '403: ErrorDocument page outside the CORS scope';
api_ok($res, '403 (ErrorDocument outside the scope)');

disallowed_get_ok('/api/forbidden/file.txt', 403, '403');

# --- 404 ------------------------------------------------------------------
$res = GET '/api/missing.txt', Origin => $ORIGIN;
is $res->code, 404, '404, ErrorDocument outside the scope: status';
like $res->content, qr/int outside 404 page/,
    '404: the ErrorDocument page from /errors/';
api_ok($res, '404 (ErrorDocument outside the scope)');

disallowed_get_ok('/api/missing.txt', 404, '404 outside');

$res = GET '/api/missing.txt';
is $res->code, 404, '404 outside, no Origin: status';
no_cors_ok($res, '404 outside, no Origin');

# The error page alone, outside the scope: no CORS at all.
$res = GET '/errors/404.html', Origin => $ORIGIN;
is $res->code, 200, 'the error page requested directly: 200';
is_deeply cors_headers_present($res), [],
    'the error page requested directly: no Access-Control-* header';
is vary_count($res, 'Origin'), 0,
    'the error page requested directly: no Vary: Origin';

# The error page inside the CORS scope.
$res = GET '/api2/missing.txt', Origin => $ORIGIN;
is $res->code, 404, '404, ErrorDocument inside the scope: status';
like $res->content, qr/int inside 404 page/,
    '404 inside: the ErrorDocument page from /api2/errors/';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    '404 inside: exactly one Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    '404 inside: Access-Control-Allow-Credentials: true once';
is vary_count($res, 'Origin'), 1, '404 inside: Vary: Origin once';

$res = GET '/api2/missing.txt', Origin => $EVIL;
no_cors_ok($res, '404 inside, disallowed origin');

# The error page inside another CORS scope: the original request's scope
# decides.
$res = GET '/api3/missing.txt', Origin => $ORIGIN;
is $res->code, 404, '404, error page in another CORS scope: status';
like $res->content, qr/int othercors 404 page/,
    '404 other scope: the ErrorDocument page from /othercors/';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    '404 other scope: the original scope\'s origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    '404 other scope: the original scope\'s credentials';
is vary_count($res, 'Origin'), 1, '404 other scope: Vary: Origin once';

$res = GET '/api3/missing.txt', Origin => $OTHER;
is $res->code, 404, '404 other scope, origin of the error page scope: status';
no_cors_ok($res, '404 other scope, origin only the error page scope allows');

# --- 500 ------------------------------------------------------------------
api_get_ok('/api/cgi/int_fail.cgi', 500, '500 (failing CGI)');
disallowed_get_ok('/api/cgi/int_fail.cgi', 500, '500');

# --- A vhost-wide scope: redirects made before the directory walk --------
Apache::TestRequest::module('int_errors_vh');

for my $case (['/moved',   302, 'server-context Redirect 302'],
              ['/rwmoved', 307, 'server-context RewriteRule [R=307]'])
{
    my ($path, $code, $name) = @$case;
    $res = GET $path, Origin => $ORIGIN;
    is $res->code, $code, "$name: status $code";
    like $res->header('Location') // '', qr{/api/file\.txt$},
        "$name: Location";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: exactly one Access-Control-Allow-Origin";
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        "$name: no Access-Control-Allow-Credentials";
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";

    $res = GET $path, Origin => $EVIL;
    is $res->code, $code, "$name, disallowed origin: status $code";
    no_cors_ok($res, "$name, disallowed origin");
}

$res = GET '/nowhere.txt', Origin => $ORIGIN;
is $res->code, 404, 'vhost-wide, plain 404: status';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'vhost-wide, plain 404: exactly one Access-Control-Allow-Origin';
is vary_count($res, 'Origin'), 1, 'vhost-wide, plain 404: Vary: Origin once';
