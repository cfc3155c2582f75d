# Why mod_cors decided what it did (issue 4, parts 1-4): one CORS0001 line
# per decision naming the reason and the closest allowed alternative; the
# CORS_REQUEST_TYPE, CORS_DECISION and CORS_REASON variables; CORSMode
# ReportOnly, which changes no response; CORSDebugHeaders.
# Config: t/conf/diag.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET OPTIONS);
use Apache::TestUtil qw(t_start_error_log_watch t_finish_error_log_watch);
use File::Spec ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 120;

my $APP = 'https://app.example.com';
my $CONF = qr/diag\.conf:\d+/;

# Sends one request; returns the response and its CORS0001 lines.
sub watched
{
    my $send = shift;
    t_start_error_log_watch();
    my $res = $send->();
    return ($res, grep { /CORS0001/ } t_finish_error_log_watch());
}

sub preflight
{
    my ($url, $origin, $method, @more) = @_;
    return OPTIONS $url, Origin => $origin,
        'Access-Control-Request-Method' => $method, @more;
}

# ---------------------------------------------------------------- 1. log
# Each refusal: one line at debug, "<type> <uri> ... denied: <token>: <why>".
Apache::TestRequest::module('diag_policy');
for my $case (
    ['port', sub { GET '/data.json', Origin => 'https://app.example.com:8443' },
     'actual', 'origin-not-allowed',
     qr/no entry of CORSAllowOrigin \(\S*$CONF\) matches it; port differs from allowed origin https:\/\/app\.example\.com$/],
    ['scheme', sub { GET '/data.json', Origin => 'http://app.example.com' },
     'actual', 'origin-not-allowed',
     qr/; scheme differs from allowed origin https:\/\/app\.example\.com$/],
    ['www', sub { GET '/data.json', Origin => 'https://www.app.example.com' },
     'actual', 'origin-not-allowed',
     qr/; www\. prefix differs from allowed origin https:\/\/app\.example\.com$/],
    ['bare domain', sub { GET '/data.json', Origin => 'https://example.org' },
     'actual', 'origin-not-allowed',
     qr/; https:\/\/\*\.example\.org matches subdomains only, not the domain itself$/],
    ['set', sub { preflight('/data.json', 'http://team.example.net', 'PUT') },
     'preflight', 'origin-not-allowed',
     qr/; scheme differs from allowed origin https:\/\/team\.example\.net$/],
    ['nothing close', sub { GET '/data.json', Origin => 'https://evil.example.com' },
     'actual', 'origin-not-allowed',
     qr/: no entry of CORSAllowOrigin \(\S*$CONF\) matches it; allowed: https:\/\/app\.example\.com, https:\/\/\*\.example\.org, \@team, http:\/\/localhost:3000$/],
    ['letter case', sub { GET '/data.json', Origin => 'https://APP.example.com' },
     'actual', 'malformed-origin',
     qr/: the Origin is not scheme:\/\/host\[:port\] as browsers send it; letter case differs from allowed origin https:\/\/app\.example\.com: browsers send origins in lower case$/],
    ['trailing slash', sub { GET '/data.json', Origin => 'http://localhost:3000/' },
     'actual', 'malformed-origin',
     qr/; an Origin has no path or trailing slash; without it, it would match allowed origin http:\/\/localhost:3000$/],
    ['null', sub { GET '/data.json', Origin => 'null' },
     'actual', 'null-origin-not-allowed',
     qr/: the origin null \(sandboxed frames, file: pages, cross-origin redirects\) is not listed in CORSAllowOrigin \(\S*$CONF\)$/],
    ['no origin allowed', sub { GET '/noorigin/data.json', Origin => $APP },
     'actual', 'origin-not-allowed',
     qr/: no entry of CORSAllowOrigin \(\S*$CONF\) matches it; allowed: \@team$/],
    ['method', sub { preflight('/data.json', $APP, 'DELETE') },
     'preflight', 'method-not-allowed',
     qr/: DELETE is not in CORSAllowMethods \(GET, POST, PUT; \S*$CONF\)$/],
    ['header', sub { preflight('/data.json', $APP, 'PUT',
                               'Access-Control-Request-Headers' => 'content-type,x-secret') },
     'preflight', 'header-not-allowed',
     qr/: the request header x-secret is not in CORSAllowHeaders \(Content-Type; \S*$CONF\)$/],
    ['credentials', sub { GET '/data.json', Origin => $APP, Cookie => 'sid=1' },
     'actual', 'credentials-not-allowed',
     qr/: the request carries a Cookie, so the page sent credentials, but CORSAllowCredentials is Off \(default\): the browser will not let it read the response$/],
    # httpd's error log escapes the message once: a backslash shows as two,
    # not four (mod_cors does not escape it again), and a quote as it is.
    ['hostile method', sub { preflight('/data.json', $APP, 'PU"T') },
     'preflight', 'method-not-allowed', qr/: 'PU"T' is not a method name$/],
    ['backslash in the method', sub { preflight('/data.json', $APP, 'PU\\T') },
     'preflight', 'method-not-allowed', qr/: 'PU\\\\T' is not a method name$/],
    ['unknown set', sub { GET '/otherset/data.json', Origin => $APP },
     'actual', 'unknown-origin-set',
     qr/: CORSAllowOrigin \@elsewhere \(\S*$CONF\): this virtual host defines no set 'elsewhere'$/],
    ['malformed request headers', sub { preflight('/data.json', $APP, 'PUT',
                               'Access-Control-Request-Headers' => 'content-type, x y') },
     'preflight', 'malformed-request-headers',
     qr/: Access-Control-Request-Headers is not a comma-separated list of header names$/],
    ['too many request headers', sub { preflight('/data.json', $APP, 'PUT',
                               'Access-Control-Request-Headers' => join(',', ('content-type') x 65)) },
     'preflight', 'too-many-request-headers',
     qr/: Access-Control-Request-Headers names more than 64 headers or is longer than 4096 bytes$/],
    ['refused by access control', sub { preflight('/denied/data.json', $APP, 'PUT') },
     'preflight', 'preflight-refused-by-server',
     qr/: the server answered 403 before mod_cors could: access control, a login \(see CORSPreflightAuth\) or a redirect applies to this OPTIONS request$/],
) {
    my ($name, $send, $type, $token, $why) = @$case;
    my ($res, @lines) = watched($send);
    is(scalar @lines, 1, "$name: one CORS0001 line");
    my $line = $lines[0] // '';
    $line =~ s/\s+$//;
    like($line, qr/\[cors:debug\]/, "$name: at debug level");
    like($line, qr/CORS0001: \Q$type\E \/\S* on \S+ from origin '[^']*': denied: \Q$token\E: /,
         "$name: $type, denied, $token");
    like($line, $why, "$name: says why");
}

