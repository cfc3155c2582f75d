# cors-probe against servers without mod_cors: <VirtualHost probe_none>
# (no CORS at all) and <VirtualHost probe_recipe> (the classic mod_headers
# recipe, "Header always set Access-Control-Allow-Origin *" and friends,
# with its usual mistakes) of t/conf/probe.conf.in.  cors-probe must give
# the browser's verdict against any server.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsProbe qw($APP $ALLOWED $BLOCKED $PREFLIGHT $NO_ACAO);

CorsProbe::require_binary();
plan tests => 108;

my $NO_CORS_INFO = " Have the server send the header with a valid value.";

sub url
{
    my ($vhost, $name, $path) = @_;
    my $tag = CorsProbe::tag($name);
    my $sep = $path =~ /\?/ ? '&' : '?';
    return CorsProbe::url_of($vhost, "$path${sep}t=$tag");
}

# ---- no CORS at all -----------------------------------------------------

CorsProbe::probe_ok('no CORS: GET', url => url('probe_none', 'none', '/api/echo'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => $NO_ACAO, fix => qr/^add \Q$APP\E to CORSAllowOrigin, with CORSEnable On/,
    sent => ['GET 200']);
# httpd answers OPTIONS itself (200, Allow), with no CORS header.
CorsProbe::probe_ok('no CORS: PUT', url => url('probe_none', 'noneput', '/api/echo'),
    args => ['--origin', $APP, '-X', 'PUT'], exit => 1, verdict => $BLOCKED,
    reason => $PREFLIGHT . $NO_ACAO,
    fix => qr/reached a handler that knows nothing of CORS: set CORSEnable On/,
    sent => ['OPTIONS 200']);

# ---- the mod_headers recipe -----------------------------------------------

# What the recipe gets right: a simple GET without credentials.
{
    my $r = CorsProbe::probe_ok('recipe: GET',
        url => url('probe_recipe', 'rget', '/recipe/echo'),
        args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
        sent => ['GET 200']);
    like(CorsProbe::line_of($r->{out}, 'Readable response headers: ') // '',
       qr/^(?:content-length,)?content-type$/,
       'recipe: GET: nothing exposed: only the safelisted headers');
}
# "*" with credentials, even with Access-Control-Allow-Credentials: true.
CorsProbe::probe_ok('recipe: wildcard with credentials',
    url => url('probe_recipe', 'rcred', '/recipe/echo'),
    args => ['--origin', $APP, '--credentials'], exit => 1, verdict => $BLOCKED,
    reason => "The value of the 'Access-Control-Allow-Origin' header in the "
        . "response must not be the wildcard '*' when the request's "
        . "credentials mode is 'include'.",
    fix => qr/list \Q$APP\E in CORSAllowOrigin with CORSAllowCredentials On.*CORSBackendHeaders Replace removes it/,
    sent => ['GET 200']);
# A second copy: "Header add" on top of "Header set".
CorsProbe::probe_ok('recipe: Header add twice',
    url => url('probe_recipe', 'rdup', '/dup/echo'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => "The 'Access-Control-Allow-Origin' header contains multiple "
        . "values '*, *', but only one is allowed." . $NO_CORS_INFO,
    fix => qr/CORSBackendHeaders Replace removes the backend's duplicate/,
    sent => ['GET 200']);
# The handler writes its own next to the recipe's "Header always set".
CorsProbe::probe_ok('recipe: handler and Header',
    url => url('probe_recipe', 'rdupcgi', '/dupcgi/echo?acao=origin'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => qr/^The 'Access-Control-Allow-Origin' header contains multiple values '(?:\*, \Q$APP\E|\Q$APP\E, \*)', but only one is allowed\./,
    fix => qr/'Header always set' line adds a second copy next to the handler's/,
    sent => ['GET 200']);
# The preflight runs into "Require valid-user": browsers send no
# credentials with a preflight, so it gets 401.
CorsProbe::probe_ok('recipe: preflight needs a login',
    url => url('probe_recipe', 'rlogin', '/login/echo'),
    args => ['--origin', $APP, '-X', 'PUT', '-H', 'Authorization: Basic aW50dXNlcjppbnRwYXNz'],
    exit => 1, verdict => $BLOCKED,
    reason => $PREFLIGHT . 'It does not have HTTP ok status.',
    fix => qr/hit a login \(401\).*CORSPreflightAuth Skip.*exempt OPTIONS/,
    sent => ['OPTIONS 401']);
# A Redirect catches the preflight too.
CorsProbe::probe_ok('recipe: preflight redirected',
    url => url('probe_recipe', 'rmoved', '/moved/echo'),
    args => ['--origin', $APP, '-X', 'PUT'], exit => 1, verdict => $BLOCKED,
    reason => $PREFLIGHT . 'Redirect is not allowed for a preflight request.',
    fix => qr/redirected \(301 to \S+\/recipe\/echo\?t=rmoved\S*\), and browsers never follow/,
    sent => ['OPTIONS 301']);
# Without a preflight, the redirect passes the CORS check ("always"), and
# the browser follows it to /recipe/, which passes too (more in
# t/probe/redirect.t).
CorsProbe::probe_ok('recipe: GET redirected',
    url => url('probe_recipe', 'rmovedget', '/moved/echo'),
    args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
    sent => ['GET 301', 'GET 200']);
# Access-Control-Allow-Methods: GET, POST, and the page wants PUT.
CorsProbe::probe_ok('recipe: method missing',
    url => url('probe_recipe', 'rput', '/recipe/echo'),
    args => ['--origin', $APP, '-X', 'PUT'], exit => 1, verdict => $BLOCKED,
    reason => 'Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.',
    fix => qr/^add PUT to CORSAllowMethods$/, sent => ['OPTIONS 200']);
# Access-Control-Allow-Headers: Content-Type, and the page sends X-Debug.
CorsProbe::probe_ok('recipe: header missing',
    url => url('probe_recipe', 'rhdr', '/recipe/echo'),
    args => ['--origin', $APP, '-X', 'POST', '-H', 'Content-Type: application/json',
             '-H', 'X-Debug: 1'],
    exit => 1, verdict => $BLOCKED,
    reason => 'Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response.',
    fix => qr/^add x-debug to CORSAllowHeaders$/, sent => ['OPTIONS 200']);
# Access-Control-Allow-Headers: * covers X-Debug, never Authorization.
CorsProbe::probe_ok('recipe: "*" covers a header',
    url => url('probe_recipe', 'rwild', '/wild/echo'),
    args => ['--origin', $APP, '-H', 'X-Debug: 1'], exit => 0,
    verdict => $ALLOWED, sent => ['OPTIONS 200', 'GET 200']);
{
    my $r = CorsProbe::probe_ok('recipe: "*" and Authorization',
        url => url('probe_recipe', 'rwildauth', '/wild/echo'),
        args => ['--origin', $APP, '-H', 'Authorization: Bearer t0k3n'],
        exit => 1, verdict => $BLOCKED,
        reason => 'Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.',
        fix => qr/'\*' never covers Authorization/, sent => ['OPTIONS 200']);
    like(CorsProbe::line_of($r->{out}, 'Note: ') // '',
         qr/^Chrome .* still lets this request through .* Firefox and Safari block it/,
         'recipe: "*" and Authorization: notes that Chrome differs');
}
# The echoed origin with a trailing slash.
CorsProbe::probe_ok('recipe: trailing slash',
    url => url('probe_recipe', 'rslash', '/slash/echo'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => "The 'Access-Control-Allow-Origin' header has a value '$APP/' "
        . "that is not equal to the supplied origin." . $NO_CORS_INFO,
    fix => qr/ends with a slash, and an origin has none/, sent => ['GET 200']);
# A fixed origin answers every page with that one.
CorsProbe::probe_ok('recipe: fixed origin',
    url => url('probe_recipe', 'rfixed', '/fixed/echo'),
    args => ['--origin', 'http://localhost:3000'], exit => 1,
    verdict => $BLOCKED,
    reason => "The 'Access-Control-Allow-Origin' header has a value '$APP' "
        . "that is not equal to the supplied origin." . $NO_CORS_INFO,
    fix => qr/add http:\/\/localhost:3000 to CORSAllowOrigin/,
    sent => ['GET 200']);
CorsProbe::probe_ok('recipe: fixed origin, the right page',
    url => url('probe_recipe', 'rfixedok', '/fixed/echo'),
    args => ['--origin', $APP], exit => 0, verdict => $ALLOWED,
    sent => ['GET 200']);
# Values that are not what the standard allows.  Not an origin at all:
CorsProbe::probe_ok('recipe: not an origin',
    url => url('probe_recipe', 'rinvalid', '/invalid/echo'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => "The 'Access-Control-Allow-Origin' header contains the invalid "
        . "value 'app.example.com'." . $NO_CORS_INFO,
    fix => qr/^Access-Control-Allow-Origin must be exactly the origin \(\Q$APP\E\), '\*' or 'null'/,
    sent => ['GET 200']);
# Two origins in one header: browsers take no list.
CorsProbe::probe_ok('recipe: two origins',
    url => url('probe_recipe', 'rtwo', '/twoorigins/echo'),
    args => ['--origin', $APP], exit => 1, verdict => $BLOCKED,
    reason => "The 'Access-Control-Allow-Origin' header contains multiple "
        . "values '$APP, https://admin.example.com', but only one is "
        . "allowed." . $NO_CORS_INFO,
    fix => qr/send it from one place only/, sent => ['GET 200']);
# Access-Control-Allow-Methods that is not a comma-separated list of
# tokens: "PUT DELETE", "GET, PUT/DELETE".
for my $case (['spaces', 'PUT DELETE'], ['badmethods', 'GET, PUT/DELETE']) {
    my ($path, $value) = @$case;
    CorsProbe::probe_ok("recipe: Access-Control-Allow-Methods: $value",
        url => url('probe_recipe', "r$path", "/$path/echo"),
        args => ['--origin', $APP, '-X', 'PUT'], exit => 1,
        verdict => $BLOCKED,
        reason => 'Cannot parse Access-Control-Allow-Methods response header '
            . 'field in preflight response.',
        fix => qr/^Access-Control-Allow-Methods must be a comma-separated list of method names/,
        sent => ['OPTIONS 200']);
}
# Access-Control-Allow-Headers: "Content-Type: application/json".
CorsProbe::probe_ok('recipe: Access-Control-Allow-Headers with a colon',
    url => url('probe_recipe', 'rbadhdr', '/badheaders/echo'),
    args => ['--origin', $APP, '-H', 'X-Debug: 1'], exit => 1,
    verdict => $BLOCKED,
    reason => 'Cannot parse Access-Control-Allow-Headers response header '
        . 'field in preflight response.',
    fix => qr/^Access-Control-Allow-Headers must be a comma-separated list of header names/,
    sent => ['OPTIONS 200']);
# "True" is not "true".
CorsProbe::probe_ok('recipe: credentials True',
    url => url('probe_recipe', 'rtrue', '/truecase/echo'),
    args => ['--origin', $APP, '--credentials'], exit => 1,
    verdict => $BLOCKED,
    reason => "The value of the 'Access-Control-Allow-Credentials' header in "
        . "the response is 'True' which must be 'true' when the request's "
        . "credentials mode is 'include'.",
    fix => qr/exactly 'true', not 'True'/, sent => ['GET 200']);
