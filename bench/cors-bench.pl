#!/usr/bin/perl
# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# The mod_cors benchmark (issue 5).  Run it with `make bench` or bench/run,
# which install valgrind, wrk and gnuplot first; see docs/performance.md for
# the last report.
#
# What it measures, and how.  One httpd configuration (written to a temporary
# directory) has three port-based virtual hosts on 127.0.0.1 that serve the
# same document root, a 3-byte file x.txt:
#   plain   no CORS at all;
#   recipe  the classic mod_headers recipe: SetEnvIf Origin "^(a|b|...)$"
#           and `Header always set` lines;
#   cors    mod_cors with the same origins, credentials on, and a
#           <Location /nocors/> with CORSEnable Off.
# The origin list is included from a generated file chosen with
# -C "Define CorsList ..." / "Define RecipeList ...": 3, 1,000 or 10,000
# exact origins, 1,000 `*.` patterns or 50 regular expressions.  With
# -D NoCORS mod_cors is not loaded at all: plain and the recipe are measured
# that way, so "plain" is httpd without the module.
#
# 1. Instructions per request: for each virtual host, request kind and
#    origin list, `httpd -X` runs under `valgrind --tool=callgrind`; the
#    client writes N identical requests at once on one keep-alive connection
#    (the last one says Connection: close), reads every response, and the
#    server is stopped with SIGTERM once it has closed the connection.  The
#    same again with one request; (total(N) - total(1)) / (N - 1) is the
#    cost of one request.  Writing the requests at once (pipelining) means
#    httpd never waits for the client, so the count does not depend on
#    timing; glibc's malloc is kept to one arena for the same reason.
# 2. Throughput: httpd started normally (event MPM, default threads) on
#    one CPU, wrk on the other, against the three hosts in turn over several
#    rounds, with the allowed credentialed request; medians and ratios to
#    plain.
# 3. Start-up: wall time of `httpd -t`, time from `httpd -k start` to the
#    first answered request, and VmRSS of the parent and of a child, with
#    10,000 and 100,000 exact origins and without mod_cors.
# Then it prints the tables and writes performance.md and performance.png
# (gnuplot) with the budget of issue 5, each line met or missed.
#
# Usage: cors-bench.pl [--quick] [--only SECTIONS] [--out DIR] [--doc DIR] [--keep]
#   --quick      2 origin lists, 100 requests, 1 wrk round: about 1.5 minutes
#   --only LIST  only these of callgrind,wrk,startup
#   --lists LIST only these origin lists for callgrind: e3,e1000,e10000,
#                p1000,r50
#   --out DIR    raw results and callgrind profiles (default bench/out)
#   --doc DIR    where performance.md and .png go (default docs/, but the
#                output directory for --quick and --only)
#   --keep       keep the temporary directory (configuration, logs)
# Environment: MOD_CORS_SO (the module), APACHE_TEST_HTTPD or APXS (httpd).

use strict;
use warnings;
use utf8;

use Cwd qw(abs_path getcwd);
use Digest::SHA ();
use File::Basename qw(dirname);
use File::Copy qw(copy);
use File::Path qw(make_path remove_tree);
use File::Spec;
use File::Temp qw(tempdir);
use Getopt::Long qw(GetOptions);
use IO::Select;
use IO::Socket::INET;
use POSIX qw(strftime WNOHANG);
use Time::HiRes qw(time sleep);

use FindBin ();
use lib "$FindBin::RealBin/../scripts/lib";
use CorsLocal qw(which httpd_binary load_module module_under_test
                 unprivileged_ids document_root free_port slurp tail_of
                 write_text);

