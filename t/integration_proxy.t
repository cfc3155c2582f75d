# Handlers that write their own Access-Control-* headers: a mod_proxy
# backend inside the test server, a CGI script and `Header` lines, under
# CORSBackendHeaders Replace (default) and Keep, and proxy errors (503, 502)
# (issue 2, rules 3, 5 and 8).  Config: <VirtualHost int_backend>,
# <VirtualHost int_proxy> and <VirtualHost int_hdr> in
# t/conf/integration.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use File::Spec ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $ORIGIN = 'https://app.example.com';
my $EVIL   = 'https://evil.example.com';

# t/TEST.PL loads mod_proxy, mod_proxy_http, mod_headers and mod_cgi(d)
# itself, so need_module() does not see them: no skip condition.
plan tests => 114;

reset_user_agent();
Apache::TestRequest::module('int_proxy');

my $backend_log = File::Spec->catfile(Apache::Test::vars('t_logs'),
                                      'int_backend_access_log');

sub backend_log_lines
{
    open my $fh, '<', $backend_log or return ();
    my @lines = <$fh>;
    close $fh;
    chomp @lines;
    return @lines;
}

# The backend logs a request after answering it: wait for a line.
sub wait_for_backend_log
{
    my $pattern = shift;
    for (1 .. 50) {
        my @hits = grep { /$pattern/ } backend_log_lines();
        return scalar @hits if @hits;
        select undef, undef, undef, 0.1;
    }
    return 0;
}

# The module's own headers for an allowed origin, nothing from the
# handler: 5 tests.
sub replaced_ok
{
    my ($res, $name) = @_;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: exactly one Access-Control-Allow-Origin, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
        "$name: exactly one Access-Control-Allow-Credentials: true";
    is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Front'],
        "$name: only the module's Access-Control-Expose-Headers";
    is_deeply cors_headers_present($res),
        [qw(access-control-allow-credentials access-control-allow-origin
            access-control-expose-headers)],
        "$name: no other Access-Control-* header";
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";
}

# The handler's own "*", "false" and expose list, untouched: 3 tests.
sub kept_ok
{
    my ($res, $name, $whose, $expose) = @_;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
        "$name: $whose Access-Control-Allow-Origin, once";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
        "$name: $whose Access-Control-Allow-Credentials, once";
    is_deeply values_of($res, 'Access-Control-Expose-Headers'), [$expose],
        "$name: $whose Access-Control-Expose-Headers, once";
}

my $res;

# --- Replace (default): backend CORS headers removed ----------------------
$res = GET '/replace/withcors/data.txt', Origin => $ORIGIN;
is $res->code, 200, 'Replace: proxied GET: 200';
is $res->content, "backend withcors\n", 'Replace: proxied GET: backend body';
is $res->header('X-Backend'), 'yes', 'Replace: other backend headers kept';
replaced_ok($res, 'Replace, allowed origin');
# In list context, one value per header line.
my @acao = $res->headers->header('Access-Control-Allow-Origin');
is scalar(@acao), 1, 'Replace: one Access-Control-Allow-Origin line';

$res = GET '/replace/withcors/data.txt', Origin => $EVIL;
is $res->code, 200, 'Replace, disallowed origin: 200';
is_deeply cors_headers_present($res), [],
    'Replace, disallowed origin: the backend\'s "*" is gone, no Access-Control-*';
is vary_count($res, 'Origin'), 1,
    'Replace, disallowed origin: Vary: Origin once';

$res = GET '/replace/withcors/data.txt';
is $res->code, 200, 'Replace, no Origin: 200';
no_cors_ok($res, 'Replace, no Origin');

$res = GET '/replace/withcors/data.txt', Origin => 'null';
is_deeply cors_headers_present($res), [],
    'Replace, Origin null: no Access-Control-* header';

$res = GET '/replace/plain/data.txt', Origin => $ORIGIN;
is $res->code, 200, 'Replace, backend without CORS headers: 200';
replaced_ok($res, 'Replace, backend without CORS headers');

# A 404 from the backend: still exactly one set.
$res = GET '/replace/withcors/missing.txt', Origin => $ORIGIN;
is $res->code, 404, 'Replace: backend 404 passed through';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Replace: backend 404: exactly one Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Replace: backend 404: Access-Control-Allow-Credentials: true';
is vary_count($res, 'Origin'), 1, 'Replace: backend 404: Vary: Origin once';

