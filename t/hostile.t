# Hostile input against the running test server (t/conf/hostile.conf.in):
#
# 1. the probes that CORS misconfiguration scanners (Corsy, CORScanner)
#    send, against the configurations the documentation recommends, as
#    actual requests and as preflights: none is ever allowed;
# 2. malformed Origin values written to a raw socket (CR, LF, NUL, bytes
#    0x80-0xFF, 8 KB, several Origin lines, obs-fold): a complete answer,
#    never a 5xx, never an echo, no Access-Control-Allow-Origin unless the
#    one well-formed allowed origin was sent; hostile method and header
#    names in a preflight; requests pipelined on one connection;
# 3. oversized Access-Control-Request-Headers (10,000 names, 64 KB) and a
#    regular expression built to backtrack: refused within a time bound;
#
# and, after all of them, that the server still answers and no child died.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET OPTIONS);
use Apache::TestUtil qw(t_start_error_log_watch t_finish_error_log_watch);
use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

my $url = '/core/data.json';

# Time bound for one oversized request.  It is about "no quadratic
# blow-up", not speed: these requests take a few milliseconds.
my $BOUND = 2;

# ===================================================================
# 1. Scanner probes
# ===================================================================

# Each vhost: the origins it allows (checked first, so that the refusals
# below are not vacuous), the registrable domain the policy is about, and
# the allowed hosts the probes are made from.  Probes only change the part
# of a host that the policy pins down: for "https://*.example.com",
# "evilapp.example.com" is a legitimate subdomain, "evilexample.com" is
# not.
my @policies = (
    {
        vhost       => 'hostile_exact',
        credentials => 1,
        allow       => ['https://target.com', 'https://www.target.com'],
        domain      => 'target.com',
        hosts       => ['target.com', 'www.target.com'],
    },
    {
        vhost       => 'hostile_sub',
        credentials => 1,
        allow       => ['https://example.com', 'https://app.example.com',
                        'https://a.b.example.com'],
        domain      => 'example.com',
        hosts       => ['example.com', 'app.example.com'],
    },
    {
        vhost       => 'hostile_regex',
        credentials => 0,
        allow       => ['https://pr-1.preview.target.com',
                        'https://pr-42.preview.target.com',
                        'https://staging.preview.target.com'],
        domain      => 'preview.target.com',
        hosts       => ['pr-1.preview.target.com',
                        'staging.preview.target.com'],
    },
    {
        vhost       => 'hostile_set',
        credentials => 1,
        allow       => ['https://target.com', 'https://app.target.com'],
        domain      => 'target.com',
        hosts       => ['target.com', 'app.target.com'],
    },
);

# The characters CORScanner puts inside a host to find regexes with a
# character class that is too wide; %60 is a backtick, URL-encoded as the
# scanner sends it.
my @special = ('_', '-', '"', '{', '}', '+', '^', '%60', '!', '~', ';', '|',
               '&', "'", '(', ')', '*', ',', '$', '=');

# Sites where anyone can publish a page under a subdomain.
my @third_party = map { "https://$_" } qw(
    evil.github.io evil.gitlab.io evil.herokuapp.com evil.s3.amazonaws.com
    evil.azurewebsites.net evil.cloudfront.net evil.appspot.com
    evil.firebaseapp.com evil.netlify.app evil.vercel.app evil.pages.dev
    evil.glitch.me codepen.io cdpn.io jsfiddle.net fiddle.jshell.net
);

# The host with the dot at byte offset $i replaced by $c.
sub replace_dot
{
    my ($host, $i, $c) = @_;
    return substr($host, 0, $i) . $c . substr($host, $i + 1);
}

sub probes_for
{
    my $p = shift;
    my $domain = $p->{domain};
    my @probes = ('https://evil.com', 'https://attacker.example', 'null',
                  'https://target.com.evil.com', 'https://eviltarget.com',
                  "https://evil$domain", "https://evil-$domain",
                  "https://${domain}evil.com", 'https://' . substr($domain, 1),
                  'https://' . substr($domain, 0, -1));
    for my $host (@{ $p->{hosts} }) {
        push @probes, "https://$host.evil.com", "http://$host";
        # Unescaped dots: every dot of the domain, and the one in front of
        # it.  A dot further left separates labels the policy lets vary.
        my $from = length($host) - length($domain) - 1;
        $from = 0 if $from < 0;
        for my $i ($from .. length($host) - 1) {
            next unless substr($host, $i, 1) eq '.';
            push @probes, 'https://' . replace_dot($host, $i, 'x');
        }
    }
    my $host = $p->{hosts}[-1];
    my $last_dot = rindex $host, '.';
    for my $c (@special) {
        push @probes, "https://$host$c.evil.com",
                      'https://' . replace_dot($host, $last_dot, $c);
    }
    push @probes, @third_party;
    my %seen;
    return grep { !$seen{$_}++ } @probes;
}

