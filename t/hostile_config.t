# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Randomised directive values through `httpd -t`: a few hundred small
# configurations, each with one mod_cors directive whose value is put
# together from hostile pieces (quotes, commas, "*", broken and
# catastrophic regular expressions, @names, huge and negative numbers,
# non-ASCII bytes, long strings, undefined ${VARS}), in server, virtual
# host, <Directory> or <Location> context.  httpd must accept or refuse
# each one: exit status 0 or 1, never a signal, and a refusal names the
# directive.  Like t/configtest.t this file does not use the test server;
# t/lib/CorsHttpd.pm finds httpd and the module.
#
# The values come from a seeded generator; the seed is printed.  To replay
# or widen a run:
#   CORS_HOSTILE_SEED=12345 CORS_HOSTILE_CONFIGS=2000 t/TEST t/hostile_config.t
#   MOD_CORS_SO=.libs/mod_cors.so CORS_HOSTILE_SEED=12345 perl t/hostile_config.t

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use Time::HiRes ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;

my $SEED = $ENV{CORS_HOSTILE_SEED} // 20261128;
my $COUNT = $ENV{CORS_HOSTILE_CONFIGS} // 400;
die "CORS_HOSTILE_SEED must be a whole number\n" unless $SEED =~ /^\d+\z/;
die "CORS_HOSTILE_CONFIGS must be a whole number\n" unless $COUNT =~ /^\d+\z/;

# A variable nobody defines, and one every configuration defines.
my $UNDEF_VAR = 'MOD_CORS_HOSTILE_UNDEFINED';
delete $ENV{$UNDEF_VAR};
my $LIST_VAR = 'MOD_CORS_HOSTILE_LIST';

# Every directive of the module.  Each may land in a context it is not
# allowed in; httpd's "not allowed here" names the directive too.
my @DIRECTIVES = qw(
    CORSEnable CORSAllowOrigin CORSOriginSet CORSAllowCredentials
    CORSAllowMethods CORSAllowHeaders CORSExposeHeaders CORSMaxAge
    CORSAllowPrivateNetwork CORSPreflightStatus CORSPreflightPassthrough
    CORSPreflightAuth CORSBackendHeaders CORSAllowInsecureOrigins CORSMode
    CORSDebugHeaders
);
# The origin directives get more of the runs: they parse the most.
my @WEIGHTED = (@DIRECTIVES, ('CORSAllowOrigin') x 8, ('CORSOriginSet') x 3,
                ('CORSAllowMethods', 'CORSAllowHeaders', 'CORSExposeHeaders',
                 'CORSMaxAge', 'CORSPreflightStatus') x 2);

my @CONTEXTS = qw(server vhost directory location);

