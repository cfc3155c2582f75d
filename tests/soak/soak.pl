#!/usr/bin/perl
# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# The mod_cors soak test (issue 6, part 3).  Run it through tests/soak/run,
# which installs what is missing, builds the module, makes the temporary
# directory and removes it (and any server left running) at the end.
#
# What it does.  Debian's apache2 (event MPM unless --mpm says otherwise)
# runs with a configuration of its own, written to the temporary directory:
# one Listen on 127.0.0.1, a static JSON file under /api/ (CORS on), the
# same under /api/debug/ (CORSDebugHeaders On as well) and under /static/
# (CORS off).  The CORS directives of /api/ come from an included file that
# holds configuration A or B:
#
#   A  https://both.example.com https://a-only.example.com
#      http://localhost:3000 https://*.a-wild.example.net; credentials;
#      methods GET POST PUT; headers Content-Type X-Requested-With
#      X-Soak-A; exposes ETag X-Soak-A; max-age 600; private network on
#   B  https://both.example.com https://b-only.example.com null
#      ~^https://[a-z0-9-]+\.b-re\.example\.org$; no credentials; methods *;
#      headers *; exposes X-Soak-B
#
# A client written here keeps --connections keep-alive connections busy
# (non-blocking sockets, one IO::Select loop) with a mix of allowed GETs
# (in A only, in B only, in both), denied GETs, preflights allowed and
# refused, requests without Origin, malformed Origins, huge
# Access-Control-Request-Headers lists, 404s and requests outside the
# CORS scope.  For every request it works out what A and what B must
# answer: the status, every Access-Control-* header, the Vary tokens and,
# under /api/debug/, the decision and reason of CORS-Debug.  A response
# must be complete, must not be a 5xx, and must equal one of the two; one
# that fits neither is an inconsistency.
#
# Phase 1 (--seconds): every --restart-every seconds the included file is
# replaced (a temporary file renamed over it) by the other configuration and
# the server is sent a graceful restart.  A request that got no byte of
# answer on a keep-alive connection the server closed is retried once on a
# new connection (HTTP allows that for idempotent requests); retries are
# counted apart.  Any other lost, partial or late answer is a failure.
#
# Phase 2 (--steady-seconds): the same traffic without restarts, to measure
# the children's memory.  Graceful restarts replace every child each time,
# so no child of phase 1 lives long enough to show a leak; in phase 2 the
# children (MaxConnectionsPerChild 0, spare-thread limits that never stop
# one) serve the whole phase.  After --warmup seconds, the VmRSS of each
# child is sampled every second; the growth per 100,000 requests is the
# slope of the children's summed VmRSS against the number of answered
# requests (least squares), and also the plain difference between the
# first and last sample.  The parent's VmRSS before and after phase 1 shows
# what each graceful restart costs it.
#
# Usage: soak.pl --dir DIR [--seconds 60] [--connections 200]
#                [--restart-every 5] [--steady-seconds 60] [--warmup 20]
#                [--mpm event|worker|prefork] [--restart-with signal|apache2]
#                [--timeout 15] [--seed N] [--out DIR]
#   --dir DIR          an empty directory for the server (tests/soak/run
#                      makes one)
#   --restart-with     signal: SIGUSR1 to the parent (default); apache2:
#                      `apache2 -k graceful` with the same -f and -d
#   --timeout S        seconds a request may take before it is a failure
#   --seed N           the random choices of the client, to rerun a run
#   --out DIR          where the summary, the failures and the memory
#                      samples go (default: test-logs/soak/DATE-TIME)
#   --dump N           also write the first N exchanges (request, what A
#                      and B must answer, the answer) to exchanges.log
# Environment: MOD_CORS_SO (the module; default .libs/mod_cors.so),
# APACHE_TEST_HTTPD or APXS (httpd).
#
# Exit status: 0 when failures, 5xx, inconsistent responses and crashed
# children are all 0, at least the expected number of graceful restarts
# happened and each of them brought the other configuration into effect;
# 1 otherwise; 2 when the run could not be made.

use strict;
use warnings;

use Cwd qw(abs_path);
use Errno qw(EAGAIN EINPROGRESS EINTR EWOULDBLOCK);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use File::Basename qw(dirname);
use File::Copy qw(copy);
use File::Path qw(make_path);
use Getopt::Long qw(GetOptions);
use IO::Select;
use POSIX qw(strftime WNOHANG);
use Socket qw(PF_INET SOCK_STREAM IPPROTO_TCP TCP_NODELAY SOL_SOCKET
              SO_ERROR inet_aton pack_sockaddr_in);
use Time::HiRes qw(time sleep);

use FindBin ();
use lib "$FindBin::RealBin/../../scripts/lib";
use CorsLocal qw(httpd_binary load_module module_under_test
                 unprivileged_ids document_root free_port slurp tail_of
                 write_file);

$| = 1;
$SIG{PIPE} = 'IGNORE';
# A run that cannot be made exits 2, not 1 (FAIL); END stops the server.
$SIG{__DIE__} = sub {
    return if $^S // 1;    # inside an eval, or while compiling
    print STDERR "soak.pl: $_[0]";
    exit 2;
};
my $T_START = time;
my $TOP = dirname(dirname(dirname(abs_path(__FILE__))));

my %opt = (seconds => 60, connections => 200, 'restart-every' => 5,
           'steady-seconds' => 60, warmup => 20, mpm => 'event',
           'restart-with' => 'signal', timeout => 15);
GetOptions(\%opt, 'dir=s', 'seconds=f', 'connections=i', 'restart-every=f',
           'steady-seconds=f', 'warmup=f', 'mpm=s', 'restart-with=s',
           'timeout=f', 'seed=i', 'out=s', 'dump=i', 'help|h')
    or usage_error();