$_->{probes} = [probes_for($_)] for @policies;

# ===================================================================
# 2. Raw-socket cases (vhost hostile_raw allows https://target.com, with
#    credentials and CORSDebugHeaders On)
# ===================================================================

# lines:  the request's Origin header line(s), CRLF-terminated, as sent
# status: what httpd answers an actual request; a preflight that reaches
#         mod_cors gets 403 (refused) or 204 (allowed) instead
# allow:  1 when the Origin httpd read is exactly the allowed origin
# marker: a piece of the hostile value that must appear nowhere in the
#         response
my @raw = (
    { name => 'CR inside the value', status => 400,
      # HttpProtocolOptions Strict: a control character in a field value.
      lines => "Origin: https://target.com\r.evil-cr.com\r\n",
      marker => 'evil-cr' },
    { name => 'bare LF inside the value', status => 400,
      # Strict: a header line must end in CRLF.
      lines => "Origin: https://target.com\n.evil-lf.com\r\n",
      marker => 'evil-lf' },
    { name => 'CRLF and an injected Access-Control-Allow-Origin line',
      status => 200, allow => 1,
      lines => "Origin: https://target.com\r\n"
             . "Access-Control-Allow-Origin: https://evil-inject.com\r\n",
      marker => 'evil-inject' },
    { name => 'NUL inside the value', status => 400,
      lines => "Origin: https://target.com\0.evil-nul.com\r\n",
      marker => 'evil-nul' },
    { name => 'tab inside the value', status => 200,
      lines => "Origin: https://target.com\t.evil-tab.com\r\n",
      marker => 'evil-tab' },
    { name => 'UTF-8 host', status => 200,
      lines => "Origin: https://t\xc3\xa4rget-utf8.com\r\n",
      marker => 'rget-utf8' },
    { name => 'Latin-1 byte after an allowed origin', status => 200,
      lines => "Origin: https://target.com\xff\r\n",
      marker => "target.com\xff" },
    { name => 'every byte 0x80-0xFF', status => 200,
      lines => 'Origin: https://target.com.evil-high'
             . join('', map { chr } 0x80 .. 0xff) . "\r\n",
      marker => 'evil-high' },
    { name => 'UTF-8 encoded NUL and CR (overlong)', status => 200,
      lines => "Origin: https://target.com\xc0\x80\xc0\x8d.evil-overlong.com\r\n",
      marker => 'evil-overlong' },
    { name => '8,000-byte Origin (under LimitRequestFieldSize)',
      status => 200,
      lines => 'Origin: https://' . ('a' x 7970) . ".target.com\r\n",
      marker => 'a' x 40 },
    { name => '8 KB Origin (over the default LimitRequestFieldSize)',
      status => 400,
      lines => 'Origin: https://' . ('a' x 8192) . ".target.com\r\n",
      marker => 'a' x 40 },
    { name => 'two identical allowed Origin lines', status => 200,
      lines => "Origin: https://target.com\r\nOrigin: https://target.com\r\n",
      marker => 'target.com, ' },
    { name => 'allowed, then another Origin line', status => 200,
      lines => "Origin: https://target.com\r\nOrigin: https://evil-two.com\r\n",
      marker => 'evil-two' },
    { name => 'another, then the allowed Origin line', status => 200,
      lines => "Origin: https://evil-first.com\r\nOrigin: https://target.com\r\n",
      marker => 'evil-first' },
    { name => 'an empty Origin line and the allowed one', status => 200,
      lines => "Origin:\r\nOrigin: https://target.com\r\n",
      marker => ', https://target.com' },
    # httpd stops reading at a line it refuses and answers 400 with the
    # headers it has read so far, like any error response: only an Origin
    # line before the bad one counts, and one that is allowed gets its
    # Access-Control-Allow-Origin on the 400.
    { name => 'the allowed Origin line, then one with a CR', status => 400,
      allow => 1,
      lines => "Origin: https://target.com\r\nOrigin: https://evil\r-cr2.com\r\n",
      marker => '-cr2' },
    { name => 'an Origin line with a CR, then the allowed one', status => 400,
      lines => "Origin: https://evil\r-cr3.com\r\nOrigin: https://target.com\r\n",
      marker => '-cr3' },
    { name => '90 Origin lines', status => 200,
      lines => "Origin: https://target.com\r\n" x 89
             . "Origin: https://evil-many.com\r\n",
      marker => 'evil-many' },
    { name => 'obs-fold continuation with a space', status => 200,
      lines => "Origin: https://target.com\r\n .evil-fold.com\r\n",
      marker => 'evil-fold' },
    { name => 'obs-fold continuation with a tab', status => 200,
      lines => "Origin: https://target.com\r\n\t.evil-foldtab.com\r\n",
      marker => 'evil-foldtab' },
);

