# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Every example configuration of docs/troubleshooting.md, in a real httpd.
# The guide marks each ```apache block with "<!-- test: NAME -->" on the
# line before it; %CHECKS below has one entry per NAME.  The test fails when
# a block has no marker, a marker no entry or an entry no block, so the
# guide and this file cannot drift apart.
#
# For each block this file writes a complete httpd config into a temporary
# directory (the block, with the guide's host names, paths and ports
# replaced by the test's, and what the entry adds around it), runs
# `httpd -t` on it, starts it, sends the entry's requests
# and asserts exact statuses, header values and log lines; then it stops
# the server.  This file does not use the test server that t/TEST starts.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/troubleshooting.t
# t/lib/CorsHttpd.pm says which httpd runs.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Digest::SHA qw(sha1);
use File::Temp qw(tempdir);
use HTTP::Request ();
use LWP::UserAgent ();
use MIME::Base64 qw(encode_base64);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;
use CorsTest qw(values_of vary_count allow_headers_present
                preflight_refused_ok no_cors_ok);

my $GUIDE = top_dir() . '/docs/troubleshooting.md';

my $APP    = 'https://app.example.com';
my $WWW    = 'https://www.app.example.com';
my $ADMIN  = 'https://admin.example.com';
my $EVIL   = 'https://evil.example';
my $API    = 'api.example.com';     # the guide's virtual host

# What the test serves: DocumentRoot/FILE => content.
my %FILES = (
    'data.json'     => qq({"file": "data.json"}\n),
    'api/data.json' => qq({"file": "api/data.json"}\n),
);

# The policy the test puts around blocks that are not one by themselves.
my @POLICY = ('<Location "/api/">',
              '    CORSEnable On',
              "    CORSAllowOrigin $APP",
              '</Location>');

my $ACAO = 'Access-Control-Allow-Origin';
my $ACAC = 'Access-Control-Allow-Credentials';
my $ACAM = 'Access-Control-Allow-Methods';
my $ACAH = 'Access-Control-Allow-Headers';

# The user of the htpasswd file the test writes for AuthUserFile.
my ($USER, $PASSWORD) = ('u', 'p');
my $BASIC = 'Basic ' . encode_base64("$USER:$PASSWORD", '');

# ---------------------------------------------------------------------------
# The checks, one per marker of the guide.
#
# config:   the body of the config, from the block's lines (default: the
#           block alone).  Lines the test adds may use the guide's
#           placeholders (*:80, /srv/api, ...): the whole body is rewritten.
# baseline: when present, a second server runs this body beside the first,
#           on the same document root.
# host:     the Host header of every request (default: 127.0.0.1:PORT).
# check:    runs the requests and the assertions; gets the site (and the
#           baseline): see request(), preflight(), server_log() below.
# ---------------------------------------------------------------------------

