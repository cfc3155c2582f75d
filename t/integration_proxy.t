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

my $ORIGIN = 'https://app.example.com';
my $EVIL   = 'https://evil.example.com';

# t/TEST.PL loads mod_proxy, mod_proxy_http, mod_headers and mod_cgi(d)
# itself, so need_module() does not see them: no skip condition.
plan tests => 111;

Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0,
                                keep_alive => 1);
Apache::TestRequest::module('int_proxy');

my $backend_log = File::Spec->catfile(Apache::Test::vars('t_logs'),
                                      'int_backend_access_log');

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
    is vary_origin_count($res), 1, "$name: Vary: Origin once";
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
is vary_origin_count($res), 1, 'Replace, disallowed origin: Vary: Origin once';

$res = GET '/replace/withcors/data.txt';
is $res->code, 200, 'Replace, no Origin: 200';
is_deeply cors_headers_present($res), [],
    'Replace, no Origin: no Access-Control-* header';
is vary_origin_count($res), 1, 'Replace, no Origin: Vary: Origin once';

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
is vary_origin_count($res), 1, 'Replace: backend 404: Vary: Origin once';

# --- Keep: the backend's headers untouched --------------------------------
$res = GET '/keep/withcors/data.txt', Origin => $ORIGIN;
is $res->code, 200, 'Keep: proxied GET: 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Keep: the backend\'s Access-Control-Allow-Origin, once';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    'Keep: the backend\'s Access-Control-Allow-Credentials, once';
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Backend'],
    'Keep: the backend\'s Access-Control-Expose-Headers, once';
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
is vary_origin_count($res), 1,
    'backend answers garbage, disallowed origin: Vary: Origin once';

# --- Preflights are answered by mod_cors, never by the backend -----------
ok wait_for_backend_log(qr{^GET /withcors/data\.txt }),
    'the backend logged the proxied GETs (the log works)';
my $before = () = backend_log_lines();

$res = OPTIONS '/replace/withcors/data.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 204, 'Replace: preflight answered 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Replace: preflight: one Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Replace: preflight: Access-Control-Allow-Credentials: true';
ok((grep { $_ eq 'put' } tokens_of($res, 'Access-Control-Allow-Methods')),
   'Replace: preflight: the module\'s Access-Control-Allow-Methods');
ok !defined $res->header('Access-Control-Max-Age'),
    'Replace: preflight: no backend Access-Control-Max-Age';
ok !defined $res->header('X-Backend'),
    'Replace: preflight: no backend header';
is $res->content, '', 'Replace: preflight: empty body';

$res = OPTIONS '/keep/withcors/data.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 204, 'Keep: preflight answered 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Keep: preflight: the module\'s Access-Control-Allow-Origin';
ok !defined $res->header('X-Backend'), 'Keep: preflight: no backend header';

$res = OPTIONS '/replace/withcors/data.txt', Origin => $EVIL,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 403, 'Replace: refused preflight: 403';
is_deeply [ grep { /^access-control-allow-/ } @{cors_headers_present($res)} ],
    [], 'Replace: refused preflight: no Access-Control-Allow-*';
ok !defined $res->header('X-Backend'),
    'Replace: refused preflight: no backend header';

$res = OPTIONS '/replace/withcors/data.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => 'DELETE';
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
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Keep, CGI: the CGI\'s Access-Control-Allow-Origin, once';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    'Keep, CGI: the CGI\'s Access-Control-Allow-Credentials, once';
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Cgi'],
    'Keep, CGI: the CGI\'s Access-Control-Expose-Headers, once';

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
is vary_origin_count($res), 1, 'Header lines, credentials: Vary: Origin once';

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
is vary_origin_count($res), 1, 'Header lines, disallowed origin: Vary: Origin once';

$res = GET '/cred/file.txt';
is_deeply cors_headers_present($res), [],
    'Header lines, no Origin: no Access-Control-* header';

$res = GET '/cred/missing.txt', Origin => $ORIGIN;
is $res->code, 404, 'Header lines, 404: status';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, 404: one Access-Control-Allow-Origin, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Header lines, 404: the module\'s Access-Control-Allow-Credentials only';

$res = OPTIONS '/cred/file.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 204, 'Header lines, credentials: preflight 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, credentials: preflight: one ACAO, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Header lines, credentials: preflight: one ACAC, true';

$res = OPTIONS '/nocred/file.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 204, 'Header lines, no credentials: preflight 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Header lines, no credentials: preflight: one ACAO, the origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), [],
    'Header lines, no credentials: preflight: no ACAC';

$res = OPTIONS '/cred/file.txt', Origin => $EVIL,
    'Access-Control-Request-Method' => 'PUT';
is $res->code, 403, 'Header lines: refused preflight 403';
is_deeply [ grep { /^access-control-allow-/ } @{cors_headers_present($res)} ],
    [], 'Header lines: refused preflight, no Access-Control-Allow-*';

$res = GET '/keep/file.txt', Origin => $ORIGIN;
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    'Header lines under Keep: the Header line\'s "*", once';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    'Header lines under Keep: the Header line\'s "false", once';