# The other request values that a preflight's CORS-Debug explanation may
# name: it must stay one quoted string of printable ASCII.
my @asked = (
    { name => 'a method with quotes and a backslash',
      lines => "Access-Control-Request-Method: P\"U\"T\\x\r\n",
      reason => 'method-not-allowed' },
    { name => 'a method with bytes 0x80-0xFF',
      lines => "Access-Control-Request-Method: PUT\xff\xfe\xc3\xa9\r\n",
      reason => 'method-not-allowed' },
    { name => 'a 5,000-byte method',
      lines => 'Access-Control-Request-Method: ' . ('M' x 5000) . "\r\n",
      reason => 'method-not-allowed' },
    { name => 'two Access-Control-Request-Method lines',
      lines => "Access-Control-Request-Method: GET\r\n"
             . "Access-Control-Request-Method: POST\r\n",
      reason => 'method-not-allowed' },
    { name => 'header names with quotes and bytes 0x80-0xFF',
      lines => "Access-Control-Request-Method: GET\r\n"
             . "Access-Control-Request-Headers: x-\xff\"b\\, x-a\r\n",
      reason => 'malformed-request-headers' },
);

# Requests pipelined on one connection: each is decided on its own, and
# nothing of an allowed one carries over to the next.
my @pipeline = (
    ['GET',     'https://target.com',   200, 'https://target.com'],
    ['GET',     'https://evil-pipe.com', 200, undef],
    ['OPTIONS', 'https://target.com',   204, 'https://target.com'],
    ['OPTIONS', 'https://evil-pipe.com', 403, undef],
    ['GET',     undef,                  200, undef],
    ['OPTIONS', "https://target.com\xff", 403, undef],
    ['GET',     'https://target.com',   200, 'https://target.com'],
);

# ===================================================================
# 3. Oversized Access-Control-Request-Headers (vhost hostile_big)
# ===================================================================

my @many = map { "x-h$_" } 1 .. 10_000;
my @big = (
    { name => '10,000 names on one line',
      acrh => join(',', @many) },
    { name => '10,000 names over 50 lines',
      acrh => [map { join ',', @many[$_ * 200 .. $_ * 200 + 199] } 0 .. 49] },
    { name => 'one 64 KB name',
      acrh => 'x' x 65_536 },
    { name => '64 KB of empty items',
      acrh => ',' x 65_536 },
    { name => '2,000 one-letter names in 3,999 bytes (the count limit)',
      acrh => join(',', ('a') x 2000) },
    # The byte limit is checked before any name is read.
    { name => '10,000 malformed names',
      acrh => join(',', ('{}') x 10_000) },
);

my $tests = 0;
$tests += 2 * @{ $_->{allow} } + 6 * @{ $_->{probes} } for @policies;
$tests += 8 * 2 * @raw + 5 * @asked + 1 + 2 * @pipeline + 2;
$tests += 5 * @big + 4 + 8 + 3;
$tests += 2 + 2;
plan tests => $tests;

# ------------------------------------------------------------- 1.
t_start_error_log_watch();

# Printable and bounded, for test names.
sub show
{
    my $s = shift;
    $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return length $s > 70 ? substr($s, 0, 67) . '...' : $s;
}

