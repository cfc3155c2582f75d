# CORS directives in .htaccess (AllowOverride FileInfo) and scope merging:
# <Location> after .htaccess, nested <Directory>, several CORSAllowOrigin
# lines, an @name the serving vhost does not define, "*" meeting
# credentials only at request time, later scopes replacing method, header
# and expose lists, the <Files>/<Location>/<If> merge order, and which
# directives .htaccess accepts (issue 2: merging, rules 7 and the runtime
# "*" + credentials refusal).  Config: <VirtualHost int_htaccess>
# and <VirtualHost int_htaccess_other> in t/conf/integration.conf.in,
# .htaccess files under t/htdocs/integration/htaccess/.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use Apache::TestUtil qw(t_start_error_log_watch t_finish_error_log_watch);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 266;

reset_user_agent();
Apache::TestRequest::module('int_htaccess');

# Allowed: status 200, one ACAO = origin, ACAC as expected, Vary: 4 tests.
sub allowed_ok
{
    my ($path, $origin, $credentials, $name) = @_;
    my $res = GET $path, Origin => $origin;
    is $res->code, 200, "$name: 200";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$origin],
        "$name: exactly one Access-Control-Allow-Origin, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'),
        $credentials ? ['true'] : [],
        "$name: Access-Control-Allow-Credentials "
        . ($credentials ? 'true' : 'absent');
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";
    return $res;
}

# Refused: status 200, no Access-Control-*, Vary: Origin: 3 tests.
sub refused_ok
{
    my ($path, $origin, $name) = @_;
    my $res = GET $path, Origin => $origin;
    is $res->code, 200, "$name: 200";
    no_cors_ok($res, $name);
    return $res;
}

# CORS off: status 200, no Access-Control-*, no Vary: Origin: 3 tests.
sub off_ok
{
    my ($path, $origin, $name) = @_;
    my $res = GET $path, Origin => $origin;
    is $res->code, 200, "$name: 200";
    is_deeply cors_headers_present($res), [],
        "$name: no Access-Control-* header";
    is vary_count($res, 'Origin'), 0, "$name: no Vary: Origin";
    return $res;
}

sub cors_errors
{
    my ($code, @lines) = @_;
    return grep { /\[cors:error\]/ && /\Q$code\E/ } @lines;
}

my $res;

# --- @name the serving vhost does not define (from .htaccess) -------------
# First, so that no earlier request has logged the message in this child:
# two requests on one keep-alive connection, one message.
t_start_error_log_watch();
refused_ok('/undef/file.txt', 'https://elsewhere.example.com',
           'undefined @int_elsewhere, first request');
refused_ok('/undef/file.txt', 'https://elsewhere.example.com',
           'undefined @int_elsewhere, second request');
my @undef_lines = grep { /int_elsewhere/ }
                  cors_errors('CORS0010', t_finish_error_log_watch());
is scalar(@undef_lines), 1,
    'undefined @int_elsewhere: the error is logged once for two requests';

# Then more requests, each on a new connection so that several children
# may serve them: every child logs the message at most once.
t_start_error_log_watch();
reset_user_agent(keep_alive => 0);
my @codes = map {
    (GET '/undef/file.txt', Origin => 'https://elsewhere.example.com')->code
} 1 .. 12;
reset_user_agent();
is_deeply \@codes, [(200) x 12],
    'undefined @int_elsewhere: twelve more requests served (200)';
push @undef_lines, grep { /int_elsewhere/ }
    cors_errors('CORS0010', t_finish_error_log_watch());
ok scalar(@undef_lines) >= 1,
    'undefined @int_elsewhere: the error is logged (at least once)';
my @pids = map { /\[pid (\d+)/ ? $1 : () } @undef_lines;
is scalar(@pids), scalar(@undef_lines),
    'undefined @int_elsewhere: every message names its process';
my %per_pid;
$per_pid{$_}++ for @pids;
is_deeply [ grep { $per_pid{$_} > 1 } sort keys %per_pid ], [],
    'undefined @int_elsewhere: no process logs it twice';

# The vhost that defines the set allows its origin from the same .htaccess.
Apache::TestRequest::module('int_htaccess_other');
allowed_ok('/undef/file.txt', 'https://elsewhere.example.com', 0,
           '@int_elsewhere in the vhost that defines it');
Apache::TestRequest::module('int_htaccess');

# --- .htaccess with AllowOverride FileInfo -------------------------------
$res = allowed_ok('/ht/file.txt', 'https://ht.example.com', 0,
                  '.htaccess: allowed origin');
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Ht'],
    '.htaccess: CORSExposeHeaders';
refused_ok('/ht/file.txt', 'https://evil.example.com',
           '.htaccess: disallowed origin');

$res = send_preflight('/ht/file.txt', 'https://ht.example.com', 'DELETE',
    'Access-Control-Request-Headers' => 'x-custom');
is $res->code, 204, '.htaccess: preflight 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'),
    ['https://ht.example.com'], '.htaccess: preflight origin';
