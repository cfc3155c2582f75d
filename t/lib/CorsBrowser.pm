package CorsBrowser;

# A small W3C WebDriver client for the browser suite (t/browser/*.t): it
# starts Debian's chromedriver on a free loopback port, opens a headless
# Chromium session with a throwaway profile, and gives the tests three
# things: load a page, run JavaScript in it (awaiting a returned Promise),
# and read what the page printed on its console.
#
# Chromium and chromedriver come from the Debian packages chromium and
# chromium-driver; $CORS_CHROMIUM and $CORS_CHROMEDRIVER point elsewhere.
# Nothing is downloaded and the browser is started with its background
# networking off, so it only talks to the loopback servers of the test.

use strict;
use warnings;

use Apache::Test ();
use Apache::TestUtil ();
use CorsTest ();
use File::Path ();
use File::Spec ();
use File::Temp ();
use HTTP::Request ();
use IO::Socket::INET ();
use JSON::PP ();
use LWP::UserAgent ();
use POSIX ();
use Time::HiRes ();
use Test::More import => [qw(is is_deeply like diag note)];

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

sub chromium
{
    return $ENV{CORS_CHROMIUM} || '/usr/bin/chromium';
}

sub chromedriver
{
    return $ENV{CORS_CHROMEDRIVER} || '/usr/bin/chromedriver';
}

# Returns an empty string when a browser session can be started, else why
# not (for skip_all).
sub unavailable
{
    for my $prog (chromium(), chromedriver()) {
        return "$prog is not installed (Debian: apt-get install chromium "
             . "chromium-driver)" unless -x $prog;
    }
    return '';
}

sub free_port
{
    my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                     LocalPort => 0, Proto => 'tcp',
                                     Listen => 1, ReuseAddr => 1)
        or die "CorsBrowser: no free port: $!\n";
    my $port = $sock->sockport;
    close $sock;
    return $port;
}

# new(log => FILE): starts chromedriver and a browser session; dies with
# the reason when either fails.
sub new
{
    my ($class, %opt) = @_;
    my $self = bless {
        ua      => LWP::UserAgent->new(timeout => 60, env_proxy => 0),
        profile => File::Temp::tempdir('cors-chromium-XXXXXX', TMPDIR => 1),
    }, $class;
    $self->{ua}->no_proxy('127.0.0.1', 'localhost');

    my $log = $opt{log} || File::Spec->devnull;
    my $port = free_port();
    my $pid = fork;
    die "CorsBrowser: fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', File::Spec->devnull;
        open STDOUT, '>>', $log or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT;
        # Without --allowed-ips, chromedriver listens on loopback only.
        { exec chromedriver(), "--port=$port", "--log-path=$log" }
        POSIX::_exit(127);
    }
    $self->{driver_pid} = $pid;
    # chromedriver runs in a session of its own, out of reach of Ctrl-C:
    # a signal must end this test through DESTROY, which stops it.
    $SIG{$_} = sub { exit 128 } for qw(INT TERM HUP);
    $self->{base} = "http://127.0.0.1:$port";

    my $deadline = Time::HiRes::time() + 20;
    until ($self->_ready) {
        die "CorsBrowser: chromedriver did not start (log: $log)\n"
            if Time::HiRes::time() > $deadline
               || waitpid($pid, POSIX::WNOHANG()) == $pid;
        Time::HiRes::sleep(0.1);
    }

    # IsolateSandboxedIframes off: a sandboxed frame then shares the page's
    # renderer, and chromedriver's console log includes its messages.  The
    # process model does not change what CORS allows.
    my @args = (
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--no-default-browser-check',
        '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-extensions', '--disable-dev-shm-usage',
        '--disable-features=IsolateSandboxedIframes',
        '--user-data-dir=' . $self->{profile},
    );
    my $res = $self->_call(POST => '/session', {
        capabilities => { alwaysMatch => {
            browserName           => 'chrome',
            'goog:chromeOptions'  => { binary => chromium(), args => \@args },
            'goog:loggingPrefs'   => { browser => 'ALL' },
            timeouts              => { script => 30_000, pageLoad => 30_000 },
        } },
    });
    $self->{session} = $res->{sessionId}
        or die "CorsBrowser: no session id from chromedriver\n";
    $self->{version} = $res->{capabilities}{browserVersion} // '?';
    return $self;
}