reset_user_agent();
for my $p (@policies) {
    my $v = $p->{vhost};
    Apache::TestRequest::module($v);

    for my $origin (@{ $p->{allow} }) {
        my $res = GET $url, Origin => $origin;
        is_deeply [$res->header('Access-Control-Allow-Origin')], [$origin],
            "$v: the allowed $origin is echoed once";
        is_deeply [$res->header('Access-Control-Allow-Credentials')],
            [$p->{credentials} ? 'true' : ()],
            "$v: $origin: Access-Control-Allow-Credentials "
            . ($p->{credentials} ? 'true' : 'absent');
    }

    for my $origin (@{ $p->{probes} }) {
        my $what = "$v: " . show($origin);

        my $res = GET $url, Origin => $origin;
        is $res->code, 200, "$what: actual request served (200)";
        no_cors_ok($res, "$what: actual");

        $res = send_preflight($url, $origin, 'PUT',
                              'Access-Control-Request-Headers' => 'content-type');
        is $res->code, 403, "$what: preflight refused (403)";
        is_deeply cors_headers_present($res), [],
            "$what: preflight: no Access-Control-* header";
        is vary_count($res, '*'), 1, "$what: preflight: Vary: *";
    }
}

# ------------------------------------------------------------- 2.
# Sends one raw request and reads the answer until the server closes the
# connection (the request says Connection: close) or 10 s pass.
sub raw_request
{
    my ($hostport, $text) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => $hostport, Proto => 'tcp',
                                     Timeout => 10)
        or die "connect $hostport: $!";
    binmode $sock;
    $sock->autoflush(1);
    print $sock $text;
    my $sel = IO::Select->new($sock);
    my $deadline = Time::HiRes::time() + 10;
    my $answer = '';
    while (1) {
        my $left = $deadline - Time::HiRes::time();
        last if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $sock, $answer, 65_536, length $answer;
        last unless $n;
    }
    close $sock;
    return $answer;
}

# Splits an answer: (status, header block, {lower-case name => [values]},
# body), or () when there is no status line and header block.
sub parse_answer
{
    my $answer = shift;
    my $end = index $answer, "\r\n\r\n";
    return () if $end < 0 || $answer !~ m{\AHTTP/1\.[01] (\d{3}) };
    my $status = $1;
    my $head = substr $answer, 0, $end + 2;
    my $body = substr $answer, $end + 4;
    my %h;
    for my $line (split /\r\n/, $head) {
        next unless $line =~ /^([^:\s]+):[ \t]*(.*?)[ \t]*$/;
        push @{ $h{lc $1} }, $2;
    }
    return ($status, $head, \%h, $body);
}

# 1 when the body is as long as the headers say it is.
sub body_complete
{
    my ($status, $h, $body) = @_;
    return length($body) == 0 if $status == 204 || $status == 304;
    if (my $cl = $h->{'content-length'}) {
        return length($body) == $cl->[0];
    }
    if (grep { /chunked/i } @{ $h->{'transfer-encoding'} || [] }) {
        return $body =~ /(?:\A|\r\n)0\r\n(?:[^\r\n]+\r\n)*\r\n\z/;
    }
    return 0;
}