ok token_count($res, 'Access-Control-Allow-Methods', 'DELETE'),
    '.htaccess: preflight Access-Control-Allow-Methods contains DELETE';
ok token_count($res, 'Access-Control-Allow-Headers', 'X-Custom'),
    '.htaccess: preflight Access-Control-Allow-Headers contains X-Custom';
is $res->header('Access-Control-Max-Age'), '600',
    '.htaccess: preflight Access-Control-Max-Age';

$res = send_preflight('/ht/file.txt', 'https://ht.example.com', 'PATCH');
is $res->code, 403, '.htaccess: preflight for an unlisted method 403';

# --- <Location> merges after .htaccess ------------------------------------
$res = allowed_ok('/loc/file.txt', 'https://loc.example.com', 0,
                  '<Location> list replaces .htaccess list: its origin');
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Ht'],
    '<Location> after .htaccess: other .htaccess directives inherited';
refused_ok('/loc/file.txt', 'https://ht.example.com',
           '<Location> list replaces .htaccess list: the .htaccess origin');

# --- Nested <Directory> -----------------------------------------------------
$res = allowed_ok('/nested/file.txt', 'https://parent.example.com', 1,
                  'parent <Directory>');
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Parent'],
    'parent <Directory>: CORSExposeHeaders';

$res = allowed_ok('/nested/child/file.txt', 'https://child.example.com', 1,
                  'child <Directory>: its own origin, inherited credentials');
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Parent'],
    'child <Directory>: inherited CORSExposeHeaders';
refused_ok('/nested/child/file.txt', 'https://parent.example.com',
           'child <Directory>: the parent\'s origin is replaced');

$res = send_preflight('/nested/child/file.txt',
                      'https://child.example.com', 'PUT');
is $res->code, 204, 'child <Directory>: inherited CORSAllowMethods: 204';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'child <Directory>: preflight with inherited credentials';

off_ok('/nested/off/file.txt', 'https://parent.example.com',
       'CORSEnable Off in a child <Directory>');
$res = send_preflight('/nested/off/file.txt',
                      'https://parent.example.com', 'PUT');
is $res->code, 200, 'CORSEnable Off: OPTIONS served by the handler (200)';
is_deeply cors_headers_present($res), [],
    'CORSEnable Off: preflight without Access-Control-*';

off_ok('/nested/htoff/file.txt', 'https://parent.example.com',
       'CORSEnable Off in .htaccess under a CORS <Directory>');

allowed_ok('/nested/htchild/file.txt', 'https://htchild.example.com', 1,
           '.htaccess list under a <Directory>: its origin, credentials');
refused_ok('/nested/htchild/file.txt', 'https://parent.example.com',
           '.htaccess list under a <Directory>: parent origin replaced');

