package CorsProbe;

# Runs the built cors-probe binary (probe/cors-probe of the tree under test,
# or $CORS_PROBE) for t/probe/*.t and t/browser/probe_agrees.t, and reads
# what reached the test servers from probe_access_log (t/conf/probe.conf.in).

use strict;
use warnings;

use Apache::Test ();
use CorsTest ();
use Cwd ();
use File::Basename ();
use File::Spec ();
use File::Temp ();
use Time::HiRes ();
use Test::More import => [qw(is is_deeply like unlike diag)];
use Exporter qw(import);

# What cors-probe prints, shared by t/probe/*.t.
our $APP = 'https://app.example.com';
our $ALLOWED = qr/^a browser would allow this\.$/;
our $BLOCKED = qr/^blocked\. Chrome's console says:$/;
our $PREFLIGHT = "Response to preflight request doesn't pass access control "
    . 'check: ';
our $NO_ACAO = "No 'Access-Control-Allow-Origin' header is present on the "
    . 'requested resource.';
our @EXPORT_OK = qw($APP $ALLOWED $BLOCKED $PREFLIGHT $NO_ACAO);

# The binary: built in the source tree, which Apache::Test runs a copy of.
sub binary
{
    return $ENV{CORS_PROBE} if $ENV{CORS_PROBE};
    my $top = Cwd::abs_path(File::Spec->catdir(
        File::Basename::dirname(__FILE__), File::Spec->updir,
        File::Spec->updir));
    return File::Spec->catfile($top, 'probe', 'cors-probe');
}

# Dies (so that the test file fails) when the binary is not there: a
# missing binary must not pass as a skip.
sub require_binary
{
    my $bin = binary();
    die "cors-probe tests: $bin is not built (run make)\n" unless -x $bin;
    return $bin;
}

# run(ARGS...): runs cors-probe ARGS; returns { status, out, err }.
sub run
{
    my @args = @_;
    my $bin = require_binary();
    my $err = File::Temp->new;
    my $pid = open(my $fh, '-|');
    die "fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDERR, '>', $err->filename or exit 99;
        open STDIN, '<', File::Spec->devnull;
        { exec $bin, @args }
        print STDERR "exec $bin: $!\n";
        exit 99;
    }
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    my $status = $? >> 8;
    my $errtext = do { local $/; open my $e, '<', $err->filename; <$e> } // '';
    return { status => $status, out => $out, err => $errtext };
}

# http://127.0.0.1:PORT/PATH of the test vhost NAME.
sub url_of
{
    my ($name, $path) = @_;
    my $port = Apache::Test::vars("${name}_port")
        or die "no <VirtualHost $name> in t/conf\n";
    return "http://127.0.0.1:$port$path";
}

# The text after "has been blocked by CORS policy: " of a Console: line
# (or of a console message), or undef.
sub reason_of
{
    my $text = shift // '';
    return $1 if $text =~ /^Console: .*? has been blocked by CORS policy: (.*)$/m;
    return $1 if $text =~ /has been blocked by CORS policy: (.*?)\s*\z/s;
    return undef;
}

sub line_of
{
    my ($text, $prefix) = @_;
    return $1 if ($text // '') =~ /^\Q$prefix\E(.*)$/m;
    return undef;
}

sub tag
{
    return CorsTest::tag(@_);
}

# The requests carrying "t=TAG" found in probe_access_log (port, method,
# status, origin, acrm, acrh, cookie), in the order they started: see
# CorsTest::tagged_requests.
sub reached
{
    my ($tag, $min) = @_;
    return CorsTest::tagged_requests('probe_access_log', $tag, $min, 0.2);
}

# "METHOD STATUS" of each request reached(TAG, MIN) found, in order.
sub reached_summary
{
    return map { "$_->{method} $_->{status}" } reached(@_);
}

# probe_ok(NAME, url => URL (with t=TAG), args => [...], exit => N,
#          verdict => RE, reason => TEXT or RE, fix => RE, sent => [...])
# Runs cors-probe ARGS URL and checks its exit status, its verdict line,
# for blocked requests the console text after "blocked by CORS policy: "
# (exactly, or matching RE) and the fix, else that there is no console
# line, and the requests that reached httpd ("OPTIONS 204", "GET 200").
# For a network error, which has no CORS message, console => TEXT checks
# the whole Console: line instead of reason.
# Runs 4 checks, 5 with reason or console.  Returns the run.
sub probe_ok
{
    my ($name, %a) = @_;
    my ($tag) = $a{url} =~ /[?&]t=([^&]+)/ or die "probe_ok: no t=TAG in $a{url}\n";
    my $r = run(@{ $a{args} || [] }, $a{url});
    is($r->{status}, $a{exit}, "$name: exit status $a{exit}")
        or diag("stdout:\n$r->{out}\nstderr:\n$r->{err}");
    like(line_of($r->{out}, 'Verdict: ') // '', $a{verdict},
         "$name: the verdict");
    if (defined $a{console}) {
        is(line_of($r->{out}, 'Console: '), $a{console},
           "$name: Chrome's console line") or diag($r->{out});
        like(line_of($r->{out}, 'Fix: ') // '', $a{fix}, "$name: the fix");
    }
    elsif (defined $a{reason}) {
        my $ok = ref $a{reason} eq 'Regexp'
            ? like(reason_of($r->{out}) // '', $a{reason},
                   "$name: Chrome's console text")
            : is(reason_of($r->{out}), $a{reason},
                 "$name: Chrome's console text");
        diag($r->{out}) unless $ok;
        like(line_of($r->{out}, 'Fix: ') // '', $a{fix}, "$name: the fix");
    }
    else {
        unlike($r->{out}, qr/^(?:Console|Fix): /m, "$name: no console message");
    }
    is_deeply([reached_summary($tag, scalar @{ $a{sent} })],
              $a{sent}, "$name: the requests that reached httpd");
    return $r;
}

1;