# A preflight refused by access control and served by an ErrorDocument
# page (which httpd fetches with GET) is still a refused preflight.
{
    my ($res, @lines) = watched(sub { preflight('/errdoc/data.json', $APP, 'PUT') });
    is($res->code, 403, 'ErrorDocument for a refused preflight: 403');
    is($res->header('Access-Control-Allow-Origin'), undef,
       'ErrorDocument for a refused preflight: no ACAO');
    like($res->header('CORS-Debug') // '',
         qr/^denied; reason=preflight-refused-by-server; request=preflight; why="the server answered 403 /,
         'ErrorDocument for a refused preflight: CORS-Debug');
    is(scalar @lines, 1, 'ErrorDocument for a refused preflight: one CORS0001 line');
    like($lines[0] // '', qr/CORS0001: preflight \/env \(internal redirect\) on \S+ from origin '\Q$APP\E': denied: preflight-refused-by-server: /,
         'ErrorDocument for a refused preflight: logged as a refused preflight');
}

# An allowed request logs "allowed" at trace1 and nothing at debug.
{
    my ($res, @lines) = watched(sub { GET '/data.json', Origin => $APP });
    is_deeply([grep { !/\[cors:trace1\]/ } @lines], [], 'allowed: nothing above trace1');
}

# ------------------------------------------------------ 2. annotations
# The access log shows CORS_REQUEST_TYPE, CORS_DECISION and CORS_REASON.
sub access_log_lines
{
    my $file = File::Spec->catfile(Apache::Test::vars('t_logs'), 'diag_access_log');
    open my $fh, '<', $file or return ();
    my @lines = <$fh>;
    chomp @lines;
    return @lines;
}
my $port = Apache::Test::vars('diag_policy_port');
# One kept-alive connection: each line is written before the next request is read.
reset_user_agent();
for my $s (
    [sub { preflight('/data.json', $APP, 'PUT') }, 'OPTIONS /data.json preflight allowed allowed'],
    [sub { preflight('/data.json', $APP, 'PATCH') }, 'OPTIONS /data.json preflight denied method-not-allowed'],
    [sub { GET '/data.json', Origin => $APP }, 'GET /data.json actual allowed allowed'],
    [sub { GET '/data.json', Origin => 'https://evil.example.com' }, 'GET /data.json actual denied origin-not-allowed'],
    [sub { GET '/data.json' }, 'GET /data.json - - -'],
) {
    my $before = () = access_log_lines();
    $s->[0]->();
    # The line is written after the response: wait for it.
    my @lines;
    for (1 .. 100) {
        @lines = access_log_lines();
        last if @lines > $before;
        select undef, undef, undef, 0.02;
    }
    is($lines[$before], "$port $s->[1]", "access log: $s->[1]");
}