# --- Several CORSAllowOrigin lines in one scope add up --------------------
for my $scope (['/multi/file.txt', '<Directory>'],
               ['/multiht/file.txt', '.htaccess'])
{
    my ($path, $where) = @$scope;
    for my $origin (qw(https://one.example.com https://two.example.com
                       https://three.example.com))
    {
        allowed_ok($path, $origin, 0, "$where lines add up: $origin");
    }
}
refused_ok('/multiht/file.txt', 'https://four.example.com',
           '.htaccess lines add up: an unlisted origin');

# --- "*" meets credentials at request time ----------------------------------
t_start_error_log_watch();
$res = GET '/star/any/file.txt', Origin => 'https://evil.example.com';
is $res->code, 200, '<Location> "*" + <Directory> credentials: 200';
is_deeply cors_headers_present($res), [],
    '<Location> "*" + credentials: no "*" and no reflected origin';
$res = GET '/star/any/file.txt', Origin => 'https://evil.example.com';
is_deeply cors_headers_present($res), [],
    '<Location> "*" + credentials, again: no Access-Control-*';
my @star_lines = t_finish_error_log_watch();
is scalar(cors_errors('CORS0011', @star_lines)), 1,
    '<Location> "*" + credentials: the error is logged once for two requests';
is scalar(grep { /CORS0001: actual \/star\/any\/file\.txt on \S+ from origin 'https:\/\/evil\.example\.com': denied: origin-not-allowed: '\*' is ignored with CORSAllowCredentials On \(\S+integration\.conf:\d+\) and no other entry of CORSAllowOrigin \(\S+integration\.conf:\d+\) matches it; no other origin is listed$/ } @star_lines),
    2, '<Location> "*" + credentials: CORS0001 says "*" is ignored';

$res = GET '/star/any/file.txt', Origin => 'null';
is_deeply cors_headers_present($res), [],
    '<Location> "*" + credentials, Origin null: no Access-Control-*';
$res = GET '/star/any/file.txt', Origin => 'https://star.example.com';
is_deeply cors_headers_present($res), [],
    '<Location> "*" replaced the <Directory> list: star.example.com refused';

$res = send_preflight('/star/any/file.txt', 'https://evil.example.com', 'GET');
is $res->code, 403, '<Location> "*" + credentials: preflight refused';
is_deeply allow_headers_present($res), [],
    '<Location> "*" + credentials: refused preflight, no ACA*';

allowed_ok('/star/mixed/file.txt', 'https://friend.example.com', 1,
           '<Location> "* friend" + credentials: the listed origin');
$res = refused_ok('/star/mixed/file.txt', 'https://evil.example.com',
                  '<Location> "* friend" + credentials: another origin');

allowed_ok('/starht/file.txt', 'https://friend.example.com', 1,
           '.htaccess "* friend" + <Directory> credentials: the listed origin');
refused_ok('/starht/file.txt', 'https://evil.example.com',
           '.htaccess "* friend" + credentials: another origin');

# --- "null" meets credentials at request time -----------------------------
# Credentials from <Directory nullcred>; null from a <Location>, an
# .htaccess, or the set @int_mobile a <Location> names.  Each scope: two
# Origin: null requests refused with the reason, one CORS0012 line naming
# the null entry's file:line and the credentials line; the other origin
# still allowed with credentials; a null preflight refused.
for my $case (
    ['/nullcred/loc/', '<Location> null', 'https://friend.example.com',
     qr/CORSAllowOrigin null \(\S+integration\.conf:\d+\)/],
    ['/nullcred/ht/', '.htaccess null', 'https://friend.example.com',
     qr{CORSAllowOrigin null \(\S+/nullcred/ht/\.htaccess:2\)}],
    ['/nullcred/set/', '<Location> @int_mobile with null',
     'capacitor://localhost',
     qr/CORSOriginSet int_mobile null \(\S+integration\.conf:\d+\), used by CORSAllowOrigin \@int_mobile \(\S+integration\.conf:\d+\),/])
{
    my ($dir, $name, $other, $entry_re) = @$case;
    t_start_error_log_watch();
    for my $n (1, 2) {
        $res = GET "${dir}file.txt", Origin => 'null', Cookie => 's=1';
        is $res->code, 200, "$name + credentials, Origin null ($n): 200";
        no_cors_ok($res, "$name + credentials, Origin null ($n)");
    }
    my @lines = t_finish_error_log_watch();
    my @errors = cors_errors('CORS0012', @lines);
    is scalar(@errors), 1,
        "$name + credentials: CORS0012 logged once for two requests";
    like $errors[0] // '',
        qr/CORS0012: $entry_re meets CORSAllowCredentials On \(\S+integration\.conf:\d+\) in the merged configuration of this request; the origin null is refused and only the other listed origins are allowed: make the app send a real origin/,
        "$name + credentials: CORS0012 names both directives and the fix";
    is scalar(grep { /CORS0001: actual \Q${dir}\Efile\.txt on \S+ from origin 'null': denied: null-origin-with-credentials: the origin null is listed \(\S+\) but CORSAllowCredentials is On \(\S+integration\.conf:\d+\)/ } @lines),
        2, "$name + credentials: CORS0001 gives null-origin-with-credentials";

    allowed_ok("${dir}file.txt", $other, 1,
               "$name + credentials: $other still allowed");
    $res = send_preflight("${dir}file.txt", 'null', 'GET');
    is $res->code, 403, "$name + credentials: null preflight refused (403)";
    is_deeply cors_headers_present($res), [],
        "$name + credentials: refused null preflight, no Access-Control-*";
}

# --- Later scopes replace inherited method, header and expose lists -------
# The parent <Directory> allows PUT, X-Parent-Header, exposes X-Parent.
$res = send_preflight('/nested/file.txt', 'https://parent.example.com', 'PUT',
    'Access-Control-Request-Headers' => 'x-parent-header');
is $res->code, 204, 'parent lists: PUT with X-Parent-Header: 204';
is_deeply values_of($res, 'Access-Control-Allow-Headers'), ['X-Parent-Header'],
    'parent lists: Access-Control-Allow-Headers';
$res = send_preflight('/nested/file.txt',
                      'https://parent.example.com', 'DELETE');
is $res->code, 403, 'parent lists: DELETE refused';

for my $case (['/nested/lists/file.txt', 'DELETE', 'X-Child-Header', 'X-Child',
               'child <Directory>'],
              ['/nested/loclists/file.txt', 'PATCH', 'X-Loc-Header', 'X-Loc',
               '<Location>'],
              ['/nested/htlists/file.txt', 'PURGE', 'X-Ht-Header', 'X-Ht-Lists',
               '.htaccess'])
{
    my ($path, $method, $header, $expose, $name) = @$case;
    my $origin = 'https://parent.example.com';
    $name = "$name with its own lists";

    $res = send_preflight($path, $origin, 'PUT');
    is $res->code, 403, "$name: the inherited method PUT is refused";
    is_deeply allow_headers_present($res), [],
        "$name: refused PUT, no Access-Control-Allow-*";

    $res = send_preflight($path, $origin, $method);
    is $res->code, 204, "$name: its method $method: 204";
    is_deeply values_of($res, 'Access-Control-Allow-Methods'), [$method],
        "$name: Access-Control-Allow-Methods is its list";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
        "$name: credentials still inherited";

    $res = send_preflight($path, $origin, $method,
        'Access-Control-Request-Headers' => 'x-parent-header');
    is $res->code, 403, "$name: the inherited header X-Parent-Header is refused";

    $res = send_preflight($path, $origin, $method,
        'Access-Control-Request-Headers' => lc $header);
    is $res->code, 204, "$name: its header $header: 204";
    is_deeply values_of($res, 'Access-Control-Allow-Headers'), [$header],
        "$name: Access-Control-Allow-Headers is its list";

    $res = GET $path, Origin => $origin;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$origin],
        "$name: GET: the inherited origin";
    is_deeply values_of($res, 'Access-Control-Expose-Headers'), [$expose],
        "$name: GET: Access-Control-Expose-Headers is its list only";
}

# --- Request-time merge order: <Directory>, <Files>, <Location>, <If> ------
allowed_ok('/files/plain.json', 'https://dir.example.com', 0,
           '<Directory> list');
refused_ok('/files/plain.json', 'https://files.example.com',
           '<Directory> list: the <Files> origin is for special.json only');
allowed_ok('/files/special.json', 'https://files.example.com', 0,
           '<Files> inside the <Directory>: its origin');
refused_ok('/files/special.json', 'https://dir.example.com',
           '<Files> inside the <Directory>: the directory list is replaced');
allowed_ok('/files/loc.json', 'https://location.example.com', 0,
           '<Location> merged after <Files>: its origin');
refused_ok('/files/loc.json', 'https://files.example.com',
           '<Location> merged after <Files>: the <Files> list is replaced');
allowed_ok('/files/special.json?cors-other', 'https://if.example.com', 0,
           '<If> merged after <Files>: its origin');
refused_ok('/files/special.json?cors-other', 'https://files.example.com',
           '<If> merged after <Files>: the <Files> list is replaced');
allowed_ok('/files/loc.json?cors-other', 'https://if.example.com', 0,
           '<If> merged after <Location>: its origin');
refused_ok('/files/loc.json?cors-other', 'https://location.example.com',
           '<If> merged after <Location>: the <Location> list is replaced');
off_ok('/files/special.json?cors-off', 'https://files.example.com',
       '<If> with CORSEnable Off');

$res = send_preflight('/files/special.json',
                      'https://files.example.com', 'PUT');
is $res->code, 204, '<Files>: preflight 204';
is_deeply values_of($res, 'Access-Control-Allow-Origin'),
    ['https://files.example.com'], '<Files>: preflight origin';
$res = send_preflight('/files/special.json?cors-off',
                      'https://files.example.com', 'PUT');
is $res->code, 200, '<If> with CORSEnable Off: OPTIONS served by the handler';
ok defined $res->header('Allow'),
    '<If> with CORSEnable Off: the handler\'s Allow header';
is_deeply cors_headers_present($res), [],
    '<If> with CORSEnable Off: no Access-Control-* header';

# --- .htaccess: directives refused there, directives allowed there --------
for my $case (['/badauth/file.txt', 'CORSPreflightAuth'],
              ['/badinsecure/file.txt', 'CORSAllowInsecureOrigins'])
{
    my ($path, $directive) = @$case;
    t_start_error_log_watch();
    $res = GET $path, Origin => 'https://ht.example.com';
    is $res->code, 500, "$directive in .htaccess: GET 500";
    $res = send_preflight($path, 'https://ht.example.com', 'PUT');
    is $res->code, 500, "$directive in .htaccess: preflight 500";
    my @lines = grep { /\Q$directive\E not allowed here/ }
                t_finish_error_log_watch();
    ok scalar(@lines) >= 1,
        "$directive in .htaccess: httpd logs '$directive not allowed here'";
}

$res = allowed_ok('/htflags/file.txt', 'https://ht.example.com', 1,
                  '.htaccess CORSAllowCredentials On');
$res = send_preflight('/htflags/file.txt', 'https://ht.example.com', 'PUT',
    'Access-Control-Request-Private-Network' => 'true');
is $res->code, 200, '.htaccess CORSPreflightStatus 200: preflight 200';
is $res->content, '', '.htaccess CORSPreflightStatus 200: empty body';
is_deeply values_of($res, 'Access-Control-Allow-Origin'),
    ['https://ht.example.com'], '.htaccess flags: preflight origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    '.htaccess CORSAllowCredentials On: preflight ACAC true';
is_deeply values_of($res, 'Access-Control-Allow-Private-Network'), ['true'],
    '.htaccess CORSAllowPrivateNetwork On: ACAPN true';

$res = send_preflight('/htpass/file.txt', 'https://ht.example.com', 'PUT');
is $res->code, 200, '.htaccess CORSPreflightPassthrough On: the handler\'s 200';
ok defined $res->header('Allow'),
    '.htaccess CORSPreflightPassthrough On: the handler\'s Allow header';
is_deeply values_of($res, 'Access-Control-Allow-Origin'),
    ['https://ht.example.com'],
    '.htaccess CORSPreflightPassthrough On: Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Methods'), ['PUT'],
    '.htaccess CORSPreflightPassthrough On: Access-Control-Allow-Methods';
