# Where preflights go: answered before .htaccess redirects and mod_dir's
# trailing-slash redirect, with `Header always` lines, through to the
# handler with CORSPreflightPassthrough, and one set of headers after
# internal redirects and subrequests (issue 2, rules 3 and 9).
# Config: <VirtualHost int_routing> in t/conf/integration.conf.in, content
# under t/htdocs/integration/routing/.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $ORIGIN = 'https://app.example.com';
my $EVIL   = 'https://evil.example.com';

# t/TEST.PL loads mod_headers, mod_rewrite, mod_dir, mod_alias,
# mod_negotiation and mod_cgi(d) itself, so need_module() does not see
# them: no skip condition.
plan tests => 134;

reset_user_agent();
Apache::TestRequest::module('int_routing');

# A PUT preflight asking for X-Custom.
sub preflight
{
    my ($path, $origin, @extra) = @_;
    return send_preflight($path, $origin, 'PUT',
        'Access-Control-Request-Headers' => 'X-Custom', @extra);
}

# Answered by mod_cors: 9 tests.
sub answered_ok
{
    my ($res, $name) = @_;
    is $res->code, 204, "$name: 204";
    is $res->header('Location'), undef, "$name: no Location";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: exactly one Access-Control-Allow-Origin";
    ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
        "$name: Access-Control-Allow-Methods contains PUT";
    ok token_count($res, 'Access-Control-Allow-Headers', 'X-Custom'),
        "$name: Access-Control-Allow-Headers contains X-Custom";
    is vary_count($res, '*'), 1, "$name: Vary: * once";
    is $res->content, '', "$name: empty body";
    is_deeply values_of($res, 'Strict-Transport-Security'), ['max-age=1'],
        "$name: Header always set Strict-Transport-Security, once";
    is_deeply values_of($res, 'X-Int-Always'), ['routing'],
        "$name: Header always set X-Int-Always, once";
}

# Actual response with exactly one set of headers: 3 tests.
sub one_set_ok
{
    my ($res, $name) = @_;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: exactly one Access-Control-Allow-Origin";
    is_deeply cors_headers_present($res), ['access-control-allow-origin'],
        "$name: no other Access-Control-* header";
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";
}

my $res;

# --- Plain preflights, answered and refused, with Header always ----------
answered_ok(preflight('/file.txt', $ORIGIN), 'preflight to a file');

$res = preflight('/file.txt', $EVIL);
is $res->code, 403, 'refused preflight: 403';
is_deeply allow_headers_present($res), [],
    'refused preflight: no Access-Control-Allow-*';
like $res->header('Content-Type') // '', qr{^text/plain},
    'refused preflight: text/plain';
unlike $res->content, qr/int routing errordoc/,
    'refused preflight: ErrorDocument 403 does not apply';
is_deeply values_of($res, 'Strict-Transport-Security'), ['max-age=1'],
    'refused preflight: Header always set Strict-Transport-Security';
is_deeply values_of($res, 'X-Int-Always'), ['routing'],
    'refused preflight: Header always set X-Int-Always';

$res = preflight('/file.txt', $ORIGIN,
                 'Access-Control-Request-Headers' => 'X-Other');
is $res->code, 403, 'preflight for an unlisted header: 403';
is_deeply values_of($res, 'Strict-Transport-Security'), ['max-age=1'],
    'preflight for an unlisted header: Strict-Transport-Security';

# --- .htaccess that redirects everything ---------------------------------
answered_ok(preflight('/redirect/file.txt', $ORIGIN),
            'preflight into a RewriteRule [R=301] directory');
answered_ok(preflight('/redirect/', $ORIGIN),
            'preflight to a RewriteRule [R=301] directory itself');
$res = preflight('/redirect/file.txt', $EVIL);
is $res->code, 403, 'refused preflight into a [R=301] directory: 403';
is $res->header('Location'), undef,
    'refused preflight into a [R=301] directory: no Location';

# Actual requests are redirected, with the headers.
$res = GET '/redirect/file.txt', Origin => $ORIGIN;
is $res->code, 301, 'GET into a [R=301] directory: 301';
like $res->header('Location') // '', qr{/elsewhere$},
    'GET into a [R=301] directory: Location';
one_set_ok($res, 'GET into a [R=301] directory');

# --- DirectorySlash ----------------------------------------------------------
answered_ok(preflight('/dir', $ORIGIN),
            'preflight to a directory without its trailing slash');
$res = GET '/dir', Origin => $ORIGIN;
is $res->code, 301, 'GET to a directory without its slash: 301';
like $res->header('Location') // '', qr{/dir/$},
    'GET to a directory without its slash: Location';
one_set_ok($res, 'GET to a directory without its slash');

# --- CORSPreflightPassthrough On -------------------------------------------
# A static file: the default handler answers OPTIONS with 200 and Allow.
$res = preflight('/pass/file.txt', $ORIGIN);
is $res->code, 200, 'Passthrough, static file: the handler\'s 200';
ok defined $res->header('Allow'), 'Passthrough, static file: Allow header';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Passthrough, static file: exactly one Access-Control-Allow-Origin';
ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
    'Passthrough, static file: Access-Control-Allow-Methods contains PUT';
