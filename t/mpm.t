# The test server runs the MPM that CORS_MPM names (scripts/test --mpm,
# --all-mpms; t/TEST.PL loads it): a run that silently kept the system's
# MPM, or another one, fails here rather than passing under the wrong MPM.
# Without CORS_MPM, the server runs whatever the system config loads, and
# this file only checks that the server, its error_log and its config agree.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use File::Spec ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;
use CorsHttpd ();

plan tests => 6, need_module('status');

my $wanted = $ENV{CORS_MPM} // '';
my %known = map { $_ => 1 } qw(event worker prefork);

# The config was generated for this CORS_MPM (t/TEST.PL records it).
is Apache::Test::vars('cors_mpm') // '', $wanted,
    "the test config was generated for CORS_MPM='$wanted'";

# What the running server says: mod_status's machine-readable page.
reset_user_agent();
my $res = GET '/server-status?auto';
is $res->code, 200, 'server-status?auto: 200';
my ($status_mpm) = $res->content =~ /^ServerMPM: (\S+)$/m;
$status_mpm //= '';
ok $known{$status_mpm}, "server-status names a known MPM ('$status_mpm')";

# What it logged when it started: "[mpm_NAME:notice] ... AH00489 (event,
# worker) or AH00163 (prefork): ... configured -- resuming normal
# operations", the last such line in the log.
my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $logged_mpm = '';
if (open my $fh, '<', $log) {
    while (my $line = <$fh>) {
        $logged_mpm = $1
            if $line =~ /\[mpm_(\w+):notice\].* configured -- resuming/;
    }
    close $fh;
}
is $logged_mpm, $status_mpm,
    'error_log: the last start-up line names the same MPM';

# The generated config loads one MPM (under <IfModule> when inherited).
my $conf = File::Spec->catfile(Apache::Test::vars('t_conf'), 'httpd.conf');
my @loads = CorsHttpd::slurp($conf) =~ /^\s*LoadModule\s+(mpm_\w+)_module\b/mg;
is "@loads", "mpm_$status_mpm", 't/conf/httpd.conf loads that MPM only';

SKIP: {
    skip 'CORS_MPM is not set: the system config chose the MPM', 1
        unless length $wanted;
    is $status_mpm, $wanted, "the server runs the $wanted MPM";
}
diag "MPM: $status_mpm";