$res = send_preflight('/htpass/file.txt', 'https://evil.example.com', 'PUT');
is $res->code, 200,
    '.htaccess CORSPreflightPassthrough On, refused: the handler\'s 200';
is_deeply cors_headers_present($res), [],
    '.htaccess CORSPreflightPassthrough On, refused: no Access-Control-*';

# A CGI writing "Access-Control-Allow-Origin: *" and friends.
$res = GET '/cgi/keep/acao.cgi', Origin => 'https://ht.example.com';
is $res->code, 200, '.htaccess CORSBackendHeaders Keep: 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), ['*'],
    '.htaccess CORSBackendHeaders Keep: the CGI\'s ACAO, once';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['false'],
    '.htaccess CORSBackendHeaders Keep: the CGI\'s ACAC, once';
is_deeply values_of($res, 'Access-Control-Expose-Headers'), ['X-Cgi'],
    '.htaccess CORSBackendHeaders Keep: the CGI\'s ACEH, once';

$res = GET '/cgi/default/acao.cgi', Origin => 'https://ht.example.com';
is $res->code, 200, 'same CGI without the .htaccess (Replace): 200';
is_deeply values_of($res, 'Access-Control-Allow-Origin'),
    ['https://ht.example.com'],
    'same CGI without the .htaccess (Replace): the module\'s ACAO';
is_deeply cors_headers_present($res), ['access-control-allow-origin'],
    'same CGI without the .htaccess (Replace): no CGI Access-Control-*';