# The hostile pieces values are made of.
my @PIECES = (
    # quoting and list syntax
    '"', "'", '""', "''", ',', ',,', ', ,', ' , ', '\\"', '\\,', '\\',
    # wildcards
    '*', '*.', '**', '*,*', 'https://*', 'https://*.', 'https://*.*.example.com',
    'https://*.com', 'https://*.co.uk', 'https://*.github.io',
    'https://*.example.com', 'https://a*.example.com', 'https://*.example.com:*',
    'http://*.localhost:*', 'https://example.com:*', '*:*',
    # origins, good and broken
    'https://example.com', 'http://example.com', 'https://EXAMPLE.com:443',
    'https://example.com/', 'https://example.com/api', 'https://u@example.com',
    'https://example.com?x', 'https://example.com#x', 'https://example.com:',
    'https://example.com:0', 'https://example.com:65535',
    'https://example.com:65536', 'https://example.com:-1',
    'https://example.com:99999999999999999999', 'https://[::1]:8080',
    'http://[::1', 'http://[]', 'https://[zz]', 'http://127.0.0.1',
    'http://127.1', 'http://0x7F.0.0.1:*', 'http://256.1.1.1', 'ws://1.2.3.4.5',
    'https://*.app.0x1', 'http://a.b1',
    'http://localhost:3000', 'https://', 'http://', '://', '//example.com',
    'example.com', 'file://', 'null', 'NULL', 'capacitor://localhost',
    'a://b', 'x-y+z.1://host', 'https://exa mple.com', 'https://.example.com',
    'https://example.com.', 'https://example..com', 'https://-a.example.com',
    'https://xn--', 'https://xn--bcher-kva.example',
    # regular expressions: broken, catastrophic, sneaky
    '~', '~^', '~$', '~(', '~)', '~[', '~[a-', '~(?', '~\\', '~*', '~+',
    '~(?<n', '~\\Q', '~\\E', '~(*ACCEPT)', '~(?#', '~(?{x})', '~\\K',
    '~^(a+)+$', '~^(a|a)*$', '~^(a|aa)+$', '~^(.*)*$', '~(x+x+)+y',
    '~^https://(a+)+\\.example\\.com$', '~^https://(.*)*\\.example\\.com$',
    '~^https://.*\\.example\\.com$', '~^https://.*\\.example.com$',
    '~^https?://app\\.example\\.com$', '~^https://[a-z]+\\.example\\.com$',
    '~^(https://example\\.com|null)$', '~^https://example\\.com$|.*',
    '~^https://example\\.com(*ACCEPT)', '~^https://.*\\.com$',
    '~^https://x\\.example\\.com(?#\\.evil\\.com)$',
    '~^https://' . ('(' x 300) . 'a' . (')' x 300) . '\\.example\\.com$',
    '~^https://' . ('[a-z]+' x 200) . '\\.example\\.com$',
    '~' . ('(a' x 500),
    # origin sets
    '@', '@@', '@*', '@frontend', '@nosuchset', '@front,end', '@-', '@.',
    '@' . ('n' x 300), "\@\${$UNDEF_VAR}",
    # numbers
    '0', '-0', '-1', '+1', '1', '199', '200', '204', '299', '300', '600',
    '7200', '7201', '86400', '86401', '2147483647', '2147483648',
    '-2147483649', '4294967296', '18446744073709551616', '9' x 400,
    '0x10', '010', '1e3', '6.5', ' 600', '600 ', '1_000', '٣',
    # keywords, any case
    'On', 'Off', 'on', 'OFF', 'oN', 'yes', 'true', '1', 'Skip', 'Enforce',
    'Replace', 'Keep', 'ReportOnly', 'reportonly', 'Report-Only',
    # methods and header names
    'GET', 'get', 'PUT', 'PATCH', 'TRACE', 'CONNECT', 'TRACK', 'OPTIONS',
    'Content-Type', 'content-type', 'Authorization', 'Cookie', 'Set-Cookie',
    'Sec-', 'Sec-Fetch-Mode', 'Proxy-', 'Host', 'X:Y', 'X Y', 'X/Y', 'X@Y',
    'X(Y)', 'X{Y}', 'X[Y]', 'X;Y', 'X=Y', 'X?Y',
    # non-ASCII bytes: UTF-8, a lone high byte, a zero-width space, a
    # Cyrillic homograph, an overlong NUL
    "\xc3\xa9", "https://b\xc3\xbccher.example", "\xff", "\xfe\xff",
    "https://\xe2\x80\x8bexample.com", "https://ex\xd0\xb0mple.com",
    "\xc0\x80", "X-\xc3\xa9",
    # variables
    "\${$UNDEF_VAR}", '${', '}', '$', '$$', "\${$LIST_VAR}",
    "https://\${$UNDEF_VAR}.example.com",
    # other characters httpd's config reader might care about
    '#', '# comment', '<', '>', '</Directory>', '<Location />', '%', '%00',
    '%0d%0a', ';', '|', '&', '`', '\t', "\t", ' ',
    # long strings
    'a' x 300, 'a' x 5000, 'https://' . ('a' x 70) . '.example.com',
    'https://' . join('.', ('a') x 200) . '.example.com',
    join(',', map { "https://a$_.example.com" } 1 .. 300),
    join(' ', map { "X-H$_" } 1 .. 500), ',' x 2000, '*' x 500,
    '~' . ('a|' x 2000) . 'b',
);

