# In Chromium: what the page can read of responses, errors included, and
# requests from a sandboxed frame.  Scenarios 8, 9 and 14 of the browser
# suite; <VirtualHost browser_api> in t/conf/browser.conf.in exposes
# X-Request-Id, and its handler also sends X-Internal.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsBrowser;
use LWP::UserAgent ();

my $browser = CorsBrowser->for_test;
plan tests => 27;

# 8. An exposed header is readable, another one reads as null.
{
    my $tag = CorsBrowser::tag('expose');
    my $seen = $browser->fetch(CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"),
                               {}, ['X-Request-Id', 'X-Internal']);
    is($seen->{status}, 200, 'exposed headers: status 200') or diag($seen->{error});
    is($seen->{got}{'X-Request-Id'}, "req-$tag", 'X-Request-Id (exposed) is readable');
    is($seen->{got}{'X-Internal'}, undef, 'X-Internal (not exposed) reads as null');
    # Fetch's CORS-safelisted response headers are always readable.
    my $safelisted = qr/^(?:cache-control|content-language|content-length
                           |content-type|expires|last-modified|pragma)$/x;
    is_deeply([grep { !/$safelisted/ } sort keys %{ $seen->{headers} || {} }],
              ['x-request-id'],
              'besides the safelisted headers the script sees only X-Request-Id');
    is_deeply([CorsBrowser::reached_summary($tag)], ['GET 200'],
              'exposed headers: one GET reached httpd');

    # The hidden header was on the wire: the browser, not the server, hid it.
    my $raw = LWP::UserAgent->new->get(
        CorsBrowser::url_of('browser_api', "/api/echo?t=$tag-raw"),
        Origin => CorsBrowser::url_of('browser_page', ''));
    is($raw->header('X-Internal'), 'hidden', 'the response carries X-Internal');
    is($raw->header('Access-Control-Expose-Headers'), 'X-Request-Id',
       'Access-Control-Expose-Headers lists only X-Request-Id');
}

# 9. Error statuses from an allowed origin: status and body readable, no
# CORS error.
sub readable_error_ok
{
    my ($name, $path, $status, $body_re) = @_;
    my $tag = CorsBrowser::tag($name);
    my $sep = $path =~ /\?/ ? '&' : '?';
    my $seen = $browser->fetch(CorsBrowser::url_of('browser_api', "$path${sep}t=$tag"));
    is($seen->{status}, $status, "$name: the page reads status $status")
        or diag($seen->{error});
    like($seen->{body} // '', $body_re, "$name: the page reads the body");
    is_deeply([grep { /blocked by CORS policy/ } $browser->console], [],
              "$name: no CORS error on the console");
    is_deeply([CorsBrowser::reached_summary($tag)], ["GET $status"],
              "$name: one GET reached httpd");
}
readable_error_ok('404', '/missing.json', 404, qr/<h1>Not Found<\/h1>/);
readable_error_ok('500', '/api/echo?status=500', 500, qr/"method":"GET"/);
readable_error_ok('401', '/auth/echo', 401, qr/<h1>Unauthorized<\/h1>/);

# 14. A sandboxed frame's origin is "null": refused unless null is listed.
{
    my $tag = CorsBrowser::tag('sandbox');
    $browser->blocked_ok('sandboxed frame, null not listed', sandboxed => 1,
        url => CorsBrowser::url_of('browser_api', "/api/echo?t=$tag"),
        sent => ['GET 200'], console => "from origin 'null'",
        logged => 'null-origin-not-allowed');
    is_deeply([map { $_->{origin} } CorsBrowser::reached($tag)], ['null'],
              'sandboxed frame: the browser sent Origin: null');

    $tag = CorsBrowser::tag('sandbox-null');
    my $seen = $browser->sandboxed_fetch(CorsBrowser::url_of('browser_api', "/null/echo?t=$tag"));
    is($seen->{status}, 200, 'sandboxed frame, null listed: status 200')
        or diag($seen->{error});
    like($seen->{body} // '', qr/"origin":"null"/,
         'sandboxed frame, null listed: the body is readable');
    is_deeply([map { "$_->{method} $_->{status} $_->{origin}" } CorsBrowser::reached($tag)],
              ['GET 200 null'], 'sandboxed frame, null listed: one GET with Origin: null');
}
