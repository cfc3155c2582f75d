# Finding httpd, its modules and the module under test, and running httpd on
# a small config of a test's own, for the test files that do not use the
# server t/TEST starts (t/configtest.t, t/troubleshooting.t).  Load with
#
#   use FindBin;
#   use lib "$FindBin::Bin/lib";
#   use CorsHttpd;
#
# httpd is APACHE_TEST_HTTPD, else the one Apache::Test was configured with,
# else apxs's SBINDIR/TARGET (apxs from APXS, or apxs/apxs2 on the PATH).
# The module is MOD_CORS_SO, else .libs/mod_cors.so of this tree.
package CorsHttpd;

use strict;
use warnings FATAL => 'all';

use Exporter qw(import);
use Apache::Test ();
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Spec;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes ();
use Test::More import => [qw(fail plan)];

our @EXPORT = qw(top_dir cors_so require_prerequisites mpm_line module_lines
                 free_port config_test start_httpd start_server
                 skip_unless_ci slurp);

my $TOP_DIR = dirname(dirname(dirname(abs_path(__FILE__))));

sub top_dir { $TOP_DIR }

sub find_in_path
{
    my $name = shift;
    for my $d (File::Spec->path, '/usr/sbin', '/usr/local/sbin',
               '/usr/local/apache2/bin') {
        my $f = File::Spec->catfile($d, $name);
        return $f if -f $f && -x _;
    }
    return undef;
}

# Apache::Test's configuration, when t/TEST has written one (run from t/
# or from the top directory).
sub apache_test_var
{
    my $key = shift;
    return undef unless -e 'conf/apache_test_config.pm'
        || -e 't/conf/apache_test_config.pm';
    my $v = eval { Apache::Test::vars($key) };
    return $v;
}

sub apxs_query
{
    my ($apxs, $key) = @_;
    return undef unless $apxs;
    my $v = qx{"$apxs" -q $key 2>/dev/null};
    return undef if $?;
    chomp $v;
    return length $v ? $v : undef;
}

my $apxs = $ENV{APXS} || apache_test_var('apxs')
    || find_in_path('apxs') || find_in_path('apxs2');

my $httpd = $ENV{APACHE_TEST_HTTPD} || apache_test_var('httpd');
unless ($httpd && -x $httpd) {
    my ($sbin, $target) = (apxs_query($apxs, 'SBINDIR'),
                           apxs_query($apxs, 'TARGET'));
    $httpd = "$sbin/$target" if $sbin && $target;
}

my $libexec = apxs_query($apxs, 'LIBEXECDIR')
    || apache_test_var('libexecdir');
my @moddirs = grep { defined && -d } ($libexec, '/usr/lib/apache2/modules',
    '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules',
    '/usr/local/apache2/modules');

my $so = $ENV{MOD_CORS_SO} || "$TOP_DIR/.libs/mod_cors.so";

# The module under test, an absolute path once require_prerequisites has
# passed.
sub cors_so { $so }

# Without httpd or the module, plans one test, fails it and exits: a test
# that cannot run must not pass quietly.  WHAT names the test file's topic.
sub require_prerequisites
{
    my $what = shift;
    my @missing;
    push @missing, 'httpd (set APACHE_TEST_HTTPD, or APXS)'
        unless $httpd && -x $httpd;
    push @missing, "the module ($so; build it, or set MOD_CORS_SO)"
        unless -f $so;
    if (@missing) {
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        plan tests => 1;
        fail("$what prerequisites: missing " . join(', ', @missing));
        exit 1;
    }
    $so = abs_path($so);
}

# A program a test file needs (nginx, FastAPI) is missing: the file is
# skipped with WHY, except under CI=true, where scripts/test has installed
# it and its absence is a failure.
sub skip_unless_ci
{
    my $why = shift;
    if (($ENV{CI} // '') ne 'true') {
        plan skip_all => $why;
    }
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    plan tests => 1;
    fail("CI=true, but $why");
    exit 1;
}

# Modules compiled into httpd need no LoadModule.
my %builtin;
my $builtin_read;

sub module_line
{
    my ($sym, $file, $builtin) = @_;
    unless ($builtin_read++) {
        %builtin = map { /^\s*(\S+)\.c\s*$/ ? ($1 => 1) : () }
                   qx{"$httpd" -l};
    }
    return () if grep { $builtin{$_} } @$builtin;
    for my $d (@moddirs) {
        return ("LoadModule $sym \"$d/$file\"") if -f "$d/$file";
    }
    return ();
}

# The MPM CORS_MPM names (event, worker or prefork; default event), as the
# server t/TEST starts loads it, unless httpd has an MPM built in.
sub mpm_line
{
    my $mpm = $ENV{CORS_MPM} || 'event';
    die "CORS_MPM='$mpm' is not one of: event worker prefork\n"
        unless $mpm =~ /^(?:event|worker|prefork)\z/;
    return module_line("mpm_${mpm}_module", "mod_mpm_$mpm.so",
                       [qw(event worker prefork mod_mpm_event mod_mpm_worker
                           mod_mpm_prefork)]);
}

# LoadModule lines for modules named as in their file names without "mod_"
# (authz_core, headers, ...).
sub module_lines
{
    return map { module_line("${_}_module", "mod_$_.so", ["mod_$_"]) } @_;
}

sub free_port
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or return 8529;
    my $p = $s->sockport;
    close $s;
    return $p;
}

