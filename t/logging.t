# Why a request was refused is logged at debug level (issue 2, rule 3): a
# CORS0001 line at [cors:debug] naming the reason, and never an error-level
# line for what a client sent.  Config: <VirtualHost core_debug> (LogLevel
# cors:debug) and <VirtualHost core_quiet> (LogLevel cors:info) in
# t/conf/extra.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_start_error_log_watch t_finish_error_log_watch);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 50;

my $url    = '/core/data.json';
my $origin = 'http://localhost:3000';

# Runs one request while watching the error log; returns the response and
# the mod_cors lines it logged.
sub watched
{
    my $send = shift;
    t_start_error_log_watch();
    my $res = $send->();
    my @lines = grep { /\[cors:/ } t_finish_error_log_watch();
    return ($res, @lines);
}

sub preflight { send_preflight($url, @_) }

sub serious { grep { /\[cors:(?:emerg|alert|crit|error|warn)\]/ } @_ }

# A refusal logged at debug: 5 tests.
sub reason_logged_ok
{
    my ($name, $code, $type, $reason, $send) = @_;
    my ($res, @lines) = watched($send);
    is $res->code, $code, "$name: status $code";
    my @ours = grep { /CORS0001/ } @lines;
    is scalar(@ours), 1, "$name: one CORS0001 line";
    like $ours[0] // '', qr/\[cors:debug\]/, "$name: logged at [cors:debug]";
    like $ours[0] // '', qr/\b\Q$type\E\b.*\Q$url\E.*:\s\Q$reason\E\b/,
        "$name: names the $type, the URL and the reason '$reason'";
    is_deeply [serious(@lines)], [],
        "$name: no mod_cors line at warn level or above";
}

Apache::TestRequest::module('core_debug');

# Refused preflights: what was wrong, the reason logged, and the
# preflight's origin, method and extra headers.
for my $case (
    ['method', 'method-not-allowed', $origin, 'DELETE'],
    ['origin', 'origin-not-allowed', 'https://evil.example.com', 'PUT'],
    ['header', 'header-not-allowed', $origin, 'PUT',
     'Access-Control-Request-Headers' => 'x-other'],
    ['null origin', 'null-origin-not-allowed', 'null', 'PUT'],
    ['malformed origin', 'malformed-origin', 'http://localhost:3000/path',
     'PUT'],
    ['65 request headers', 'too-many-request-headers', $origin, 'PUT',
     'Access-Control-Request-Headers' => join(',', ('x-custom') x 65)])
{
    my ($what, $reason, @request) = @$case;
    reason_logged_ok("refused preflight, $what", 403, 'preflight', $reason,
                     sub { preflight(@request) });
}
reason_logged_ok('refused actual request, origin', 200, 'actual',
                 'origin-not-allowed',
                 sub { GET $url, Origin => 'https://evil.example.com' });
reason_logged_ok('refused actual request, malformed origin', 200, 'actual',
                 'malformed-origin',
                 sub { GET $url, Origin => 'http://localhost:3000/' });

# Allowed requests do not log at debug (trace1 at most).
for my $case (['allowed preflight', sub { preflight($origin, 'PUT') }, 204],
              ['allowed actual request', sub { GET $url, Origin => $origin }, 200])
{
    my ($name, $send, $code) = @$case;
    my ($res, @lines) = watched($send);
    is $res->code, $code, "$name: status $code";
    is_deeply [grep { /CORS0001/ && !/\[cors:trace\d\]/ } @lines], [],
        "$name: no CORS0001 line above trace level";
    is_deeply [serious(@lines)], [], "$name: nothing at warn level or above";
}

# LogLevel cors:info: the reasons are debug messages, so nothing is logged.
Apache::TestRequest::module('core_quiet');
for my $case (['cors:info, refused preflight',
               sub { preflight($origin, 'DELETE') }, 403],
              ['cors:info, refused actual request',
               sub { GET $url, Origin => 'https://evil.example.com' }, 200])
{
    my ($name, $send, $code) = @$case;
    my ($res, @lines) = watched($send);
    is $res->code, $code, "$name: status $code";
    is_deeply [grep { /CORS0001/ } @lines], [], "$name: no CORS0001 line";
}
