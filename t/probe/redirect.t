# cors-probe follows redirects as a browser does (the Fetch standard's
# "HTTP-redirect fetch"): every hop passes the CORS check or the request is
# blocked; at most 20; POST becomes GET after 301 and 302, anything but
# HEAD after 303; a new preflight for the new URL when the request needs
# one; Authorization dropped when the origin changes; and after a redirect
# from one origin to another that is not the page's, the browser sends
# Origin: null.  The redirects are those of <VirtualHost probe_recipe>
# (t/conf/probe.conf.in), whose "Header always set" recipe lets every
# redirect response pass the CORS check; they lead to the same server,
# to probe_none (no CORS), probe_cors (mod_cors) and probe_other.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsProbe qw($APP $ALLOWED $BLOCKED $PREFLIGHT $NO_ACAO);

CorsProbe::require_binary();
plan tests => 122;

my $PAGE = 'http://127.0.0.1:' . Apache::Test::vars('browser_page_port');
my $JSON = 'Content-Type: application/json';

# (URL of PATH on probe_recipe with a new tag, the tag)
sub url
{
    my ($name, $path) = @_;
    my $tag = CorsProbe::tag($name);
    return (CorsProbe::url_of('probe_recipe', "$path?t=$tag"), $tag);
}

# PATH on VHOST with TAG: where a redirect leads.
sub target
{
    my ($vhost, $path, $tag) = @_;
    return CorsProbe::url_of($vhost, "$path?t=$tag");
}

sub origins
{
    my ($tag, $n) = @_;
    return [map { $_->{origin} } CorsProbe::reached($tag, $n)];
}

# ---- followed, within one origin ---------------------------------------

{
    my ($url, $tag) = url('same', '/moved/echo');
    my $to = target('probe_recipe', '/recipe/echo', $tag);
    my $r = CorsProbe::probe_ok('same server', url => $url,
        args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
        sent => ['GET 301', 'GET 200']);
    like($r->{out}, qr/^Redirect 1 of at most 20: the browser follows the 301 to \Q$to\E$/m,
         'same server: says where the browser goes');
    like($r->{out}, qr/^The script reads the response of \Q$to\E \(response\.redirected is true\)\.$/m,
         'same server: the response the script reads');
    is(scalar(() = $r->{out} =~ /^CORS check: passed\.$/mg), 2,
       'same server: both responses pass the CORS check');
    is_deeply(origins($tag, 2), [$APP, $APP],
              'same server: the page\'s origin both times');
}
# A relative Location ("../recipe/echo?...") from the handler.
{
    my ($url, $tag) = url('relative', '/relative/echo');
    my $to = target('probe_recipe', '/recipe/echo', $tag);
    my $r = CorsProbe::probe_ok('relative Location', url => $url,
        args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
        sent => ['GET 302', 'GET 200']);
    like($r->{out}, qr/^Redirect 1 of at most 20: the browser follows the 302 to \Q$to\E$/m,
         'relative Location: resolved against the URL');
}
# 301 and 303 turn a POST into a GET, without the body.
for my $case (['301', '/moved/echo'], ['303', '/see/echo']) {
    my ($status, $path) = @$case;
    my ($url, $tag) = url("post$status", $path);
    my $r = CorsProbe::probe_ok("POST and $status", url => $url,
        args => ['--origin', $APP, '--body', 'hello'], exit => 0,
        verdict => $ALLOWED, sent => ["POST $status", 'GET 200']);
    like($r->{out}, qr/^  - the POST becomes a GET, without its body \(a $status does that\)$/m,
         "POST and $status: says the POST becomes a GET");
    like($r->{out}, qr/^  - without the header Content-Type$/m,
         "POST and $status: and loses its Content-Type");
}
# A 307 keeps the POST, its body and its headers: a new preflight for the
# new URL.
CorsProbe::probe_ok('preflight again after a 307',
    url => (url('keep', '/keep/echo'))[0],
    args => ['--origin', $APP, '-H', $JSON, '--body', '{}'], exit => 0,
    verdict => $ALLOWED,
    sent => ['OPTIONS 200', 'POST 307', 'OPTIONS 200', 'POST 200']);

# ---- blocked: the preflight of the new URL is redirected ------------------

