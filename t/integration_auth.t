# Preflights and actual requests in locations that need a login or deny
# access (issue 2, behaviour rules 4 and 5).  Config: <VirtualHost int_auth>
# in t/conf/integration.conf.in; user intuser/intpass in
# t/htdocs/integration/auth.htpasswd.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use MIME::Base64 ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $ORIGIN = 'https://app.example.com';
my $EVIL   = 'https://evil.example.com';
my $GOOD_LOGIN = 'Basic ' . MIME::Base64::encode_base64('intuser:intpass', '');
my $BAD_LOGIN  = 'Basic ' . MIME::Base64::encode_base64('intuser:wrong', '');

# t/TEST.PL loads the auth modules itself, so need_module() may not see
# them: no skip condition.
plan tests => 122;

reset_user_agent();
Apache::TestRequest::module('int_auth');

# A PUT preflight asking for Authorization and Content-Type.
sub preflight
{
    my ($path, $origin, @extra) = @_;
    return send_preflight($path, $origin, 'PUT',
        'Access-Control-Request-Headers' => 'authorization, content-type',
        @extra);
}

# A successful preflight: 7 tests.
sub preflight_ok
{
    my ($res, $name) = @_;
    is $res->code, 204, "$name: status 204";
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: one Access-Control-Allow-Origin, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
        "$name: Access-Control-Allow-Credentials: true";
    ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
        "$name: Access-Control-Allow-Methods contains PUT";
    my %h = map { $_ => 1 } tokens_of($res, 'Access-Control-Allow-Headers');
    ok($h{authorization} && $h{'content-type'},
       "$name: Access-Control-Allow-Headers contains both names");
    is vary_count($res, '*'), 1, "$name: Vary: * once";
    is $res->content, '', "$name: empty body";
}

# An actual response carrying the CORS headers: 3 tests.
sub actual_ok
{
    my ($res, $name) = @_;
    is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
        "$name: one Access-Control-Allow-Origin, the origin";
    is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
        "$name: Access-Control-Allow-Credentials: true";
    is vary_count($res, 'Origin'), 1, "$name: Vary: Origin once";
}

# A GET from the origin, its status and actual_ok: 4 tests.
sub get_cors_ok
{
    my ($path, $code, $name, @login) = @_;
    my $res = GET $path, Origin => $ORIGIN, @login;
    is $res->code, $code, "$name: $code";
    actual_ok($res, "$name ($code)");
}

my $res;

# --- Require valid-user, CORSPreflightAuth Skip (default) ----------------
$res = preflight('/basic/file.txt', $ORIGIN);
preflight_ok($res, 'valid-user preflight without credentials');
ok !defined $res->header('WWW-Authenticate'),
    'valid-user preflight: no WWW-Authenticate';

$res = preflight('/basic/', $ORIGIN);
preflight_ok($res, 'valid-user preflight to the directory');

$res = GET '/basic/file.txt', Origin => $ORIGIN;
is $res->code, 401, 'valid-user GET without credentials: 401';
ok defined $res->header('WWW-Authenticate'),
    'valid-user GET without credentials: WWW-Authenticate';
actual_ok($res, 'valid-user GET without credentials (401)');

get_cors_ok('/basic/file.txt', 401, 'valid-user GET with a wrong password',
            Authorization => $BAD_LOGIN);

$res = GET '/basic/file.txt', Origin => $ORIGIN, Authorization => $GOOD_LOGIN;
is $res->code, 200, 'valid-user GET with credentials: 200';
is $res->content, "int auth basic\n", 'valid-user GET with credentials: body';
actual_ok($res, 'valid-user GET with credentials (200)');

$res = PUT '/basic/file.txt', Origin => $ORIGIN, content => 'x';
is $res->code, 401, 'valid-user PUT without credentials: 401';
actual_ok($res, 'valid-user PUT without credentials (401)');

$res = GET '/basic/file.txt', Origin => $EVIL;
is $res->code, 401, 'valid-user GET from a disallowed origin: 401';
is_deeply cors_headers_present($res), [],
    'valid-user GET from a disallowed origin: no Access-Control-* header';
is vary_count($res, 'Origin'), 1,
    'valid-user GET from a disallowed origin: Vary: Origin once';

# The login is skipped for preflights, whatever their outcome: a refused
# preflight is the module's 403, not a 401.
$res = preflight('/basic/file.txt', $EVIL);
is $res->code, 403, 'valid-user preflight from a disallowed origin: 403';
is_deeply allow_headers_present($res), [],
    'valid-user preflight from a disallowed origin: no Access-Control-Allow-*';
like $res->header('Content-Type') // '', qr{^text/plain},
    'valid-user preflight from a disallowed origin: text/plain';

