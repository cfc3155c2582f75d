# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Every recipe of docs/cookbook.md, in a real httpd: each ```apache block
# marked "<!-- test: NAME -->" is loaded as the guide shows it (placeholders
# replaced; see t/lib/CorsGuide.pm), checked with `httpd -t`, started, and
# sent the requests the guide describes, with exact statuses and headers.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/cookbook.t

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;
use CorsTest qw(vary_count preflight_refused_ok cors_headers_present
                no_cors_ok $ACAO $ACAC $ACAM $ACAH $ACEH $ACMA);
use CorsGuide;

my $APP  = 'https://app.example.com';
my $EVIL = 'https://evil.example';
my $API  = 'api.example.com';

# GET PATH from ORIGIN is served (200) and ORIGIN allowed, with Vary: Origin
# and, when CRED, Access-Control-Allow-Credentials: true.
sub allowed_get_ok
{
    my ($s, $path, $origin, $cred, @h) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $res = request($s, GET => $path, Origin => $origin, @h);
    response_ok($res, "GET from $origin", 200, $ACAO => [$origin],
                $ACAC => $cred ? ['true'] : []);
    is vary_count($res, 'Origin'), 1, "GET from $origin: Vary: Origin once";
    return $res;
}

my %CHECKS = (
    'single-frontend' => {
        host  => $API,
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json', $APP);
            my $res = preflight($s, '/api/data.json', $APP, 'PUT',
                'Access-Control-Request-Headers' => 'content-type');
            response_ok($res, 'preflight PUT', 204, $ACAO => [$APP],
                        $ACAM => ['GET, POST, PUT, DELETE'],
                        $ACAH => ['Content-Type'], $ACAC => [],
                        $ACMA => [], Vary => ['*']);
            is $res->content, '', 'preflight PUT: empty body';
            refused_get_ok($s, '/api/data.json', $EVIL);
            preflight_refused_ok(preflight($s, '/api/data.json', $EVIL,
                                           'PUT'), "preflight from $EVIL");
            preflight_refused_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                'Access-Control-Request-Headers' => 'x-other'),
                'preflight asking for x-other');
            # Outside /api/: no CORS at all.
            $res = request($s, GET => '/data.json', Origin => $APP);
            no_cors_ok($res, 'outside /api/', 0);
        },
    },

    'environments-vhosts' => {
        check => sub {
            my $s = shift;
            my %hosts = (
                'api.example.com' =>
                    [$APP, 'https://www.app.example.com'],
                'api.staging.example.com' =>
                    ['https://app.staging.example.com'],
                'api.dev.example.com' =>
                    ['http://localhost:3000', 'http://localhost:5173'],
            );
            my @all = map { @$_ } values %hosts;
            for my $host (sort keys %hosts) {
                my %own = map { $_ => 1 } @{ $hosts{$host} };
                for my $o (sort @all) {
                    my $res = request($s, GET => '/data.json', Origin => $o,
                                      Host => $host);
                    response_ok($res, "$host from $o", 200,
                                $ACAO => $own{$o} ? [$o] : []);
                }
                response_ok(preflight($s, '/data.json', $hosts{$host}[0],
                                      'GET', Host => $host,
                    'Access-Control-Request-Headers' => 'authorization'),
                    "$host: preflight", 204, $ACAO => [$hosts{$host}[0]],
                    $ACAH => ['Content-Type, Authorization']);
            }
        },
    },

    'environments-variable' => {
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json',
                           'https://app.staging.example.com');
            refused_get_ok($s, '/api/data.json', $APP);
            refused_get_ok($s, '/api/data.json', 'http://localhost:3000');
            # Without APP_ENV the configuration is refused.
            my ($status, $out, $err) = do {
                local $ENV{APP_ENV};
                delete $ENV{APP_ENV};
                config_test($s->{conf}, $s->{dir});
            };
            isnt $status, 0, 'without APP_ENV: httpd -t fails';
            like "$out$err", qr/\$\{APP_ENV\} is not defined/,
                'without APP_ENV: httpd says the variable is not defined';
            like "$out$err", qr/\@\$\{APP_ENV\}/,
                'without APP_ENV: mod_cors names @${APP_ENV}';
            like "$out$err",
                qr/the variable APP_ENV is not defined; .*\/etc\/apache2\/envvars/,
                'without APP_ENV: mod_cors says where to define it';
        },
    },

    'allowed-origins-env' => {
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json', $_)
                for $APP, 'http://localhost:3000';
            refused_get_ok($s, '/api/data.json', $_)
                for 'http://localhost:5173', $EVIL;
            my %bad = (
                'unset' => undef,
                'trailing slash' => 'https://app.example.com/',
            );
            # httpd expands ${VAR} before it splits the line into
            # arguments: spaces separate entries too.
            my ($st) = do {
                local $ENV{ALLOWED_ORIGINS} =
                    'https://app.example.com http://localhost:3000';
                config_test($s->{conf}, $s->{dir});
            };
            is $st, 0, 'ALLOWED_ORIGINS separated by a space: httpd -t passes';
            for my $case (sort keys %bad) {
                my ($status, $out, $err) = do {
                    local $ENV{ALLOWED_ORIGINS} = $bad{$case};
                    delete $ENV{ALLOWED_ORIGINS} unless defined $bad{$case};
                    config_test($s->{conf}, $s->{dir});
                };
                isnt $status, 0, "ALLOWED_ORIGINS $case: httpd -t fails";
                like "$out$err", qr/CORSAllowOrigin/,
                    "ALLOWED_ORIGINS $case: the message names CORSAllowOrigin";
            }
        },
    },

    'subdomains' => {
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json', $_)
                for 'https://example.com', 'https://customer1.example.com',
                    'https://eu.customer2.example.com';
            refused_get_ok($s, '/api/data.json', $_)
                for 'http://customer1.example.com',
                    'https://customer1.example.com:8443',
                    'https://example.com.evil.example',
                    'https://evilexample.com';
        },
    },

    'public-api' => {
        check => sub {
            my $s = shift;
            for my $o ('https://any.example', $EVIL) {
                my $res = request($s, GET => '/api/data.json', Origin => $o);
                response_ok($res, "GET from $o", 200, $ACAO => ['*'],
                            $ACEH => ['ETag'], $ACAC => [], Vary => []);
            }
            response_ok(request($s, GET => '/api/data.json'), 'no Origin',
                        200, $ACAO => [], Vary => []);
            my $res = preflight($s, '/api/data.json', $EVIL, 'GET');
            response_ok($res, 'preflight GET', 204, $ACAO => ['*'],
                        $ACAM => ['GET, HEAD, POST'], $ACMA => ['600']);
            preflight_refused_ok(preflight($s, '/api/data.json', $EVIL,
                                           'DELETE'), 'preflight DELETE');
        },
    },

    'mobile' => {
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json', $_, 1)
                for $APP, 'capacitor://localhost', 'ionic://localhost',
                    'http://localhost', 'https://localhost';
            refused_get_ok($s, '/api/data.json', $_)
                for 'http://localhost:8100', 'null', 'file://';
            response_ok(preflight($s, '/api/data.json',
                                  'capacitor://localhost', 'POST',
                    'Access-Control-Request-Headers' =>
                        'content-type,authorization'),
                'capacitor preflight', 204,
                $ACAO => ['capacitor://localhost'], $ACAC => ['true'],
                $ACAH => ['Content-Type, Authorization']);
        },
    },

    'mobile-null' => {
        configtest => sub {
            my $out = shift;
            like $out, qr/^mod_cors: warning: .*\bnull\b.*\n(?:.*\n)*Syntax OK\n\z/m,
                'httpd -t: a warning about null, then Syntax OK';
        },
        check => sub {
            my $s = shift;
            allowed_get_ok($s, '/api/data.json', $_)
                for 'null', 'capacitor://localhost';
        },
    },

    'authenticated' => {
        check => sub {
            my $s = shift;
            my $res = preflight($s, '/api/data.json', $APP, 'GET',
                'Access-Control-Request-Headers' => 'authorization');
            response_ok($res, 'preflight', 204, $ACAO => [$APP],
                        $ACAC => ['true'], $ACAM => ['GET, HEAD, POST'],
                        $ACAH => ['Content-Type, Authorization'],
                        Vary => ['*'], 'WWW-Authenticate' => []);
            $res = request($s, GET => '/api/data.json', Origin => $APP);
            response_ok($res, 'GET without login', 401, $ACAO => [$APP],
                        $ACAC => ['true'],
                        'WWW-Authenticate' => ['Basic realm="API"']);
            $res = allowed_get_ok($s, '/api/data.json', $APP, 1,
                                  Authorization => $BASIC);
            is $res->content, $FILES->{'api/data.json'}, 'GET with login: the file';
            $res = preflight($s, '/api/data.json', $EVIL, 'GET');
            preflight_refused_ok($res, "preflight from $EVIL");
        },
    },

    'proxy-backend' => {
        host  => $API,
        check => sub {
            my $s = shift;
            response_ok(request($s, GET => '/data.json', Origin => $APP,
                                port => $s->{backend_port}),
                        'the backend itself', 200, $ACAO => ['*']);
            my $res = allowed_get_ok($s, '/api/data.json', $APP, 1,
                                     Cookie => 'session=1');
            is $res->content, $FILES->{'data.json'},
                "GET from $APP: the backend's /data.json";
            refused_get_ok($s, '/api/data.json', $EVIL);
            $res = request($s, GET => '/api/data.json');
            is $res->code, 200, 'no Origin: 200';
            no_cors_ok($res, 'no Origin');
            response_ok(preflight($s, '/api/data.json', $APP, 'PATCH',
                    'Access-Control-Request-Headers' => 'content-type'),
                'preflight PATCH', 204, $ACAO => [$APP], $ACAC => ['true'],
                $ACAM => ['GET, POST, PUT, PATCH, DELETE'],
                $ACAH => ['Content-Type, Authorization']);
            preflight_refused_ok(preflight($s, '/api/data.json', $EVIL,
                                           'PATCH'), "preflight from $EVIL");
            $res = request($s, GET => '/api/missing.json', Origin => $APP);
            response_ok($res, "the backend's 404", 404, $ACAO => [$APP],
                        $ACAC => ['true']);
            # Only the GETs reached the backend: never a preflight.
            my @backend = grep { m{ "OPTIONS } }
                          server_log($s, 'backend_access_log');
            is_deeply \@backend, [], 'no preflight reached the backend';
        },
        backend => [
            'Header always set Access-Control-Allow-Origin "*"',
            'CustomLog "backend_access_log" "%h \"%r\" %>s"',
        ],
    },

    # The Header lines' values, and the backend's "*", are all removed.
    'proxy-backend-leftover-header' => {
        check => sub {
            my $s = shift;
            for my $path ('/api/data.json', '/api/missing.json') {
                my $res = request($s, GET => $path, Origin => $APP);
                response_ok($res, "GET $path from $APP",
                            $path =~ /missing/ ? 404 : 200,
                            $ACAO => [$APP], $ACAC => []);
                is vary_count($res, 'Origin'), 1,
                    "GET $path from $APP: Vary: Origin once";
                $res = request($s, GET => $path, Origin => $EVIL);
                is $res->code, $path =~ /missing/ ? 404 : 200,
                    "GET $path from $EVIL: status";
                no_cors_ok($res, "GET $path from $EVIL");
            }
            response_ok(preflight($s, '/api/data.json', $APP, 'POST'),
                        'preflight', 204, $ACAO => [$APP], $ACAC => [],
                        $ACAM => ['GET, HEAD, POST']);
            my $res = preflight($s, '/api/data.json', $EVIL, 'POST');
            preflight_refused_ok($res, "preflight from $EVIL");
            is_deeply cors_headers_present($res), [],
                "preflight from $EVIL: no Access-Control-* header";
        },
    },
);

run_guide('docs/cookbook.md', \%CHECKS);
