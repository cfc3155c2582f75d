# cors-probe agrees with Chromium.  For each endpoint of
# t/conf/probe.conf.in (mod_cors, no CORS, the mod_headers recipe and its
# mistakes, redirects within and across origins), the browser suite's page
# calls fetch() in headless Chromium, and cors-probe makes the same call
# with the page's origin.  Both must reach the same verdict (allowed or
# blocked), cors-probe's console line must be Chrome's, word for word (the
# URLs differ only in their t=TAG), and the same requests (preflights,
# redirects followed) must reach httpd with the same Origin.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsBrowser;
use CorsProbe;

CorsProbe::require_binary();
my $browser = CorsBrowser->for_test;

my $PAGE = CorsBrowser::url_of('browser_page', '');
my $JSON = 'application/json';

# name, vhost, path, fetch() init, expected verdict; then "chrome_allows":
# cors-probe blocks as the Fetch standard says, and says that Chromium lets
# the request through.
my @cases = (
    [ 'mod_cors: GET', 'probe_cors', '/api/echo', {}, 'allowed' ],
    [ 'mod_cors: POST text', 'probe_cors', '/api/echo',
      { method => 'POST', body => 'hello' }, 'allowed' ],
    [ 'mod_cors: preflighted PUT', 'probe_cors', '/api/echo',
      { method => 'PUT', body => '{"a":1}',
        headers => { 'Content-Type' => $JSON, 'X-Request-Id' => '7' } },
      'allowed' ],
    [ 'mod_cors: credentials allowed', 'probe_cors', '/cred/echo',
      { credentials => 'include' }, 'allowed' ],
    [ 'mod_cors: origin not allowed', 'probe_cors', '/other/echo', {},
      'blocked' ],
    [ 'mod_cors: method not allowed', 'probe_cors', '/api/echo',
      { method => 'DELETE' }, 'blocked' ],
    [ 'mod_cors: header not allowed', 'probe_cors', '/api/echo',
      { headers => { 'X-Debug' => '1' } }, 'blocked' ],
    [ 'mod_cors: credentials not allowed', 'probe_cors', '/api/echo',
      { credentials => 'include' }, 'blocked' ],
    [ 'no CORS: GET', 'probe_none', '/api/echo', {}, 'blocked' ],
    [ 'no CORS: PUT', 'probe_none', '/api/echo', { method => 'PUT' },
      'blocked' ],
    [ 'recipe: GET', 'probe_recipe', '/recipe/echo', {}, 'allowed' ],
    [ 'recipe: wildcard with credentials', 'probe_recipe', '/recipe/echo',
      { credentials => 'include' }, 'blocked' ],
    [ 'recipe: Header add twice', 'probe_recipe', '/dup/echo', {},
      'blocked' ],
    [ 'recipe: handler and Header', 'probe_recipe',
      '/dupcgi/echo?acao=origin', {}, 'blocked' ],
    [ 'recipe: preflight needs a login', 'probe_recipe', '/login/echo',
      { method => 'PUT' }, 'blocked' ],
    [ 'recipe: preflight redirected', 'probe_recipe', '/moved/echo',
      { method => 'PUT' }, 'blocked' ],
    [ 'recipe: GET redirected', 'probe_recipe', '/moved/echo', {},
      'allowed' ],
    [ 'recipe: method missing', 'probe_recipe', '/recipe/echo',
      { method => 'PUT' }, 'blocked' ],
    [ 'recipe: header missing', 'probe_recipe', '/recipe/echo',
      { method => 'POST', body => '{}',
        headers => { 'Content-Type' => $JSON, 'X-Debug' => '1' } },
      'blocked' ],
    [ 'recipe: "*" covers a header', 'probe_recipe', '/wild/echo',
      { headers => { 'X-Debug' => '1' } }, 'allowed' ],
    # The one place where Chromium and the Fetch standard still differ:
    # "*" does not cover Authorization, but Chromium only warns.
    [ 'recipe: "*" and Authorization', 'probe_recipe', '/wild/echo',
      { headers => { 'Authorization' => 'Bearer t0k3n' } }, 'blocked',
      'chrome_allows' ],
    [ 'recipe: trailing slash', 'probe_recipe', '/slash/echo', {},
      'blocked' ],
    [ 'recipe: fixed other origin', 'probe_recipe', '/fixed/echo', {},
      'blocked' ],
    [ 'recipe: credentials True', 'probe_recipe', '/truecase/echo',
      { credentials => 'include' }, 'blocked' ],
    [ 'recipe: preflight wildcard with credentials', 'probe_recipe',
      '/recipe/echo', { method => 'PUT', credentials => 'include' },
      'blocked' ],
    [ 'recipe: not an origin', 'probe_recipe', '/invalid/echo', {},
      'blocked' ],
    [ 'recipe: methods separated by spaces', 'probe_recipe', '/spaces/echo',
      { method => 'PUT' }, 'blocked' ],
    [ 'recipe: PATCH', 'probe_recipe', '/patch/echo', { method => 'PATCH' },
      'allowed' ],
    [ 'recipe: patch in lower case', 'probe_recipe', '/patch/echo',
      { method => 'patch' }, 'blocked' ],
    [ 'recipe: a safelisted Range', 'probe_recipe', '/recipe/echo',
      { headers => { 'Range' => 'bytes=0-9' } }, 'allowed' ],
    [ 'recipe: a suffix Range', 'probe_recipe', '/recipe/echo',
      { headers => { 'Range' => 'bytes=-9' } }, 'blocked' ],
    [ 'recipe: Content-Type with a quote (preflighted)', 'probe_recipe',
      '/recipe/echo',
      { method => 'POST', body => 'x',
        headers => { 'Content-Type' => 'text/plain; charset="utf-8"' } },
      'allowed' ],
    [ 'recipe: two origins', 'probe_recipe', '/twoorigins/echo', {},
      'blocked' ],
    [ 'recipe: methods with a slash', 'probe_recipe', '/badmethods/echo',
      { method => 'PUT' }, 'blocked' ],
    [ 'recipe: header names with a colon', 'probe_recipe',
      '/badheaders/echo', { headers => { 'X-Debug' => '1' } }, 'blocked' ],
    [ 'hostile header names', 'probe_recipe', '/escape/echo', {},
      'allowed' ],
    # Redirects (t/probe/redirect.t).
    [ 'redirect: POST after 301', 'probe_recipe', '/moved/echo',
      { method => 'POST', body => 'hello' }, 'allowed' ],
    [ 'redirect: POST after 303', 'probe_recipe', '/see/echo',
      { method => 'POST', body => 'hello' }, 'allowed' ],
    [ 'redirect: relative Location', 'probe_recipe', '/relative/echo', {},
      'allowed' ],
    [ 'redirect: a new preflight after a 307', 'probe_recipe', '/keep/echo',
      { method => 'POST', body => '{}',
        headers => { 'Content-Type' => $JSON } }, 'allowed' ],
    [ 'redirect: the new preflight redirected', 'probe_recipe',
      '/keepmoved/echo',
      { method => 'POST', body => '{}',
        headers => { 'Content-Type' => $JSON } }, 'blocked' ],
    [ 'redirect: another origin without CORS', 'probe_recipe', '/away/echo',
      {}, 'blocked' ],
    [ 'redirect: to mod_cors with Origin: null', 'probe_recipe',
      '/tocors/echo', {}, 'blocked' ],
    [ 'redirect: another origin with "*"', 'probe_recipe', '/tostar/echo',
      {}, 'allowed' ],
    [ 'redirect: another origin echoing null', 'probe_recipe',
      '/toecho/echo', {}, 'allowed' ],
    [ 'redirect: another origin allowing the page', 'probe_recipe',
      '/tofixed/echo', {}, 'blocked' ],
    [ 'redirect: "*" with credentials', 'probe_recipe', '/tostar/echo',
      { credentials => 'include' }, 'blocked' ],
    [ 'redirect: Authorization dropped', 'probe_recipe', '/authaway/echo',
      { headers => { 'Authorization' => 'Bearer t0k3n' } }, 'allowed' ],
    [ 'redirect: a header kept, a new preflight', 'probe_recipe',
      '/authaway/echo', { headers => { 'X-Debug' => '1' } }, 'blocked' ],
    [ 'redirect: a loop', 'probe_recipe', '/loop/echo', {}, 'blocked' ],
    [ 'redirect: a user name in the Location', 'probe_recipe',
      '/userinfo/echo', {}, 'blocked' ],
    [ 'redirect: to ftp:', 'probe_recipe', '/ftp/echo', {}, 'blocked' ],
    [ 'redirect: to data:', 'probe_recipe', '/todata/echo', {}, 'blocked' ],
    [ 'redirect: a Location that is not a URL', 'probe_recipe',
      '/badlocation/echo', {}, 'blocked' ],
    [ 'redirect: two Location headers', 'probe_recipe', '/twolocations/echo',
      {}, 'blocked' ],
);