sub version
{
    return $_[0]{version};
}

sub _ready
{
    my $self = shift;
    my $r = $self->{ua}->get("$self->{base}/status");
    return 0 unless $r->is_success;
    my $body = eval { $JSON->decode($r->content) } || {};
    return $body->{value}{ready} ? 1 : 0;
}

# _call(METHOD, PATH, BODY): one WebDriver command; returns its "value",
# dies with WebDriver's error and message.
sub _call
{
    my ($self, $method, $path, $body) = @_;
    my $req = HTTP::Request->new($method, $self->{base} . $path);
    if (defined $body) {
        $req->header('Content-Type' => 'application/json; charset=utf-8');
        $req->content($JSON->encode($body));
    }
    my $r = $self->{ua}->request($req);
    my $data = eval { $JSON->decode($r->content) };
    if (!$r->is_success || !$data) {
        my $why = $data && ref $data->{value} eq 'HASH'
            ? "$data->{value}{error}: $data->{value}{message}"
            : $r->status_line;
        $why =~ s/\n.*//s;
        die "CorsBrowser: $method $path: $why\n";
    }
    return $data->{value};
}

sub _session_path
{
    my ($self, $rest) = @_;
    return "/session/$self->{session}$rest";
}

# Loads URL in the current tab and waits for it.
sub visit
{
    my ($self, $url) = @_;
    $self->_call(POST => $self->_session_path('/url'), { url => $url });
}

# run(JS, ARGS...): runs JS as a function body with ARGS as arguments[];
# a returned Promise is awaited. Returns the value, converted from JSON.
sub run
{
    my ($self, $script, @args) = @_;
    return $self->_call(POST => $self->_session_path('/execute/sync'),
                        { script => $script, args => \@args });
}

# The console messages printed since the last call, as a list of strings.
sub console
{
    my $self = shift;
    my $entries = $self->_call(POST => $self->_session_path('/se/log'),
                               { type => 'browser' });
    return map { $_->{message} } @$entries;
}

# ---------------------------------------------------------------------
# For t/browser/*.t, which run under Apache::Test.

# A browser session with the suite's page loaded from
# http://127.0.0.1:PORT/ of <VirtualHost browser_page>.  Without Chromium
# the test file is skipped, unless CI=true or CORS_BROWSER_REQUIRED=1 ask
# for the browser (scripts/test installs it), when it dies instead.
sub for_test
{
    my $class = shift;
    if (my $why = unavailable()) {
        die "$why\n" if required();
        Test::More::plan(skip_all => $why);
        exit 0;
    }
    my $log = File::Spec->catfile(Apache::Test::vars('t_logs'),
                                  'chromedriver.log');
    my $self = $class->new(log => $log);
    note('Chromium ' . $self->version);
    $self->open_page('127.0.0.1');
    return $self;
}