$| = 1;
binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';
my $T0 = time;
my ($LOAD0) = (do { open my $f, '<', '/proc/loadavg'; <$f> } // '') =~ /^(\S+ \S+ \S+)/;
my $TOP = dirname(dirname(abs_path(__FILE__)));
# The source tree as it was when the run began: the run itself rewrites
# docs/performance.png, which would mark any tree "-dirty" by the end.
chomp(my $GIT = qx{git -C "$TOP" describe --always --dirty 2>/dev/null} || 'unknown');

my %opt = (out => "$TOP/bench/out");
GetOptions(\%opt, 'quick', 'out=s', 'doc=s', 'only=s', 'lists=s', 'keep', 'help|h')
    or die "usage: $0 [--quick] [--only SECTIONS] [--out DIR] [--doc DIR] [--keep]\n";
if ($opt{help}) {
    open my $self, '<', __FILE__ or die;
    while (<$self>) { last if /^use /; print if $. > 3 && s/^# ?// }
    exit 0;
}
my %RUN = map { $_ => 1 } split /,/, $opt{only} // 'callgrind,wrk,startup';
for (keys %RUN) { die "--only: unknown section $_ (callgrind, wrk, startup)\n" unless /^(callgrind|wrk|startup)$/ }
# A partial run is no report for docs/.
$opt{doc} //= $opt{quick} || $opt{only} || $opt{lists} ? $opt{out} : "$TOP/docs";
$_ = File::Spec->rel2abs($_) for @opt{qw(out doc)};

# ---------------------------------------------------------------------------
# What is measured
# ---------------------------------------------------------------------------

# Requests per callgrind run (the baseline run sends one).  What is left of
# the difference between two start-ups is divided by N - 1, and mod_cors's
# start-up with long lists varies by thousands of instructions from run to
# run (APR seeds its hash tables from the clock): those servers get more
# requests.  The recipe's requests with an Origin and these lists cost
# millions of instructions each: 100 of them are plenty, and keep the run
# short.
my $N = $opt{quick} ? 100 : 400;
my %N_LONG = (e10000 => 2000, p1000 => 2000);

sub requests_for
{
    my ($host, $cid, $list) = @_;
    return $N if $opt{quick} || !$N_LONG{$list} || $host eq 'plain';
    return $host ne 'recipe' ? $N_LONG{$list}
         : $cid =~ /^(allowed|denied)$/ ? 100 : $N;
}

# Origin lists: their size and kind, and the allowed Origin the requests
# send (in the middle of the list).  mod_cors gets CORSAllowOrigin lines of
# 100 entries.  A SetEnvIf regex holds at most about 1,000 exact origins
# (PCRE2 refuses a larger compiled pattern), so the recipe's longer lists
# take several SetEnvIf lines, as they would in a real configuration.
my %LIST = (
    e3      => { size => 3,      kind => 'exact',    allowed => 'https://o2.example.com' },
    e1000   => { size => 1000,   kind => 'exact',    allowed => 'https://o500.example.com' },
    e10000  => { size => 10000,  kind => 'exact',    allowed => 'https://o5000.example.com' },
    e100000 => { size => 100000, kind => 'exact',    allowed => 'https://o50000.example.com' },
    p1000   => { size => 1000,   kind => 'patterns', allowed => 'https://a.d500.example.com' },
    r50     => { size => 50,     kind => 'regexes',  allowed => 'https://abc.r25.example.com' },
);
my %RECIPE_CHUNK = (exact => 1000, patterns => 500, regexes => 50);
my $CORS_CHUNK = 100;

sub list_label
{
    my $l = $LIST{$_[0]};
    my $n = commify($l->{size});
    return $l->{kind} eq 'exact' ? "$n exact" : "$n $l->{kind}";
}

# The entries of a list, for mod_cors and as alternatives of the recipe's
# regular expression.
sub entries
{
    my ($name) = @_;
    my $l = $LIST{$name};
    my @k = 1 .. $l->{size};
    return $l->{kind} eq 'exact'
        ? ([map { "https://o$_.example.com" } @k],
           [map { "https://o$_\\.example\\.com" } @k])
        : $l->{kind} eq 'patterns'
        ? ([map { "https://*.d$_.example.com" } @k],
           [map { "https://[a-z0-9.-]+\\.d$_\\.example\\.com" } @k])
        : ([map { "~^https://[a-z]+\\.r$_\\.example\\.com\$" } @k],
           [map { "https://[a-z]+\\.r$_\\.example\\.com" } @k]);
}

my $DENIED = 'https://denied.example.org';
my $COOKIE = 'session=0123456789abcdef';

# Request kinds.  Every GET asks for the 3-byte file; "outside" asks for it
# under /nocors/ (CORSEnable Off in the cors host).
my @CASES = (
    { id => 'allowed', label => 'allowed credentialed GET',
      method => 'GET', path => '/x.txt', origin => 'allowed', cookie => 1 },
    { id => 'denied', label => 'denied GET',
      method => 'GET', path => '/x.txt', origin => 'denied', cookie => 1 },
    { id => 'noorigin', label => 'GET without Origin',
      method => 'GET', path => '/x.txt' },
    { id => 'outside', label => 'GET outside CORS (/nocors/, CORSEnable Off)',
      method => 'GET', path => '/nocors/x.txt', origin => 'allowed',
      cookie => 1 },
    { id => 'otherhost', label => 'GET outside CORS (host without CORS)',
      method => 'GET', path => '/x.txt', origin => 'allowed', cookie => 1 },
    { id => 'preflight', label => 'answered preflight (plain: static GET, same headers)',
      method => 'OPTIONS', path => '/x.txt', origin => 'allowed',
      extra => ['Access-Control-Request-Method: PUT'] },
    # The preflight's reference: the same request line and headers, but a
    # GET, which plain httpd answers with the file.
    { id => 'pfget', label => 'static GET with the preflight\'s headers',
      method => 'GET', path => '/x.txt', origin => 'allowed',
      extra => ['Access-Control-Request-Method: PUT'] },
);
my %CASE = map { $_->{id} => $_ } @CASES;

# Which (host, case) pairs run, and which plain request each is compared to.
# "plain-loaded" is the plain host in the server that loads mod_cors; the
# preflight's reference is a plain static GET of the file with the same
# request headers (each header line costs httpd about 1,100 instructions to
# read, whoever answers).
my %PLAIN_REF = (allowed => 'allowed', denied => 'denied',
                 noorigin => 'noorigin', outside => 'outside',
                 otherhost => 'allowed', preflight => 'pfget');
my @MEASURE = (
    (map { ['plain', $_] } qw(allowed denied noorigin outside pfget)),
    (map { ['recipe', $_] } qw(allowed denied noorigin)),
    (map { ['cors', $_] } qw(allowed denied noorigin outside preflight)),
    ['plain-loaded', 'otherhost'],
);

my @CG_LISTS = $opt{lists} ? split(/,/, $opt{lists})
             : $opt{quick} ? qw(e3 e10000) : qw(e3 e1000 e10000 p1000 r50);
for (@CG_LISTS) { die "--lists: unknown list $_\n" unless $LIST{$_} && $_ ne 'e100000' }
my @STARTUP_LISTS = $opt{quick} ? qw(e10000) : qw(e10000 e100000);
my $STARTUP_REPS = $opt{quick} ? 1 : 3;
my $WRK_LIST = 'e1000';
my ($WRK_ROUNDS, $WRK_SECONDS) = $opt{quick} ? (1, 2) : (12, 4);
my @WRK_ARGS = qw(-t2 -c32);

# ---------------------------------------------------------------------------
# httpd, its modules and the module under test
# ---------------------------------------------------------------------------

my $HTTPD = httpd_binary();

my $SO = module_under_test();

for my $tool (qw(valgrind wrk gnuplot)) {
    die "$tool is not installed (Debian: apt-get install "
        . ($tool eq 'gnuplot' ? 'gnuplot-nox' : $tool) . "; bench/run does it as root)\n"
        unless which($tool);
}

# As root, httpd runs as an unprivileged user, as the test suite does.
my @AS_USER;
my ($UID, $GID) = ($<, $();
if ($< == 0) {
    ($UID, $GID) = unprivileged_ids();
    @AS_USER = ('setpriv', "--reuid=$UID", "--regid=$GID", '--clear-groups', '--');
}

# ---------------------------------------------------------------------------
# The configuration
# ---------------------------------------------------------------------------

my $DIR = tempdir('cors-bench.XXXXXX', TMPDIR => 1, CLEANUP => !$opt{keep});
chmod 0755, $DIR;
my $CONF = "$DIR/httpd.conf";
my $PIDFILE = "$DIR/httpd.pid";
my $ERRLOG = "$DIR/error_log";

# Snapshot of the module: a rebuild during the run does not change what is
# measured.
copy($SO, "$DIR/mod_cors.so") or die "copy $SO: $!\n";
my $SO_SHA = substr(Digest::SHA->new(256)->addfile($SO)->hexdigest, 0, 12);

my %PORT;
$PORT{$_} = free_port(values %PORT) for qw(plain recipe cors);

sub write_config
{
    make_path("$DIR/htdocs/nocors", "$DIR/lists", "$DIR/callgrind");
    write_text("$DIR/htdocs/x.txt", "hi\n");
    write_text("$DIR/htdocs/nocors/x.txt", "hi\n");

    for my $name (keys %LIST) {
        my ($cors, $re) = entries($name);
        my @lines;
        for (my $i = 0; $i < @$cors; $i += $CORS_CHUNK) {
            my $j = $i + $CORS_CHUNK - 1;
            $j = $#$cors if $j > $#$cors;
            push @lines, join(' ', 'CORSAllowOrigin', map { qq{"$_"} } @$cors[$i .. $j]) . "\n";
        }
        write_text("$DIR/lists/$name.cors.conf", @lines);
        next if $name eq 'e100000';    # start-up only: no recipe
        my $chunk = $RECIPE_CHUNK{$LIST{$name}{kind}};
        @lines = ();
        for (my $i = 0; $i < @$re; $i += $chunk) {
            my $j = $i + $chunk - 1;
            $j = $#$re if $j > $#$re;
            push @lines, 'SetEnvIf Origin "^(' . join('|', @$re[$i .. $j])
                . ')$" ORIGIN_OK=$0' . "\n";
        }
        write_text("$DIR/lists/$name.recipe.conf", @lines);
    }

    my $mime = -r '/etc/mime.types' ? '/etc/mime.types' : '/dev/null';
    my $mods = join '', load_module('mpm_event'),
        map { load_module($_) } qw(authz_core mime headers setenvif alias dir);
    write_text($CONF, <<"EOF");
# Written by bench/cors-bench.pl.  Three port-based virtual hosts on one
# document root; the origin lists come from lists/LIST.{recipe,cors}.conf.
# -C "Define CorsList LIST" -C "Define RecipeList LIST" choose them (default
# e3); -D NoCORS leaves mod_cors out.
ServerRoot "$DIR"
DefaultRuntimeDir "$DIR"
PidFile "$PIDFILE"
ErrorLog "$ERRLOG"
LogLevel warn
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT{plain}
Listen 127.0.0.1:$PORT{recipe}
Listen 127.0.0.1:$PORT{cors}
MaxKeepAliveRequests 0

$mods<IfDefine !NoCORS>
    LoadModule cors_module "$DIR/mod_cors.so"
</IfDefine>
<IfDefine !CorsList>
    Define CorsList e3
</IfDefine>
<IfDefine !RecipeList>
    Define RecipeList e3
</IfDefine>

TypesConfig "$mime"
AddType text/plain .txt
@{[ document_root("$DIR/htdocs") ]}
# Every host has the same <Location "/nocors/"> section, so that httpd's
# location walks cost the same in each; only mod_cors's host puts
# something in it.
<VirtualHost 127.0.0.1:$PORT{plain}>
    ServerName plain.bench
    <Location "/nocors/">
    </Location>
</VirtualHost>

<VirtualHost 127.0.0.1:$PORT{recipe}>
    ServerName recipe.bench
    # SetEnvIf Origin "^(https://o1\\.example\\.com|...)\$" ORIGIN_OK=\$0
    Include "$DIR/lists/\${RecipeList}.recipe.conf"
    Header always set Access-Control-Allow-Origin "%{ORIGIN_OK}e" env=ORIGIN_OK
    Header always set Access-Control-Allow-Credentials "true" env=ORIGIN_OK
    Header always merge Vary Origin
    <Location "/nocors/">
    </Location>
</VirtualHost>

<VirtualHost 127.0.0.1:$PORT{cors}>
    ServerName cors.bench
    <IfModule cors_module>
        CORSEnable On
        # CORSAllowOrigin "https://o1.example.com" ... (100 a line)
        Include "$DIR/lists/\${CorsList}.cors.conf"
        CORSAllowCredentials On
        CORSAllowMethods GET POST PUT
        CORSAllowHeaders Content-Type
        <Location "/nocors/">
            CORSEnable Off
        </Location>
    </IfModule>
</VirtualHost>
EOF
    if ($< == 0) {
        system('chown', '-R', "$UID:$GID", $DIR) == 0 or die "chown $DIR failed\n";
    }
}

# httpd's arguments for a server with these lists (undef cors: no module).
sub httpd_args
{
    my ($cors_list, $recipe_list) = @_;
    return ('-f', $CONF,
            (defined $cors_list ? ('-C', "Define CorsList $cors_list")
                                : ('-D', 'NoCORS')),
            ('-C', "Define RecipeList " . ($recipe_list // 'e3')));
}

# ---------------------------------------------------------------------------
# Processes and the HTTP client
# ---------------------------------------------------------------------------

# CPU pinning for the throughput test: httpd on the first CPU, wrk on the
# last (undef: not pinned).
my ($HTTPD_CPU, $WRK_CPU);
my @PIN;    # prefix for what spawn() starts, set while the throughput test runs

# Forks COMMAND (as the unprivileged user when root) with stdout and stderr
# in FILE and ENV added to the environment; returns the pid.
sub spawn
{
    my ($file, $env, @cmd) = @_;
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $file or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT;
        @ENV{keys %$env} = values %$env;
        $ENV{LANG} = $ENV{LC_ALL} = 'C';
        { exec @PIN, @AS_USER, @cmd }
        POSIX::_exit(127);
    }
    return $pid;
}

sub run_quiet
{
    my ($file, @cmd) = @_;
    my $pid = spawn($file, {}, @cmd);
    waitpid $pid, 0;
    return $?;
}

sub proc_field
{
    my ($pid, $field) = @_;
    open my $fh, '<', "/proc/$pid/status" or return undef;
    while (my $l = <$fh>) { return $1 if $l =~ /^\Q$field\E:\s+(\d+)/ }
    return undef;
}

sub socket_fds
{
    my $pid = shift;
    opendir my $d, "/proc/$pid/fd" or return -1;
    return scalar grep { (readlink("/proc/$pid/fd/$_") // '') =~ /^socket:/ } readdir $d;
}

sub alive { kill 0, $_[0] }

# The raw bytes of one request of CASE to HOST's port for LIST.
sub request_text
{
    my ($case, $list, $close) = @_;
    my @h = ("$case->{method} $case->{path} HTTP/1.1", 'Host: localhost');
    push @h, 'Origin: ' . ($case->{origin} eq 'denied' ? $DENIED : $LIST{$list}{allowed})
        if $case->{origin};
    push @h, "Cookie: $COOKIE" if $case->{cookie};
    push @h, @{$case->{extra} || []};
    push @h, 'Connection: close' if $close;
    return join("\r\n", @h, '', '');
}

# Sends COUNT requests at once on one connection; returns the responses
# (status line and headers of each) or dies.
sub pipelined
{
    my ($port, $case, $list, $count) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp') or die "connect $port: $!\n";
    my $out = join '', (map { request_text($case, $list, 0) } 2 .. $count),
                       request_text($case, $list, 1);
    my $sel = IO::Select->new($s);
    my ($in, $off, $deadline) = ('', 0, time + 120);
    $s->blocking(0);
    while (1) {
        my ($r, $w) = IO::Select->select($sel, $off < length $out ? $sel : undef,
                                         undef, 1);
        die "no answer on port $port within 120 s\n" if time > $deadline;
        if ($w && @$w) {
            my $n = syswrite($s, $out, length($out) - $off, $off);
            $off += $n if $n;
        }
        if ($r && @$r) {
            my $n = sysread($s, $in, 65536, length $in);
            last if defined $n && $n == 0;
        }
    }
    close $s;
    my @res;
    while ($in =~ /\G(HTTP\/1\.1 (\d{3})[^\r]*\r\n(.*?)\r\n\r\n)/gsc) {
        my ($status, $head) = ($2, $3);
        my %h;
        for (split /\r\n/, $head) { $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/ }
        push @res, { status => $status, h => \%h };
        pos($in) += $h{'content-length'} // 0;
    }
    return \@res;
}

# What the responses of HOST to CASE must be; returns an error or ''.
sub check_response
{
    my ($host, $case, $list, $res) = @_;
    my $origin = $LIST{$list}{allowed};
    my $acao = $res->{h}{'access-control-allow-origin'};
    my $want_status = $host eq 'cors' && $case->{id} eq 'preflight' ? 204 : 200;
    return "status $res->{status}, expected $want_status"
        if $res->{status} != $want_status;
    my $want_acao = ($host eq 'cors' || $host eq 'recipe')
        && $case->{id} =~ /^(allowed|preflight)$/;
    return $want_acao
        ? (!defined $acao || $acao ne $origin
           ? "Access-Control-Allow-Origin " . ($acao // 'missing') . ", expected $origin" : '')
        : (defined $acao ? "unexpected Access-Control-Allow-Origin: $acao" : '');
}

# ---------------------------------------------------------------------------
# 1. Instructions per request
# ---------------------------------------------------------------------------

my @CG_LOG;         # one line per run, for the raw results
my @CG_ABNORMAL;    # runs whose httpd did not exit cleanly on SIGTERM
my $CALLGRIND_PID;

# Runs one server under callgrind, sends COUNT requests of CASE to HOST's
# port, stops it; returns the instruction total.
sub callgrind_total
{
    my ($host, $case, $list, $count, $keep) = @_;
    my $loaded = $host ne 'plain' && $host ne 'recipe';
    my $port = $PORT{$host eq 'plain-loaded' ? 'plain' : $host};
    my $tag = "$host-$case->{id}-$list-$count";
    my $out = "$DIR/callgrind/$tag.out";
    unlink $PIDFILE, $out;
    my $pid = $CALLGRIND_PID = spawn("$DIR/callgrind/$tag.stderr",
        { GLIBC_TUNABLES => 'glibc.malloc.arena_max=1' },
        'valgrind', '--tool=callgrind', '--collect-atstart=yes',
        '--dump-instr=no', '--cache-sim=no', "--callgrind-out-file=$out",
        $HTTPD, '-X', httpd_args($loaded ? $list : undef, $list));
    my $fail = sub {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        die "callgrind run $tag: $_[0]\n" . tail_of("$DIR/callgrind/$tag.stderr", 15)
            . tail_of($ERRLOG, 10);
    };

    # Ready: the pid file is written and no thread has started for 0.3 s.
    my $deadline = time + 120;
    my ($threads, $since) = (-1, time);
    while (!-s $PIDFILE || time - $since < 0.3) {
        $fail->('httpd exited while starting') if waitpid($pid, WNOHANG) == $pid;
        $fail->('httpd did not start within 120 s') if time > $deadline;
        my $t = proc_field($pid, 'Threads') // -1;
        ($threads, $since) = ($t, time) if $t != $threads;
        sleep 0.02;
    }
    my $sockets = socket_fds($pid);

    my $res = eval { pipelined($port, $case, $list, $count) };
    $fail->($@) unless $res;
    $fail->(scalar(@$res) . " responses to $count requests") if @$res != $count;
    for my $i (0 .. $#$res) {
        my $err = check_response($host eq 'plain-loaded' ? 'plain' : $host,
                                 $case, $list, $res->[$i]);
        $fail->("wrong answer to request " . ($i + 1) . ": $err") if $err;
    }

    # Stop once httpd has closed the connection.
    $deadline = time + 30;
    while (socket_fds($pid) > $sockets) {
        $fail->('the connection stays open') if time > $deadline;
        sleep 0.02;
    }
    sleep 0.1;
    kill 'TERM', $pid;
    $deadline = time + 60;
    while (waitpid($pid, WNOHANG) != $pid) {
        $fail->('httpd does not stop') if time > $deadline;
        sleep 0.02;
    }
    push @CG_ABNORMAL, "$tag (wait status $?)" if $?;
    undef $CALLGRIND_PID;
    my $total = slurp($out) =~ /^(?:summary|totals):\s*(\d+)/m ? $1 : undef;
    $fail->("no total in $out") unless defined $total;
    push @CG_LOG, "$tag\t$total";
    if ($keep) {
        make_path("$opt{out}/callgrind");
        copy($out, "$opt{out}/callgrind/$tag.out");
    }
    unlink $out;
    return $total;
}

my %IPR;          # {list}{host}{case} = instructions per request
my %JIT;          # list => calls of PCRE2's JIT matcher per request

# Calls of PCRE2's JIT matcher in a callgrind profile.
sub jit_calls
{
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!\n";
    my (%name, $callee, $calls);
    while (my $l = <$fh>) {
        if ($l =~ /^(c?)fn=\((\d+)\)(?: (.*))?$/) {
            $name{$2} = $3 if defined $3;
            $callee = $1 ? $name{$2} : undef;
        }
        elsif ($l =~ /^calls=(\d+)/ && defined $callee) {
            my $n = $1;
            $calls += $n if $callee =~ /^pcre2_jit_match/;
            undef $callee;
        }
    }
    return $calls // 0;
}

sub per_request
{
    my ($host, $case, $list) = @_;
    # Every profile is kept: callgrind_annotate on two of them shows where
    # a difference comes from.
    my $keep = 1;
    my $jit = $host eq 'cors' && $case->{id} eq 'allowed'
              && $LIST{$list}{kind} eq 'regexes';
    my $one = callgrind_total($host, $case, $list, 1, $keep);
    my $n = requests_for($host, $case->{id}, $list);
    my $many = callgrind_total($host, $case, $list, $n, $keep);
    if ($jit) {
        my $base = "$opt{out}/callgrind/$host-allowed-$list";
        $JIT{$list} = (jit_calls("$base-$n.out") - jit_calls("$base-1.out")) / ($n - 1);
    }
    return ($many - $one) / ($n - 1);
}

sub measure_instructions
{
    remove_tree("$opt{out}/callgrind");
    my $total = @CG_LISTS * @MEASURE;
    my $i = 0;
    for my $list (@CG_LISTS) {
        for my $m (@MEASURE) {
            my ($host, $cid) = @$m;
            progress(sprintf('[%2d/%d] %-7s %-17s %s', ++$i, $total, $list, $host, $cid),
                     $host eq $MEASURE[0][0] && $cid eq $MEASURE[0][1]);
            $IPR{$list}{$host}{$cid} = per_request($host, $CASE{$cid}, $list);
        }
    }
    progress_done();
}

# Repeatability: five cases measured again, with new server starts.
my @REPEAT;    # [host, case, list, first, again]
sub repeat_check
{
    for my $m (['plain', 'allowed', 'e3'], ['recipe', 'allowed', 'e3'],
               ['cors', 'allowed', 'e3'], ['cors', 'noorigin', 'e3'],
               ['cors', 'preflight', 'e3'], ['cors', 'allowed', 'e10000'],
               ['cors', 'denied', 'p1000']) {
        my ($host, $cid, $list) = @$m;
        next unless $IPR{$list};
        my $again = per_request($host, $CASE{$cid}, $list);
        push @REPEAT, [$host, $cid, $list, $IPR{$list}{$host}{$cid}, $again];
    }
}

# ---------------------------------------------------------------------------
# 2. Throughput
# ---------------------------------------------------------------------------

sub wait_answer
{
    my ($port, $deadline) = @_;
    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                      Proto => 'tcp');
        if ($s) {
            print $s "GET /x.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            my $line = <$s>;
            close $s;
            return 1 if $line && $line =~ m{^HTTP/1\.1 200 };
        }
        sleep 0.005;
    }
    return 0;
}

sub server_pid
{
    my $p = slurp($PIDFILE);
    return $p =~ /(\d+)/ ? $1 : undef;
}

my @SERVER_ARGS;    # of the server started with -k start, until it stops

# Whatever this run started stops with it, by a die or a signal included.
$SIG{$_} = sub { die "interrupted\n" } for qw(INT TERM HUP);
END {
    my $status = $?;
    if ($CALLGRIND_PID) {
        kill 'KILL', $CALLGRIND_PID;
        waitpid $CALLGRIND_PID, 0;
    }
    if (@SERVER_ARGS) {
        my $pid = server_pid();
        kill 'TERM', $pid if $pid;
        sleep 1;
        kill 'KILL', $pid if $pid && alive($pid);
    }
    $? = $status;
}

# `httpd -k start`; returns the seconds until the first answered request.
sub start_server
{
    my @args = @_;
    unlink $PIDFILE;
    @SERVER_ARGS = @args;
    my $t = time;
    my $st = run_quiet("$DIR/start.out", $HTTPD, @args, '-k', 'start');
    die "httpd -k start failed:\n" . slurp("$DIR/start.out") . tail_of($ERRLOG, 10)
        if $st;
    wait_answer($PORT{cors}, $t + 60)
        or die "httpd does not answer:\n" . tail_of($ERRLOG, 10);
    return time - $t;
}

sub stop_server
{
    my @args = @_;
    @SERVER_ARGS = ();
    my $pid = server_pid();
    run_quiet("$DIR/stop.out", $HTTPD, @args, '-k', 'stop');
    my $deadline = time + 30;
    while ($pid && alive($pid) && time < $deadline) { sleep 0.05 }
    kill 'KILL', $pid if $pid && alive($pid);
}

my %WRK;          # host => [requests/s per round]
my %WRK_ERRORS;   # host => socket errors over all rounds

# wrk's command for HOST.
sub wrk_command
{
    my ($host, $seconds) = @_;
    return ((defined $WRK_CPU ? ('taskset', '-c', $WRK_CPU) : ()),
            'wrk', @WRK_ARGS, "-d${seconds}s",
            '-H', "Origin: $LIST{$WRK_LIST}{allowed}", '-H', "Cookie: $COOKIE",
            "http://127.0.0.1:$PORT{$host}/x.txt");
}

sub measure_throughput
{
    chomp(my $ncpu = qx{nproc 2>/dev/null} || 1);
    ($HTTPD_CPU, $WRK_CPU) = (0, $ncpu - 1) if $ncpu >= 2 && which('taskset');
    my @args = httpd_args($WRK_LIST, $WRK_LIST);
    @PIN = defined $HTTPD_CPU ? ('taskset', '-c', $HTTPD_CPU) : ();
    start_server(@args);
    @PIN = ();
    my @hosts = qw(plain recipe cors);
    for my $host (@hosts) {    # warm-up, not counted
        run_quiet("$DIR/wrk.out", wrk_command($host, 1));
    }
    for my $round (1 .. $WRK_ROUNDS) {
        # Each round starts with the next host, so that no host is always
        # measured first or last.
        my @order = map { $hosts[($_ + $round - 1) % 3] } 0 .. 2;
        for my $host (@order) {
            progress("round $round/$WRK_ROUNDS: $host", $host eq $order[0]);
            open my $fh, '-|', wrk_command($host, $WRK_SECONDS) or die "wrk: $!\n";
            my $out = do { local $/; <$fh> };
            close $fh;
            die "wrk failed:\n$out" if $?;
            die "wrk got error statuses from $host:\n$out" if $out =~ /Non-2xx/;
            # A connection reset when httpd retires a child is counted, not
            # fatal.
            $WRK_ERRORS{$host} += $1 + $2 + $3 + $4
                if $out =~ /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/;
            $out =~ /^Requests\/sec:\s*([\d.]+)/m or die "wrk output:\n$out";
            push @{$WRK{$host}}, $1;
        }
    }
    progress_done();
    stop_server(@args);
}

# ---------------------------------------------------------------------------
# 3. Start-up time and memory
# ---------------------------------------------------------------------------

my %START;    # config => {t => [..], start => [..], parent => [..], child => [..]}
my @START_CONFIGS;

sub children_of
{
    my $ppid = shift;
    opendir my $d, '/proc' or return ();
    return grep { /^\d+$/ && (proc_field($_, 'PPid') // 0) == $ppid } readdir $d;
}

sub measure_startup
{
    @START_CONFIGS = ([none => undef], map { [$_ => $_] } @STARTUP_LISTS);
    for my $rep (1 .. $STARTUP_REPS) {
        for my $c (@START_CONFIGS) {
            my ($name, $list) = @$c;
            progress("$rep/$STARTUP_REPS: $name", $name eq 'none');
            my @args = httpd_args($list, 'e3');
            my $t = time;
            my $st = run_quiet("$DIR/t.out", $HTTPD, '-t', @args);
            my $dt = time - $t;
            die "httpd -t failed:\n" . slurp("$DIR/t.out") if $st;
            my $start = start_server(@args);
            sleep 0.5;
            my $pid = server_pid();
            my @kids = children_of($pid);
            my ($child) = sort { $b <=> $a } map { proc_field($_, 'VmRSS') // 0 } @kids;
            my $s = $START{$name} //= {};
            push @{$s->{t}}, $dt;
            push @{$s->{start}}, $start;
            push @{$s->{parent}}, proc_field($pid, 'VmRSS') // 0;
            push @{$s->{child}}, $child // 0;
            stop_server(@args);
        }
    }
    progress_done();
}

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

# A progress line: rewritten in place on a terminal, else printed once per
# call with NEWLINE set.
sub progress
{
    my ($text, $newline) = @_;
    if (-t STDOUT) { printf "\r  %-60s", $text }
    elsif ($newline) { print "  $text\n" }
}
sub progress_done { print "\r", ' ' x 64, "\r" if -t STDOUT }

sub commify
{
    my $n = reverse shift;
    $n =~ s/(\d{3})(?=\d)(?!\d*\.)/$1,/g;
    return scalar reverse $n;
}

sub median
{
    my @v = sort { $a <=> $b } @_;
    return undef unless @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# Instructions per request as printed: rounded to 10.
sub ipr { defined $_[0] ? commify(10 * int($_[0] / 10 + 0.5)) : '—' }
sub signed { defined $_[0] ? ($_[0] < 0 ? '−' . ipr(-$_[0]) : '+' . ipr($_[0])) : '—' }

sub plain_of { my ($list, $cid) = @_; $IPR{$list}{plain}{$PLAIN_REF{$cid}} }

sub added
{
    my ($list, $host, $cid) = @_;
    my $v = $IPR{$list}{$host}{$cid};
    my $p = plain_of($list, $cid);
    return defined $v && defined $p ? $v - $p : undef;
}

# Markdown table rows (also printed).
sub md_table
{
    my ($head, @rows) = @_;
    my @w = map { length } @$head;
    for my $r (@rows) { $w[$_] = length($r->[$_]) > $w[$_] ? length($r->[$_]) : $w[$_] for 0 .. $#$r }
    my $line = sub {
        my @c = @_;
        '| ' . join(' | ', map { sprintf($_ ? "%$w[$_]s" : "%-$w[$_]s", $c[$_] // '') } 0 .. $#c) . " |\n";
    };
    return join '', $line->(@$head),
        '|' . join('|', map { $_ ? '-' x ($w[$_] + 1) . ':' : ':' . '-' x ($w[$_] + 1) } 0 .. $#w) . "|\n",
        map { $line->(@$_) } @rows;
}

sub instruction_table
{
    my @rows;
    for my $cid (qw(allowed denied noorigin outside otherhost preflight)) {
        for my $list (@CG_LISTS) {
            my $r = $IPR{$list};
            my $plain = plain_of($list, $cid);
            my $cors = $cid eq 'otherhost' ? $r->{'plain-loaded'}{$cid} : $r->{cors}{$cid};
            my $host = $cid eq 'otherhost' ? 'plain-loaded' : 'cors';
            push @rows, [$CASE{$cid}{label}, list_label($list), ipr($plain),
                         ipr($r->{recipe}{$cid}), signed(added($list, 'recipe', $cid)),
                         ipr($cors), signed(added($list, $host, $cid))];
        }
    }
    return md_table(['request', 'origin list', 'plain', 'recipe', 'recipe − plain',
                     'mod_cors', 'mod_cors − plain'], @rows);
}

# mod_cors's throughput as a fraction of plain's: each round measures the
# three hosts one after the other, so a round's ratio is free of the drift
# of the machine's speed between rounds; the median of those ratios.
sub wrk_ratio
{
    return median(map { $WRK{cors}[$_] / $WRK{plain}[$_] } 0 .. $#{$WRK{cors}});
}

sub throughput_table
{
    my $plain = median(@{$WRK{plain}});
    return md_table(['host', 'requests/s (median)', 'ratio to plain',
                     'median of the rounds\' ratios', 'each round', 'socket errors'],
        map { my ($h, $m) = ($_, median(@{$WRK{$_}}));
              my @ratios = map { $WRK{$h}[$_] / $WRK{plain}[$_] } 0 .. $#{$WRK{$h}};
              [$h, commify(int($m + 0.5)), sprintf('%.3f', $m / $plain),
               sprintf('%.3f', median(@ratios)),
               join(' ', map { commify(int($_ + 0.5)) } @{$WRK{$h}}),
               $WRK_ERRORS{$h} // 0] } qw(plain recipe cors));
}

sub startup_table
{
    my $base = $START{none};
    my @rows;
    for my $c (@START_CONFIGS) {
        my ($name, $list) = @$c;
        my $s = $START{$name};
        my $label = $list ? 'mod_cors, ' . list_label($list) . ' origins' : 'without mod_cors';
        my @v = map { median(@{$s->{$_}}) } qw(t start parent child);
        my @b = map { median(@{$base->{$_}}) } qw(t start parent child);
        push @rows, [$label,
            sprintf('%.3f', $v[0]) . ($list ? sprintf(' (+%.3f)', $v[0] - $b[0]) : ''),
            sprintf('%.3f', $v[1]) . ($list ? sprintf(' (+%.3f)', $v[1] - $b[1]) : ''),
            sprintf('%.1f', $v[2] / 1024) . ($list ? sprintf(' (+%.1f)', ($v[2] - $b[2]) / 1024) : ''),
            sprintf('%.1f', $v[3] / 1024) . ($list ? sprintf(' (+%.1f)', ($v[3] - $b[3]) / 1024) : '')];
    }
    return md_table(['server', 'httpd -t (s)', 'start → first answer (s)',
                     'parent VmRSS (MB)', 'child VmRSS (MB)'], @rows);
}

# The budget of issue 5: [line, measured, met].  A line whose figures were
# not measured (--quick) is left out.
sub budget
{
    my @b;
    my $ok = sub { $_[0] ? 'met' : 'missed' };
    my $a3 = added('e3', 'cors', 'allowed');
    if (defined $a3) {
        push @b, ['Allowed credentialed GET: mod_cors adds ≤ 3,500 instructions over plain (3 origins)',
                  signed($a3), $ok->($a3 <= 3500)];
        push @b, ['… stretch goal: ≤ 3,000', signed($a3), $ok->($a3 <= 3000)];
        my $a10k = added('e10000', 'cors', 'allowed');
        if (defined $a10k) {
            my $ratio = $a10k / $a3;
            push @b, ['… with 10,000 origins within 10% of the figure with 3',
                      sprintf('%s (%+.1f%%)', signed($a10k), 100 * ($ratio - 1)),
                      $ok->(abs($ratio - 1) <= 0.10)];
        }
    }
    # Neither of the next two requests makes mod_cors look at the origin
    # list: what moves between lists is plain httpd (see the report), so
    # the mean over the lists is the figure, and the range goes with it.
    my $over_lists = sub {
        my ($label, $host, $cid, $limit) = @_;
        my @v = sort { $a <=> $b } grep { defined }
                map { added($_, $host, $cid) } @CG_LISTS;
        return () unless @v;
        my $mean = 0;
        $mean += $_ / @v for @v;
        return [$label, @v > 1 ? sprintf('%s (%s to %s)', signed($mean),
                                         signed($v[0]), signed($v[-1]))
                               : signed($mean), $ok->($mean <= $limit)];
    };
    push @b, $over_lists->('GET without Origin in a CORS scope: ≤ 1,500 added (mean over the origin lists)',
                           'cors', 'noorigin', 1500);
    push @b, $over_lists->('Module loaded, outside any CORS scope (a host without CORS directives): ≤ 100 added (mean over the origin lists)',
                           'plain-loaded', 'otherhost', 100);
    my @pf = grep { defined $_->[1] && defined $_->[2] }
             map { [$_, $IPR{$_}{cors}{preflight}, $IPR{$_}{plain}{pfget}] } @CG_LISTS;
    if (@pf) {
        my ($worst) = sort { ($b->[1] - $b->[2]) <=> ($a->[1] - $a->[2]) } @pf;
        push @b, ['Answered preflight: fewer instructions than a plain static GET with the same request headers (worst origin list)',
                  ipr($worst->[1]) . ' vs ' . ipr($worst->[2]), $ok->($worst->[1] < $worst->[2])];
    }
    my ($e, $p) = (added('e1000', 'cors', 'allowed'), added('p1000', 'cors', 'allowed'));
    push @b, ['1,000 `*.` patterns: within 2× of exact matching (added, allowed GET, vs 1,000 exact)',
              signed($p) . ' vs ' . signed($e), $ok->($p <= 2 * $e)] if defined $e && defined $p;
    push @b, ['50 regexes: PCRE2 JIT (calls of pcre2_jit_match per allowed GET)',
              sprintf('%.2f', $JIT{r50}), $ok->($JIT{r50} >= 0.99)] if exists $JIT{r50};
    if (%WRK) {
        my $r = wrk_ratio();
        push @b, ['wrk: mod_cors ≥ 0.97 × plain throughput (median of the interleaved rounds\' ratios)',
                  sprintf('%.3f', $r), $ok->($r >= 0.97)];
    }
    if (my $s = $START{e100000}) {
        my $base = $START{none};
        my $dt = median(@{$s->{start}}) - median(@{$base->{start}});
        my $dtt = median(@{$s->{t}}) - median(@{$base->{t}});
        my $worst = $dt > $dtt ? $dt : $dtt;
        push @b, ['Start-up with 100,000 origins: under 1 s extra (httpd -t and start → first answer)',
                  sprintf('+%.2f s / +%.2f s', $dtt, $dt), $ok->($worst < 1)];
        my $dp = (median(@{$s->{parent}}) - median(@{$base->{parent}})) / 1024;
        my $dc = (median(@{$s->{child}}) - median(@{$base->{child}})) / 1024;
        push @b, ['… and under 30 MB extra resident memory (parent / child)',
                  sprintf('+%.1f MB / +%.1f MB', $dp, $dc), $ok->($dp < 30 && $dc < 30)];
    }
    return @b;
}

sub plot
{
    my @lists = grep { $LIST{$_}{kind} eq 'exact' } @CG_LISTS;
    return undef if @lists < 2 || !$RUN{callgrind};
    my $dat = "$opt{out}/plot.dat";
    write_text($dat, "# origins plain recipe mod_cors (instructions per allowed GET)\n",
        map { my $l = $_; join(' ', $LIST{$l}{size},
              map { sprintf '%.0f', $IPR{$l}{$_}{allowed} } qw(plain recipe cors)) . "\n" } @lists);
    my $png = "$opt{doc}/performance.png";
    my $plain_k = sprintf '%.1fk', $IPR{$lists[0]}{plain}{allowed} / 1000;
    open my $gp, '|-', 'gnuplot' or die "gnuplot: $!\n";
    print $gp <<"EOF";
set terminal pngcairo size 900,560 font 'sans,11'
set output '$png'
set title 'Instructions per allowed credentialed GET of a 3-byte file (callgrind, httpd -X)'
set xlabel 'exact origins in the list'
set ylabel 'instructions per request'
set logscale xy
set xrange [1.5:30000]
set yrange [10000:*]
set format y '%.0s%c'
set key top left
set grid
plot '$dat' using 1:3 with linespoints lw 2 pt 7 lc rgb '#b03060' title 'mod\\_headers + SetEnvIf recipe', \\
     '$dat' using 1:3:(gprintf('%.1s%c', \$3)) with labels offset 0,1.2 tc rgb '#b03060' notitle, \\
     '$dat' using 1:4 with linespoints lw 2 pt 5 lc rgb '#1060a0' title 'mod\\_cors', \\
     '$dat' using 1:4:(gprintf('%.1s%c', \$4)) with labels offset 0,-1.2 tc rgb '#1060a0' notitle, \\
     '$dat' using 1:2 with lines lw 1 dt 2 lc rgb '#606060' title 'plain httpd, no CORS ($plain_k)'
EOF
    close $gp or die "gnuplot failed\n";
    return $png;
}

sub machine
{
    chomp(my $nproc = qx{nproc 2>/dev/null} || '?');
    my ($cpu) = slurp('/proc/cpuinfo') =~ /^model name\s*:\s*(.*)$/m;
    my ($ver) = qx{"$HTTPD" -v} =~ /Server version:\s*(.*)/;
    my ($mem) = slurp('/proc/meminfo') =~ /^MemTotal:\s*(\d+)/m;
    chomp(my $vg = qx{valgrind --version 2>/dev/null} || '?');
    chomp(my $wrk = (qx{wrk --version 2>&1} =~ /^(wrk \S+)/m)[0] // 'wrk');
    return (load => $LOAD0 // '?', cpus => $nproc, cpu => $cpu // '?', httpd => $ver // '?',
            memory => sprintf('%.0f GiB', ($mem // 0) / 1048576),
            git => $GIT, valgrind => $vg, wrk => $wrk,
            date => strftime('%Y-%m-%d %H:%M:%S %Z', localtime($T0)));
}

# The history: one line per run, carried over from the previous report, so
# that performance.md keeps the figures from before a change next to those
# after it.
my @HISTORY_HEAD = ('run', 'source tree', 'module', 'allowed GET, 3 / 10,000',
                    'no Origin', 'outside (worst)', 'preflight vs reference GET (3 origins)',
                    '1,000 patterns', 'wrk ratio', '+RSS, 100,000 origins');

sub history_rows
{
    my ($file, %m) = @_;
    my @old;
    if (open my $fh, '<:encoding(UTF-8)', $file) {
        my $in;
        while (my $l = <$fh>) {
            $in = $l =~ /^## History/ ? 1 : $l =~ /^## / ? 0 : $in;
            next unless $in && $l =~ /^\| \d{4}-/;
            chomp $l;
            push @old, [map { s/^\s+|\s+$//gr } split /\|/, substr($l, 2, -2)];
        }
    }
    my $worst = sub { my @v = grep { defined } @_; @v ? (sort { $b <=> $a } @v)[0] : undef };
    my $e3 = $IPR{e3} // {};
    my $pf = $e3->{cors}{preflight};
    my $s100k = $START{e100000};
    my @new = (substr($m{date}, 0, 16), $m{git}, substr($SO_SHA, 0, 8),
        join(' / ', map { signed(added($_, 'cors', 'allowed')) } qw(e3 e10000)),
        signed($worst->(map { added($_, 'cors', 'noorigin') } @CG_LISTS)),
        signed($worst->(map { (added($_, 'cors', 'outside'),
                               added($_, 'plain-loaded', 'otherhost')) } @CG_LISTS)),
        defined $pf && defined $e3->{plain}{pfget}
            ? ipr($pf) . ' vs ' . ipr($e3->{plain}{pfget}) : '—',
        signed(added('p1000', 'cors', 'allowed')),
        %WRK ? sprintf('%.3f', wrk_ratio()) : '—',
        $s100k ? sprintf('+%.1f MB', (median(@{$s100k->{parent}})
                                      - median(@{$START{none}{parent}})) / 1024) : '—');
    my @rows = (@old, \@new);
    splice @rows, 0, @rows - 30 if @rows > 30;
    return @rows;
}

# Instructions spent in objects whose file name matches RE, in one
# callgrind profile: the cost lines of their functions, without the lines
# that give the inclusive cost of a call.
sub object_cost
{
    my ($file, $re) = @_;
    open my $fh, '<', $file or return undef;
    my (%name, $in, $call, $total);
    while (my $l = <$fh>) {
        if ($l =~ /^(c?)ob=\((\d+)\)(?: (.*))?$/) {
            $name{$2} = $3 if defined $3;
            $in = ($name{$2} // '') =~ $re unless $1;
        }
        elsif ($l =~ /^calls=/) {
            $call = 1;
        }
        elsif ($l =~ /^(?:[+-]?\d+|\*)\s+(\d+)/) {
            $total += $1 if $in && !$call;
            $call = 0;
        }
    }
    return $total // 0;
}

# Per request, what mod_cors's own functions cost a request to the host
# without CORS directives (averaged over the lists).
sub own_cost_outside
{
    my @v;
    for my $list (@CG_LISTS) {
        my $n = requests_for('plain-loaded', 'otherhost', $list);
        my $base = "$opt{out}/callgrind/plain-loaded-otherhost-$list";
        my ($many, $one) = map { object_cost("$base-$_.out", qr/mod_cors\.so$/) } ($n, 1);
        push @v, ($many - $one) / ($n - 1) if defined $many && defined $one;
    }
    return undef unless @v;
    my $sum = 0;
    $sum += $_ for @v;
    return $sum / @v;
}

# Why the GET without Origin and the host without CORS are judged on the
# mean over the lists: plain httpd's own figure for one request moves with
# configuration it never reads.
sub plain_spread_text
{
    my @p = sort { $a <=> $b } grep { defined }
            map { $IPR{$_}{plain}{allowed} } @CG_LISTS;
    return '' unless @p > 1;
    return "\nmod_cors does not look at the origin list for a request without Origin,\n"
        . "nor outside its scope, so those two lines are judged on the mean over the\n"
        . "lists, with the range in brackets. What varies between lists there is\n"
        . "httpd: plain's allowed GET, which never reads the list (it is the\n"
        . "recipe host's), costs from " . ipr($p[0]) . " to " . ipr($p[-1])
        . " depending on which list the\n"
        . "server holds; callgrind shows the difference in httpd's and glibc's string\n"
        . "compares (`ap_location_walk`, `ap_set_content_type_ex`), whose speed\n"
        . "depends on where the strings lie in memory.\n"
        . own_cost_text();
}

sub own_cost_text
{
    my $own = own_cost_outside();
    return '' unless defined $own;
    return "Outside its scope, mod_cors's own code runs " . sprintf("%.0f", $own)
        . " instructions per request\n"
        . "(counted in mod_cors.so in the profiles); the rest of its figure is httpd\n"
        . "calling its four hooks, and one more module in httpd's merges of\n"
        . "per-directory settings.\n";
}

sub n_text
{
    my $long = join ' and ', map { list_label($_) } grep { $N_LONG{$_} } @CG_LISTS;
    return "N is $N." if $opt{quick} || !$long;
    return "N is $N, except with $long: the start-up of a server that loads"
        . " mod_cors with such a list varies by thousands of instructions from"
        . " one run to the next, and what is left of it is divided by N − 1, so"
        . " those servers get 2,000 requests; the recipe's requests with an"
        . " Origin cost millions of instructions each, and get 100.";
}

sub repeat_text
{
    my @d = map { abs($_->[4] - $_->[3]) } @REPEAT;
    my @small = map { $d[$_] } grep { $REPEAT[$_][2] eq 'e3' } 0 .. $#REPEAT;
    my ($worst_small) = sort { $b <=> $a } @small;
    my ($worst) = sort { $b <=> $a } @d;
    return "\nRepeatability: these cases were measured again at the end of the run,"
        . " with new server starts:\n\n"
        . md_table(['host', 'request', 'origin list', 'first', 'again'],
                   map { [$_->[0], $CASE{$_->[1]}{label}, list_label($_->[2]),
                          sprintf('%.1f', $_->[3]), sprintf('%.1f', $_->[4])] } @REPEAT)
        . sprintf("\nWith 3 origins the figures repeat within %.1f instructions per request", $worst_small)
        . ($worst > $worst_small + 5
           ? sprintf('; with long lists mod_cors moves by up to %.0f between server starts.'
                     . " Its own tables use a fixed hash function, but httpd's and APR's"
                     . " are seeded from the clock at start-up.\n", $worst)
           : ".\n");
}

sub write_report
{
    my ($elapsed, $png, @budget) = @_;
    my %m = machine();
    my $cmd = $opt{quick} ? 'bench/run --quick' : 'make bench';
    my $met = grep { $_->[2] eq 'met' } @budget;
    my $so = $SO =~ s{^\Q$TOP\E/}{}r;
    my $out = $opt{out} =~ s{^\Q$TOP\E/}{}r;
    my $doc = <<"EOF";
# mod_cors performance

Written by `$cmd` (bench/cors-bench.pl) on $m{date}; every figure below
comes from that run. Rerun it after changing the module: `make bench`
rebuilds `.libs/mod_cors.so` and rewrites this page and `performance.png`;
`bench/run --quick` measures fewer cases in about a minute and a half and
leaves its report in bench/out/.

| | |
|---|---|
| Machine | $m{cpus} CPUs ($m{cpu}), $m{memory}; load average $m{load} at the start |
| httpd | $m{httpd}, event MPM |
| mod_cors | `$so`, SHA-256 $SO_SHA…, source tree $m{git} |
| Tools | $m{valgrind}, $m{wrk}, gnuplot |
| Command | `$cmd` ($elapsed in all) |

## The test server

One httpd configuration with three port-based virtual hosts on 127.0.0.1
serving the same 3-byte file `x.txt`:

- **plain**: no CORS;
- **recipe**: the classic
  `SetEnvIf Origin "^(https://o1\\.example\\.com|…)\$" ORIGIN_OK=\$0`,
  `Header always set Access-Control-Allow-Origin "%{ORIGIN_OK}e" env=ORIGIN_OK`,
  `Header always set Access-Control-Allow-Credentials "true" env=ORIGIN_OK`,
  `Header always merge Vary Origin`;
- **mod_cors**: `CORSEnable On`, the same origins in `CORSAllowOrigin` lines
  of 100, `CORSAllowCredentials On`, `CORSAllowMethods GET POST PUT`,
  `CORSAllowHeaders Content-Type`, and `<Location /nocors/>` with
  `CORSEnable Off`.

Every host has a `<Location /nocors/>` section (empty in plain and the
recipe), so that httpd's location walks cost the same in each; until
2026-11-28 11:42 only mod_cors's host had one, which charged about 930
instructions of httpd's walk to mod_cors.

Plain and the recipe are measured in a server that does not load mod_cors,
so "plain" is httpd without the module; "host without CORS" is the plain
host in the server that loads it. `LogLevel warn`, no access log,
`MaxKeepAliveRequests 0`; the configuration is kept in $out/httpd.conf.

Origin lists: 3, 1,000 and 10,000 exact origins `https://oK.example.com`
(requests from the middle one), 1,000 patterns `https://*.dK.example.com`
(requests from `https://a.d500.example.com`; the recipe uses
`https://[a-z0-9.-]+\\.dK\\.example\\.com`) and 50 regular expressions
`~^https://[a-z]+\\.rK\\.example\\.com\$` (requests from
`https://abc.r25.example.com`). One SetEnvIf regex holds at most about 1,000
such alternatives (PCRE2 refuses a larger compiled pattern), so the recipe
takes 10 SetEnvIf lines for 10,000 origins and 2 for 1,000 patterns.
Denied requests come from `$DENIED`. Allowed and denied GETs carry a
`Cookie` header; the GET without Origin carries neither; the preflight is
`OPTIONS /x.txt` with `Origin` and `Access-Control-Request-Method: PUT`,
and its plain reference is `GET /x.txt` with those same two headers: httpd
spends about 1,100 instructions reading each request header line, whoever
answers, so a reference without them would charge that reading to the
preflight. The static GET without any of them is in the "GET without
Origin" rows.

"GET outside CORS" is measured twice. The budget's case is the host
without CORS directives, in the server that loads mod_cors: there the
module costs its hooks' first test. Under `/nocors/`, mod_cors's host
has a section that says `CORSEnable Off`, and httpd merges that section
into the host's settings on each request (twice: its location walk runs
before and after the directory walk), as it does for any module's
directive in a `<Location>`; that row shows the price of such a section.

## Instructions per request

`httpd -X` under `valgrind --tool=callgrind --collect-atstart=yes
--dump-instr=no --cache-sim=no`; N identical requests written at once on
one keep-alive connection (the last with `Connection: close`), every
response read and checked (status, `Access-Control-Allow-Origin`), the
server stopped with SIGTERM once it has closed the connection; the same with
1 request; (total(N) − total(1)) / (N − 1). ${\ n_text()} The requests are pipelined so
that httpd never waits for the client: sent one at a time, whether httpd
finds the next request already there or goes back to its event loop
depends on timing, and the count moves by tens of instructions per request.
glibc's malloc is held to one arena (`GLIBC_TUNABLES=glibc.malloc.arena_max=1`)
for the same reason. Figures are rounded to 10 instructions; the profiles of
mod_cors's allowed GETs are kept in $out/callgrind/ (read them with
`callgrind_annotate`).

EOF
    $doc .= instruction_table() if $RUN{callgrind};
    $doc .= "\n![Instructions per allowed GET against the number of exact origins](performance.png)\n"
        if $png;
    $doc .= repeat_text() if @REPEAT;
    $doc .= <<"EOF" if %WRK;

## Throughput

`httpd -k start` (event MPM, default threads), then
`wrk @WRK_ARGS -d${WRK_SECONDS}s` with the allowed credentialed GET and
${\ list_label($WRK_LIST)} origins, the three hosts in turn, $WRK_ROUNDS
rounds (each round starts with the next host), after a 1-second warm-up of
each. ${\ (defined $WRK_CPU
    ? "httpd is pinned to CPU $HTTPD_CPU and wrk to CPU $WRK_CPU (taskset), so that\nthe two do not compete for a core: unpinned, the scheduler's placement moved\nthe rounds by ±30%."
    : "wrk and httpd share the machine's $m{cpus} CPU(s).")}
The budget takes the median of the rounds' ratios: a round measures the
three hosts one after the other, within ${\ (3 * $WRK_SECONDS)} seconds, while the
machine's speed drifts by more than the budget's 3% over the whole run
(compare one host's rounds below).

EOF
    $doc .= throughput_table() if %WRK;
    $doc .= <<"EOF" if %START;

## Start-up and memory

Wall time of `httpd -t`, and of `httpd -k start` until the first request
is answered; then VmRSS of the parent and of the largest child (from
/proc/PID/status). Median of $STARTUP_REPS; in brackets the difference to the
same server without mod_cors (no `LoadModule`, no CORS lines).

EOF
    $doc .= startup_table() if %START;
    $doc .= "\n";
    $doc .= "## Budget\n\nThe budget of issue 5; $met of " . scalar(@budget) . " lines met.\n\n"
        . md_table(['budget line', 'measured', ''], @budget) . "\n";
    $doc .= "Added instructions are mod_cors minus plain httpd for the same request; the\n"
        . "preflight is compared with a plain static GET of `x.txt` that carries the\n"
        . "preflight's `Origin` and `Access-Control-Request-Method`.\n";
    $doc .= plain_spread_text();
    $doc .= "\n## History\n\nOne line per run of the benchmark (added instructions over plain httpd,\n"
        . "worst origin list where several were measured); each run adds its line to\n"
        . "those of the report it replaces. \"outside (worst)\" is the worse of\n"
        . "/nocors/ and the host without CORS. Up to 2026-11-28 11:42 plain had no\n"
        . "`<Location /nocors/>` section and the preflight's reference GET carried no\n"
        . "request headers. Up to 2026-11-28 13:16 the wrk ratio was the ratio of the\n"
        . "hosts' medians over 8 rounds; since then it is the median of the rounds'\n"
        . "ratios over 12.\n\n"
        . md_table(\@HISTORY_HEAD, history_rows("$opt{doc}/performance.md", %m));
    make_path($opt{doc});
    write_text("$opt{doc}/performance.md", $doc);
    return "$opt{doc}/performance.md";
}

sub write_raw
{
    make_path($opt{out});
    my @l = ("list\thost\tcase\tinstructions_per_request\n");
    for my $list ($RUN{callgrind} ? @CG_LISTS : ()) {
        for my $m (@MEASURE) {
            my ($host, $cid) = @$m;
            push @l, sprintf("%s\t%s\t%s\t%.1f\n", $list, $host, $cid, $IPR{$list}{$host}{$cid});
        }
    }
    write_text("$opt{out}/instructions.tsv", @l) if $RUN{callgrind};
    write_text("$opt{out}/callgrind-totals.tsv", map { "$_\n" } @CG_LOG);
    write_text("$opt{out}/wrk.tsv", map { "$_\t@{$WRK{$_}}\n" } sort keys %WRK);
    write_text("$opt{out}/startup.tsv", map { my $n = $_;
        map { "$n\t$_\t@{$START{$n}{$_}}\n" } sort keys %{$START{$n}} } sort keys %START);
    copy($CONF, "$opt{out}/httpd.conf");
}

# ---------------------------------------------------------------------------

sub elapsed
{
    my $s = int(time - $T0 + 0.5);
    return sprintf('%d min %02d s', $s / 60, $s % 60);
}

printf "httpd: %s\nmodule: %s (sha256 %s…)\nwork directory: %s\n", $HTTPD, $SO, $SO_SHA, $DIR;
warn "warning: $SO is older than a source file; run make (make bench does)\n"
    if grep { -M "$TOP/$_" < -M $SO } grep { -f "$TOP/$_" }
       map { s{^\Q$TOP\E/}{}r } glob("$TOP/*.c $TOP/*.h");
write_config();
my $st = run_quiet("$DIR/t.out", $HTTPD, '-t', httpd_args('e10000', 'e10000'));
die "the benchmark configuration does not pass httpd -t:\n" . slurp("$DIR/t.out") if $st;

if ($RUN{callgrind}) {
    print "\n== Instructions per request (callgrind, N requests vs 1) ==\n", n_text(), "\n";
    measure_instructions();
    repeat_check();
    print instruction_table();
    print repeat_text();
    print "warning: httpd crashed or failed while stopping in: @CG_ABNORMAL\n" if @CG_ABNORMAL;
}
if ($RUN{wrk}) {
    print "\n== Throughput (wrk) ==\n";
    measure_throughput();
    print throughput_table();
}
if ($RUN{startup}) {
    print "\n== Start-up and memory ==\n";
    measure_startup();
    print startup_table();
}

my $png = plot();
my @budget = budget();
print "\n== Budget (issue 5) ==\n", md_table(['budget line', 'measured', ''], @budget);
write_raw();
my $elapsed = elapsed();
my $report = write_report($elapsed, $png, @budget);
print "\nRun time: $elapsed\n";
print "Report: $report\n";
print "Plot: $png\n" if $png;
print "Raw results: $opt{out}/ (callgrind profiles of the allowed GET in callgrind/)\n";