ok token_count($res, 'Access-Control-Allow-Headers', 'X-Custom'),
    'Passthrough, static file: Access-Control-Allow-Headers';
is vary_count($res, '*'), 1,
    'Passthrough, static file: Vary: * once';
is_deeply values_of($res, 'Strict-Transport-Security'), ['max-age=1'],
    'Passthrough, static file: Strict-Transport-Security';

$res = preflight('/pass/file.txt', $EVIL);
is $res->code, 200, 'Passthrough, refused, static file: the handler\'s 200';
ok defined $res->header('Allow'),
    'Passthrough, refused, static file: Allow header';
is_deeply cors_headers_present($res), [],
    'Passthrough, refused, static file: no Access-Control-* header';

# A CGI: it runs, sees the OPTIONS, and its answer carries the headers.
$res = preflight('/passcgi/int_echo.cgi', $ORIGIN);
is $res->code, 200, 'Passthrough, CGI: the CGI\'s 200';
is $res->header('X-Handler'), 'int_echo', 'Passthrough, CGI: the CGI ran';
is $res->content, "method=OPTIONS\n", 'Passthrough, CGI: it saw OPTIONS';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Passthrough, CGI: exactly one Access-Control-Allow-Origin';
ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
    'Passthrough, CGI: Access-Control-Allow-Methods contains PUT';
ok token_count($res, 'Access-Control-Allow-Headers', 'X-Custom'),
    'Passthrough, CGI: Access-Control-Allow-Headers contains X-Custom';
is vary_count($res, '*'), 1, 'Passthrough, CGI: Vary: * once';

$res = preflight('/passcgi/int_echo.cgi', $EVIL);
is $res->code, 200, 'Passthrough, refused, CGI: the CGI\'s 200';
is $res->header('X-Handler'), 'int_echo', 'Passthrough, refused, CGI: it ran';
is_deeply cors_headers_present($res), [],
    'Passthrough, refused, CGI: no Access-Control-* header';

$res = preflight('/passcgi/int_echo.cgi', $ORIGIN,
                 'Access-Control-Request-Headers' => 'X-Other');
is $res->code, 200, 'Passthrough, refused header, CGI: the CGI\'s 200';
is_deeply cors_headers_present($res), [],
    'Passthrough, refused header, CGI: no Access-Control-* header';

# Without Passthrough, the CGI never runs for a preflight.
$res = preflight('/cgi/int_echo.cgi', $ORIGIN);
answered_ok($res, 'preflight to a CGI without Passthrough');
is $res->header('X-Handler'), undef,
    'preflight to a CGI without Passthrough: the CGI did not run';

# --- Internal redirects and subrequests: exactly one set ------------------
# mod_dir: DirectoryIndex subrequest + internal redirect.
$res = GET '/idx/', Origin => $ORIGIN;
is $res->code, 200, 'DirectoryIndex: 200';
like $res->content, qr/int routing idx index/, 'DirectoryIndex: index.html';
one_set_ok($res, 'DirectoryIndex');
answered_ok(preflight('/idx/', $ORIGIN), 'preflight to a DirectoryIndex dir');

# mod_rewrite internal rewrites from .htaccess.
$res = GET '/rw/old.txt', Origin => $ORIGIN;
is $res->code, 200, 'internal rewrite: 200';
is $res->content, "int routing rw new\n", 'internal rewrite: new.txt served';
one_set_ok($res, 'internal rewrite');

$res = GET '/rw/some/route', Origin => $ORIGIN;
is $res->code, 200, 'front controller rewrite: 200';
like $res->content, qr/int routing rw front controller/,
    'front controller rewrite: index.html served';
one_set_ok($res, 'front controller rewrite');
answered_ok(preflight('/rw/some/route', $ORIGIN),
            'preflight to a front-controller route');

# An internal rewrite into a directory with CORSEnable Off: the request the
# browser sent decides.
$res = GET '/rw/out.txt', Origin => $ORIGIN;
is $res->code, 200, 'rewrite out of the CORS scope: 200';
is $res->content, "int routing plain target\n",
    'rewrite out of the CORS scope: target served';
one_set_ok($res, 'rewrite out of the CORS scope');
$res = GET '/plain/target.txt', Origin => $ORIGIN;
is_deeply cors_headers_present($res), [],
    'the CORSEnable Off directory requested directly: no Access-Control-*';

$res = GET '/rw/out.txt', Origin => $EVIL;
is_deeply cors_headers_present($res), [],
    'rewrite out of the CORS scope, disallowed origin: no Access-Control-*';
is vary_count($res, 'Origin'), 1,
    'rewrite out of the CORS scope, disallowed origin: Vary: Origin once';

# mod_negotiation (MultiViews) subrequests.
$res = GET '/mv/doc', Origin => $ORIGIN;
is $res->code, 200, 'MultiViews: 200';
is $res->content, "int routing multiviews doc\n", 'MultiViews: doc.txt served';
one_set_ok($res, 'MultiViews');