sub required
{
    return ($ENV{CI} // '') eq 'true' || $ENV{CORS_BROWSER_REQUIRED};
}

# http://HOST:PORT/PATH of the test vhost NAME (HOST defaults to 127.0.0.1).
sub url_of
{
    my ($name, $path, $host) = @_;
    my $port = Apache::Test::vars("${name}_port")
        or die "no <VirtualHost $name> in t/conf\n";
    return 'http://' . ($host // '127.0.0.1') . ":$port$path";
}

# Loads the suite's page from HOST (127.0.0.1 or localhost): the page's
# origin is then http://HOST:PORT.
sub open_page
{
    my ($self, $host) = @_;
    $self->visit(url_of('browser_page', '/', $host));
    $self->console;    # start with an empty console
}

# What the page's script saw of fetch(URL, INIT): a hash with ok, status,
# headers (those the script can read), got (headers.get() of each READ
# name), body; or with error for a blocked request.
sub fetch
{
    my ($self, $url, $init, $read) = @_;
    return $self->run('return corsFetch(arguments[0], arguments[1], arguments[2]);',
                      $url, $init || {}, $read || []);
}

# The same from a sandboxed frame (origin "null").
sub sandboxed_fetch
{
    my ($self, $url, $init, $read) = @_;
    return $self->run('return sandboxedFetch(arguments[0], arguments[1], arguments[2]);',
                      $url, $init || {}, $read || []);
}

# The console messages, waiting up to two seconds for one that matches RE.
sub console_wait
{
    my ($self, $re) = @_;
    my @seen;
    my $deadline = Time::HiRes::time() + 2;
    while (1) {
        push @seen, $self->console;
        return @seen if grep { $_ =~ $re } @seen;
        return @seen if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.1);
    }
}

# blocked_ok(NAME, url => URL, init => INIT, sent => [...],
#            console => TEXT, logged => TOKEN, sandboxed => 1)
# Fetches URL (from a sandboxed frame with sandboxed) and checks that the
# browser hid the response: the script got a TypeError, the console names
# the URL and says TEXT, and exactly the requests SENT (["OPTIONS 403"])
# reached httpd, their URL tagged with "t=TAG".  With logged, also checks
# that mod_cors logged the refusal (CORS0001) with that reason token.
# Runs 3 checks, 4 with logged.
sub blocked_ok
{
    my ($self, $name, %a) = @_;
    my ($tag) = $a{url} =~ /[?&]t=([^&]+)/ or die "blocked_ok: no t=TAG in $a{url}\n";
    Apache::TestUtil::t_start_error_log_watch() if $a{logged};
    my $seen = $a{sandboxed} ? $self->sandboxed_fetch($a{url}, $a{init})
                             : $self->fetch($a{url}, $a{init});
    is($seen->{error}, 'TypeError: Failed to fetch',
       "$name: the script gets a TypeError");
    my $blocked = qr/\Q'$a{url}'\E.*blocked by CORS policy/s;
    my @console = $self->console_wait($blocked);
    my ($message) = grep { $_ =~ $blocked } @console;
    like($message // '', qr/\Q'$a{url}'\E.*\Q$a{console}\E/s,
         "$name: the console says why")
        or diag(join "\n", @console);
    is_deeply([reached_summary($tag, scalar @{ $a{sent} })], $a{sent},
              "$name: the requests that reached httpd");
    return unless $a{logged};
    my @log = grep { /CORS0001/ } Apache::TestUtil::t_finish_error_log_watch();
    like(join('', @log), qr/CORS0001: \w+ \S+ on .*: \Q$a{logged}\E\b/,
         "$name: the error log says $a{logged}");
}

sub tag
{
    return CorsTest::tag(@_);
}

# The requests carrying "t=TAG" that reached the test servers, from
# browser_access_log (port, method, status, authorization, cookie,
# origin): see CorsTest::tagged_requests.
sub reached
{
    my ($tag, $min) = @_;
    return CorsTest::tagged_requests('browser_access_log', $tag, $min, 0.3);
}

# "METHOD STATUS" of each request reached(TAG, MIN) found, in order.
sub reached_summary
{
    return map { "$_->{method} $_->{status}" } reached(@_);
}

sub DESTROY
{
    my $self = shift;
    local ($@, $!, $?);
    if ($self->{session}) {
        eval { $self->_call(DELETE => $self->_session_path('')) };
        delete $self->{session};
    }
    if (my $pid = delete $self->{driver_pid}) {
        kill 'TERM', -$pid;
        kill 'TERM', $pid;
        my $deadline = Time::HiRes::time() + 5;
        while (waitpid($pid, POSIX::WNOHANG()) == 0) {
            if (Time::HiRes::time() > $deadline) {
                kill 'KILL', -$pid;
                waitpid($pid, 0);
                last;
            }
            Time::HiRes::sleep(0.05);
        }
    }
    # Chromium may still be writing its profile for a moment after the
    # session ends.
    if (my $dir = delete $self->{profile}) {
        for (1 .. 20) {
            File::Path::remove_tree($dir, { error => \my $errors });
            last unless -e $dir;
            Time::HiRes::sleep(0.1);
        }
    }
}

1;
