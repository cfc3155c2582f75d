# In Chromium: which origins may read an API's responses.  Scenarios 1, 2,
# 3 and 12 of the browser suite; vhosts in t/conf/browser.conf.in.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsBrowser;

my $browser = CorsBrowser->for_test;
plan tests => 23;

my $PAGE = CorsBrowser::url_of('browser_page', '');
my $NO_ACAO = "No 'Access-Control-Allow-Origin' header is present";

# 1. No CORSEnable: the request reaches the server, the page cannot read it.
{
    my $tag = CorsBrowser::tag('none');
    $browser->blocked_ok('no CORSEnable',
        url => CorsBrowser::url_of('browser_none', "/data.json?t=$tag"),
        sent => ['GET 200'], console => $NO_ACAO);
}

# 2. Allowed origin, simple GET: the JSON body is readable.
{
    my $tag = CorsBrowser::tag('allowed');
    my $url = CorsBrowser::url_of('browser_api', "/data.json?t=$tag");
    my $seen = $browser->fetch($url);
    ok(!exists $seen->{error}, 'allowed origin: no error')
        or diag($seen->{error});
    is($seen->{status}, 200, 'allowed origin: status 200');
    is($seen->{body}, qq{{"service":"api","items":[1,2,3]}\n},
       'allowed origin: the JSON body is readable');
    is($seen->{headers}{'content-type'}, 'application/json',
       'allowed origin: Content-Type is readable');
    my @reached = CorsBrowser::reached($tag);
    is_deeply([map { "$_->{method} $_->{status} $_->{origin}" } @reached],
              ["GET 200 $PAGE"], 'allowed origin: one GET, with Origin');
    is_deeply([$browser->console], [], 'allowed origin: nothing on the console');
}

# 3. The API allows http://localhost:PORT; the page on http://127.0.0.1:PORT
# (another origin, same port) is refused, the localhost page is not.
{
    my $tag = CorsBrowser::tag('mismatch');
    $browser->blocked_ok('127.0.0.1 page, localhost allowed',
        url => CorsBrowser::url_of('browser_api', "/localhost/echo?t=$tag"),
        sent => ['GET 200'], console => $NO_ACAO, logged => 'origin-not-allowed');

    $browser->open_page('localhost');
    $tag = CorsBrowser::tag('match');
    my $seen = $browser->fetch(
        CorsBrowser::url_of('browser_api', "/localhost/echo?t=$tag"));
    is($seen->{status}, 200, 'localhost page, localhost allowed: status 200')
        or diag($seen->{error});
    like($seen->{body} // '', qr/"origin":"http:\/\/localhost:\d+"/,
         'localhost page: the API saw the localhost origin');
    is_deeply([CorsBrowser::reached_summary($tag)], ['GET 200'],
              'localhost page: one GET reached httpd');
    $browser->open_page('127.0.0.1');
}

# 12. One <Directory>, two vhosts: development's CORSOriginSet lists the
# page, production's does not.
{
    my $tag = CorsBrowser::tag('dev');
    my $seen = $browser->fetch(CorsBrowser::url_of('browser_dev', "/data.json?t=$tag"));
    is($seen->{status}, 200, 'development vhost: status 200')
        or diag($seen->{error});
    is($seen->{body}, qq{{"service":"shared"}\n},
       'development vhost: the body is readable');
    is_deeply([CorsBrowser::reached_summary($tag)], ['GET 200'],
              'development vhost: one GET');

    $tag = CorsBrowser::tag('prod');
    $browser->blocked_ok('production vhost',
        url => CorsBrowser::url_of('browser_prod', "/data.json?t=$tag"),
        sent => ['GET 200'], console => $NO_ACAO, logged => 'origin-not-allowed');
}