$res = send_preflight('/basic/file.txt', $ORIGIN, 'PATCH');
is $res->code, 403, 'valid-user preflight for a refused method: 403';
is_deeply allow_headers_present($res), [],
    'valid-user preflight for a refused method: no Access-Control-Allow-*';

# Not a preflight (no Access-Control-Request-Method): the login applies.
$res = OPTIONS '/basic/file.txt', Origin => $ORIGIN;
is $res->code, 401, 'valid-user OPTIONS without ACRM: 401';
$res = OPTIONS '/basic/file.txt', Origin => $ORIGIN,
    'Access-Control-Request-Method' => '';
is $res->code, 401, 'valid-user OPTIONS with an empty ACRM: 401';
$res = OPTIONS '/basic/file.txt', 'Access-Control-Request-Method' => 'PUT';
is $res->code, 401, 'valid-user OPTIONS without Origin: 401';

# --- Denied without any login: preflights refused ------------------------
for my $case (['/denied/file.txt',    'Require all denied'],
              ['/ipdenied/file.txt',  'failing Require ip'],
              ['/envdenied/file.txt', 'failing Require env'],
              ['/hostdenied/file.txt', 'failing Require host'],
              ['/allof/file.txt',     'RequireAll: failing ip + valid-user'])
{
    my ($path, $name) = @$case;
    $res = preflight($path, $ORIGIN);
    is $res->code, 403, "$name: preflight 403";
    # A failed preflight, like the module's own refusals.
    is_deeply allow_headers_present($res), [],
        "$name: preflight without any Access-Control-Allow-* header";

    $res = GET $path, Origin => $ORIGIN;
    is $res->code, 403, "$name: GET 403";
    actual_ok($res, "$name: GET (403)");
}

$res = GET '/allof/file.txt', Origin => $ORIGIN, Authorization => $GOOD_LOGIN;
is $res->code, 403, 'RequireAll: GET with credentials still 403';
actual_ok($res, 'RequireAll: GET with credentials (403)');

# RequireAny of a failing ip and a login: only a login could grant it.
$res = preflight('/anyof/file.txt', $ORIGIN);
preflight_ok($res, 'RequireAny: failing ip or valid-user: preflight');
get_cors_ok('/anyof/file.txt', 401, 'RequireAny: GET without credentials');
get_cors_ok('/anyof/file.txt', 200, 'RequireAny: GET with credentials',
            Authorization => $GOOD_LOGIN);

# --- CORSPreflightAuth Enforce --------------------------------------------
$res = preflight('/enforce/file.txt', $ORIGIN);
is $res->code, 401, 'Enforce: preflight without credentials: 401';
ok defined $res->header('WWW-Authenticate'),
    'Enforce: preflight without credentials: WWW-Authenticate';
is_deeply allow_headers_present($res), [],
    'Enforce: failed preflight without any Access-Control-Allow-* header';

$res = preflight('/enforce/file.txt', $ORIGIN, Authorization => $GOOD_LOGIN);
preflight_ok($res, 'Enforce: preflight with credentials');

get_cors_ok('/enforce/file.txt', 401, 'Enforce: GET without credentials');
get_cors_ok('/enforce/file.txt', 200, 'Enforce: GET with credentials',
            Authorization => $GOOD_LOGIN);

# --- Passthrough behind a login: the handler gets the preflight ----------
# The default handler answers OPTIONS with 200 and an Allow header.
$res = preflight('/passauth/file.txt', $ORIGIN);
is $res->code, 200, 'Passthrough + valid-user: preflight reaches the handler';
ok defined $res->header('Allow'),
    'Passthrough + valid-user: the handler\'s Allow header';
is_deeply values_of($res, 'Access-Control-Allow-Origin'), [$ORIGIN],
    'Passthrough + valid-user: one Access-Control-Allow-Origin';
is_deeply values_of($res, 'Access-Control-Allow-Credentials'), ['true'],
    'Passthrough + valid-user: Access-Control-Allow-Credentials: true';
ok token_count($res, 'Access-Control-Allow-Methods', 'PUT'),
    'Passthrough + valid-user: Access-Control-Allow-Methods contains PUT';

# Only preflights the policy allows skip the login under Passthrough: the
# handler must not see anonymous requests from origins nobody allowed.
$res = preflight('/passauth/file.txt', $EVIL);
is $res->code, 401,
    'Passthrough + valid-user: refused preflight meets the login (401)';
is_deeply cors_headers_present($res), [],
    'Passthrough + valid-user: refused preflight has no Access-Control-*';

$res = GET '/passauth/file.txt', Origin => $ORIGIN;
is $res->code, 401, 'Passthrough + valid-user: GET without credentials: 401';
actual_ok($res, 'Passthrough + valid-user: GET (401)');