my %CHECKS = (
    'log-level' => {
        # "In the virtual host of the API": the block goes into one, with a
        # policy for /api/.
        config => sub {
            ('<VirtualHost *:80>', "    ServerName $API",
             (map { "    $_" } @_, @POLICY), '</VirtualHost>');
        },
        host  => $API,
        check => sub {
            my $s = shift;
            my $line = line_of($s, qr/^\s*CORSAllowOrigin\b/);
            is request($s, GET => '/api/data.json', Origin => $APP)->code,
                200, 'allowed origin: 200';
            my $res = request($s, GET => '/api/data.json', Origin => $EVIL);
            is $res->code, 200, 'refused origin: 200';
            is_deeply values_of($res, 'Access-Control-Allow-Origin'), [],
                'refused origin: no Access-Control-Allow-Origin';
            request($s, GET => '/api/data.json',
                    Origin => 'http://app.example.com');
            my $from = "actual /api/data.json on $API from origin";
            my $no_entry = "no entry of CORSAllowOrigin ($s->{conf}:$line) "
                         . "matches it";
            # One line per refused request, none for the allowed one; the
            # second is the guide's example line.
            is_deeply [decisions($s)], [
                "debug CORS0001: $from '$EVIL': denied: origin-not-allowed: "
                . "$no_entry; allowed: $APP",
                "debug CORS0001: $from 'http://app.example.com': denied: "
                . "origin-not-allowed: $no_entry; scheme differs from "
                . "allowed origin $APP",
            ], 'the refused requests logged at debug, with the reason';
        },
    },

    'log-format' => {
        # Server-level lines: the test adds a policy for /api/.
        config => sub { (@_, @POLICY) },
        check  => sub {
            my $s = shift;
            request($s, GET => '/api/data.json?t=allowed', Origin => $APP);
            request($s, GET => '/api/data.json?t=denied', Origin => $EVIL);
            request($s, GET => '/api/data.json?t=no-origin');
            preflight($s, '/api/data.json?t=preflight', $APP, 'DELETE');
            my $r = '127.0.0.1 [DATE] "GET /api/data.json?t=';
            is_deeply [map { s/\[[^\]]*\]/[DATE]/r }
                       server_log($s, 'cors.log')], [
                $r . 'allowed HTTP/1.1" 200 allowed allowed',
                $r . 'denied HTTP/1.1" 200 denied origin-not-allowed',
                $r . 'no-origin HTTP/1.1" 200 - -',
                '127.0.0.1 [DATE] "OPTIONS /api/data.json?t=preflight '
                . 'HTTP/1.1" 403 denied method-not-allowed',
            ], 'cors.log: the decision and the reason of each request';
        },
    },

    'debug-headers' => {
        # A <Location> with only CORSDebugHeaders: the test's policy for
        # /api/ goes before it.
        config => sub { (@POLICY, @_) },
        check  => sub {
            my $s = shift;
            my $ao = line_of($s, qr/^\s*CORSAllowOrigin\b/);
            my $res = request($s, GET => '/api/data.json', Origin => $EVIL);
            is $res->code, 200, 'refused origin: 200';
            is_deeply values_of($res, 'CORS-Debug'),
                ["denied; reason=origin-not-allowed; request=actual; "
                 . "why=\"no entry of CORSAllowOrigin ($s->{conf}:$ao) "
                 . "matches it; allowed: $APP\""],
                'refused origin: CORS-Debug says why';
            $res = preflight($s, '/api/data.json', $APP, 'DELETE');
            is $res->code, 403, 'refused preflight: 403';
            is_deeply values_of($res, 'CORS-Debug'),
                ["denied; reason=method-not-allowed; request=preflight; "
                 . "why=\"DELETE is not in CORSAllowMethods (GET, HEAD, "
                 . "POST; default)\""],
                'refused preflight: CORS-Debug says why';
            $res = request($s, GET => '/api/data.json', Origin => $APP);
            is_deeply values_of($res, 'CORS-Debug'),
                ['allowed; reason=allowed; request=actual'],
                'allowed origin: CORS-Debug: allowed';
            $res = request($s, GET => '/api/data.json');
            is_deeply values_of($res, 'CORS-Debug'), [],
                'no Origin: no CORS-Debug';
            $res = request($s, GET => '/data.json', Origin => $EVIL);
            is_deeply values_of($res, 'CORS-Debug'), [],
                'outside the CORS scope: no CORS-Debug';
        },
    },

    'allow-origin' => {
        host  => $API,
        check => sub {
            my $s = shift;
            for my $o ($APP, $WWW) {
                my $res = request($s, GET => '/data.json', Origin => $o);
                response_ok($res, $o, 200, $ACAO => [$o]);
                is $res->content, $FILES{'data.json'},
                    "$o: /srv/api/data.json";
            }
            refused_get_ok($s, '/data.json');
        },
    },

    'fixed-origin-replaced' => {
        check => sub {
            my $s = shift;
            for my $o ($ADMIN, $APP) {
                response_ok(request($s, GET => '/api/data.json', Origin => $o),
                            $o, 200, $ACAO => [$o]);
            }
            # The Header line's origin is removed for a refused one too.
            refused_get_ok($s, '/api/data.json');
        },
    },

    # The "before" example: the broken headers a browser refuses.
    'wildcard-recipe' => {
        check => sub {
            my $s = shift;
            response_ok(request($s, GET => '/api/data.json', Origin => $APP,
                                Cookie => 'session=1'),
                        $APP, 200, $ACAO => ['*'], $ACAC => ['true']);
        },
    },

    'credentials-listed' => {
        check => sub {
            my $s = shift;
            my $res = request($s, GET => '/api/data.json', Origin => $APP,
                              Cookie => 'session=1');
            response_ok($res, $APP, 200, $ACAO => [$APP], $ACAC => ['true']);
            is vary_count($res, 'Origin'), 1, "$APP: Vary: Origin";
            refused_get_ok($s, '/api/data.json', Cookie => 'session=1');
        },
    },

    # The "before" example: two header lines.
    'two-values' => {
        check => sub {
            my $s = shift;
            response_ok(request($s, GET => '/api/data.json', Origin => $APP),
                        $APP, 200, $ACAO => [$APP, $APP]);
        },
    },

    'backend-replaced' => {
        check => sub {
            my $s = shift;
            response_ok(request($s, GET => '/data.json', Origin => $APP,
                                port => $s->{backend_port}),
                        'the backend itself', 200, $ACAO => ['*']);
            my $res = request($s, GET => '/api/data.json', Origin => $APP,
                              Cookie => 'session=1');
            response_ok($res, $APP, 200, $ACAO => [$APP], $ACAC => ['true']);
            is $res->content, $FILES{'data.json'},
                "$APP: the backend's /data.json";
            refused_get_ok($s, '/api/data.json');
        },
    },

    'methods' => {
        # With the debug log, for the guide's log line.
        config => sub { ('LogLevel warn cors:debug', @_) },
        check  => sub {
            my $s = shift;
            response_ok(preflight($s, '/api/data.json', $APP, 'DELETE'),
                        'DELETE', 204, $ACAO => [$APP],
                        $ACAM => ['GET, POST, PUT, DELETE']);
            preflight_refused_ok(preflight($s, '/api/data.json', $APP,
                                           'PATCH'), 'PATCH');
            my $am = line_of($s, qr/^\s*CORSAllowMethods\b/);
            is_deeply [decisions($s)], [
                "debug CORS0001: preflight /api/data.json on localhost from "
                . "origin '$APP': denied: method-not-allowed: PATCH is not "
                . "in CORSAllowMethods (GET, POST, PUT, DELETE; "
                . "$s->{conf}:$am)",
            ], 'PATCH: logged as method-not-allowed, with the list in force';
        },
    },

    'headers' => {
        # With the debug log, for the guide's log line.
        config => sub { ('LogLevel warn cors:debug', @_) },
        check  => sub {
            my $s = shift;
            response_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                'Access-Control-Request-Headers' => 'content-type,x-api-key'),
                'content-type,x-api-key', 204, $ACAO => [$APP],
                $ACAH => ['Content-Type, Authorization, X-Api-Key']);
            preflight_refused_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                'Access-Control-Request-Headers' => 'x-other'), 'x-other');
            my $ah = line_of($s, qr/^\s*CORSAllowHeaders\b/);
            is_deeply [decisions($s)], [
                "debug CORS0001: preflight /api/data.json on localhost from "
                . "origin '$APP': denied: header-not-allowed: the request "
                . "header x-other is not in CORSAllowHeaders (Content-Type, "
                . "Authorization, X-Api-Key; $s->{conf}:$ah)",
            ], 'x-other: logged as header-not-allowed, with the list in force';
        },
    },

    'login-enforced' => {
        check => sub {
            my $s = shift;
            my $res = preflight($s, '/api/data.json', $APP, 'GET',
                'Access-Control-Request-Headers' => 'authorization');
            response_ok($res, 'preflight', 401, 'WWW-Authenticate' =>
                        ['Basic realm="API"']);
            is_deeply allow_headers_present($res), [],
                'preflight: no Access-Control-Allow-*';
            response_ok(request($s, GET => '/api/data.json', Origin => $APP,
                                Authorization => $BASIC),
                        'GET with the login', 200, $ACAO => [$APP]);
        },
    },

    'login-skipped' => {
        check => sub {
            my $s = shift;
            response_ok(preflight($s, '/api/data.json', $APP, 'GET',
                    'Access-Control-Request-Headers' => 'authorization'),
                'preflight', 204, $ACAO => [$APP],
                $ACAH => ['Authorization']);
            response_ok(request($s, GET => '/api/data.json', Origin => $APP),
                        'GET without the login', 401);
            my $res = request($s, GET => '/api/data.json', Origin => $APP,
                              Authorization => $BASIC);
            response_ok($res, 'GET with the login', 200, $ACAO => [$APP]);
            is $res->content, $FILES{'api/data.json'},
                'GET with the login: the file';
        },
    },

    'https-redirect' => {
        # The main server's policy for /api/ applies in the virtual host
        # too: the redirect answers the preflight all the same.
        config => sub { (@POLICY, @_) },
        host   => $API,
        check  => sub {
            my $s = shift;
            my $res = preflight($s, '/api/data.json', $APP, 'PUT');
            response_ok($res, 'preflight', 301,
                        Location => ["https://$API/api/data.json"]);
            is_deeply allow_headers_present($res), [],
                'preflight: no Access-Control-Allow-*';
        },
    },

    'report-only' => {
        # The site: an old recipe in /api/, then the block beside it.  The
        # baseline is the same site without the block.
        config   => sub { (recipe(), @_) },
        baseline => sub { (recipe()) },
        check    => sub {
            my ($s, $base) = @_;
            my @requests = (
                ['allowed preflight', OPTIONS => '/api/data.json',
                 Origin => $APP, 'Access-Control-Request-Method' => 'PUT',
                 'Access-Control-Request-Headers' => 'content-type'],
                ['refused preflight', OPTIONS => '/api/data.json',
                 Origin => $APP, 'Access-Control-Request-Method' => 'DELETE'],
                ['allowed GET', GET => '/api/data.json', Origin => $APP],
                ['refused GET', GET => '/api/data.json', Origin => $EVIL],
            );
            for my $r (@requests) {
                my ($name, @req) = @$r;
                my $got = request($s, @req);
                my $want = request($base, @req);
                is $got->code, $want->code, "$name: the same status";
                is response_headers($got), response_headers($want),
                    "$name: the same headers but Date";
                is $got->content, $want->content, "$name: the same body";
            }
            my $from = 'on localhost from origin';
            my $am = line_of($s, qr/^\s*CORSAllowMethods\b/);
            my $ao = line_of($s, qr/^\s*CORSAllowOrigin\b/);
            is_deeply [decisions($s)], [
                "trace1 CORS0001: preflight /api/data.json $from '$APP': "
                . 'allowed (report only)',
                "debug CORS0001: preflight /api/data.json $from '$APP': "
                . 'denied: method-not-allowed: DELETE is not in '
                . "CORSAllowMethods (GET, POST, PUT; $s->{conf}:$am) "
                . '(report only)',
                "trace1 CORS0001: actual /api/data.json $from '$APP': "
                . 'allowed (report only)',
                "debug CORS0001: actual /api/data.json $from '$EVIL': "
                . 'denied: origin-not-allowed: no entry of CORSAllowOrigin '
                . "($s->{conf}:$ao) matches it; allowed: $APP (report only)",
            ], 'each request logged, marked (report only)';
            is_deeply [decisions($base)], [], 'the baseline logs no decision';
        },
    },
);