{
    my ($url, $tag) = url('keepmoved', '/keepmoved/echo');
    my $at = target('probe_recipe', '/moved/echo', $tag);
    my $r = CorsProbe::probe_ok('preflight of the new URL redirected',
        url => $url, args => ['--origin', $APP, '-H', $JSON, '--body', '{}'],
        exit => 1, verdict => $BLOCKED,
        reason => $PREFLIGHT . 'Redirect is not allowed for a preflight request.',
        fix => qr/browsers never follow a preflight's redirect/,
        sent => ['OPTIONS 200', 'POST 307', 'OPTIONS 301']);
    like(CorsProbe::line_of($r->{out}, 'Console: ') // '',
         qr/^Access to fetch at '\Q$at\E' \(redirected from '\Q$url\E'\) from origin '\Q$APP\E' has been blocked/,
         'preflight of the new URL redirected: Chrome names both URLs');
}
# The first preflight is redirected: browsers never follow that.
CorsProbe::probe_ok('preflight redirected to another origin',
    url => (url('prefaway', '/tostar/echo'))[0],
    args => ['--origin', $APP, '-H', $JSON, '--body', '{}'], exit => 1,
    verdict => $BLOCKED,
    reason => $PREFLIGHT . 'Redirect is not allowed for a preflight request.',
    fix => qr/^the preflight was redirected \(302 to /,
    sent => ['OPTIONS 302']);

# ---- another origin ------------------------------------------------------

# The target has no CORS at all.
{
    my ($url, $tag) = url('away', '/away/echo');
    my $at = target('probe_none', '/api/echo', $tag);
    my $r = CorsProbe::probe_ok('another origin without CORS', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        reason => $NO_ACAO,
        fix => qr/^this server allows no origin here, and the browser sent Origin: null: .*Call \Q$at\E from the page directly/,
        sent => ['GET 302', 'GET 200']);
    is(CorsProbe::line_of($r->{out}, 'Console: '),
       "Access to fetch at '$at' (redirected from '$url') from origin "
       . "'$APP' has been blocked by CORS policy: $NO_ACAO",
       'another origin without CORS: Chrome\'s whole console line');
    like($r->{out}, qr/^  - it leaves an origin other than the page's for another: from now on the browser sends Origin: null/m,
         'another origin without CORS: says the origin becomes null');
    like($r->{out}, qr/^> Origin: null$/m,
         'another origin without CORS: sends Origin: null');
    is_deeply(origins($tag, 2), [$APP, 'null'],
              'another origin without CORS: the origins that reached httpd');
}
# mod_cors allows the page's origin, but the browser sends "null".
{
    my ($url, $tag) = url('tocors', '/tocors/echo');
    CorsProbe::probe_ok('to mod_cors, which refuses null', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        reason => $NO_ACAO, fix => qr/the browser sent Origin: null/,
        sent => ['GET 302', 'GET 200']);
    is_deeply(origins($tag, 2), [$APP, 'null'],
              'to mod_cors, which refuses null: mod_cors got Origin: null');
}
# "*" and an echoed "null" let it through.
for my $case (['tostar', '/tostar/echo'], ['toecho', '/toecho/echo']) {
    my ($name, $path) = @$case;
    my ($url, $tag) = url($name, $path);
    my $r = CorsProbe::probe_ok("another origin: $name", url => $url,
        args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
        sent => ['GET 302', 'GET 200']);
    is_deeply(origins($tag, 2), [$APP, 'null'],
              "another origin: $name: Origin: null at the target");
}
like((CorsProbe::run('--origin', $APP, (url('echoshow', '/toecho/echo'))[0]))->{out},
     qr/^< Access-Control-Allow-Origin: null$/m,
     'another origin: toecho: the target echoed null');
# The target allows exactly the page's origin, which is no longer sent.
{
    my ($url, $tag) = url('tofixed', '/tofixed/echo');
    CorsProbe::probe_ok('another origin allowing the page', url => $url,
        args => ['--origin', $PAGE], exit => 1, verdict => $BLOCKED,
        reason => "The 'Access-Control-Allow-Origin' header has a value "
            . "'$PAGE' that is not equal to the supplied origin. Have the "
            . "server send the header with a valid value.",
        fix => qr/^this server allows '\Q$PAGE\E', and the browser sent Origin: null/,
        sent => ['GET 302', 'GET 200']);
}
# With credentials, the redirect's own "*" fails first.
{
    my ($url, $tag) = url('credstar', '/tostar/echo');
    my $r = CorsProbe::probe_ok('redirect with "*" and credentials',
        url => $url, args => ['--origin', $APP, '--credentials'], exit => 1,
        verdict => $BLOCKED,
        reason => "The value of the 'Access-Control-Allow-Origin' header in "
            . "the response must not be the wildcard '*' when the request's "
            . "credentials mode is 'include'.",
        fix => qr/'\*' never works with credentials/, sent => ['GET 302']);
    like(CorsProbe::line_of($r->{out}, 'Console: ') // '',
         qr/^Access to fetch at '\Q$url\E' from origin/,
         'redirect with "*" and credentials: blocked at the first URL');
}
# Authorization is dropped on the way to another origin, so no preflight
# is needed there; X-Debug is not, and the new preflight (Origin: null)
# finds no Access-Control-Allow-Headers.
{
    my ($url, $tag) = url('authaway', '/authaway/echo');
    my $r = CorsProbe::probe_ok('Authorization dropped', url => $url,
        args => ['--origin', $APP, '-H', 'Authorization: Bearer t0k3n'],
        exit => 0, verdict => $ALLOWED,
        sent => ['OPTIONS 200', 'GET 307', 'GET 200']);
    like($r->{out}, qr/^  - without the header Authorization$/m,
         'Authorization dropped: says so');
}
{
    my ($url, $tag) = url('debugaway', '/authaway/echo');
    my $at = target('probe_other', '/star/echo', $tag);
    my $r = CorsProbe::probe_ok('a header kept to another origin',
        url => $url, args => ['--origin', $APP, '-H', 'X-Debug: 1'],
        exit => 1, verdict => $BLOCKED,
        reason => 'Request header field x-debug is not allowed by '
            . 'Access-Control-Allow-Headers in preflight response.',
        fix => qr/^add x-debug to CORSAllowHeaders$/,
        sent => ['OPTIONS 200', 'GET 307', 'OPTIONS 200']);
    like(CorsProbe::line_of($r->{out}, 'Console: ') // '',
         qr/^Access to fetch at '\Q$at\E' \(redirected from '\Q$url\E'\)/,
         'a header kept to another origin: at the new URL');
    is_deeply(origins($tag, 3), [$APP, $APP, 'null'],
              'a header kept to another origin: the new preflight says null');
}

# ---- redirects a browser does not follow ---------------------------------

{
    my ($url, $tag) = url('loop', '/loop/echo');
    my $r = CorsProbe::probe_ok('a redirect loop', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        console => "$url - Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
        fix => qr/^the redirects do not end: after 20, /,
        sent => [('GET 302') x 21]);
    like($r->{out}, qr/^Redirect 20 of at most 20: /m,
         'a redirect loop: 20 redirects followed');
}
{
    my ($url, $tag) = url('userinfo', '/userinfo/echo');
    my $r = CorsProbe::probe_ok('a user name in the Location', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        reason => "Redirect location '' contains a username and password, "
            . "which is disallowed for cross-origin requests.",
        fix => qr/^the redirect goes to http:\/\/user:secret\@127\.0\.0\.1:\d+\/star\/echo\?t=\Q$tag\E, a URL with a user name or password/,
        sent => ['GET 302']);
    like(CorsProbe::line_of($r->{out}, 'Note: ') // '',
         qr/leaves the location out/,
         'a user name in the Location: notes Chrome\'s empty quotes');
}
{
    my ($url, $tag) = url('ftp', '/ftp/echo');
    my $r = CorsProbe::probe_ok('to ftp:', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        reason => 'Cross origin requests are only supported for protocol '
            . 'schemes: chrome, chrome-experimental-site-token-provider, '
            . 'chrome-extension, chrome-untrusted, data, http, https, '
            . 'isolated-app.',
        fix => qr/fetch\(\) follows redirects to http: and https: URLs only/,
        sent => ['GET 302']);
    like(CorsProbe::line_of($r->{out}, 'Console: ') // '',
         qr/^Access to fetch at 'ftp:\/\/127\.0\.0\.1\/echo\?t=\Q$tag\E' \(redirected from '\Q$url\E'\)/,
         'to ftp: at the ftp URL');
}
{
    my ($url, $tag) = url('data', '/todata/echo');
    CorsProbe::probe_ok('to data:', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        console => "$url - Failed to load resource: net::ERR_UNSAFE_REDIRECT",
        fix => qr/browsers never follow a redirect to a data: URL/,
        sent => ['GET 302']);
}
{
    my ($url, $tag) = url('badlocation', '/badlocation/echo');
    CorsProbe::probe_ok('a Location that is not a URL', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        console => "$url - Failed to load resource: net::ERR_INVALID_REDIRECT",
        fix => qr/^the redirect's Location 'http:\/\/127\.0\.0\.1:99999\/recipe\/echo\?t=\Q$tag\E' does not parse: .*over 65535\. Send an absolute URL/,
        sent => ['GET 302']);
}
{
    my ($url, $tag) = url('twolocations', '/twolocations/echo');
    CorsProbe::probe_ok('two Location headers', url => $url,
        args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
        console => "$url - Failed to load resource: "
            . "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
        fix => qr/^the redirect has two different Location headers/,
        # httpd logs 200 for what a non-parsed-header script sends.
        sent => ['GET 200']);
}