# Values each directive accepts, or nearly: mixed with the pieces above
# so that about half of the configurations pass and reach the checks made
# once the whole configuration is read.
my @ORIGINS = (
    'https://example.com', 'https://*.example.com', 'http://localhost:3000',
    'http://*.localhost:*', 'https://example.com:8443', 'http://[::1]:8080',
    'http://127.0.0.1:8080', 'capacitor://localhost', 'null', '*',
    '@frontend', "\${$LIST_VAR}", 'https://xn--bcher-kva.example',
    'HTTPS://Example.COM:443', 'http://example.com',
    '~^https://[a-z]+\\.example\\.com$', '~^https://(a+)+\\.example\\.com$',
    '~^https://(pr-[0-9]+|staging)\\.preview\\.example\\.com$',
    '~^https?://app\\.example\\.com$',
);
my %VALID = (
    origins  => \@ORIGINS,
    flag     => [qw(On Off on off)],
    methods  => [qw(GET PUT PATCH DELETE OPTIONS TRACE CONNECT get patch
                    X-Custom *)],
    headers  => [qw(Content-Type Authorization X-Requested-With X-Total-Count
                    ETag Cookie Set-Cookie Sec-Fetch-Mode Host *)],
    maxage   => [qw(0 5 600 7200 7201 86400)],
    status   => [qw(200 204 299)],
    auth     => [qw(Skip Enforce skip)],
    backend  => [qw(Replace Keep keep)],
    mode     => [qw(Enforce ReportOnly reportonly)],
);
my %KIND = (
    CORSEnable => 'flag', CORSAllowCredentials => 'flag',
    CORSAllowPrivateNetwork => 'flag', CORSPreflightPassthrough => 'flag',
    CORSAllowInsecureOrigins => 'flag', CORSDebugHeaders => 'flag',
    CORSAllowOrigin => 'origins', CORSOriginSet => 'origins',
    CORSAllowMethods => 'methods', CORSAllowHeaders => 'headers',
    CORSExposeHeaders => 'headers', CORSMaxAge => 'maxage',
    CORSPreflightStatus => 'status', CORSPreflightAuth => 'auth',
    CORSBackendHeaders => 'backend', CORSMode => 'mode',
);
my %LIST = map { $_ => 1 } qw(origins methods headers);

sub pick { $_[int rand @_] }