# 8 tests.
sub raw_case_ok
{
    my ($hostport, $c, $preflight) = @_;
    my $what = ($preflight ? 'raw preflight' : 'raw actual') . ": $c->{name}";
    my $expect = $c->{status};
    if ($preflight && $expect == 200) {
        $expect = $c->{allow} ? 204 : 403;
    }
    my $text = ($preflight ? 'OPTIONS' : 'GET') . " $url HTTP/1.1\r\n"
             . "Host: $hostport\r\n" . $c->{lines}
             . ($preflight ? "Access-Control-Request-Method: GET\r\n" : '')
             . "Connection: close\r\n\r\n";

    my $answer = raw_request($hostport, $text);
    my ($status, $head, $h, $body) = parse_answer($answer);
    ok defined $status, "$what: a status line and a complete header block"
        or diag 'answer: ' . show($answer);
    $status //= 0;
    $head //= '';
    ok body_complete($status, $h || {}, $body // ''),
        "$what: the body is complete";
    is $status, $expect, "$what: $expect";
    ok $status < 500, "$what: not a 5xx";
    unlike $head, qr/[^\t\x20-\x7e\r\n]/,
        "$what: nothing but printable ASCII in the response header";
    unlike $head, qr/\r(?!\n)|(?<!\r)\n/,
        "$what: no bare CR or LF in the response header";
    ok index($answer, $c->{marker}) < 0,
        "$what: the hostile value appears nowhere in the response";
    is_deeply [@{ $h->{'access-control-allow-origin'} || [] },
               @{ $h->{'access-control-allow-credentials'} || [] }],
        $c->{allow} ? ['https://target.com', 'true'] : [],
        $c->{allow} ? "$what: the allowed origin, once, with credentials"
                    : "$what: no Access-Control-Allow-Origin or -Credentials";
}

Apache::TestRequest::module('hostile_raw');
my $raw_hostport = Apache::TestRequest::hostport();
for my $c (@raw) {
    raw_case_ok($raw_hostport, $c, 0);
    raw_case_ok($raw_hostport, $c, 1);
}
for my $c (@asked) {
    my $what = "raw preflight: $c->{name}";
    my $answer = raw_request($raw_hostport,
        "OPTIONS $url HTTP/1.1\r\nHost: $raw_hostport\r\n"
        . "Origin: https://target.com\r\n$c->{lines}Connection: close\r\n\r\n");
    my ($status, $head, $h, $body) = parse_answer($answer);
    ok defined $status && body_complete($status, $h, $body),
        "$what: a complete answer";
    is $status, 403, "$what: 403";
    unlike $head // '', qr/[^\t\x20-\x7e\r\n]|\r(?!\n)|(?<!\r)\n/,
        "$what: the response header is printable ASCII in CRLF lines";
    my @debug = @{ ($h || {})->{'cors-debug'} || [] };
    my $quoted = qr/"(?:[^"\\]|\\.)*"/;
    ok @debug == 1 && length $debug[0] < 1024
        && $debug[0] =~ /^denied; reason=\Q$c->{reason}\E; request=preflight; why=$quoted$/,
        "$what: CORS-Debug says $c->{reason} in one bounded quoted string"
        or diag 'CORS-Debug: ' . show(join ' | ', @debug);
    is_deeply [grep { /^access-control-/ } sort keys %{ $h || {} }], [],
        "$what: no Access-Control-* header";
}
{
    my $text = '';
    for my $i (0 .. $#pipeline) {
        my ($method, $origin) = @{ $pipeline[$i] };
        $text .= "$method $url HTTP/1.1\r\nHost: $raw_hostport\r\n"
               . (defined $origin ? "Origin: $origin\r\n" : '')
               . ($method eq 'OPTIONS'
                  ? "Access-Control-Request-Method: GET\r\n" : '')
               . ($i == $#pipeline ? "Connection: close\r\n" : '')
               . "\r\n";
    }
    my $answer = raw_request($raw_hostport, $text);
    my @answers;
    while (length $answer) {
        my ($status, $head, $h, $rest) = parse_answer($answer);
        last unless defined $status;
        my $len = $status == 204 || $status == 304 ? 0
                : ($h->{'content-length'} || [0])->[0];
        push @answers, [$status, $h];
        $answer = substr $rest, $len;
    }
    is scalar @answers, scalar @pipeline,
        'pipelined: one complete answer per request';
    for my $i (0 .. $#pipeline) {
        my ($method, $origin, $status, $allow) = @{ $pipeline[$i] };
        my ($got, $h) = @{ $answers[$i] || [0, {}] };
        my $what = sprintf 'pipelined request %d, %s from %s', $i + 1, $method,
                           defined $origin ? show($origin) : 'no Origin';
        is $got, $status, "$what: $status";
        is_deeply $h->{'access-control-allow-origin'} || [],
            [defined $allow ? $allow : ()],
            defined $allow ? "$what: ACAO $allow" : "$what: no ACAO";
    }
}
{
    # The server still answers, over a fresh connection.
    reset_user_agent(keep_alive => 0);
    my $res = GET $url, Origin => 'https://target.com';
    is $res->code, 200, 'after the raw requests: a normal request is served';
    is $res->header('Access-Control-Allow-Origin'), 'https://target.com',
        'after the raw requests: the allowed origin still gets its header';
}

# ------------------------------------------------------------- 3.
sub timed
{
    my $code = shift;
    my $t0 = Time::HiRes::time();
    my $res = $code->();
    return ($res, Time::HiRes::time() - $t0);
}

my $TOO_MANY = qr/^denied; reason=too-many-request-headers; request=preflight;/;

reset_user_agent();
Apache::TestRequest::module('hostile_big');
for my $c (@big) {
    my ($res, $took) = timed(sub {
        send_preflight($url, 'https://target.com', 'PUT',
                       'Access-Control-Request-Headers' => $c->{acrh});
    });
    my $what = "ACRH $c->{name}";
    is $res->code, 403, "$what: preflight refused (403)";
    is_deeply cors_headers_present($res), [],
        "$what: no Access-Control-* header";
    like $res->header('CORS-Debug') // '', $TOO_MANY,
        "$what: CORS-Debug names too-many-request-headers";
    is vary_count($res, '*'), 1, "$what: Vary: *";
    cmp_ok $took, '<', $BOUND, sprintf '%s: answered in %.3f s (< %d s)',
        $what, $took, $BOUND;
}
{
    # Below both limits, 4,000 empty items cost nothing and are ignored.
    my ($res, $took) = timed(sub {
        send_preflight($url, 'https://target.com', 'PUT',
                       'Access-Control-Request-Headers' => (',' x 4000) . 'x-a');
    });
    is $res->code, 204, 'ACRH 4,000 empty items and one name: 204';
    is $res->header('Access-Control-Allow-Headers'), 'x-a',
        'ACRH 4,000 empty items and one name: the name is allowed';
    is $res->header('Access-Control-Allow-Origin'), 'https://target.com',
        'ACRH 4,000 empty items and one name: ACAO';
    cmp_ok $took, '<', $BOUND, sprintf
        'ACRH 4,000 empty items: answered in %.3f s (< %d s)', $took, $BOUND;
}
{
    # An actual request ignores Access-Control-Request-Headers.
    my ($res, $took) = timed(sub {
        GET $url, Origin => 'https://target.com',
            'Access-Control-Request-Headers' => join(',', @many);
    });
    is $res->code, 200, 'actual request with 10,000 ACRH names: 200';
    is $res->header('Access-Control-Allow-Origin'), 'https://target.com',
        'actual request with 10,000 ACRH names: ACAO';
    cmp_ok $took, '<', $BOUND, sprintf
        'actual request with 10,000 ACRH names: %.3f s (< %d s)', $took, $BOUND;

    # A 64 KB Origin reaches mod_cors here: malformed, never echoed.
    my $long = 'https://' . ('a' x 65_536) . '.target.com';
    ($res, $took) = timed(sub { GET $url, Origin => $long });
    is $res->code, 200, '64 KB Origin: served (200)';
    is_deeply cors_headers_present($res), [],
        '64 KB Origin: no Access-Control-* header';
    like $res->header('CORS-Debug') // '',
        qr/^denied; reason=malformed-origin; request=actual; why="[^"]*"$/,
        '64 KB Origin: malformed-origin, the value not repeated';
    cmp_ok $took, '<', $BOUND, sprintf
        '64 KB Origin: answered in %.3f s (< %d s)', $took, $BOUND;
    ($res, $took) = timed(sub { send_preflight($url, $long, 'PUT') });
    is $res->code, 403, '64 KB Origin, preflight: 403';
}
{
    # "~^https://(a+)+\.target\.com$" backtracks exponentially on a label
    # of a's that ends in another letter; the match is bounded.
    Apache::TestRequest::module('hostile_redos');
    my $near = 'https://' . ('a' x 62) . 'b.target.com';
    my ($res, $took) = timed(sub { GET $url, Origin => $near });
    is $res->code, 200, 'nested-repeat regex, 63-letter near miss: served';
    ok !defined $res->header('Access-Control-Allow-Origin'),
        'nested-repeat regex, near miss: no ACAO';
    cmp_ok $took, '<', $BOUND, sprintf
        'nested-repeat regex, near miss: answered in %.3f s (< %d s)',
        $took, $BOUND;
}

# ------------------------------------------------------------- the server
{
    reset_user_agent(keep_alive => 0);
    Apache::TestRequest::module('hostile_exact');
    my $res = GET $url, Origin => 'https://target.com';
    is $res->code, 200, 'at the end: a normal request is served';
    is $res->header('Access-Control-Allow-Origin'), 'https://target.com',
        'at the end: the allowed origin gets its header';

    # The parent logs a child's death when it reaps it, within a second.
    Time::HiRes::sleep(1.5);
    my @log = t_finish_error_log_watch();
    my @died = grep { /child pid \d+ exit signal|AH00052/ } @log;
    is_deeply \@died, [], 'no child process died of a signal';
    my @errors = grep { /\[(?:\w+:)?(?:emerg|alert|crit)\]/ } @log;
    is_deeply [map { show($_) } @errors], [],
        'nothing logged at crit, alert or emerg';
}