# A CGI sees the variables of an actual request.
is(GET('/env', Origin => $APP)->content,
   "type=actual decision=allowed reason=allowed\n", 'CGI: allowed actual request');
is(GET('/env', Origin => 'https://evil.example.com')->content,
   "type=actual decision=denied reason=origin-not-allowed\n",
   'CGI: denied actual request');
is(GET('/env')->content, "type=unset decision=unset reason=unset\n",
   'CGI: no Origin, no variables');

# mod_rewrite reads CORS_DECISION in fixups.
is(GET('/rewrite/data.json', Origin => $APP)->code, 200, 'rewrite: allowed origin passes');
is(GET('/rewrite/data.json', Origin => 'https://evil.example.com')->code, 403,
   'rewrite: RewriteCond %{ENV:CORS_DECISION} =denied turns a denied origin away');
is(GET('/rewrite/data.json')->code, 200, 'rewrite: no Origin, no CORS_DECISION');

# Set before access control: Require expr reads it.
is(GET('/requireexpr/data.json', Origin => $APP)->code, 200,
   'Require expr: allowed origin passes');
is(GET('/requireexpr/data.json', Origin => 'https://evil.example.com')->code, 403,
   'Require expr %{ENV:CORS_DECISION}: a denied origin is refused');
is(GET('/requireexpr/data.json')->code, 200, 'Require expr: no Origin passes');

# ------------------------------------------------------ 4. debug headers
{
    my $res = GET '/data.json', Origin => $APP;
    is($res->header('CORS-Debug'), undef, 'CORSDebugHeaders Off: no CORS-Debug');
    $res = preflight('/debug/data.json', $APP, 'DELETE');
    is($res->code, 403, 'debug, refused preflight: 403');
    like($res->header('CORS-Debug') // '',
         qr/^denied; reason=method-not-allowed; request=preflight; why="DELETE is not in CORSAllowMethods \(GET, POST, PUT; \S*diag\.conf:\d+\)"$/,
         'debug, refused preflight: CORS-Debug says why');
    $res = GET '/debug/data.json', Origin => $APP;
    is($res->header('CORS-Debug'), 'allowed; reason=allowed; request=actual',
       'debug, allowed request: CORS-Debug');
    is($res->header('Access-Control-Allow-Origin'), $APP,
       'debug, allowed request: ACAO as usual');
    $res = GET '/debug/data.json', Origin => "https://e\"vil.example.com";
    like($res->header('CORS-Debug') // '',
         qr/^denied; reason=malformed-origin; request=actual; why="the Origin is not scheme:\/\/host\[:port\] as browsers send it"$/,
         'debug, hostile origin: CORS-Debug stays one quoted string');
    $res = GET '/debug/data.json';
    is($res->header('CORS-Debug'), undef, 'debug, no Origin: no CORS-Debug');

    # Inside <If "-R ...">: only for the trusted network.
    Apache::TestRequest::module('diag_trusted');
    like(GET('/data.json', Origin => 'https://evil.example.com')->header('CORS-Debug') // '',
         qr/^denied; reason=origin-not-allowed; request=actual; why="no entry of CORSAllowOrigin \(\S+diag\.conf:\d+\) matches it; allowed: https:\/\/app\.example\.com"$/,
         '<If -R 127.0.0.0/8>: CORS-Debug for a loopback client');
    Apache::TestRequest::module('diag_untrusted');
    is(GET('/data.json', Origin => 'https://evil.example.com')->header('CORS-Debug'), undef,
       '<If -R 10.0.0.0/8>: no CORS-Debug for a loopback client');

    # Never in .htaccess.
    Apache::TestRequest::module('diag_policy');
    t_start_error_log_watch();
    is(GET('/htaccess/data.json', Origin => $APP)->code, 500,
       'CORSDebugHeaders in .htaccess: 500');
    like(join('', t_finish_error_log_watch()), qr/CORSDebugHeaders not allowed here/,
         'CORSDebugHeaders in .htaccess: "not allowed here" in the error log');
}

