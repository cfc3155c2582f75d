# cors-probe against mod_cors: <VirtualHost probe_cors> of
# t/conf/probe.conf.in allows GET POST PUT and the headers Content-Type and
# X-Request-Id from https://app.example.com, with credentials only under
# /cred/ and another origin only under /other/.  Each scenario checks the
# exit status, the verdict, Chrome's console text and the fix for blocked
# requests, and which requests (preflight, actual) reached httpd.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsProbe qw($APP $ALLOWED $BLOCKED $PREFLIGHT $NO_ACAO);

CorsProbe::require_binary();
plan tests => 119;


sub url
{
    my ($name, $path) = @_;
    my $tag = CorsProbe::tag($name);
    my $sep = $path =~ /\?/ ? '&' : '?';
    return (CorsProbe::url_of('probe_cors', "$path${sep}t=$tag"), $tag);
}

# An allowed GET: no preflight, one GET with Origin; the exposed header is
# readable, X-Internal is not.
{
    my ($url, $tag) = url('get', '/api/echo');
    my $r = CorsProbe::probe_ok('allowed GET', url => $url,
        args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
        sent => ['GET 200']);
    like($r->{out}, qr/^Preflight: not needed \(GET with CORS-safelisted request headers only\)\.$/m,
         'allowed GET: says no preflight is needed');
    like($r->{out}, qr/^> Origin: \Q$APP\E$/m, 'allowed GET: sent Origin');
    like($r->{out}, qr/^< Access-Control-Allow-Origin: \Q$APP\E$/m,
         'allowed GET: shows the Access-Control-Allow-Origin received');
    like(CorsProbe::line_of($r->{out}, 'Readable response headers: ') // '',
       qr/^(?:content-length,)?content-type,x-request-id$/,
       'allowed GET: X-Request-Id is readable, X-Internal is not');
    is_deeply([map { $_->{origin} } CorsProbe::reached($tag)], [$APP],
              'allowed GET: httpd got the Origin');
}

# A POST of a string body: text/plain, no preflight.
CorsProbe::probe_ok('POST with a text body',
    url => (url('post', '/api/echo'))[0],
    args => ['--origin', $APP, '--body', 'hello'], exit => 0,
    verdict => $ALLOWED, sent => ['POST 200']);

# A PUT with JSON and X-Request-Id: a preflight asking for both headers,
# lower case, sorted, comma-joined; then the PUT.
{
    my ($url, $tag) = url('put', '/api/echo');
    my $r = CorsProbe::probe_ok('preflighted PUT', url => $url,
        args => ['--origin', $APP, '-X', 'put', '-H', 'X-Request-Id: 7',
                 '-H', 'Content-Type: application/json', '-d', '{"a":1}'],
        exit => 0, verdict => $ALLOWED, sent => ['OPTIONS 204', 'PUT 200']);
    like($r->{out}, qr/^  - the method PUT is not CORS-safelisted/m,
         'preflighted PUT: the method is a reason for the preflight');
    like($r->{out}, qr/^  - content-type 'application\/json' is not/m,
         'preflighted PUT: so is the Content-Type');
    like($r->{out}, qr/^> Access-Control-Request-Headers: content-type,x-request-id$/m,
         'preflighted PUT: Access-Control-Request-Headers as a browser writes it');
    like($r->{out}, qr/^  Access-Control-Max-Age: 600: browsers keep this preflight's answer for 600 seconds\.$/m,
         'preflighted PUT: the max-age note');
    my @reached = CorsProbe::reached($tag, 2);
    is_deeply([map { "$_->{method} $_->{acrm} $_->{acrh}" } @reached],
              ['OPTIONS PUT content-type,x-request-id', 'PUT - -'],
              'preflighted PUT: what the preflight asked for');
}

# An origin mod_cors does not allow: the GET goes out, the answer has no
# Access-Control-Allow-Origin.
CorsProbe::probe_ok('origin not allowed', url => (url('evil', '/api/echo'))[0],
    args => ['--origin', 'https://evil.example.com'], exit => 1,
    verdict => $BLOCKED, reason => $NO_ACAO,
    fix => qr/^add https:\/\/evil\.example\.com to CORSAllowOrigin/,
    sent => ['GET 200']);