# The recipe the report-only example is set beside.
sub recipe
{
    ('<Location "/api/">',
     '    Header always set Access-Control-Allow-Origin "*"',
     '</Location>');
}

# ---------------------------------------------------------------------------
# The guide's blocks.
# ---------------------------------------------------------------------------

# Returns a list of { name, line, lines } for the ```apache blocks, and a
# list of problems (a block without a marker, a marker without a block).
sub read_guide
{
    open my $fh, '<', $GUIDE or die "$GUIDE: $!";
    my @text = <$fh>;
    close $fh;
    chomp @text;
    my (@blocks, @problems);
    for (my $i = 0; $i < @text; $i++) {
        my $marker = $text[$i] =~ /^<!--\s*test:\s*(\S+)\s*-->\s*$/
                   ? $1 : undef;
        if (defined $marker && ($text[$i + 1] // '') !~ /^```apache\s*$/) {
            push @problems, "line " . ($i + 1) . ": marker '$marker' not "
                          . "followed by an ```apache block";
        }
        next unless $text[$i] =~ /^```apache\s*$/;
        my $name = $i > 0 && $text[$i - 1] =~ /^<!--\s*test:\s*(\S+)\s*-->\s*$/
                 ? $1 : undef;
        push @problems, "line " . ($i + 1) . ": ```apache block without a "
                      . "<!-- test: NAME --> marker" unless defined $name;
        my $start = $i + 1;
        my @lines;
        for ($i++; $i < @text && $text[$i] !~ /^```\s*$/; $i++) {
            push @lines, $text[$i];
        }
        push @blocks, { name => $name, line => $start, lines => \@lines }
            if defined $name;
    }
    return (\@blocks, \@problems);
}

# ---------------------------------------------------------------------------
# Servers.
# ---------------------------------------------------------------------------

require_prerequisites('troubleshooting');

my @LOADS = (mpm_line(), module_lines(qw(unixd authz_core authz_host
    authn_core authn_file auth_basic authz_user alias mime dir headers
    rewrite proxy proxy_http log_config setenvif)));

my $TMP = tempdir('mod_cors-troubleshooting-XXXXXX', TMPDIR => 1,
                  CLEANUP => 1);

sub write_file
{
    my ($file, $text) = @_;
    open my $fh, '>', $file or die "$file: $!";
    print $fh $text;
    close $fh or die "$file: $!";
}

# The guide's names, paths and ports replaced by the test's.  Returns the
# lines, and what the guide's placeholders left behind (a path the test
# does not know).
sub localize
{
    my ($lines, %at) = @_;
    my @out = map {
        my $l = $_;
        $l =~ s/\*:80\b/127.0.0.1:$at{port}/g;
        $l =~ s{127\.0\.0\.1:8000\b}{127.0.0.1:$at{backend_port}}g;
        $l =~ s{/srv/api\b}{$at{docroot}}g;
        $l =~ s{/etc/apache2/api\.htpasswd}{$at{htpasswd}}g;
        $l =~ s{/var/log/apache2/}{$at{dir}/}g;
        $l;
    } @$lines;
    my @unknown = grep { m{"/(?:etc|var|srv|usr|opt|home)/} } @out;
    return (\@out, \@unknown);
}

# Writes DIR/httpd.conf for BODY and returns the site: a hash with the
# config's path, its lines and ports.
sub write_site
{
    my (%o) = @_;
    my $dir = $o{dir};
    mkdir $dir or die "$dir: $!";
    my %at = (port => free_port(), backend_port => free_port(), dir => $dir,
              docroot => $o{docroot}, htpasswd => $o{htpasswd});
    my ($body, $unknown) = localize($o{body}, %at);
    my $uses_backend = grep { /127\.0\.0\.1:$at{backend_port}\b/ } @$body;
    my @conf = (
        "ServerRoot \"$dir\"",
        "DefaultRuntimeDir \"$dir\"",
        "PidFile \"$dir/httpd.pid\"",
        "ErrorLog \"$dir/error_log\"",
        'LogLevel warn',
        "Listen 127.0.0.1:$at{port}",
        'ServerName localhost',
        @LOADS,
        "LoadModule cors_module \"" . cors_so() . '"',
        "TypesConfig \"$o{types}\"",
        "DocumentRoot \"$o{docroot}\"",
        "<Directory \"$o{docroot}\">",
        '    Require all granted',
        '</Directory>',
        ($uses_backend ? (
            '# The backend: a server with its own CORS header.',
            "Listen 127.0.0.1:$at{backend_port}",
            "<VirtualHost 127.0.0.1:$at{backend_port}>",
            '    ServerName backend.example',
            '    Header always set Access-Control-Allow-Origin "*"',
            '</VirtualHost>') : ()),
        '# --- the example ---',
        @$body,
    );
    my $conf = "$dir/httpd.conf";
    write_file($conf, join '', map { "$_\n" } @conf);
    return { dir => $dir, conf => $conf, lines => \@conf,
             port => $at{port},
             backend_port => $uses_backend ? $at{backend_port} : undef,
             host => $o{host}, unknown => $unknown };
}

# The number (from 1) of the first line of the site's config that matches.
sub line_of
{
    my ($s, $re) = @_;
    for my $i (0 .. $#{ $s->{lines} }) {
        return $i + 1 if $s->{lines}[$i] =~ $re;
    }
    die "no line of $s->{conf} matches $re\n";
}

my $UA = LWP::UserAgent->new(timeout => 20, keep_alive => 0,
                             requests_redirectable => [], env_proxy => 0,
                             max_redirect => 0);

# request(SITE, METHOD => PATH, HEADER => VALUE ...); a "port" pair sends
# it to that port instead of the site's.
sub request
{
    my ($s, $method, $path, @headers) = @_;
    my $port = $s->{port};
    my @h;
    while (my ($k, $v) = splice @headers, 0, 2) {
        if ($k eq 'port') { $port = $v } else { push @h, $k, $v }
    }
    my $req = HTTP::Request->new($method => "http://127.0.0.1:$port$path");
    $req->header(Host => $s->{host}) if $s->{host} && $port == $s->{port};
    $req->header(@h) if @h;
    return $UA->request($req);
}

sub preflight
{
    my ($s, $path, $origin, $method, @headers) = @_;
    return request($s, OPTIONS => $path, Origin => $origin,
                   'Access-Control-Request-Method' => $method, @headers);
}

# The response has STATUS, and each header named has exactly the lines
# given (an array reference; [] for none): 1 test and one per header.
sub response_ok
{
    my ($res, $name, $status, %want) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is $res->code, $status, "$name: $status";
    for my $h (sort keys %want) {
        is_deeply values_of($res, $h), $want{$h},
            "$name: $h: " . (join(' | ', @{ $want{$h} }) || 'none');
    }
}

# GET PATH from a refused origin: 200, no Access-Control-* header and
# Vary: Origin once: 3 tests.
sub refused_get_ok
{
    my ($s, $path, @headers) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $res = request($s, GET => $path, Origin => $EVIL, @headers);
    is $res->code, 200, "$EVIL: 200";
    no_cors_ok($res, $EVIL);
}

# The response's header lines but Date and LWP's own (Client-*).  httpd
# lists the methods of Allow in the order of a hash table whose seed
# differs from one process to the next: their order is left out too.
sub response_headers
{
    my $res = shift;
    my $h = $res->headers->clone;
    $h->remove_header('Date',
                      grep { /^Client-/i } $h->header_field_names);
    $h->header(Allow => [map { join ',', sort split /\s*,\s*/ }
                         $h->header('Allow')]) if $h->header('Allow');
    return $h->as_string;
}

# The CORS0001 lines of the site's error log as "LEVEL MESSAGE": the level
# of [cors:LEVEL] and the message from CORS0001 on.
sub decisions
{
    my $s = shift;
    return map { /\[cors:(\w+)\].*?(CORS0001: .*)$/ ? "$1 $2" : () }
           server_log($s, 'error_log');
}

# The lines of FILE in the site's directory, once the server has stopped
# (so that every line is written).
sub server_log
{
    my ($s, $file) = @_;
    $s->{server}->stop if $s->{server};
    open my $fh, '<', "$s->{dir}/$file" or return ();
    chomp(my @lines = <$fh>);
    return @lines;
}

# Every pid of a running process whose command line names DIR.
sub processes_in
{
    my $dir = shift;
    my @pids;
    for my $p (glob '/proc/[0-9]*') {
        my $cmd = slurp("$p/cmdline");
        push @pids, $p =~ s{.*/}{}r if index($cmd, $dir) >= 0;
    }
    return @pids;
}

sub run_block
{
    my ($no, $b) = @_;
    my $c = $CHECKS{$b->{name}};
    my $dir = sprintf '%s/%02d-%s', $TMP, $no, $b->{name};
    my %common = (
        docroot  => "$dir/htdocs",
        htpasswd => "$dir/api.htpasswd",
        types    => "$dir/mime.types",
        host     => $c->{host},
    );
    mkdir $dir or die "$dir: $!";
    mkdir "$dir/htdocs" or die "$dir/htdocs: $!";
    mkdir "$dir/htdocs/api" or die "$dir/htdocs/api: $!";
    write_file("$dir/htdocs/$_", $FILES{$_}) for keys %FILES;
    write_file($common{types}, "application/json json\n");
    # {SHA}: a scheme httpd's password check knows on every platform.
    write_file($common{htpasswd},
               "$USER:{SHA}" . encode_base64(sha1($PASSWORD), '') . "\n");

    my $config = $c->{config} || sub { @_ };
    my @sites = (write_site(%common, dir => "$dir/site",
                            body => [$config->(@{ $b->{lines} })]));
    push @sites, write_site(%common, dir => "$dir/baseline",
                            body => [$c->{baseline}->(@{ $b->{lines} })])
        if $c->{baseline};

    subtest "$b->{name} (docs/troubleshooting.md line $b->{line})" => sub {
        for my $s (@sites) {
            is_deeply $s->{unknown}, [],
                "$s->{conf}: every path of the guide is replaced";
            my ($status, $out, $err) = config_test($s->{conf}, $s->{dir});
            is $status, 0, "$s->{conf}: httpd -t exits 0";
            is "$out$err", "Syntax OK\n",
                "$s->{conf}: httpd -t prints only \"Syntax OK\"";
        }
        my @pids;
        my $ok = eval {
            for my $s (@sites) {
                $s->{server} = start_httpd($s->{conf}, $s->{dir},
                    grep { defined } $s->{port}, $s->{backend_port});
                push @pids, $s->{server}->pid;
            }
            $c->{check}->(@sites);
            1;
        };
        fail("the checks ran: $@") unless $ok;
        for my $s (@sites) {
            my $server = delete $s->{server} or next;
            is $server->stop, 0, "$s->{conf}: httpd stops, exit 0";
        }
        is_deeply [grep { kill 0, $_ or kill 0, -$_ } @pids], [],
            'httpd and its children stopped';
        done_testing();
    } or do {
        for my $s (@sites) {
            diag("$s->{conf}:");
            my $i = 0;
            diag(sprintf '%3d  %s', ++$i, $_) for @{ $s->{lines} };
            diag("error_log:\n" . slurp("$s->{dir}/error_log"));
            diag("httpd stderr:\n" . slurp("$s->{dir}/httpd.stderr"));
        }
    };
}

# ---------------------------------------------------------------------------

my ($blocks, $problems) = read_guide();
my %in_guide;
$in_guide{ $_->{name} }++ for @$blocks;

plan tests => 4 + @$blocks;

is join("\n", @$problems), '',
    'every ```apache block has a <!-- test: NAME --> marker before it';
is join(' ', sort grep { !$CHECKS{$_} || $in_guide{$_} > 1 }
                  keys %in_guide), '',
    'every marker is unique and has an entry in %CHECKS';
is join(' ', sort grep { !$in_guide{$_} } keys %CHECKS), '',
    'every entry of %CHECKS has a block in the guide';

my $no = 0;
for my $b (@$blocks) {
    $no++;
    if ($CHECKS{ $b->{name} }) {
        run_block($no, $b);
    }
    else {
        fail("$b->{name} (docs/troubleshooting.md line $b->{line}): "
             . "no entry in %CHECKS");
    }
}

is_deeply [processes_in($TMP)], [], 'no httpd is left behind';