# --- Keep: the backend's headers untouched --------------------------------
$res = GET '/keep/withcors/data.txt', Origin => $ORIGIN;
is $res->code, 200, 'Keep: proxied GET: 200';
kept_ok($res, 'Keep', "the backend's", 'X-Backend');
is_deeply values_of($res, 'Access-Control-Allow-Methods'), ['GET, PATCH'],
    'Keep: the backend\'s Access-Control-Allow-Methods';
is_deeply values_of($res, 'Access-Control-Max-Age'), ['99'],
    'Keep: the backend\'s Access-Control-Max-Age';

$res = GET '/keep/withcors/data.txt', Origin => $EVIL;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Keep, disallowed origin: the backend\'s header left alone';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    'Keep, disallowed origin: the backend\'s credentials header left alone';

# Keep, but the backend set no Access-Control-Allow-Origin: the module's.
$res = GET '/keep/plain/data.txt', Origin => $ORIGIN;
is $res->code, 200, 'Keep, backend without CORS headers: 200';
replaced_ok($res, 'Keep, backend without CORS headers');

# --- Proxy errors carry the headers ---------------------------------------
$res = GET '/down/data.txt', Origin => $ORIGIN;
is $res->code, 503, 'backend down: 503';
replaced_ok($res, 'backend down (503)');

# The backend answers with a status line that is not HTTP/1.x: 502.
$res = GET '/garbage/nph-int_garbage.cgi', Origin => $ORIGIN;
is $res->code, 502, 'backend answers garbage: 502';
replaced_ok($res, 'backend answers garbage (502)');
$res = GET '/garbage/nph-int_garbage.cgi', Origin => $EVIL;
is $res->code, 502, 'backend answers garbage, disallowed origin: 502';
is_deeply cors_headers_present($res), [],
    'backend answers garbage, disallowed origin: no Access-Control-*';
is vary_count($res, 'Origin'), 1,
    'backend answers garbage, disallowed origin: Vary: Origin once';

# --- Preflights are answered by mod_cors, never by the backend -----------
ok wait_for_backend_log(qr{^GET /withcors/data\.txt }),
    'the backend logged the proxied GETs (the log works)';
my $before = () = backend_log_lines();

$res = send_preflight('/replace/withcors/data.txt', $ORIGIN, 'PUT');
is $res->code, 204, 'Replace: preflight answered 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Replace: preflight: one Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Replace: preflight: Access-Control-Allow-Credentials: true';
ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
    'Replace: preflight: the module\'s Access-Control-Allow-Methods';
ok !defined $res->header('Access-Control-Max-Age'),
    'Replace: preflight: no backend Access-Control-Max-Age';
ok !defined $res->header('X-Backend'),
    'Replace: preflight: no backend header';
is $res->content, '', 'Replace: preflight: empty body';

$res = send_preflight('/keep/withcors/data.txt', $ORIGIN, 'PUT');
is $res->code, 204, 'Keep: preflight answered 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Keep: preflight: the module\'s Access-Control-Allow-Origin';
ok !defined $res->header('X-Backend'), 'Keep: preflight: no backend header';

$res = send_preflight('/replace/withcors/data.txt', $EVIL, 'PUT');
is $res->code, 403, 'Replace: refused preflight: 403';
is_deeply allow_headers_present($res), [],
    'Replace: refused preflight: no Access-Control-Allow-*';
ok !defined $res->header('X-Backend'),
    'Replace: refused preflight: no backend header';

$res = send_preflight('/replace/withcors/data.txt', $ORIGIN, 'DELETE');
is $res->code, 403, 'Replace: preflight for a refused method: 403';
ok !defined $res->header('X-Backend'),
    'Replace: preflight for a refused method: no backend header';

# An OPTIONS that is not a preflight is proxied like any request; once the
# backend has logged it, it would have logged the earlier preflights too.
$res = OPTIONS '/replace/plain/data.txt', Origin => $ORIGIN;
is $res->header('X-Backend'), 'yes',
    'OPTIONS without Access-Control-Request-Method reaches the backend';
ok wait_for_backend_log(qr{^OPTIONS /plain/data\.txt }),
    'the backend logged the non-preflight OPTIONS';