# A file's content; '' when it cannot be read.
sub slurp
{
    open my $fh, '<', $_[0] or return '';
    local $/;
    my $s = <$fh>;
    return defined $s ? $s : '';
}

# Runs httpd ARGS with stdout and stderr in DIR/stdout and DIR/stderr;
# returns the wait status and both outputs.
sub run_httpd
{
    my ($dir, @args) = @_;
    my ($outf, $errf) = ("$dir/stdout", "$dir/stderr");
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDOUT, '>', $outf or die "$outf: $!";
        open STDERR, '>', $errf or die "$errf: $!";
        $ENV{LANG} = $ENV{LC_ALL} = 'C';
        alarm 60;
        exec $httpd, @args;
        die "exec $httpd: $!";
    }
    waitpid $pid, 0;
    return ($?, slurp($outf), slurp($errf));
}

# `httpd -t -f CONF`.
sub config_test
{
    my ($conf, $dir) = @_;
    return run_httpd($dir, '-t', '-f', $conf);
}

# ---------------------------------------------------------------------------
# A running server: start_httpd(CONF, DIR, PORT...) runs
# `httpd -DFOREGROUND -f CONF` (the parent and its children, in a process
# group of their own, as the user running the test) and waits until every
# PORT accepts connections.  It dies, with httpd's output, when the server
# exits or does not listen within 20 seconds.  The server stops when the
# returned object's stop method is called or the object goes away, by a die
# included.  Not `httpd -X`: the event MPM in one-process mode sometimes
# crashes while it shuts down.  start_server(COMMAND, DIR, PORT...) does the
# same for another server that stays in the foreground (COMMAND: an array
# reference); its stderr is DIR/httpd.stderr too.
# ---------------------------------------------------------------------------

my %running;    # pid => 1, for the signal handlers and END

sub start_httpd
{
    my ($conf, $dir, @ports) = @_;
    return start_server([$httpd, '-DFOREGROUND', '-f', $conf], $dir, @ports);
}

sub start_server
{
    my ($cmd, $dir, @ports) = @_;
    my $what = join ' ', @$cmd;
    my $self = bless { dir => $dir, err => "$dir/httpd.stderr" },
                     'CorsHttpd::Server';
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        POSIX::setpgid(0, 0);
        open STDIN, '<', File::Spec->devnull;
        open STDOUT, '>', "$dir/httpd.stdout" or POSIX::_exit(127);
        open STDERR, '>', $self->{err} or POSIX::_exit(127);
        $ENV{LANG} = $ENV{LC_ALL} = 'C';
        { exec { $cmd->[0] } @$cmd }
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    $running{$pid} = 1;
    $SIG{$_} ||= sub { exit 128 } for qw(INT TERM HUP);

    my $deadline = Time::HiRes::time() + 20;
    for my $port (@ports) {
        until (IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Proto => 'tcp')) {
            if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
                my $status = $?;
                delete $running{$pid};
                delete $self->{pid};
                kill 'KILL', -$pid;
                die "$what exited ($status) before listening on $port:\n"
                    . slurp($self->{err});
            }
            if (Time::HiRes::time() > $deadline) {
                $self->stop;
                die "$what does not listen on $port:\n" . slurp($self->{err});
            }
            Time::HiRes::sleep(0.05);
        }
    }
    return $self;
}

# Stops the server whose parent is PID: SIGTERM to the parent (which stops
# its children; each finishes the request it serves, log lines included),
# then SIGKILL to the whole process group, until the parent is gone and the
# group empty.  Returns the parent's wait status.
sub stop_pid
{
    my $pid = shift;
    my $status;
    for my $step (['TERM', $pid, 15], ['KILL', -$pid, 10]) {
        my ($signal, $whom, $wait) = @$step;
        kill $signal, $whom;
        my $deadline = Time::HiRes::time() + $wait;
        while (1) {
            if (!defined $status) {
                my $w = waitpid($pid, POSIX::WNOHANG());
                $status = $w == $pid ? $? : $w < 0 ? -1 : undef;
            }
            last if defined $status && !kill(0, -$pid);
            last if Time::HiRes::time() > $deadline;
            Time::HiRes::sleep(0.05);
        }
        last if defined $status && !kill(0, -$pid);
    }
    delete $running{$pid};
    return $status;
}

END
{
    my $status = $?;
    stop_pid($_) for keys %running;
    $? = $status;
}

package CorsHttpd::Server;

sub pid { $_[0]{pid} }

# Stops the server; returns its wait status.
sub stop
{
    my $self = shift;
    my $pid = delete $self->{pid} or return $self->{status};
    return $self->{status} = CorsHttpd::stop_pid($pid);
}

sub DESTROY
{
    local ($?, $@, $!);
    $_[0]->stop;
}

1;