# One value for DIRECTIVE: one to four parts, each a near-valid value or a
# hostile piece, joined by a space (separate arguments), a comma or
# nothing, sometimes quoted, and quotes sometimes left open.
# CORSOriginSet gets a set name first.
sub random_value
{
    my $directive = shift;
    my $kind = $KIND{$directive};
    my @parts = map { rand() < 0.6 ? pick(@{ $VALID{$kind} }) : pick(@PIECES) }
                1 .. 1 + int rand($LIST{$kind} ? 4 : 2);
    my $value = join $LIST{$kind} ? pick(' ', ' ', ',', '') : pick(' ', ''),
                     @parts;
    my $q = rand;
    if    ($q < 0.10) { $value = qq{"$value"} }
    elsif ($q < 0.15) { $value = "'$value'" }
    elsif ($q < 0.18) { $value = qq{"$value} }
    if ($directive eq 'CORSOriginSet') {
        $value = (rand() < 0.8 ? pick(qw(frontend partners x-1))
                               : pick(@PIECES)) . " $value";
    }
    # A backslash at the end of a line continues it onto the next, and
    # that is the config reader's business, not the module's.
    $value .= 'x' if $value =~ /\\\s*\z/;
    return $value;
}

# Printable, bounded, for test names.
sub show
{
    my $s = shift;
    $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return length $s > 60 ? substr($s, 0, 57) . '...' : $s;
}

require_prerequisites('hostile_config');

my @LOADS = (mpm_line(), module_lines(qw(unixd authz_core)));
my $TMP = tempdir('mod_cors-hostile-config-XXXXXX', TMPDIR => 1,
                  CLEANUP => 1);
my $PORT = free_port();
mkdir "$TMP/htdocs" or die "$TMP/htdocs: $!";
chmod 0755, $TMP, "$TMP/htdocs";

srand $SEED;
my @cases;
for my $n (1 .. $COUNT) {
    my $directive = pick(@WEIGHTED);
    my $context = pick(@CONTEXTS);
    my $value = random_value($directive);
    my @with;
    # Valid companions, so that the whole-configuration checks run on the
    # hostile value too (credentials against "*" and http://, CORSEnable
    # On without an origin, @name against the sets).
    push @with, 'CORSEnable On' if rand() < 0.5 && $directive ne 'CORSEnable';
    push @with, 'CORSAllowCredentials On'
        if rand() < 0.35 && $directive ne 'CORSAllowCredentials';
    my $set = rand() < 0.3;
    push @cases, { n => $n, directive => $directive, context => $context,
                   value => $value, with => \@with, set => $set };
}

plan tests => 3 * @cases + 1;
diag("hostile_config: seed $SEED (CORS_HOSTILE_SEED), $COUNT configurations "
     . '(CORS_HOSTILE_CONFIGS)');

sub config_text
{
    my $c = shift;
    my @lines = (
        "ServerRoot \"$TMP\"",
        "DefaultRuntimeDir \"$TMP\"",
        "PidFile \"$TMP/httpd.pid\"",
        "ErrorLog \"$TMP/error_log\"",
        "Listen 127.0.0.1:$PORT",
        'ServerName 127.0.0.1',
        @LOADS,
        'LoadModule cors_module "' . cors_so() . '"',
        "DocumentRoot \"$TMP/htdocs\"",
        "Define $LIST_VAR https://a.example.com,https://b.example.com",
    );
    push @lines, 'CORSOriginSet frontend https://app.example.com' if $c->{set};
    my @body = (@{ $c->{with} }, "$c->{directive} $c->{value}");
    my %open = (
        server    => [],
        vhost     => ["<VirtualHost 127.0.0.1:$PORT>",
                      '    ServerName vh.example'],
        directory => ["<Directory \"$TMP/htdocs\">"],
        location  => ['<Location "/api">'],
    );
    my %close = (server => [], vhost => ['</VirtualHost>'],
                 directory => ['</Directory>'], location => ['</Location>']);
    my $indent = $c->{context} eq 'server' ? '' : '    ';
    push @lines, @{ $open{$c->{context}} }, (map { "$indent$_" } @body),
                 @{ $close{$c->{context}} };
    return join '', map { "$_\n" } @lines;
}

sub show_output
{
    my $s = shift;
    $s =~ s/([^\x20-\x7e\n])/sprintf '\\x%02x', ord $1/ge;
    return length $s > 2000 ? substr($s, 0, 2000) . '...' : $s;
}

my %outcome = (accepted => 0, refused => 0);
my $t0 = Time::HiRes::time();
for my $c (@cases) {
    my $conf = sprintf '%s/hostile-%04d.conf', $TMP, $c->{n};
    my $text = config_text($c);
    open my $fh, '>', $conf or die "$conf: $!";
    binmode $fh;
    print $fh $text;
    close $fh or die "$conf: $!";
    chmod 0644, $conf;

    my ($status, $out, $err) = config_test($conf, $TMP);
    my $all = $out . $err;
    my $signal = $status & 127;
    my $rc = $status >> 8;
    my $what = sprintf '#%d %s %s %s', $c->{n}, $c->{context}, $c->{directive},
                       show($c->{value});

    my $ok = is($signal, 0, "$what: no signal");
    $ok &= ok($rc == 0 || $rc == 1, "$what: exit status 0 or 1 (got $rc)");
    if ($rc == 0 && !$signal) {
        $outcome{accepted}++;
        $ok &= unlike($all, qr/Invalid command|Cannot load/,
                      "$what: accepted by the loaded module");
    }
    else {
        $outcome{refused}++;
        $ok &= ok(index($all, $c->{directive}) >= 0
                  && $all !~ /Invalid command|Cannot load/,
                  "$what: refused, and the message names $c->{directive}");
    }
    unless ($ok) {
        diag("seed $SEED, configuration $c->{n} ($conf):\n"
             . show_output($text));
        diag("httpd -t exit $rc, signal $signal:\n" . show_output($all));
    }
}

# A generator that only ever produced refusals (or acceptances) would test
# one path; both should be common.
ok(@cases >= 20 && $outcome{accepted} >= @cases / 20
   && $outcome{refused} >= @cases / 20,
   "both outcomes are common: $outcome{accepted} accepted, "
   . "$outcome{refused} refused");
note(sprintf 'hostile_config: %d configurations in %.1f s',
     scalar @cases, Time::HiRes::time() - $t0);