# ------------------------------------------------------ 3. ReportOnly
# Every request, to ReportOnly and to the same site without mod_cors: the
# same status, headers (but Date) and body.
sub snapshot
{
    my $res = shift;
    my @h;
    $res->headers->scan(sub { push @h, "$_[0]: $_[1]" unless $_[0] =~ /^(?:Date|Client-.*)$/ });
    return join("\n", $res->code, sort(@h), '', $res->content);
}
for my $case (
    ['allowed preflight', sub { preflight('/data.json', $APP, 'PUT', 'Access-Control-Request-Headers' => 'content-type') }],
    ['refused preflight', sub { preflight('/data.json', 'https://evil.example.com', 'PUT') }],
    ['preflight behind a login', sub { preflight('/login/data.json', $APP, 'PUT') }],
    ['allowed GET', sub { GET '/data.json', Origin => $APP }],
    ['refused GET', sub { GET '/data.json', Origin => 'https://evil.example.com' }],
    ['GET without Origin', sub { GET '/data.json' }],
    ['404', sub { GET '/missing.json', Origin => $APP }],
    ['CGI with its own ACAO', sub { GET '/env', Origin => 'https://evil.example.com' }],
) {
    my ($name, $send) = @$case;
    Apache::TestRequest::module('diag_plain');
    my $plain = $send->();
    Apache::TestRequest::module('diag_report');
    my ($report, @lines) = watched($send);
    my ($a, $b) = (snapshot($report), snapshot($plain));
    # The CGI prints the variables mod_cors set: the only difference allowed
    # (with the length; whether a CGI answer has one depends on timing).
    for ($a, $b) {
        s/^(?:Content-Length|Transfer-Encoding): .*\n//mg if s/^type=.*$/type=.../m;
    }
    is($a, $b, "ReportOnly, $name: the response of a server without mod_cors");
}
{
    Apache::TestRequest::module('diag_report');
    my ($res, @lines) = watched(sub { preflight('/data.json', 'https://evil.example.com', 'PUT') });
    like($lines[0] // '', qr/denied: origin-not-allowed: .* \(report only\)\s*$/,
         'ReportOnly: the refusal is logged, marked report only');
    is(GET('/env', Origin => 'https://evil.example.com')->content,
       "type=actual decision=denied reason=origin-not-allowed\n",
       'ReportOnly: the variables are set');
    $res = preflight('/debug/data.json', 'https://evil.example.com', 'PUT');
    is($res->code, 200, 'ReportOnly + CORSDebugHeaders: the handler answers the preflight');
    is($res->header('Access-Control-Allow-Origin'), undef, 'ReportOnly + CORSDebugHeaders: no ACAO');
    like($res->header('CORS-Debug') // '', qr/^denied; reason=origin-not-allowed; request=preflight; mode=report-only; why="/,
         'ReportOnly + CORSDebugHeaders: CORS-Debug says what Enforce would do');
}
