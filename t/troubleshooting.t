# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Every example configuration of docs/troubleshooting.md, in a real httpd:
# each ```apache block marked "<!-- test: NAME -->" is loaded as the guide
# shows it (placeholders replaced; see t/lib/CorsGuide.pm), with what its
# entry of %CHECKS adds around it, checked with `httpd -t`, started, and
# sent the requests the guide describes, with exact statuses, header values
# and log lines.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/troubleshooting.t
# t/lib/CorsHttpd.pm says which httpd runs.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;
use CorsTest qw(values_of vary_count allow_headers_present
                preflight_refused_ok $ACAO $ACAC $ACAM $ACAH);
use CorsGuide;

my $APP    = 'https://app.example.com';
my $WWW    = 'https://www.app.example.com';
my $ADMIN  = 'https://admin.example.com';
my $EVIL   = 'https://evil.example';
my $API    = 'api.example.com';     # the guide's virtual host

# The policy the test puts around blocks that are not one by themselves.
my @POLICY = ('<Location "/api/">',
              '    CORSEnable On',
              "    CORSAllowOrigin $APP",
              '</Location>');

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
                is $res->content, $FILES->{'data.json'},
                    "$o: /srv/api/data.json";
            }
            refused_get_ok($s, '/data.json', $EVIL);
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
            refused_get_ok($s, '/api/data.json', $EVIL);
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
            refused_get_ok($s, '/api/data.json', $EVIL, Cookie => 'session=1');
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
            is $res->content, $FILES->{'data.json'},
                "$APP: the backend's /data.json";
            refused_get_ok($s, '/api/data.json', $EVIL);
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
            is $res->content, $FILES->{'api/data.json'},
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

run_guide('docs/troubleshooting.md', \%CHECKS);
