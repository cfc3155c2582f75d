# Actual requests get exactly one set of CORS headers on every status: 304,
# 3xx redirects, 403, 404, 500, and ErrorDocument pages inside and outside
# the CORS scope (issue 2, rules 5, 6 and 9).  Config: <VirtualHost
# int_errors> and <VirtualHost int_errors_vh> in t/conf/integration.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;

my $ORIGIN = 'https://app.example.com';
my $OTHER  = 'https://other.example.com';
my $EVIL   = 'https://evil.example.com';

# t/TEST.PL loads mod_alias, mod_rewrite, mod_dir and mod_cgi(d) itself, so
# need_module() does not see them: no skip condition.
plan tests => 136;

Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0,
                                keep_alive => 1);
Apache::TestRequest::module('int_errors');

sub values_of
{
    my ($res, $name) = @_;
    my @values = $res->headers->header($name);
    return \@values;
}

sub tokens_of
{
    my ($res, $name) = @_;
    return map { lc } grep { length } map { s/^\s+|\s+$//gr }
           map { split /,/ } $res->headers->header($name);
}

sub vary_origin_count
{
    my $res = shift;
    return scalar grep { $_ eq 'origin' } tokens_of($res, 'Vary');
}

sub cors_headers_present
{
    my $res = shift;
    return [ sort map { lc } grep { /^access-control-/i }
             $res->headers->header_field_names ];
}

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
    is vary_origin_count($res), 1, "$name: Vary: Origin once";
}

# A disallowed origin: no Access-Control-*, Vary: Origin: 2 tests.
sub refused_ok
{
    my ($res, $name) = @_;
    is_deeply cors_headers_present($res), [],
        "$name: no Access-Control-* header";
    is vary_origin_count($res), 1, "$name: Vary: Origin once";
}

my $res;

# --- 200 and 304 ----------------------------------------------------------
$res = GET '/api/file.txt', Origin => $ORIGIN;
is $res->code, 200, '200: status';
api_ok($res, '200');
my $etag = $res->header('ETag');
my $last_modified = $res->header('Last-Modified');
ok defined $etag && defined $last_modified, '200: ETag and Last-Modified';

$res = GET '/api/file.txt', Origin => $ORIGIN, 'If-None-Match' => $etag;
is $res->code, 304, '304 (If-None-Match): status';
api_ok($res, '304 (If-None-Match)');

$res = GET '/api/file.txt', Origin => $ORIGIN,
    'If-Modified-Since' => $last_modified;
is $res->code, 304, '304 (If-Modified-Since): status';
api_ok($res, '304 (If-Modified-Since)');

$res = GET '/api/file.txt', Origin => $EVIL, 'If-None-Match' => $etag;
is $res->code, 304, '304, disallowed origin: status';
refused_ok($res, '304, disallowed origin');

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

$res = GET '/api/moved', Origin => $EVIL;
is $res->code, 301, '301, disallowed origin: status';
refused_ok($res, '301, disallowed origin');

# --- 403 ------------------------------------------------------------------
$res = GET '/api/forbidden/file.txt', Origin => $ORIGIN;
is $res->code, 403, '403 (Require all denied): status';
like $res->content, qr/int outside 403 page/,
    '403: ErrorDocument page outside the CORS scope';
api_ok($res, '403 (ErrorDocument outside the scope)');

$res = GET '/api/forbidden/file.txt', Origin => $EVIL;
is $res->code, 403, '403, disallowed origin: status';
refused_ok($res, '403, disallowed origin');

# --- 404 ------------------------------------------------------------------
$res = GET '/api/missing.txt', Origin => $ORIGIN;
is $res->code, 404, '404, ErrorDocument outside the scope: status';
like $res->content, qr/int outside 404 page/,
    '404: the ErrorDocument page from /errors/';
api_ok($res, '404 (ErrorDocument outside the scope)');

$res = GET '/api/missing.txt', Origin => $EVIL;
is $res->code, 404, '404 outside, disallowed origin: status';
refused_ok($res, '404 outside, disallowed origin');

$res = GET '/api/missing.txt';
is $res->code, 404, '404 outside, no Origin: status';
is_deeply cors_headers_present($res), [],
    '404 outside, no Origin: no Access-Control-* header';
is vary_origin_count($res), 1, '404 outside, no Origin: Vary: Origin once';

# The error page alone, outside the scope: no CORS at all.
$res = GET '/errors/404.html', Origin => $ORIGIN;
is $res->code, 200, 'the error page requested directly: 200';
is_deeply cors_headers_present($res), [],
    'the error page requested directly: no Access-Control-* header';
is vary_origin_count($res), 0,
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
is vary_origin_count($res), 1, '404 inside: Vary: Origin once';

$res = GET '/api2/missing.txt', Origin => $EVIL;
refused_ok($res, '404 inside, disallowed origin');

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
is vary_origin_count($res), 1, '404 other scope: Vary: Origin once';

$res = GET '/api3/missing.txt', Origin => $OTHER;
is $res->code, 404, '404 other scope, origin of the error page scope: status';
refused_ok($res, '404 other scope, origin only the error page scope allows');

# --- 500 ------------------------------------------------------------------
$res = GET '/api/cgi/int_fail.cgi', Origin => $ORIGIN;
is $res->code, 500, '500 (failing CGI): status';
api_ok($res, '500 (failing CGI)');

$res = GET '/api/cgi/int_fail.cgi', Origin => $EVIL;
is $res->code, 500, '500, disallowed origin: status';
refused_ok($res, '500, disallowed origin');

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
    is vary_origin_count($res), 1, "$name: Vary: Origin once";

    $res = GET $path, Origin => $EVIL;
    is $res->code, $code, "$name, disallowed origin: status $code";
    refused_ok($res, "$name, disallowed origin");
}

$res = GET '/nowhere.txt', Origin => $ORIGIN;
is $res->code, 404, 'vhost-wide, plain 404: status';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'vhost-wide, plain 404: exactly one Access-Control-Allow-Origin';
is vary_origin_count($res), 1, 'vhost-wide, plain 404: Vary: Origin once';
