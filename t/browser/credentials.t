# In Chromium: cookies, logins and a proxied backend with credentials.
# Scenarios 4, 10 and 11 of the browser suite; <VirtualHost browser_api>
# in t/conf/browser.conf.in has CORSAllowCredentials On.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsBrowser;
use MIME::Base64 ();

my $browser = CorsBrowser->for_test;
plan tests => 22;

my $PAGE = CorsBrowser::url_of('browser_page', '');
my $API_PORT = Apache::Test::vars('browser_api_port');
my $BACKEND_PORT = Apache::Test::vars('browser_backend_port');
my $INCLUDE = { credentials => 'include' };

# 4. credentials: 'include' with a cookie the API sets: the next call
# carries it and its response is readable.
{
    my $tag = CorsBrowser::tag('setcookie');
    my $seen = $browser->fetch(
        CorsBrowser::url_of('browser_api', "/api/echo?cookie=set&t=$tag"), $INCLUDE);
    is($seen->{status}, 200, 'cookie: the call that sets it succeeds')
        or diag($seen->{error});

    $tag = CorsBrowser::tag('cookie');
    $seen = $browser->fetch(CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"),
                            $INCLUDE);
    is($seen->{status}, 200, 'cookie: the credentialed call succeeds')
        or diag($seen->{error});
    like($seen->{body} // '', qr/"cookie":"cors_session=s3cr3t"/,
         'cookie: the handler got the cookie, the page reads its answer');
    my @reached = CorsBrowser::reached($tag);
    is_deeply([map { "$_->{method} $_->{status} $_->{cookie}" } @reached],
              ['GET 200 cors_session=s3cr3t'], 'cookie: one GET, with the cookie');

    # Without credentials: 'include' the browser does not send it.
    $tag = CorsBrowser::tag('nocookie');
    $seen = $browser->fetch(CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"));
    like($seen->{body} // '', qr/"cookie":null/,
         'cookie: not sent by a call without credentials');

    # Where CORSAllowCredentials is Off, the page cannot read the answer.
    $tag = CorsBrowser::tag('nocred');
    $browser->blocked_ok('CORSAllowCredentials Off',
        url => CorsBrowser::url_of('browser_api', "/nocred/echo?t=$tag"),
        init => $INCLUDE, sent => ['GET 200'],
        console => "'Access-Control-Allow-Credentials'");
}

# 10. Require valid-user: the preflight passes without a login, the actual
# request with one gets 200.
{
    my $login = 'Basic ' . MIME::Base64::encode_base64('intuser:intpass', '');
    my $tag = CorsBrowser::tag('login');
    my $seen = $browser->fetch(CorsBrowser::url_of('browser_api', "/auth/echo?t=$tag"),
                               { headers => { Authorization => $login } });
    is($seen->{status}, 200, 'login: status 200') or diag($seen->{error});
    like($seen->{body} // '', qr/"authorization":"\Q$login\E"/,
         'login: the handler got the Authorization header');
    is_deeply([map { "$_->{method} $_->{status} $_->{authorization}" }
               CorsBrowser::reached($tag, 2)],
              ['OPTIONS 204 -', "GET 200 $login"],
              'login: a preflight without a login, then the GET with it');

    # With CORSPreflightAuth Enforce the preflight itself needs the login,
    # which browsers never send on a preflight.
    $tag = CorsBrowser::tag('enforce');
    $browser->blocked_ok('CORSPreflightAuth Enforce',
        url => CorsBrowser::url_of('browser_api', "/enforce/echo?t=$tag"),
        init => { headers => { Authorization => $login } }, sent => ['OPTIONS 401'],
        console => "doesn't pass access control check",
        logged => 'preflight-refused-by-server');
}

# 11. A proxied backend that sends "Access-Control-Allow-Origin: *", called
# with credentials: mod_cors replaces the wildcard with the page's origin.
{
    my $tag = CorsBrowser::tag('proxy');
    my $seen = $browser->fetch(
        CorsBrowser::url_of('browser_api', "/proxy/api/echo?t=$tag"),
        $INCLUDE, ['X-Request-Id']);
    is($seen->{status}, 200, 'proxied backend: status 200')
        or diag($seen->{error});
    like($seen->{body} // '', qr/"origin":"\Q$PAGE\E"/,
         'proxied backend: the body is readable');
    is($seen->{got}{'X-Request-Id'}, "req-$tag",
       'proxied backend: the exposed header is readable');
    is_deeply([sort map { "$_->{port} $_->{method} $_->{status}" }
               CorsBrowser::reached($tag, 2)],
              [sort "$API_PORT GET 200", "$BACKEND_PORT GET 200"],
              'proxied backend: the GET went through the proxy to the backend');

    # CORSBackendHeaders Keep leaves the wildcard, which browsers refuse
    # for credentialed requests.
    $tag = CorsBrowser::tag('proxykeep');
    my $url = CorsBrowser::url_of('browser_api', "/proxykeep/api/echo?t=$tag");
    $seen = $browser->fetch($url, $INCLUDE);
    is($seen->{error}, 'TypeError: Failed to fetch',
       'CORSBackendHeaders Keep: the script gets a TypeError');
    my ($message) = grep { /blocked by CORS policy/ }
                    $browser->console_wait(qr/blocked by CORS policy/);
    like($message // '', qr/must not be the wildcard '\*'/,
         'CORSBackendHeaders Keep: the console blames the wildcard');
    is_deeply([sort map { "$_->{port} $_->{method} $_->{status}" }
               CorsBrowser::reached($tag, 2)],
              [sort "$API_PORT GET 200", "$BACKEND_PORT GET 200"],
              'CORSBackendHeaders Keep: the GET reached the backend');
}
