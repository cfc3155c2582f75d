# Vary merging (issue 2, rule 8): a `Header` line, a CGI or a proxied
# backend that sends its own Vary keeps its tokens, and Origin appears
# exactly once whatever the case it was written in.  Config: <VirtualHost
# core_vary> in t/conf/extra.conf.in; <VirtualHost int_proxy> (the CGI
# t/cgi-bin/int_vary.cgi, and <Location /vary/> of int_backend behind
# /replace/) in t/conf/integration.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest;
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 50;

reset_user_agent();

# TOKEN (Origin by default; * for a preflight) and Accept-Encoding once
# each: 2 tests.
sub vary_ok
{
    my ($res, $name, $token) = @_;
    $token //= 'Origin';
    is vary_count($res, $token), 1, "$name: Vary has $token exactly once";
    is vary_count($res, 'Accept-Encoding'), 1,
        "$name: Vary keeps Accept-Encoding, once";
}

sub acao { values_of($_[0], 'Access-Control-Allow-Origin') }

# Status, Access-Control-Allow-Origin (the origin once, or none) and
# vary_ok: 4 tests.
sub answer_ok
{
    my ($res, $code, $acao, $name) = @_;
    is $res->code, $code, "$name: $code";
    is_deeply acao($res), $acao, "$name: " . (@$acao ? 'one ACAO' : 'no ACAO');
    vary_ok($res, $name);
}


my $EVIL = 'https://evil.example.com';
my $res;

# --- Header set Vary "Accept-Encoding" in the CORS scope ------------------
Apache::TestRequest::module('core_vary');
my $LOCAL = 'http://localhost:3000';

answer_ok(GET('/core/data.json', Origin => $LOCAL), 200, [$LOCAL],
          'Header set Vary, allowed origin');
answer_ok(GET('/core/data.json', Origin => $EVIL), 200, [],
          'Header set Vary, disallowed origin');

$res = GET '/core/data.json';
is $res->code, 200, 'Header set Vary, no Origin: 200';
vary_ok($res, 'Header set Vary, no Origin');

$res = send_preflight('/core/data.json', $LOCAL, 'PUT');
is $res->code, 204, 'Header set Vary, preflight: 204';
is_deeply acao($res), [$LOCAL], 'Header set Vary, preflight: one ACAO';
vary_ok($res, 'Header set Vary, preflight', '*');

# --- Header always set Vary "accept-encoding, ORIGIN" ---------------------
answer_ok(GET('/core/items.json', Origin => $LOCAL), 200, [$LOCAL],
          'Header always set Vary with ORIGIN, allowed origin');

$res = GET '/core/items.json';
vary_ok($res, 'Header always set Vary with ORIGIN, no Origin');

$res = GET '/core/no-such-file.json', Origin => $LOCAL;
is $res->code, 404, 'Header always set Vary with ORIGIN, 404: status';
is_deeply acao($res), [$LOCAL],
    'Header always set Vary with ORIGIN, 404: one ACAO';

$res = send_preflight('/core/items.json', $LOCAL, 'PUT');
is $res->code, 204, 'Header always set Vary with ORIGIN, preflight: 204';
vary_ok($res, 'Header always set Vary with ORIGIN, preflight', '*');

$res = send_preflight('/core/items.json', $LOCAL, 'DELETE');
is $res->code, 403,
    'Header always set Vary with ORIGIN, refused preflight: 403';
vary_ok($res, 'Header always set Vary with ORIGIN, refused preflight',
        '*');

# --- A CGI printing "Vary: Origin, Accept-Encoding" -----------------------
Apache::TestRequest::module('int_proxy');
my $APP = 'https://app.example.com';

$res = GET '/cgi/int_vary.cgi', Origin => $APP;
is $res->code, 200, 'CGI Vary, allowed origin: 200';
is $res->content, "int_vary\n", 'CGI Vary, allowed origin: the CGI ran';
is_deeply acao($res), [$APP], 'CGI Vary, allowed origin: one ACAO';
vary_ok($res, 'CGI Vary, allowed origin');

answer_ok(GET('/cgi/int_vary.cgi', Origin => $EVIL), 200, [],
          'CGI Vary, disallowed origin');

$res = GET '/cgi/int_vary.cgi';
vary_ok($res, 'CGI Vary, no Origin');

# --- A proxied backend sending "Vary: Accept-Encoding, origin" ------------
$res = GET '/replace/vary/data.txt', Origin => $APP;
is $res->code, 200, 'backend Vary, allowed origin: 200';
is $res->content, "backend vary\n", 'backend Vary: the backend answered';
is_deeply acao($res), [$APP], 'backend Vary, allowed origin: one ACAO';
vary_ok($res, 'backend Vary, allowed origin');

$res = GET '/replace/vary/data.txt', Origin => $EVIL;
is_deeply acao($res), [], 'backend Vary, disallowed origin: no ACAO';
vary_ok($res, 'backend Vary, disallowed origin');

$res = GET '/replace/vary/data.txt';
vary_ok($res, 'backend Vary, no Origin');