plan tests => 4 * @cases;

# cors-probe's arguments for fetch(URL, INIT) from the page.
sub probe_args
{
    my $init = shift;
    my @args = ('--origin', $PAGE);
    push @args, '--method', $init->{method} if $init->{method};
    for my $name (sort keys %{ $init->{headers} || {} }) {
        push @args, '--header', "$name: $init->{headers}{$name}";
    }
    push @args, '--body', $init->{body} if defined $init->{body};
    push @args, '--credentials' if ($init->{credentials} // '') eq 'include';
    return @args;
}

# The console line that tells why: Chrome's CORS message, else its
# "Failed to load resource: net::ERR_..." line for a network error, with
# the source prefix Chromium adds and the test's tag taken out.
sub console_line
{
    my ($tag, @messages) = @_;
    my ($line) = map { /(Access to fetch at .*?)\s*\z/s ? $1 : () } @messages;
    ($line) = map { /^(\S+ - Failed to load resource: net::ERR_(?!FAILED)\w+)/ ? $1 : () }
        @messages unless defined $line;
    return '' unless defined $line;
    $line =~ s/\Q$tag\E/TAG/g;
    return $line;
}

# "METHOD STATUS Origin" of each request with TAG that reached httpd.
sub sent
{
    my $tag = shift;
    return map { "$_->{method} $_->{status} $_->{origin}" }
        CorsProbe::reached($tag);
}

sub url_for
{
    my ($vhost, $path, $tag) = @_;
    my $sep = $path =~ /\?/ ? '&' : '?';
    return CorsBrowser::url_of($vhost, "$path${sep}t=$tag");
}

for my $case (@cases) {
    my ($name, $vhost, $path, $init, $want, $mode) = @$case;

    # Chromium.
    my $btag = CorsBrowser::tag('agree');
    my $seen = $browser->fetch(url_for($vhost, $path, $btag), $init);
    my $chrome = defined $seen->{error} ? 'blocked' : 'allowed';
    my @messages = $chrome eq 'blocked'
        ? $browser->console_wait(qr/blocked by CORS policy|net::ERR_(?!FAILED)/)
        : $browser->console;
    my ($message) = grep { /blocked by CORS policy/ } @messages;
    my @chrome_sent = sent($btag);

    # cors-probe.
    my $ptag = CorsProbe::tag('agree');
    my $r = CorsProbe::run(probe_args($init), url_for($vhost, $path, $ptag));
    my $probe = $r->{status} == 0 ? 'allowed'
              : $r->{status} == 1 ? 'blocked'
              : "error $r->{status}";
    my @probe_sent = sent($ptag);

    if (($mode // '') eq 'chrome_allows') {
        is($chrome, 'allowed', "$name: Chromium still allows it")
            or diag($seen->{error} // '', "\n", $message // '');
        is($probe, $want, "$name: cors-probe says $want, as the standard")
            or diag("stdout:\n$r->{out}\nstderr:\n$r->{err}");
        like(CorsProbe::line_of($r->{out}, 'Note: ') // '',
             qr/^Chrome .* still lets this request through/,
             "$name: cors-probe says Chromium differs");
        is_deeply([@chrome_sent[0 .. $#probe_sent]], \@probe_sent,
                  "$name: the same preflight reached httpd");
        next;
    }
    is($chrome, $want, "$name: Chromium says $want")
        or diag($seen->{error} // '', "\n", $message // '');
    is($probe, $chrome, "$name: cors-probe agrees ($chrome)")
        or diag("stdout:\n$r->{out}\nstderr:\n$r->{err}");
    is(console_line($ptag, CorsProbe::line_of($r->{out}, 'Console: ') // ()),
       console_line($btag, @messages), "$name: the same console line")
        or diag("Chromium: ", join("\n", @messages));
    is_deeply(\@probe_sent, \@chrome_sent,
              "$name: the same requests reached httpd");
}
