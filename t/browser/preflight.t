# In Chromium: preflighted requests.  Scenarios 5, 6, 7 and 13 of the
# browser suite; <VirtualHost browser_api> in t/conf/browser.conf.in
# allows GET POST PUT and the headers Content-Type and Authorization.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsBrowser;

my $browser = CorsBrowser->for_test;
plan tests => 20;

my $PREFLIGHT_FAILED = "Response to preflight request doesn't pass access control check";
my $JSON_PUT = {
    method  => 'PUT',
    body    => '{"name":"widget"}',
    headers => { 'Content-Type'  => 'application/json',
                 'Authorization' => 'Bearer t0k3n' },
};

# 5. PUT with a JSON body and Authorization: preflight, then the PUT, which
# carries the Authorization header to the handler.
{
    my $tag = CorsBrowser::tag('put');
    my $url = CorsBrowser::url_of('browser_api', "/api/echo?t=$tag");
    my $seen = $browser->fetch($url, $JSON_PUT);
    is($seen->{status}, 200, 'preflighted PUT: status 200')
        or diag($seen->{error});
    like($seen->{body} // '', qr/"authorization":"Bearer t0k3n"/,
         'preflighted PUT: the handler got Authorization');
    like($seen->{body} // '', qr/"body":"\{\\"name\\":\\"widget\\"\}"/,
         'preflighted PUT: the handler got the body');
    like($seen->{body} // '', qr/"content_type":"application\/json"/,
         'preflighted PUT: the handler got Content-Type: application/json');
    my @reached = CorsBrowser::reached($tag, 2);
    is_deeply([map { "$_->{method} $_->{status} $_->{authorization}" } @reached],
              ['OPTIONS 204 -', 'PUT 200 Bearer t0k3n'],
              'preflighted PUT: a preflight without, then the PUT with Authorization');
}

# 6. DELETE is not in CORSAllowMethods: the preflight is refused and the
# DELETE never reaches the server.
{
    my $tag = CorsBrowser::tag('delete');
    $browser->blocked_ok('DELETE not allowed',
        url => CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"),
        init => { method => 'DELETE' }, sent => ['OPTIONS 403'],
        console => $PREFLIGHT_FAILED, logged => 'method-not-allowed');
}

# 7. A request header that CORSAllowHeaders does not list: only the
# preflight reaches the server.
{
    my $tag = CorsBrowser::tag('header');
    $browser->blocked_ok('X-Not-Allowed header',
        url => CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"),
        init => { headers => { 'X-Not-Allowed' => '1' } }, sent => ['OPTIONS 403'],
        console => $PREFLIGHT_FAILED, logged => 'header-not-allowed');
}

# 13. CORSMaxAge 60: the browser keeps the preflight's answer, so the second
# identical call sends no OPTIONS, even after the 5 seconds Chromium keeps
# an answer without Access-Control-Max-Age.  With CORSMaxAge 0 it asks
# every time.
{
    my $tag = CorsBrowser::tag('maxage60');
    my $url = CorsBrowser::url_of('browser_api', "/maxage60/echo?t=$tag");
    my $first = $browser->fetch($url, $JSON_PUT);
    my @reached = CorsBrowser::reached_summary($tag, 2);
    sleep 6;
    my $second = $browser->fetch($url, $JSON_PUT);
    is($first->{status}, 200, 'CORSMaxAge 60: first call succeeds')
        or diag($first->{error});
    is($second->{status}, 200, 'CORSMaxAge 60: second call succeeds')
        or diag($second->{error});
    is_deeply(\@reached, ['OPTIONS 204', 'PUT 200'],
              'CORSMaxAge 60: the first call was preflighted');
    is_deeply([CorsBrowser::reached_summary($tag, 3)],
              ['OPTIONS 204', 'PUT 200', 'PUT 200'],
              'CORSMaxAge 60: the second call sent no OPTIONS');

    $tag = CorsBrowser::tag('maxage0');
    $url = CorsBrowser::url_of('browser_api', "/maxage0/echo?t=$tag");
    $first = $browser->fetch($url, $JSON_PUT);
    CorsBrowser::reached($tag, 2);
    $second = $browser->fetch($url, $JSON_PUT);
    is($first->{status}, 200, 'CORSMaxAge 0: first call succeeds')
        or diag($first->{error});
    is($second->{status}, 200, 'CORSMaxAge 0: second call succeeds')
        or diag($second->{error});
    is_deeply([CorsBrowser::reached_summary($tag, 4)],
              ['OPTIONS 204', 'PUT 200', 'OPTIONS 204', 'PUT 200'],
              'CORSMaxAge 0: each call is preflighted');
}