CorsProbe::probe_ok('origin allowed elsewhere only', url => (url('other', '/other/echo'))[0],
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => $NO_ACAO, fix => qr/add \Q$APP\E to CORSAllowOrigin/,
    sent => ['GET 200']);

# A method and a header mod_cors does not allow: the preflight is refused
# (403, no CORS headers) and the request itself never goes out.
CorsProbe::probe_ok('method not allowed', url => (url('delete', '/api/echo'))[0],
    args => ['--origin', $APP, '--method', 'DELETE'], exit => 1,
    verdict => $BLOCKED, reason => $PREFLIGHT . $NO_ACAO,
    fix => qr/\Q$APP\E is in CORSAllowOrigin, DELETE in CORSAllowMethods/,
    sent => ['OPTIONS 403']);
CorsProbe::probe_ok('header not allowed', url => (url('header', '/api/echo'))[0],
    args => ['--origin', $APP, '-H', 'X-Debug: 1'], exit => 1,
    verdict => $BLOCKED, reason => $PREFLIGHT . $NO_ACAO,
    fix => qr/x-debug in CORSAllowHeaders/, sent => ['OPTIONS 403']);

# With CORSDebugHeaders On, the fix names the one directive at fault.
CorsProbe::probe_ok('method not allowed, CORS-Debug',
    url => (url('dbgdelete', '/debug/echo'))[0],
    args => ['--origin', $APP, '--method', 'DELETE'], exit => 1,
    verdict => $BLOCKED, reason => $PREFLIGHT . $NO_ACAO,
    fix => qr/^add DELETE to CORSAllowMethods \(the server's CORS-Debug header says method-not-allowed\)$/,
    sent => ['OPTIONS 403']);
CorsProbe::probe_ok('header not allowed, CORS-Debug',
    url => (url('dbgheader', '/debug/echo'))[0],
    args => ['--origin', $APP, '-H', 'X-Debug: 1'], exit => 1,
    verdict => $BLOCKED, reason => $PREFLIGHT . $NO_ACAO,
    fix => qr/^list x-debug in CORSAllowHeaders \(the server's CORS-Debug header says header-not-allowed\)$/,
    sent => ['OPTIONS 403']);
CorsProbe::probe_ok('origin not allowed, CORS-Debug',
    url => (url('dbgorigin', '/debug/echo'))[0],
    args => ['--origin', 'https://evil.example.com'], exit => 1,
    verdict => $BLOCKED, reason => $NO_ACAO,
    fix => qr/^add https:\/\/evil\.example\.com to CORSAllowOrigin \(the server's CORS-Debug header says origin-not-allowed\)$/,
    sent => ['GET 200']);

# Credentials: refused where CORSAllowCredentials is Off, allowed under
# /cred/.  The cookie goes with the actual request, never the preflight.
{
    my ($url, $tag) = url('nocred', '/api/echo');
    CorsProbe::probe_ok('credentials not allowed', url => $url,
        args => ['--origin', $APP, '--credentials', '--cookie', 's=1'],
        exit => 1, verdict => $BLOCKED,
        reason => "The value of the 'Access-Control-Allow-Credentials' header "
            . "in the response is '' which must be 'true' when the request's "
            . "credentials mode is 'include'.",
        fix => qr/^CORSAllowCredentials On/, sent => ['GET 200']);
    is_deeply([map { $_->{cookie} } CorsProbe::reached($tag)], ['s=1'],
              'credentials not allowed: the GET carried the cookie');
}
CorsProbe::probe_ok('credentials allowed', url => (url('cred', '/cred/echo'))[0],
    args => ['--origin', $APP, '--credentials'], exit => 0,
    verdict => $ALLOWED, sent => ['GET 200']);
{
    my ($url, $tag) = url('credput', '/cred/echo');
    CorsProbe::probe_ok('credentials with a preflight', url => $url,
        args => ['--origin', $APP, '--credentials', '--cookie', 's=2',
                 '-X', 'PUT'],
        exit => 0, verdict => $ALLOWED, sent => ['OPTIONS 204', 'PUT 200']);
    is_deeply([map { "$_->{method} $_->{cookie}" } CorsProbe::reached($tag, 2)],
              ['OPTIONS -', 'PUT s=2'],
              'credentials with a preflight: no cookie on the preflight');
}
# Credentials where the origin is not allowed at all.
CorsProbe::probe_ok('credentials, origin not allowed',
    url => (url('credevil', '/cred/echo'))[0],
    args => ['--origin', 'http://localhost:3000', '--credentials'], exit => 1,
    verdict => $BLOCKED, reason => $NO_ACAO,
    fix => qr/add http:\/\/localhost:3000 to CORSAllowOrigin/,
    sent => ['GET 200']);

# The same origin as the API: CORS does not apply.
{
    my ($url) = url('same', '/api/echo');
    (my $origin = $url) =~ s{^(http://[^/]+).*}{$1};
    my $r = CorsProbe::probe_ok('same origin', url => $url,
        args => ['--origin', $origin], exit => 0,
        verdict => qr/^a browser would allow this \(same origin\)\.$/,
        sent => ['GET 200']);
    like($r->{out}, qr/^Same origin: /m, 'same origin: says CORS does not apply');
}

# --quiet: the verdict lines only.
{
    my ($url) = url('quiet', '/api/echo');
    my $r = CorsProbe::run('-q', '-o', 'https://evil.example.com', $url);
    is($r->{status}, 1, '--quiet: exit status 1');
    is(join('|', map { (split /: /)[0] } split /\n/, $r->{out}),
       'Verdict|Console|Fix', '--quiet: only Verdict, Console and Fix lines');
    $r = CorsProbe::run('-q', '-o', 'https://app.example.com', $url);
    is($r->{status}, 0, '--quiet, allowed: exit status 0');
    is($r->{out}, "Verdict: a browser would allow this.\n",
       '--quiet, allowed: the verdict line alone');
}

# Errors: exit status 2, a message on stderr, nothing sent.
sub error_ok
{
    my ($name, $stderr_re, @args) = @_;
    my $r = CorsProbe::run(@args);
    is($r->{status}, 2, "$name: exit status 2");
    like($r->{err}, $stderr_re, "$name: says why");
    is($r->{out}, '', "$name: nothing on stdout");
}
{
    my ($url, $tag) = url('errors', '/api/echo');
    error_ok('no --origin', qr/--origin is required/, $url);
    error_ok('no URL', qr/give the URL to fetch/, '--origin', $APP);
    error_ok('a path in --origin', qr/not an origin .*no path/,
             '--origin', "$APP/app", $url);
    error_ok('a forbidden header', qr/Cookie is a forbidden request header/,
             '--origin', $APP, '-H', 'Cookie: a=b', $url);
    error_ok('a forbidden method', qr/forbidden method/,
             '--origin', $APP, '-X', 'TRACE', $url);
    error_ok('GET with a body', qr/a GET request cannot have a body/,
             '--origin', $APP, '-X', 'GET', '-d', 'x', $url);
    error_ok('another scheme', qr/only to http and https/,
             '--origin', $APP, 'ftp://127.0.0.1/');
    error_ok('credentials in the URL', qr/user name or password/,
             '--origin', $APP, 'http://u:p@127.0.0.1/');
    error_ok('an unknown option', qr/unknown option '--frobnicate'/,
             '--frobnicate', '--origin', $APP, $url);
    error_ok('a bad timeout', qr/--timeout 'x'/,
             '--timeout', 'x', '--origin', $APP, $url);
    is_deeply([CorsProbe::reached($tag, 0)], [], 'errors: nothing reached httpd');

    # A port nobody listens on: a connection failure is an error too.
    my $r = CorsProbe::run('--origin', $APP, 'http://127.0.0.1:1/api');
    is($r->{status}, 2, 'connection refused: exit status 2');
    like($r->{err}, qr/the request to http:\/\/127\.0\.0\.1:1\/api failed: /,
         'connection refused: says which request failed');
}