if ($opt{help}) {
    open my $self, '<', __FILE__ or die;
    while (<$self>) { last if /^use /; print if $. > 2 && s/^# ?// }
    exit 0;
}
usage_error('--dir is required') unless $opt{dir} && -d $opt{dir};
usage_error("--mpm: $opt{mpm} is not event, worker or prefork")
    unless $opt{mpm} =~ /^(event|worker|prefork)$/;
usage_error("--restart-with: $opt{'restart-with'} is not signal or apache2")
    unless $opt{'restart-with'} =~ /^(signal|apache2)$/;
usage_error('--connections must be from 1 to 1000')
    unless $opt{connections} >= 1 && $opt{connections} <= 1000;
usage_error('--seconds, --restart-every and --timeout must be positive')
    unless $opt{seconds} > 0 && $opt{'restart-every'} > 0 && $opt{timeout} > 0;
usage_error('--steady-seconds must be 0 or more than --warmup + 3')
    unless $opt{'steady-seconds'} == 0
           || $opt{'steady-seconds'} > $opt{warmup} + 3;

sub usage_error
{
    print STDERR "soak.pl: $_[0]\n" if @_;
    print STDERR "usage: soak.pl --dir DIR [--seconds S] [--connections N]"
        . " [--restart-every S] [--steady-seconds S] [--mpm MPM] ...\n";
    exit 2;
}

my $SEED = $opt{seed} // (time ^ ($$ << 8)) & 0x7fffffff;
srand($SEED);

# ---------------------------------------------------------------------------
# httpd and the module
# ---------------------------------------------------------------------------

my $HTTPD = httpd_binary();

my $SO = module_under_test();

# As root, httpd runs as a packaged server does: the parent as root, the
# children as an unprivileged user.
my ($UID, $GID);
if ($< == 0) {
    ($UID, $GID) = unprivileged_ids();
}

# ---------------------------------------------------------------------------
# The two configurations, and what each must answer
# ---------------------------------------------------------------------------

my %CONF = (
    A => {
        text => <<'EOF',
# Configuration A (tests/soak/soak.pl)
CORSAllowOrigin https://both.example.com https://a-only.example.com
CORSAllowOrigin http://localhost:3000 https://*.a-wild.example.net
CORSAllowCredentials On
CORSAllowMethods GET POST PUT
CORSAllowHeaders Content-Type X-Requested-With X-Soak-A
CORSExposeHeaders ETag X-Soak-A
CORSMaxAge 600
CORSAllowPrivateNetwork On
EOF
        exact => { map { $_ => 1 } qw(https://both.example.com
                   https://a-only.example.com http://localhost:3000) },
        match => sub {
            my ($scheme, $host, $port) = @_;
            return $scheme eq 'https' && !defined $port
                && $host =~ /^.+\.a-wild\.example\.net\z/;
        },
        null => 0,
        credentials => 1,
        methods => [qw(GET POST PUT)],
        headers => [qw(Content-Type X-Requested-With X-Soak-A)],
        expose => 'ETag, X-Soak-A',
        max_age => '600',
        private_network => 1,
    },
    B => {
        text => <<'EOF',
# Configuration B (tests/soak/soak.pl)
CORSAllowOrigin https://both.example.com https://b-only.example.com null
CORSAllowOrigin "~^https://[a-z0-9-]+\.b-re\.example\.org$"
CORSAllowCredentials Off
CORSAllowMethods *
CORSAllowHeaders *
CORSExposeHeaders X-Soak-B
CORSAllowPrivateNetwork Off
EOF
        exact => { map { $_ => 1 } qw(https://both.example.com
                   https://b-only.example.com) },
        match => sub {
            my ($scheme, $host, $port, $origin) = @_;
            return $origin =~ m{^https://[a-z0-9-]+\.b-re\.example\.org\z};
        },
        null => 1,
        credentials => 0,
        methods => undef,       # *
        headers => undef,       # *
        expose => 'X-Soak-B',
        max_age => undef,
        private_network => 0,
    },
);
my @CONFS = qw(A B);

# cors_origin_parse() of cors_origin.c, written again: a request Origin is
# scheme "://" host [":" port] in lower case, at most 2,048 bytes.  Returns
# (scheme, host, port or undef), or nothing when it is malformed.
sub origin_parts
{
    my ($v) = @_;
    return () if length($v) == 0 || length($v) > 2048;
    my ($scheme, $host, $rest) =
        $v =~ m{^([a-z][a-z0-9+.-]*)://(\[[0-9a-fA-F:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*)(.*)\z}s
        or return ();
    return () if substr($host, 0, 1) ne '[' && length($host) > 253;
    return ($scheme, $host, undef) if $rest eq '';
    return () unless $rest =~ /^:([0-9]{1,5})\z/ && $1 <= 65535;
    return ($scheme, $host, $1 + 0);
}

# "allowed" or the reason token, for an Origin under configuration c.
sub origin_verdict
{
    my ($c, $origin) = @_;
    return $c->{null} ? 'allowed' : 'null-origin-not-allowed' if $origin eq 'null';
    return 'allowed' if $c->{exact}{$origin};
    my @p = origin_parts($origin) or return 'malformed-origin';
    return $c->{match}->(@p, $origin) ? 'allowed' : 'origin-not-allowed';
}

my $TCHAR = qr/^[!#\$%&'*+.^_`|~0-9A-Za-z-]+\z/;

# cors_request_headers_check() of cors_list.c: ('ok', names echoed) or
# (reason token).
sub request_headers_verdict
{
    my ($c, $value) = @_;
    return ('too-many-request-headers') if length($value) > 4096;
    my %allowed = map { lc($_) => 1 } @{$c->{headers} || []};
    my @names;
    for my $item (split /,/, $value, -1) {
        $item =~ s/^[ \t]+//;
        $item =~ s/[ \t]+\z//;
        next if $item eq '';
        return ('too-many-request-headers') if @names >= 64;
        my $name = lc $item;
        return ('malformed-request-headers') unless $name =~ $TCHAR;
        return ('header-not-allowed') if $c->{headers} && !$allowed{$name};
        push @names, $name;
    }
    return ('ok', join(', ', @names));
}

# What configuration c must answer to request q, as one line of text that
# the response is reduced to as well (see response_digest).
sub expect
{
    my ($c, $q) = @_;
    my (%h, $vary, $debug, $status);
    my $origin = $q->{origin};
    my $preflight = $q->{method} eq 'OPTIONS' && defined $origin
                    && defined $q->{acrm} && $q->{acrm} ne '';

    if ($q->{status}) {
        # Decided before mod_cors is involved (a 400 from httpd).
        return digest($q->{status}, {}, undef, undef);
    }
    $status = $q->{missing} ? 404 : 200;
    if (!$q->{scope}) {
        return digest($status, {}, undef, undef);
    }
    if (!defined $origin) {
        return digest($status, {}, 'origin', undef);
    }
    my $verdict = origin_verdict($c, $origin);
    if (!$preflight) {
        my $outcome = $verdict;
        if ($verdict eq 'allowed') {
            $h{'access-control-allow-origin'} = $origin;
            $h{'access-control-allow-credentials'} = 'true' if $c->{credentials};
            $h{'access-control-expose-headers'} = $c->{expose} if $c->{expose};
            $outcome = 'credentials-not-allowed'
                if $q->{cookie} && !$c->{credentials};
        }
        $debug = debug_text($outcome, 'actual') if $q->{debug};
        return digest($status, \%h, 'origin', $debug);
    }

    my $method = $q->{acrm};
    my ($allow_methods, $allow_headers);
    if ($verdict eq 'allowed') {
        my %listed = map { $_ => 1 } @{$c->{methods} || []};
        my $safelisted = $method =~ /^(GET|HEAD|POST)\z/;
        if ($method !~ $TCHAR) {
            $verdict = 'method-not-allowed';
        }
        elsif (!$c->{methods}) {
            $allow_methods = $method;
        }
        elsif ($listed{$method} || $safelisted) {
            $allow_methods = join ', ', @{$c->{methods}};
        }
        else {
            $verdict = 'method-not-allowed';
        }
    }
    if ($verdict eq 'allowed' && defined $q->{acrh}) {
        my ($v, $names) = request_headers_verdict($c, $q->{acrh});
        if ($v ne 'ok') {
            $verdict = $v;
        }
        elsif ($names ne '') {
            $allow_headers = $c->{headers} ? join(', ', @{$c->{headers}}) : $names;
        }
    }
    if ($verdict eq 'allowed') {
        $h{'access-control-allow-origin'} = $origin;
        $h{'access-control-allow-credentials'} = 'true' if $c->{credentials};
        $h{'access-control-allow-methods'} = $allow_methods;
        $h{'access-control-allow-headers'} = $allow_headers if defined $allow_headers;
        $h{'access-control-max-age'} = $c->{max_age} if defined $c->{max_age};
        $h{'access-control-allow-private-network'} = 'true'
            if $c->{private_network} && defined $q->{pn} && lc($q->{pn}) eq 'true';
    }
    $debug = debug_text($verdict, 'preflight') if $q->{debug};
    return digest($verdict eq 'allowed' ? 204 : 403, \%h, '*', $debug);
}

sub debug_text
{
    my ($reason, $type) = @_;
    return ($reason eq 'allowed' ? 'allowed' : 'denied') . "; reason=$reason; request=$type";
}

# status, Access-Control-* headers, Vary tokens and CORS-Debug's decision,
# as one line.
sub digest
{
    my ($status, $h, $vary, $debug) = @_;
    return join ' | ', "status $status",
        (map { "$_: $h->{$_}" } sort keys %$h),
        'vary: ' . ($vary // '-'),
        'cors-debug: ' . ($debug // '-');
}

# ---------------------------------------------------------------------------
# The requests
# ---------------------------------------------------------------------------

my $JSON = qq({"service":"mod_cors soak","items":[)
    . join(',', map { qq({"id":$_,"name":"item $_"}) } 1 .. 8) . "]}\n";

my @BOTH = ('https://both.example.com');
my @A_ONLY = ('https://a-only.example.com', 'http://localhost:3000',
              'https://x.a-wild.example.net', 'https://a.b.c.a-wild.example.net',
              'https://x_y.a-wild.example.net');
my @B_ONLY = ('https://b-only.example.com', 'https://pr-42.b-re.example.org',
              'https://staging.b-re.example.org');
my @DENIED = ('https://evil.example.com', 'https://both.example.com.evil.com',
              'https://evilboth.example.com', 'http://both.example.com',
              'https://both.example.com:8443', 'https://www.both.example.com',
              'https://both.example.com:443', 'https://a-wild.example.net',
              'http://x.a-wild.example.net', 'https://x.a-wild.example.net:443',
              'https://xa-wild.example.net', 'https://a.b.b-re.example.org',
              'https://b-re.example.org', 'http://pr-1.b-re.example.org',
              'https://pr-1.b-re.example.org.evil.com', 'http://localhost:3001',
              'http://localhost', 'https://[::1]:3000', 'https://both.example.com:0',
              'https://a-only.example.com.b-re.example.org');
# Odd schemes and near misses, well-formed or not.
my @ODD = ('javascript://both.example.com', 'file://', 'data:text/html,hi',
           'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
           'capacitor://localhost', 'ws://both.example.com',
           'https+x://both.example.com', 'https:/both.example.com',
           'https//both.example.com', 'HTTPS://both.example.com',
           'https://Both.example.com', 'https://both.example.com.',
           'https://[zz]', 'https://[]', 'https://both..example.com',
           'https://both.example.com:65536', 'https://both.example.com:123456',
           'https://user@both.example.com', 'https://both.example.com/',
           'https://both.example.com/path', 'https://both.example.com?x=1',
           'https://both.example.com#f', 'https://both.example.com, https://both.example.com',
           'https://both.example.com https://b-only.example.com', 'NULL', 'null ',
           'about:blank', 'https://', '://both.example.com', 'https://both.example.com:',
           "https://b\x{e9}.example.com", "https://\xc3\xa9t\xc3\xa9.example.com",
           'https://xn--t-bga.example.com', '*', '', 'https://*.a-wild.example.net');
s/ \z// for @ODD;    # httpd trims trailing white space: keep values as sent

# Pools drawn from at random; built once so that the set of distinct
# requests, and their expectations (cached), stays small.
my @GARBAGE;
for (1 .. 300) {
    my $len = 1 + int(rand(rand() < 0.1 ? 400 : 60));
    my $s = '';
    for (1 .. $len) {
        my $r = rand;
        $s .= $r < 0.85 ? chr(0x21 + int(rand(94)))
            : $r < 0.95 ? ' '
            : chr(0x80 + int(rand(128)));
    }
    $s =~ s/^ +//;
    $s =~ s/ +\z//;
    $s = 'x' if $s eq '';
    push @GARBAGE, $s;
}
my @OVERLONG = (
    (map { 'https://' . ('a' x $_) . '.example.com' } 2030, 2037, 2048, 3000, 6000),
    (map { 'https://' . join('.', ('label') x $_) . '.example.com' } 40, 42, 60),
    'https://' . ('b' x 254), 'https://' . ('b' x 253), 'https://' . ('c' x 300) . ':8080',
    'https://both.example.com' . ('/' x 2100),
);
my @A_NAMES = ('content-type', 'x-requested-with', 'x-soak-a', 'Content-Type', 'X-SOAK-A');
sub name_list { my ($n, @pool) = @_; return join ', ', map { $pool[$_ % @pool] } 0 .. $n - 1 }
my @HUGE = (
    name_list(64, @A_NAMES),                        # allowed by both
    name_list(65, @A_NAMES),                        # one too many for both
    name_list(200, map { "x-h-$_" } 0 .. 199),      # A: not allowed; B: too many
    name_list(40, map { "x-h-$_" } 0 .. 39),        # A: not allowed; B: echoed
    join(',', ('content-type') x 330),              # over 4,096 bytes
    join(', ', map { 'x-soak-a' . ('x' x 60) } 1 .. 100),   # about 7 KB
    join(',', ('content-type') x 60) . ', bad header',      # malformed after 60
    name_list(64, @A_NAMES) . ', , ,,',             # empty items do not count
);
# Over httpd's LimitRequestFieldSize (8,190 bytes): a 400 from httpd.
my $OVERSIZE = join(',', ('x-soak-a') x 1200);

my @METHODS = ('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'put', 'HEAD',
               'OPTIONS', 'PROPFIND', 'X-Custom-1', 'GE T', 'G(E)T');
my @ACRH = (undef, undef, 'content-type', 'Content-Type, X-Requested-With',
            'x-soak-a', 'x-soak-b', 'x-other', ',content-type ,, x-soak-a,',
            'content-type, bad header', 'content-type;x', 'authorization',
            'X-Requested-With,x-soak-a,CONTENT-TYPE');

sub pick { return $_[int(rand(@_))] }

# In-scope path: plain /api/, or /api/debug/ with CORS-Debug.
sub api_path
{
    my ($q, $missing) = @_;
    $q->{scope} = 1;
    $q->{debug} = rand() < 0.3 ? 1 : 0;
    $q->{missing} = $missing ? 1 : 0;
    my $dir = $q->{debug} ? '/api/debug/' : '/api/';
    return $q->{path} = $dir . ($missing ? 'missing-' . int(rand(5)) . '.json' : 'data.json');
}

# Request kinds and their weights.  Each fills in a request description:
# method, path, origin (undef: no Origin; an array: several Origin lines),
# acrm/acrh/pn (the Access-Control-Request-* headers), cookie.
my @KINDS = (
    [ 'get-both',       10, sub { $_[0]{origin} = pick(@BOTH) } ],
    [ 'get-a-only',      7, sub { $_[0]{origin} = pick(@A_ONLY) } ],
    [ 'get-b-only',      7, sub { $_[0]{origin} = pick(@B_ONLY) } ],
    [ 'get-denied',      8, sub { $_[0]{origin} = pick(@DENIED) } ],
    [ 'get-cookie',      5, sub { $_[0]{origin} = pick(@BOTH, @A_ONLY, @B_ONLY, 'null');
                                  $_[0]{cookie} = 1 } ],
    [ 'head',            3, sub { $_[0]{method} = 'HEAD';
                                  $_[0]{origin} = pick(@BOTH, @A_ONLY, @B_ONLY, @DENIED) } ],
    [ 'no-origin',       8, sub { } ],
    [ 'malformed',      10, sub {
          my $r = rand;
          $_[0]{origin} = $r < 0.35 ? pick(@GARBAGE) : $r < 0.5 ? pick(@OVERLONG)
                        : $r < 0.6 ? 'null' : $r < 0.9 ? pick(@ODD)
                        : [pick(@BOTH, @A_ONLY, @B_ONLY), pick(@BOTH, @B_ONLY, @DENIED)];
      } ],
    [ 'preflight-both',  8, sub {
          @{$_[0]}{qw(method origin acrm)} = ('OPTIONS', pick(@BOTH), pick(qw(GET POST PUT HEAD)));
          $_[0]{acrh} = pick(undef, 'content-type', 'x-requested-with, content-type',
                             'X-Soak-A', ',content-type,');
      } ],
    [ 'preflight-mixed', 8, sub {
          @{$_[0]}{qw(method origin acrm acrh)} = ('OPTIONS',
              pick(@BOTH, @A_ONLY, @B_ONLY, @DENIED, 'null'), pick(@METHODS), pick(@ACRH));
      } ],
    [ 'preflight-bad',   6, sub {
          @{$_[0]}{qw(method origin acrm acrh)} = ('OPTIONS',
              pick(@DENIED, @ODD, @GARBAGE[0 .. 20], @OVERLONG), pick(@METHODS), pick(@ACRH));
      } ],
    [ 'preflight-huge',  5, sub {
          @{$_[0]}{qw(method origin acrm acrh)} = ('OPTIONS',
              pick(@BOTH, @A_ONLY, @B_ONLY), pick(qw(GET PUT DELETE)), pick(@HUGE));
      } ],
    [ 'preflight-pn',    2, sub {
          @{$_[0]}{qw(method origin acrm pn)} = ('OPTIONS', pick(@BOTH, @A_ONLY, @B_ONLY),
              pick(qw(GET PUT)), pick(qw(true TRUE false)));
      } ],
    [ 'options-actual',  2, sub {
          @{$_[0]}{qw(method origin)} = ('OPTIONS', pick(@BOTH, @A_ONLY, @B_ONLY, @DENIED));
          $_[0]{acrm} = '' if rand() < 0.5;    # empty: not a preflight
      } ],
    [ 'preflight-no-origin', 1, sub { @{$_[0]}{qw(method acrm)} = ('OPTIONS', 'PUT') } ],
    [ 'not-found',       2, sub { $_[0]{origin} = pick(@BOTH, @A_ONLY, @B_ONLY, @DENIED, undef);
                                  $_[0]{missing} = 1 } ],
    [ 'outside-scope',   2, sub { $_[0]{origin} = pick(@BOTH, @A_ONLY, @DENIED, undef);
                                  $_[0]{outside} = 1 } ],
    [ 'oversize-header', 0.2, sub {
          @{$_[0]}{qw(method origin acrm acrh status)} = ('OPTIONS', pick(@BOTH), 'PUT',
                                                          $OVERSIZE, 400);
      } ],
);
my $KIND_TOTAL = 0;
$KIND_TOTAL += $_->[1] for @KINDS;

my $PORT;
my %EXPECT_CACHE;    # request bytes -> [kind, digest A, digest B, path, method]

sub new_request
{
    my $roll = rand($KIND_TOTAL);
    my $kind = $KINDS[-1];
    for (@KINDS) {
        if (($roll -= $_->[1]) < 0) { $kind = $_; last }
    }
    my %q = (method => 'GET');
    $kind->[2]->(\%q);
    if ($q{outside}) {
        $q{path} = '/static/data.json';
    }
    elsif ($q{status}) {
        $q{path} = '/api/data.json';
    }
    else {
        api_path(\%q, $q{missing});
    }
    $q{cookie} = 1 if !$q{cookie} && rand() < 0.1;
    my @lines = ("$q{method} $q{path} HTTP/1.1", "Host: 127.0.0.1:$PORT",
                 'User-Agent: mod_cors-soak');
    if (ref $q{origin}) {
        push @lines, map { "Origin: $_" } @{$q{origin}};
        # httpd joins repeated lines: that is the value mod_cors sees.
        $q{origin} = join ', ', @{$q{origin}};
    }
    elsif (defined $q{origin}) {
        push @lines, "Origin: $q{origin}";
    }
    push @lines, "Access-Control-Request-Method: $q{acrm}" if defined $q{acrm};
    push @lines, "Access-Control-Request-Headers: $q{acrh}" if defined $q{acrh};
    push @lines, "Access-Control-Request-Private-Network: $q{pn}" if defined $q{pn};
    push @lines, 'Cookie: session=soak0123456789' if $q{cookie};
    my $bytes = join("\r\n", @lines, '', '');
    my $e = $EXPECT_CACHE{$bytes} ||= [$kind->[0],
        (map { expect($CONF{$_}, \%q) } @CONFS), $q{path}, $q{method}];
    return { bytes => $bytes, exp => $e, id => 0 };
}

# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------

my $DIR = abs_path($opt{dir});
my $CONFFILE = "$DIR/httpd.conf";
my $PIDFILE = "$DIR/httpd.pid";
my $ERRLOG = "$DIR/error_log";
my $ORIGINS = "$DIR/origins.conf";

# The MPM's settings: room for 200 busy connections, and for the old
# generation that a graceful restart leaves finishing its requests; spare
# limits that never stop a child, so phase 2 measures the same children.
my %MPM = (
    event => <<'EOF',
StartServers 8
ServerLimit 32
ThreadsPerChild 25
MaxRequestWorkers 400
MinSpareThreads 25
MaxSpareThreads 800
MaxConnectionsPerChild 0
EOF
    worker => <<'EOF',
StartServers 12
ServerLimit 40
ThreadsPerChild 25
MaxRequestWorkers 500
MinSpareThreads 25
MaxSpareThreads 1000
MaxConnectionsPerChild 0
EOF
    prefork => <<'EOF',
StartServers 220
ServerLimit 600
MaxRequestWorkers 500
MinSpareServers 5
MaxSpareServers 500
MaxConnectionsPerChild 0
EOF
);

sub write_config
{
    make_path("$DIR/htdocs/api/debug", "$DIR/htdocs/static", "$DIR/run");
    write_file("$DIR/htdocs/$_/data.json", $JSON) for qw(api api/debug static);
    write_file("$DIR/config-$_.conf", $CONF{$_}{text}) for @CONFS;
    write_file($ORIGINS, $CONF{A}{text});
    copy($SO, "$DIR/mod_cors.so") or die "copy $SO: $!\n";
    my $mime = -r '/etc/mime.types' ? '/etc/mime.types' : '/dev/null';
    my $mods = join '', map { load_module($_) } "mpm_$opt{mpm}", qw(authz_core mime);
    my $user = defined $UID ? "User #$UID\nGroup #$GID\n" : '';
    write_file($CONFFILE, <<"EOF");
# Written by tests/soak/soak.pl.  /api/ takes its CORS directives from
# origins.conf, which the soak test replaces with config-A.conf or
# config-B.conf before each graceful restart.
ServerRoot "$DIR"
DefaultRuntimeDir "$DIR/run"
PidFile "$PIDFILE"
ErrorLog "$ERRLOG"
LogLevel warn
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
${user}${mods}LoadModule cors_module "$DIR/mod_cors.so"

$MPM{$opt{mpm}}
Timeout 30
KeepAlive On
KeepAliveTimeout 15
MaxKeepAliveRequests 500
TypesConfig "$mime"
@{[ document_root("$DIR/htdocs") ]}
<Location "/api/">
    CORSEnable On
    Include "$ORIGINS"
</Location>
<Location "/api/debug/">
    CORSDebugHeaders On
</Location>
EOF
    chmod 0755, $DIR, "$DIR/run", map { "$DIR/htdocs/$_" } '', qw(api api/debug static);
}

my $SERVER_PID;

# Stops the server this run started: SIGTERM to the parent, then SIGKILL
# to it and to the children it had, if they outlive a grace period.
sub stop_server
{
    return unless $SERVER_PID;
    my $pid = $SERVER_PID;
    undef $SERVER_PID;
    my @children = children_of($pid);
    kill 'TERM', $pid;
    my $deadline = time + 15;
    while (time < $deadline) {
        last if waitpid($pid, WNOHANG) == $pid || !kill(0, $pid);
        sleep 0.05;
    }
    if (kill 0, $pid) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
    $deadline = time + 5;
    while (time < $deadline && grep { alive_child($_) } @children) { sleep 0.05 }
    kill 'KILL', $_ for grep { alive_child($_) } @children;
}

# A process of the soak's httpd that is still running: its command line
# names the soak's config file.
sub alive_child
{
    my ($pid) = @_;
    my $cmd = slurp("/proc/$pid/cmdline");
    return index($cmd, $CONFFILE) >= 0;
}

$SIG{$_} = sub { print STDERR "soak.pl: interrupted by SIG$_[0]\n"; exit 2 } for qw(INT TERM HUP);
END {
    my $status = $?;
    stop_server();
    $? = $status;
}

sub start_server
{
    unlink $PIDFILE;
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$DIR/server.out" or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT;
        $ENV{LANG} = $ENV{LC_ALL} = 'C';
        # A process group of its own: prefork signals its whole group
        # (killpg) when it stops or restarts, and this script is not
        # part of the server.
        POSIX::setsid();
        { exec $HTTPD, '-d', $DIR, '-f', $CONFFILE, '-DFOREGROUND' }
        POSIX::_exit(127);
    }
    $SERVER_PID = $pid;
    my $deadline = time + 30;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            undef $SERVER_PID;
            die "httpd exited at start-up:\n" . slurp("$DIR/server.out") . tail_of($ERRLOG, 10);
        }
        if (-s $PIDFILE && answers()) {
            return;
        }
        sleep 0.1;
    }
    die "httpd does not answer on 127.0.0.1:$PORT after 30 s:\n" . tail_of($ERRLOG, 10);
}

sub answers
{
    socket(my $s, PF_INET, SOCK_STREAM, IPPROTO_TCP) or return 0;
    connect($s, pack_sockaddr_in($PORT, inet_aton('127.0.0.1'))) or return 0;
    syswrite $s, "GET /static/data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    my $in = '';
    my $sel = IO::Select->new($s);
    while ($sel->can_read(2)) { last unless sysread $s, $in, 4096, length $in }
    return $in =~ m{^HTTP/1\.1 200 };
}

# ---------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------

sub children_of
{
    my ($ppid) = @_;
    my @kids;
    opendir my $d, '/proc' or return ();
    for my $pid (grep { /^\d+\z/ } readdir $d) {
        my $stat = slurp("/proc/$pid/stat");
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        push @kids, $pid if $stat =~ /\) \S+ (\d+) / && $1 == $ppid;
    }
    return @kids;
}

sub vm_rss
{
    my ($pid) = @_;
    return slurp("/proc/$pid/status") =~ /^VmRSS:\s+(\d+)/m ? $1 : undef;
}

my @MEM;    # [time, phase, answered so far, {pid => VmRSS KiB}, parent VmRSS]

sub sample_memory
{
    my ($phase, $answered) = @_;
    return unless $SERVER_PID;
    my %rss;
    for my $pid (children_of($SERVER_PID)) {
        my $kb = vm_rss($pid);
        $rss{$pid} = $kb if defined $kb;
    }
    push @MEM, [time, $phase, $answered, \%rss, vm_rss($SERVER_PID) // 0];
}

# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------

my %N = (requests => 0, sent => 0, responses => 0, retries => 0,
         retries_restart => 0, failures => 0, status5xx => 0, inconsistent => 0,
         connections => 0);
my %BY_KIND;           # kind => [requests answered, failures]
my %ANSWERED_BY;       # A / B / either => responses
my @FAILURES;          # the first few, for the log
my @DUMP;              # the first --dump exchanges
my $MAX_LOGGED = 25;
my @RESTARTS;          # [time, configuration now in effect]
my %WINDOW;            # restart index => {A => n, B => n} (distinguishing answers)
my $LATEST_OLD = 0;    # seconds after a restart of the latest answer from the old configuration
my $phase = 1;
my $next_id = 1;

my $SOCKADDR;
my $SELR = IO::Select->new;
my $SELW = IO::Select->new;
my %BY_FD;             # fileno => slot

# Counts a request that went wrong (in $N{$counter}: failures, status5xx
# or inconsistent) and logs the first few.
sub failure
{
    my ($slot, $req, $what, $resp_head, $counter) = @_;
    $N{$counter // 'failures'}++;
    $BY_KIND{$req->{exp}[0]}[1]++;
    return if @FAILURES >= $MAX_LOGGED;
    my $bytes = $req->{bytes};
    $bytes = substr($bytes, 0, 700) . "... (" . length($req->{bytes}) . " bytes)"
        if length $bytes > 700;
    push @FAILURES, sprintf("[%.3f s] request %d (%s), connection %d (%d answers before): %s\n"
        . "--- request\n%s--- expected from A\n%s\n--- expected from B\n%s\n%s\n",
        time - $T_START, $req->{id}, $req->{exp}[0], $slot->{conn_id} // 0,
        $slot->{served} // 0, $what, $bytes, $req->{exp}[1], $req->{exp}[2],
        defined $resp_head ? "--- response\n$resp_head" : '');
}

sub close_conn
{
    my ($slot) = @_;
    my $s = $slot->{sock} or return;
    $SELR->remove($s);
    $SELW->remove($s);
    delete $BY_FD{fileno $s};
    close $s;
    delete @$slot{qw(sock state rbuf wbuf woff got head)};
}

sub open_conn
{
    my ($slot) = @_;
    socket(my $s, PF_INET, SOCK_STREAM, IPPROTO_TCP) or die "socket: $!\n";
    fcntl($s, F_SETFL, fcntl($s, F_GETFL, 0) | O_NONBLOCK) or die "fcntl: $!\n";
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
    $N{connections}++;
    @$slot{qw(sock rbuf served conn_id)} = ($s, '', 0, $N{connections});
    $BY_FD{fileno $s} = $slot;
    if (connect($s, $SOCKADDR)) {
        $slot->{state} = 'idle';
        return 1;
    }
    if ($! == EINPROGRESS || $! == EAGAIN) {
        $slot->{state} = 'connecting';
        $SELW->add($s);
        return 1;
    }
    my $err = "$!";
    close_conn($slot);
    return (0, $err);
}

sub send_request
{
    my ($slot) = @_;
    my $req = $slot->{req};
    @$slot{qw(wbuf woff got state)} = ($req->{bytes}, 0, 0, 'writing');
    $N{sent}++;
    $SELW->add($slot->{sock});
    do_write($slot);
}

sub do_write
{
    my ($slot) = @_;
    my $n = syswrite $slot->{sock}, $slot->{wbuf}, length($slot->{wbuf}) - $slot->{woff},
                     $slot->{woff};
    if (!defined $n) {
        return if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
        return lost($slot, "write: $!");
    }
    $slot->{woff} += $n;
    if ($slot->{woff} >= length $slot->{wbuf}) {
        $SELW->remove($slot->{sock});
        $SELR->add($slot->{sock});
        $slot->{state} = 'reading';
        delete $slot->{wbuf};
    }
}

# The connection ended before a whole response to the current request.
sub lost
{
    my ($slot, $why) = @_;
    my $req = $slot->{req};
    my $got = $slot->{got} // 0;
    my $served = $slot->{served};
    my $head = defined $slot->{rbuf} && length $slot->{rbuf}
               ? substr($slot->{rbuf}, 0, 2000) . "\n" : undef;
    close_conn($slot);
    if ($got == 0 && $served > 0 && !$req->{retried}) {
        # A keep-alive connection the server closed (a graceful restart
        # does): HTTP lets a client send an idempotent request again.
        $req->{retried} = 1;
        $req->{deadline} = time + $opt{timeout};
        $N{retries}++;
        # The event MPM also closes idle keep-alive connections when all
        # of a child's workers are busy, restart or not.
        $N{retries_restart}++ if @RESTARTS > 1 && time - $RESTARTS[-1][0] < 2;
        return;
    }
    failure($slot, $req, $got ? "connection ended after $got bytes of the response ($why)"
                       : $served ? "no response on a retried request ($why)"
                       : "no response on a new connection ($why)", $head);
    delete $slot->{req};
}

# Parses the response at the start of rbuf: undef while incomplete,
# else [status, head text, {lower-case name => [values]}, body, close].
sub parse_response
{
    my ($slot, $method) = @_;
    my $buf = \$slot->{rbuf};
    my $head = $slot->{head};
    if (!$head) {
        my $end = index $$buf, "\r\n\r\n";
        if ($end < 0) {
            die "no end of headers in 64 KB\n" if length $$buf > 65536;
            return undef;
        }
        my $text = substr $$buf, 0, $end + 2;
        my ($ver, $status) = $text =~ m{^HTTP/1\.([01]) ([0-9]{3}) [^\r\n]*\r\n}
            or die "not an HTTP/1.x status line\n";
        my %h;
        for my $line (split /\r\n/, substr($text, index($text, "\r\n") + 2)) {
            my ($k, $v) = $line =~ /^([!#\$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*\z/
                or die "malformed header line\n";
            push @{$h{lc $k}}, $v;
        }
        my $conn = lc join ',', @{$h{connection} || []};
        $head = $slot->{head} = {
            status => $status, text => $text, h => \%h, start => $end + 4,
            close => ($ver eq '0' && $conn !~ /keep-alive/) || scalar($conn =~ /\bclose\b/),
        };
        my $te = lc join ',', @{$h{'transfer-encoding'} || []};
        if ($method eq 'HEAD' || $status =~ /^(1..|204|304)\z/) {
            $head->{length} = 0;
        }
        elsif ($te =~ /chunked/) {
            $head->{chunked} = 1;
        }
        elsif ($h{'content-length'}) {
            die "bad Content-Length\n" unless "@{$h{'content-length'}}" =~ /^([0-9]+)\z/;
            $head->{length} = $1;
        }
        else {
            $head->{until_close} = 1;
        }
    }
    my $pos = $head->{start};
    if (defined $head->{length}) {
        return undef if length($$buf) - $pos < $head->{length};
        $head->{body} = substr $$buf, $pos, $head->{length};
        $head->{used} = $pos + $head->{length};
        return $head;
    }
    if ($head->{chunked}) {
        my $body = '';
        while (1) {
            my $eol = index $$buf, "\r\n", $pos;
            return undef if $eol < 0;
            my ($size) = substr($$buf, $pos, $eol - $pos) =~ /^([0-9a-fA-F]+)/
                or die "bad chunk size\n";
            $size = hex $size;
            $pos = $eol + 2;
            if ($size == 0) {
                # Trailers, then an empty line.
                while (1) {
                    $eol = index $$buf, "\r\n", $pos;
                    return undef if $eol < 0;
                    my $empty = $eol == $pos;
                    $pos = $eol + 2;
                    last if $empty;
                }
                $head->{body} = $body;
                $head->{used} = $pos;
                return $head;
            }
            return undef if length($$buf) < $pos + $size + 2;
            $body .= substr $$buf, $pos, $size;
            $pos += $size + 2;
        }
    }
    return undef;    # until close: completed by read_ready at EOF
}

# The response reduced to what expect() describes.
sub response_digest
{
    my ($r) = @_;
    my $h = $r->{h};
    my %ac = map { $_ => join(', ', @{$h->{$_}}) } grep { /^access-control-/ } keys %$h;
    my @vary = map { lc } grep { $_ ne '' } map { s/^\s+|\s+\z//gr } map { split /,/ }
               @{$h->{vary} || []};
    my %seen;
    @vary = sort grep { !$seen{$_}++ } @vary;
    my $debug;
    if ($h->{'cors-debug'}) {
        $debug = join ', ', @{$h->{'cors-debug'}};
        $debug =~ s/; (mode|why)=.*//s;
    }
    return digest($r->{status}, \%ac, @vary ? join(',', @vary) : undef, $debug);
}

sub complete
{
    my ($slot, $r) = @_;
    my $req = delete $slot->{req};
    my $e = $req->{exp};
    my ($kind, $path, $method) = @$e[0, 3, 4];
    $N{responses}++;
    $slot->{served}++;
    $BY_KIND{$kind}[0]++;
    my $now = time;
    my $status = $r->{status};
    my $got = response_digest($r);
    my @fits = grep { $got eq $e->[$_ eq 'A' ? 1 : 2] } @CONFS;
    if ($opt{dump} && @DUMP < $opt{dump}) {
        push @DUMP, "--- request $req->{id} ($kind)\n"
            . (length $req->{bytes} > 600 ? substr($req->{bytes}, 0, 600) . "...\n" : $req->{bytes})
            . "A: $e->[1]\nB: $e->[2]\ngot: $got\nfits: @fits\n";
    }
    if (length($slot->{rbuf}) > $r->{used}) {
        failure($slot, $req, 'bytes after the end of the response', $r->{text});
    }
    elsif ($status >= 500) {
        failure($slot, $req, "status $status", $r->{text}, 'status5xx');
    }
    elsif (!@fits) {
        failure($slot, $req, "fits neither configuration: $got", $r->{text}, 'inconsistent');
    }
    elsif ($method eq 'GET' && $status == 200 && $r->{body} ne $JSON) {
        failure($slot, $req, 'wrong body (' . length($r->{body}) . ' bytes)', $r->{text});
    }
    else {
        my $who = @fits == 2 ? 'either' : $fits[0];
        $ANSWERED_BY{$who}++;
        if ($who ne 'either' && $phase == 1) {
            # Which configuration answered, counted per restart window.
            my $w = $#RESTARTS;
            $WINDOW{$w}{$who}++;
            if ($w >= 1 && $who ne $RESTARTS[$w][1]) {
                my $lag = $now - $RESTARTS[$w][0];
                $LATEST_OLD = $lag if $lag > $LATEST_OLD;
            }
        }
    }
    substr($slot->{rbuf}, 0, $r->{used}) = '';
    delete $slot->{head};
    if ($r->{close}) {
        close_conn($slot);
    }
    else {
        $SELR->remove($slot->{sock});
        $slot->{state} = 'idle';
    }
}

sub read_ready
{
    my ($slot) = @_;
    my $n = sysread $slot->{sock}, $slot->{rbuf}, 65536, length $slot->{rbuf};
    if (!defined $n) {
        return if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
        return lost($slot, "read: $!");
    }
    if ($slot->{state} ne 'reading') {
        # Bytes or EOF on a connection with no request out.
        if ($n == 0) {
            close_conn($slot);
        }
        else {
            $N{failures}++;
            push @FAILURES, "unsolicited bytes on an idle connection: "
                . substr($slot->{rbuf}, 0, 300) . "\n" if @FAILURES < $MAX_LOGGED;
            close_conn($slot);
        }
        return;
    }
    if ($n == 0) {
        my $r = $slot->{head};
        if ($r && $r->{until_close}) {
            $r->{body} = substr $slot->{rbuf}, $r->{start};
            $r->{used} = length $slot->{rbuf};
            $r->{close} = 1;
            return complete($slot, $r);
        }
        return lost($slot, 'closed by the server');
    }
    $slot->{got} += $n;
    my $r = eval { parse_response($slot, $slot->{req}{exp}[4]) };
    if ($@) {
        chomp(my $err = $@);
        failure($slot, $slot->{req}, "malformed response: $err",
                substr($slot->{rbuf}, 0, 2000) . "\n");
        delete $slot->{req};
        close_conn($slot);
        return;
    }
    complete($slot, $r) if $r;
}

sub write_ready
{
    my ($slot) = @_;
    if ($slot->{state} eq 'connecting') {
        my $err = unpack 'i', getsockopt($slot->{sock}, SOL_SOCKET, SO_ERROR) // pack('i', 0);
        $SELW->remove($slot->{sock});
        if ($err) {
            local $! = $err;
            my $req = $slot->{req};
            close_conn($slot);
            failure($slot, $req, "connect: $!") if $req;
            delete $slot->{req};
            return;
        }
        $slot->{state} = 'idle';
        return;
    }
    do_write($slot) if $slot->{state} eq 'writing';
}

# ---------------------------------------------------------------------------
# Configuration swaps and graceful restarts
# ---------------------------------------------------------------------------

sub swap_and_restart
{
    my $next = $RESTARTS[-1][1] eq 'A' ? 'B' : 'A';
    write_file("$ORIGINS.new", $CONF{$next}{text});
    rename "$ORIGINS.new", $ORIGINS or die "rename $ORIGINS.new: $!\n";
    if ($opt{'restart-with'} eq 'signal') {
        kill 'USR1', $SERVER_PID or die "cannot signal httpd ($SERVER_PID): $!\n";
    }
    else {
        # apache2 -k graceful reads the pid file and sends SIGUSR1 itself.
        my $pid = fork // die "fork: $!\n";
        if (!$pid) {
            open STDIN, '<', '/dev/null';
            open STDOUT, '>>', "$DIR/graceful.out";
            open STDERR, '>&', \*STDOUT;
            { exec 'timeout', '20', $HTTPD, '-d', $DIR, '-f', $CONFFILE, '-k', 'graceful' }
            POSIX::_exit(127);
        }
        # Reaped in the main loop, so that the client does not stop.
        push @{$opt{graceful_pids}}, $pid;
    }
    push @RESTARTS, [time, $next];
}

# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------

sub run_traffic
{
    my @slots = map { { n => $_ } } 1 .. $opt{connections};
    my $t0 = time;
    my $end1 = $t0 + $opt{seconds};
    my $end2 = $end1 + $opt{'steady-seconds'};
    my $next_restart = $t0 + $opt{'restart-every'};
    my $next_sample = $t0;
    my $next_deadline_check = $t0 + 0.2;
    my %PHASE_T = (1 => [$t0]);
    my %phase_answers = (1 => 0, 2 => 0);
    my $issuing = 1;
    my $drain_end;
    push @RESTARTS, [$t0, 'A'];

    while (1) {
        my $now = time;
        if ($phase == 1 && $now >= $next_restart && $next_restart < $end1 - 0.001) {
            swap_and_restart();
            $next_restart += $opt{'restart-every'};
        }
        if ($phase == 1 && $issuing && $now >= $end1) {
            push @{$PHASE_T{1}}, $now;
            $phase_answers{1} = $N{responses};
            if ($opt{'steady-seconds'} > 0) {
                $phase = 2;
                $PHASE_T{2} = [$now];
                $next_sample = $now;
            }
            else {
                $issuing = 0;
            }
        }
        if ($phase == 2 && $issuing && $now >= $end2) {
            push @{$PHASE_T{2}}, $now;
            $phase_answers{2} = $N{responses} - $phase_answers{1};
            $issuing = 0;
        }
        if ($now >= $next_sample) {
            sample_memory($phase, $N{responses});
            $next_sample += 1;
            $next_sample = $now + 1 if $next_sample < $now;
            if (!kill 0, $SERVER_PID) {
                die "httpd (pid $SERVER_PID) is gone\n";
            }
            for my $g (@{$opt{graceful_pids} || []}) {
                $g = 0 if $g && waitpid($g, WNOHANG) == $g;
            }
        }
        my $busy = 0;
        for my $slot (@slots) {
            if (!$slot->{req} && $issuing) {
                $slot->{req} = new_request();
                $slot->{req}{id} = $next_id++;
                $slot->{req}{deadline} = $now + $opt{timeout};
                $N{requests}++;
            }
            next unless $slot->{req};
            $busy++;
            if (!$slot->{sock}) {
                my ($ok, $err) = open_conn($slot);
                if (!$ok) {
                    failure($slot, $slot->{req}, "connect: $err");
                    delete $slot->{req};
                    next;
                }
            }
            send_request($slot) if $slot->{state} eq 'idle';
        }
        if (!$issuing) {
            $drain_end //= $now + $opt{timeout} + 1;
            last if !$busy;
            if ($now > $drain_end) {
                for my $slot (grep { $_->{req} } @slots) {
                    failure($slot, $slot->{req}, 'no answer when the run ended');
                    delete $slot->{req};
                }
                last;
            }
        }
        my ($r, $w) = IO::Select->select($SELR, $SELW, undef, 0.05);
        for my $s (@{$w || []}) {
            my $slot = $BY_FD{fileno $s} or next;
            write_ready($slot);
        }
        for my $s (@{$r || []}) {
            next unless defined fileno $s;
            my $slot = $BY_FD{fileno $s} or next;
            read_ready($slot);
        }
        if ($now >= $next_deadline_check) {
            $next_deadline_check = $now + 0.2;
            for my $slot (@slots) {
                my $req = $slot->{req} or next;
                next unless $req->{deadline} && $now > $req->{deadline};
                failure($slot, $req, "no complete answer within $opt{timeout} s",
                        length($slot->{rbuf} // '') ? substr($slot->{rbuf}, 0, 2000) . "\n" : undef);
                delete $slot->{req};
                close_conn($slot);
            }
        }
    }
    close_conn($_) for @slots;
    push @{$PHASE_T{$phase}}, time if @{$PHASE_T{$phase}} < 2;
    $phase_answers{$phase} ||= $N{responses} - ($phase == 2 ? $phase_answers{1} : 0);
    return (\%PHASE_T, \%phase_answers);
}

# Least-squares slope of y against x.
sub slope
{
    my ($xs, $ys) = @_;
    my $n = @$xs;
    return undef if $n < 3;
    my ($mx, $my) = (0, 0);
    $mx += $_ / $n for @$xs;
    $my += $_ / $n for @$ys;
    my ($sxy, $sxx) = (0, 0);
    for my $i (0 .. $n - 1) {
        $sxy += ($xs->[$i] - $mx) * ($ys->[$i] - $my);
        $sxx += ($xs->[$i] - $mx) ** 2;
    }
    return $sxx ? $sxy / $sxx : undef;
}

sub commify
{
    my ($x) = @_;
    my $n = reverse int($x + 0.5);
    $n =~ s/(\d{3})(?=\d)/$1,/g;
    return scalar reverse $n;
}

# The children's memory in phase 2, after the warm-up: the children present
# in every sample, their summed VmRSS against the answers.
sub memory_report
{
    my ($phase_t) = @_;
    my @lines;
    my @p1 = grep { $_->[1] == 1 } @MEM;
    if (@p1 >= 2) {
        my ($first, $last) = ($p1[0][4], $p1[-1][4]);
        my $restarts = @RESTARTS - 1;
        push @lines, sprintf('parent VmRSS: %s KiB at the start, %s KiB after %d graceful'
            . ' restarts (%+.0f KiB a restart)', commify($first), commify($last), $restarts,
            $restarts ? ($last - $first) / $restarts : 0);
        # A child belongs to the generation of the last restart before
        # it was first seen; the largest VmRSS of the first and the last
        # generation shows whether new children start bigger.
        my (%gen_of, %max_by_gen);
        for my $s (@p1) {
            for my $pid (keys %{$s->[3]}) {
                $gen_of{$pid} //= scalar grep { $_->[0] <= $s->[0] } @RESTARTS[1 .. $#RESTARTS];
                my $g = $gen_of{$pid};
                $max_by_gen{$g} = $s->[3]{$pid} if $s->[3]{$pid} > ($max_by_gen{$g} // 0);
            }
        }
        my @gens = sort { $a <=> $b } keys %max_by_gen;
        push @lines, sprintf('largest child VmRSS in phase 1: %s KiB in the first generation,'
            . ' %s KiB in the last (generation %d)', commify($max_by_gen{$gens[0]}),
            commify($max_by_gen{$gens[-1]}), $gens[-1]) if @gens;
    }
    my @p2 = grep { $_->[1] == 2 && $_->[0] >= $phase_t->{2}[0] + $opt{warmup} } @MEM;
    return (\@lines, undef) if @p2 < 3;
    my %in_all = %{$p2[0][3]};
    for my $s (@p2[1 .. $#p2]) {
        for (keys %in_all) { delete $in_all{$_} unless exists $s->[3]{$_} }
    }
    my @pids = sort { $a <=> $b } keys %in_all;
    my $all_count = keys %{$p2[-1][3]};
    my (@x, @y);
    for my $s (@p2) {
        push @x, $s->[2];
        my $sum = 0;
        $sum += $s->[3]{$_} for @pids;
        push @y, $sum;
    }
    my $answered = $x[-1] - $x[0];
    return (\@lines, undef) if !$answered || !@pids;
    my $k = slope(\@x, \@y);
    my $per100k = defined $k ? $k * 100_000 : undef;
    my $diff = ($y[-1] - $y[0]) / $answered * 100_000;
    my $share = $all_count ? @pids / $all_count : 1;
    push @lines, sprintf('phase 2 children: %d (%s), in every sample after the %g s warm-up;'
        . ' %s answers from %.0f s to %.0f s of phase 2', scalar @pids,
        @pids == $all_count ? 'all of them' : "of $all_count", $opt{warmup},
        commify($answered), $p2[0][0] - $phase_t->{2}[0], $p2[-1][0] - $phase_t->{2}[0]);
    push @lines, sprintf('their summed VmRSS: %s KiB -> %s KiB (%s KiB a child at the end)',
        commify($y[0]), commify($y[-1]), commify($y[-1] / @pids));
    # The same children over the whole phase, warm-up included, every
    # tenth of it: growth that levels off is warm-up, not a leak.
    my @all2 = grep { $_->[1] == 2 } @MEM;
    my @marks;
    for my $i (0 .. 10) {
        my $s = $all2[int($i * $#all2 / 10)];
        my $sum = 0;
        $sum += $s->[3]{$_} // 0 for @pids;
        push @marks, sprintf('%.0f s %s', $s->[0] - $phase_t->{2}[0], commify($sum));
    }
    push @lines, 'their summed VmRSS (KiB) through phase 2: ' . join(', ', @marks);
    push @lines, sprintf('growth per 100,000 requests: %+.1f KiB (least-squares slope over'
        . ' %d samples), %+.1f KiB (last sample minus first), for all %d children together',
        $per100k // 0, scalar @p2, $diff, scalar @pids);
    return (\@lines, $per100k // $diff);
}

# What the error log says about crashes and errors.
sub error_log_report
{
    my $log = slurp($ERRLOG);
    my @lines = split /\n/, $log;
    my $crashes = grep { /exit signal|AH00052|Segmentation fault|AddressSanitizer/ } @lines;
    # Every MPM logs this when it has (re)read the configuration and
    # serves again: once at start-up, then once for each restart.
    my $restarts = grep { /configured -- resuming normal operations/ } @lines;
    $restarts-- if $restarts;
    my @errors = grep { /\[[a-z_]*:(error|crit|alert|emerg)\]/ } @lines;
    my @warn = grep { /\[[a-z_]*:warn\]/ } @lines;
    my %warn_kinds;
    for (@warn) {
        my $w = s/^\[[^]]*\] //r =~ s/\[pid [^]]*\] //r;
        $warn_kinds{$w}++;
    }
    return ($crashes, $restarts, \@errors, \%warn_kinds);
}

my $out = $opt{out} // "$TOP/test-logs/soak/" . strftime('%Y%m%d-%H%M%S', localtime);
make_path($out);
$out = abs_path($out);

$PORT = free_port();
$SOCKADDR = pack_sockaddr_in($PORT, inet_aton('127.0.0.1'));
write_config();
{
    my $st = system("'$HTTPD' -d '$DIR' -f '$CONFFILE' -t > '$DIR/t.out' 2>&1");
    die "the soak configuration does not pass httpd -t:\n" . slurp("$DIR/t.out") if $st;
}
chomp(my $version = (qx{"$HTTPD" -v} =~ /Server version: (.*)/)[0] // 'httpd');
chomp(my $git = qx{git -C "$TOP" describe --always --dirty 2>/dev/null} || 'unknown');
printf "httpd: %s (%s MPM), module: %s (tree %s)\n", $version, $opt{mpm}, $SO, $git;
printf "server: 127.0.0.1:%d, directory %s; seed %d\n", $PORT, $DIR, $SEED;
printf "phase 1: %g s, %d connections, graceful restart every %g s (%s); phase 2: %g s"
    . " without restarts\n", $opt{seconds}, $opt{connections}, $opt{'restart-every'},
    $opt{'restart-with'} eq 'signal' ? 'SIGUSR1' : 'apache2 -k graceful',
    $opt{'steady-seconds'};

start_server();
my $t_run = time;
my ($phase_t, $phase_answers) = run_traffic();
my $t_traffic = time - $t_run;
sleep 0.5;    # let the error log catch up
my ($crashes, $restarts_logged, $errors, $warn_kinds) = error_log_report();
stop_server();

my $expected_restarts = 0;
for (my $t = $opt{'restart-every'}; $t < $opt{seconds} - 0.001; $t += $opt{'restart-every'}) {
    $expected_restarts++;
}
my $restarts_sent = @RESTARTS - 1;
# Every restart window must have seen the configuration it brought.
my $windows_ok = 0;
for my $w (1 .. $#RESTARTS) {
    $windows_ok++ if $WINDOW{$w}{$RESTARTS[$w][1]};
}
my ($mem_lines, $per100k) = memory_report($phase_t);
my $d1 = $phase_t->{1}[1] - $phase_t->{1}[0];
my $d2 = $phase_t->{2} ? $phase_t->{2}[1] - $phase_t->{2}[0] : 0;

my @summary;
push @summary, sprintf('requests: %s (%s sent, retries included); responses: %s',
    commify($N{requests}), commify($N{sent}), commify($N{responses}));
push @summary, sprintf('retries (no byte of answer on a keep-alive connection the server'
    . ' closed): %s, %s of them within 2 s of a graceful restart', commify($N{retries}),
    commify($N{retries_restart}));
push @summary, sprintf('failures (lost, partial, late or malformed answers): %d; 5xx: %d;'
    . ' inconsistent responses: %d; crashed children: %d',
    $N{failures}, $N{status5xx}, $N{inconsistent}, $crashes);
push @summary, sprintf('graceful restarts: %d sent, %d completed (error log), %d expected;'
    . ' the new configuration answered after %d of %d', $restarts_sent, $restarts_logged,
    $expected_restarts, $windows_ok, $restarts_sent);
push @summary, sprintf('latest answer from the previous configuration: %.2f s after a restart',
    $LATEST_OLD);
push @summary, sprintf('answers that only A fits: %s, only B: %s, both: %s',
    map { commify($ANSWERED_BY{$_} // 0) } qw(A B either));
push @summary, sprintf('phase 1: %.1f s, %s answers, %s requests/s; phase 2: %.1f s, %s'
    . ' answers, %s requests/s', $d1, commify($phase_answers->{1}),
    commify($d1 ? $phase_answers->{1} / $d1 : 0), $d2, commify($phase_answers->{2} // 0),
    commify($d2 ? ($phase_answers->{2} // 0) / $d2 : 0));
push @summary, sprintf('connections opened: %s; duration: %.1f s of traffic, %.1f s in all',
    commify($N{connections}), $t_traffic, time - $T_START);
push @summary, @$mem_lines;
push @summary, sprintf('memory growth per 100,000 requests: %s',
    defined $per100k ? sprintf('%+.1f KiB', $per100k) : 'not measured (no phase 2)');
push @summary, sprintf('error log: %d lines at error level or above', scalar @$errors);
push @summary, map { "  $_" } @$errors[0 .. ($#$errors < 4 ? $#$errors : 4)];
push @summary, 'error log warnings (count, text):',
    map { sprintf '  %5d  %s', $warn_kinds->{$_}, substr($_, 0, 160) }
    (sort { $warn_kinds->{$b} <=> $warn_kinds->{$a} } keys %$warn_kinds)[0 .. 5]
    if %$warn_kinds;
my @kinds = sort keys %BY_KIND;
push @summary, 'answers by kind: ' . join(', ', map {
    "$_ " . commify($BY_KIND{$_}[0] // 0) . ($BY_KIND{$_}[1] ? " ($BY_KIND{$_}[1] failed)" : '')
} @kinds);

my @why_not;
push @why_not, 'failures' if $N{failures};
push @why_not, '5xx responses' if $N{status5xx};
push @why_not, 'inconsistent responses' if $N{inconsistent};
push @why_not, 'crashed children' if $crashes;
push @why_not, 'too few graceful restarts'
    if $restarts_sent < $expected_restarts || $restarts_logged < $expected_restarts;
push @why_not, 'a restart did not bring the other configuration'
    if $windows_ok < $restarts_sent;
my $verdict = @why_not ? 'FAIL: ' . join(', ', @why_not) : 'PASS';
push @summary, "result: $verdict";

print "\n", map { "$_\n" } @summary;
write_file("$out/summary.txt", map { "$_\n" } "soak run of " . strftime('%Y-%m-%d %H:%M:%S', localtime($T_START)),
    "command: tests/soak/run --seconds $opt{seconds} --connections $opt{connections}"
    . " --restart-every $opt{'restart-every'} --steady-seconds $opt{'steady-seconds'}"
    . " --mpm $opt{mpm} --restart-with $opt{'restart-with'} --seed $SEED",
    "httpd: $version ($opt{mpm} MPM); module $SO; tree $git", @summary);
write_file("$out/failures.log", @FAILURES ? @FAILURES : "no failures\n");
write_file("$out/memory.tsv", "seconds\tphase\tanswered\tparent_kib\tchildren\tchildren_kib\tpid=kib...\n",
    map { my $s = $_; my $sum = 0; $sum += $_ for values %{$s->[3]};
          sprintf("%.2f\t%d\t%d\t%d\t%d\t%d\t%s\n", $s->[0] - $t_run, $s->[1], $s->[2], $s->[4],
                  scalar keys %{$s->[3]}, $sum,
                  join(' ', map { "$_=$s->[3]{$_}" } sort { $a <=> $b } keys %{$s->[3]})) } @MEM);
write_file("$out/exchanges.log", @DUMP) if $opt{dump};
copy($ERRLOG, "$out/error_log");
copy($CONFFILE, "$out/httpd.conf");
copy("$DIR/config-$_.conf", "$out/config-$_.conf") for @CONFS;
print "\nlogs: $out/ (summary.txt, failures.log, memory.tsv, error_log, httpd.conf)\n";
exit(@why_not ? 1 : 0);