select undef, undef, undef, 0.2;
my @after = backend_log_lines();
my @new = @after[$before .. $#after];
is_deeply [ grep { /^OPTIONS / && !m{^OPTIONS /plain/data\.txt } } @new ], [],
    'the backend never received a preflight';

# --- A CGI that writes its own CORS headers -------------------------------
$res = GET '/cgi/int_acao.cgi', Origin => $ORIGIN;
is $res->code, 200, 'Replace, CGI: 200';
is $res->header('X-Cgi'), 'yes', 'Replace, CGI: other CGI headers kept';
replaced_ok($res, 'Replace, CGI');

$res = GET '/cgi/int_acao.cgi', Origin => $EVIL;
is_deeply cors_headers_present($res), [],
    'Replace, CGI, disallowed origin: no Access-Control-* header';

$res = GET '/cgikeep/int_acao.cgi', Origin => $ORIGIN;
is $res->code, 200, 'Keep, CGI: 200';
kept_ok($res, 'Keep, CGI', "the CGI's", 'X-Cgi');

# Keep and Passthrough: the CGI answers the preflight with its own headers;
# mod_cors adds only the preflight's Vary.
$res = send_preflight('/cgikeeppass/int_acao.cgi', $ORIGIN, 'PUT');
is $res->code, 200, 'Keep, CGI answering a preflight: 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Keep, CGI answering a preflight: the CGI\'s Access-Control-Allow-Origin';
is $res->header('Vary'), '*', 'Keep, CGI answering a preflight: Vary: *';

# --- `Header` lines writing Access-Control-* inside the CORS scope --------
# <VirtualHost int_hdr>: Header set Access-Control-Allow-Origin "*" and
# Header always set Access-Control-Allow-Credentials "false" in each
# <Location>; /cred/ has CORSAllowCredentials On, /nocred/ not, /keep/ is
# CORSBackendHeaders Keep.
Apache::TestRequest::module('int_hdr');

$res = GET '/cred/file.txt', Origin => $ORIGIN;
is $res->code, 200, 'Header lines, credentials: 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, credentials: one Access-Control-Allow-Origin, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Header lines, credentials: one Access-Control-Allow-Credentials: true';
is_deeply cors_headers_present($res),
    [qw(access-control-allow-credentials access-control-allow-origin)],
    'Header lines, credentials: no other Access-Control-* header';
is vary_count($res, 'Origin'), 1,
    'Header lines, credentials: Vary: Origin once';

$res = GET '/nocred/file.txt', Origin => $ORIGIN;
is $res->code, 200, 'Header lines, no credentials: 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, no credentials: one Access-Control-Allow-Origin, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), [],
    'Header lines, no credentials: no Access-Control-Allow-Credentials';
is_deeply cors_headers_present($res), ['access-control-allow-origin'],
    'Header lines, no credentials: no other Access-Control-* header';

$res = GET '/cred/file.txt', Origin => $EVIL;
is_deeply cors_headers_present($res), [],
    'Header lines, disallowed origin: neither "*" nor "false"';
is vary_count($res, 'Origin'), 1,
    'Header lines, disallowed origin: Vary: Origin once';

$res = GET '/cred/file.txt';
is_deeply cors_headers_present($res), [],
    'Header lines, no Origin: no Access-Control-* header';

$res = GET '/cred/missing.txt', Origin => $ORIGIN;
is $res->code, 404, 'Header lines, 404: status';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, 404: one Access-Control-Allow-Origin, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Header lines, 404: the module\'s Access-Control-Allow-Credentials only';

for my $case (['/cred/file.txt', 'credentials', ['true'], 'one ACAC, true'],
              ['/nocred/file.txt', 'no credentials', [], 'no ACAC'])
{
    my ($path, $what, $acac, $acac_name) = @$case;
    $res = send_preflight($path, $ORIGIN, 'PUT');
    is $res->code, 204, "Header lines, $what: preflight 204";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "Header lines, $what: preflight: one ACAO, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), $acac,
        "Header lines, $what: preflight: $acac_name";
}

$res = send_preflight('/cred/file.txt', $EVIL, 'PUT');
is $res->code, 403, 'Header lines: refused preflight 403';
is_deeply allow_headers_present($res), [],
    'Header lines: refused preflight, no Access-Control-Allow-*';

$res = GET '/keep/file.txt', Origin => $ORIGIN;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Header lines under Keep: the Header line\'s "*", once';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    'Header lines under Keep: the Header line\'s "false", once';
