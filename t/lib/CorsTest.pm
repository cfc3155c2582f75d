# Helpers shared by the Apache::Test suites in t/*.t.  A test file loads
# them with
#
#   use FindBin;
#   use lib "$FindBin::Bin/lib";
#   use CorsTest;
#
# which works under t/TEST and under prove alike.  The checkers (*_ok) run
# Test::More assertions; each says how many.
package CorsTest;

use strict;
use warnings FATAL => 'all';

use Exporter qw(import);
use Apache::Test ();
use Apache::TestRequest ();
use File::Spec ();
use Time::HiRes ();
use Test::More import => [qw(is is_deeply like)];

our @EXPORT = qw(reset_user_agent values_of tokens_of token_count vary_count
                 cors_headers_present allow_headers_present send_preflight
                 preflight_refused_ok no_cors_ok);

# The names of the CORS response headers, for hashes of wanted headers
# such as ($ACAO => [$origin], $ACAC => ['true']); imported by name.
our $ACAO = 'Access-Control-Allow-Origin';
our $ACAC = 'Access-Control-Allow-Credentials';
our $ACAM = 'Access-Control-Allow-Methods';
our $ACAH = 'Access-Control-Allow-Headers';
our $ACEH = 'Access-Control-Expose-Headers';
our $ACMA = 'Access-Control-Max-Age';
our @EXPORT_OK = qw($ACAO $ACAC $ACAM $ACAH $ACEH $ACMA);

# A fresh user agent that does not follow redirects and keeps connections
# alive; arguments override these (keep_alive => 0 for one connection per
# request).
sub reset_user_agent
{
    Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0,
                                    keep_alive => 1, @_);
}

# Every value of a header, one per header line, as an array reference.
sub values_of
{
    my ($res, $name) = @_;
    return [ $res->headers->header($name) ];
}

# The comma-separated tokens of every line of a header: trimmed, lower
# case, empty items dropped.
sub tokens_of
{
    my ($res, $name) = @_;
    return map { lc } grep { length } map { s/^\s+|\s+$//gr }
           map { split /,/ } $res->headers->header($name);
}

# How often a token (any case) stands in a header.
sub token_count
{
    my ($res, $name, $token) = @_;
    return scalar grep { $_ eq lc $token } tokens_of($res, $name);
}

sub vary_count
{
    my ($res, $token) = @_;
    return token_count($res, 'Vary', $token);
}

# The names of the Access-Control-* headers, lower case and sorted.
sub cors_headers_present
{
    my $res = shift;
    return [ sort map { lc } grep { /^access-control-/i }
             $res->headers->header_field_names ];
}

# The same for the Access-Control-Allow-* headers only.
sub allow_headers_present
{
    my $res = shift;
    return [ grep { /^access-control-allow-/ } @{ cors_headers_present($res) } ];
}

sub send_preflight
{
    my ($path, $origin, $method, @headers) = @_;
    return Apache::TestRequest::OPTIONS($path, Origin => $origin,
        'Access-Control-Request-Method' => $method, @headers);
}

# A failed preflight: 403, text/plain, no Access-Control-Allow-*: 3 tests.
sub preflight_refused_ok
{
    my ($res, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is $res->code, 403, "$what: 403";
    like $res->header('Content-Type') // '', qr{^text/plain\b}i,
        "$what: text/plain";
    is_deeply allow_headers_present($res), [],
        "$what: no Access-Control-Allow-*";
}

# No Access-Control-* header and Vary: Origin once (CORS on, the origin
# refused or absent), or not at all when VARY is 0 (outside CORS): 2 tests.
sub no_cors_ok
{
    my ($res, $name, $vary) = @_;
    $vary //= 1;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is_deeply cors_headers_present($res), [],
        "$name: no Access-Control-* header";
    is vary_count($res, 'Origin'), $vary ? 1 : 0,
        "$name: Vary: Origin " . ($vary ? 'once' : 'absent');
}

# ---------------------------------------------------------------------
# Access logs with tagged requests (t/browser, t/probe).  Their lines are
# "PORT METHOD URI STATUS" and then name="value" (or name=number) fields,
# and test URLs carry a "t=TAG" query naming the scenario.

# A query tag that no other request of this run carries.
my $serial = 0;
sub tag
{
    my $name = shift;
    return join '-', $name, $$, time, ++$serial;
}

# The requests carrying "t=TAG" in t/logs/FILE, as hashes (port, method,
# status and the line's fields), in the order they started when the log
# has a "start" field (httpd writes a line when the response has gone
# out, so the next request of a preflight or a redirect can come first).
sub logged_requests
{
    my ($file, $tag) = @_;
    my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), $file);
    my @found;
    open my $fh, '<', $log or return @found;
    while (my $line = <$fh>) {
        next unless $line =~ m{^(\d+) (\S+) \S*[?&]t=\Q$tag\E(?:&\S*)? (\d+)((?: \w+=(?:"[^"]*"|\S+))*)$};
        my %r = (port => $1, method => $2, status => $3);
        my $fields = $4;
        while ($fields =~ / (\w+)=(?:"([^"]*)"|(\S+))/g) {
            $r{$1} = defined $2 ? $2 : $3;
        }
        push @found, \%r;
    }
    close $fh;
    return exists(($found[0] || {})->{start})
        ? sort { $a->{start} <=> $b->{start} } @found : @found;
}

# The same, after waiting until at least MIN (default 1) are there, for up
# to five seconds, then GRACE seconds more, so that a request that should
# not have come has had its chance to be logged.
sub tagged_requests
{
    my ($file, $tag, $min, $grace) = @_;
    $min //= 1;
    my $deadline = Time::HiRes::time() + 5;
    while (Time::HiRes::time() < $deadline) {
        my @found = logged_requests($file, $tag);
        last if @found >= $min;
        Time::HiRes::sleep(0.05);
    }
    Time::HiRes::sleep($grace);
    return logged_requests($file, $tag);
}

1;
