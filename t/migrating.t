# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Every ```apache block of docs/migrating.md, in a real httpd (see
# t/lib/CorsGuide.pm): the old recipes are shown to have the bugs the guide
# names, and each replacement to answer as the guide says.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/migrating.t

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest qw(values_of vary_count preflight_refused_ok no_cors_ok
                $ACAO $ACAC $ACAM $ACAH $ACEH $ACMA);
use CorsGuide;

my $SITE = 'https://example.com';
my $WWW  = 'https://www.example.com';
my $APP  = 'https://app.example.com';
my $EVIL = 'https://evil.example';

# What a Starlette app with allow_origins=["*"] adds to every response.
my @STARLETTE_BACKEND = (
    'Header always set Access-Control-Allow-Origin "*"',
    'Header always set Access-Control-Expose-Headers "X-Request-Id"',
    'Header always set X-Request-Id "42"',
    'CustomLog "backend_access_log" "%h \"%r\" %>s"',
);

sub backend_preflights
{
    my $s = shift;
    return [grep { m{ "OPTIONS } } server_log($s, 'backend_access_log')];
}

my %CHECKS = (
    'recipe-classic' => {
        check => sub {
            my $s = shift;
            # Works for the site itself, with the login.
            response_ok(request($s, GET => '/api/data.json', Origin => $WWW,
                                Authorization => $BASIC),
                        "$WWW with login", 200, $ACAO => [$WWW],
                        $ACAC => ['true']);
            # Bug: the unanchored, unescaped expression.
            for my $evil ('https://example.com.evil.net',
                          'https://exampleXcom.evil.net') {
                response_ok(request($s, GET => '/api/data.json',
                                    Origin => $evil,
                                    Authorization => $BASIC),
                            "BUG: $evil with login", 200, $ACAO => [$evil],
                            $ACAC => ['true']);
            }
            # Bug: no headers on the 401 of the login, nor on a 404.
            response_ok(request($s, GET => '/api/data.json', Origin => $SITE),
                        "BUG: $SITE without login", 401, $ACAO => [],
                        $ACAC => []);
            response_ok(request($s, GET => '/api/missing.json',
                                Origin => $SITE, Authorization => $BASIC),
                        "BUG: $SITE, missing file", 404, $ACAO => []);
            # Bug: the preflight meets the login.
            my $res = preflight($s, '/api/data.json', $SITE, 'PUT',
                'Access-Control-Request-Headers' => 'content-type');
            response_ok($res, 'BUG: preflight', 401, $ACAO => [],
                        'WWW-Authenticate' => ['Basic realm="API"']);
        },
    },

    'recipe-replaced' => {
        backend => \@STARLETTE_BACKEND,
        check   => sub {
            my $s = shift;
            for my $o ($SITE, $WWW) {
                my $res = request($s, GET => '/api/data.json', Origin => $o,
                                  Authorization => $BASIC);
                response_ok($res, "$o with login", 200, $ACAO => [$o],
                            $ACAC => ['true'], $ACEH => []);
                is vary_count($res, 'Origin'), 1, "$o: Vary: Origin once";
                is $res->content, $FILES->{'data.json'},
                    "$o: the backend's /data.json";
            }
            for my $evil ('https://example.com.evil.net',
                          'https://exampleXcom.evil.net', $EVIL) {
                my $res = request($s, GET => '/api/data.json',
                                  Origin => $evil, Authorization => $BASIC);
                is $res->code, 200, "$evil: 200";
                no_cors_ok($res, $evil);
            }
            response_ok(request($s, GET => '/api/data.json', Origin => $SITE),
                        "$SITE without login", 401, $ACAO => [$SITE],
                        $ACAC => ['true']);
            response_ok(request($s, GET => '/api/missing.json',
                                Origin => $SITE, Authorization => $BASIC),
                        "$SITE, the backend's 404", 404, $ACAO => [$SITE],
                        $ACAC => ['true']);
            response_ok(preflight($s, '/api/data.json', $SITE, 'PUT',
                    'Access-Control-Request-Headers' => 'content-type'),
                'preflight PUT', 204, $ACAO => [$SITE], $ACAC => ['true'],
                $ACAM => ['GET, POST, PUT, DELETE'],
                $ACAH => ['Content-Type, Authorization'], $ACMA => ['600']);
            preflight_refused_ok(preflight($s, '/api/data.json',
                'https://example.com.evil.net', 'PUT'),
                'preflight from example.com.evil.net');
            is_deeply backend_preflights($s), [],
                'no preflight reached the backend';
        },
    },

    'recipe-always' => {
        check => sub {
            my $s = shift;
            my $res = request($s, GET => '/api/data.json', Origin => $SITE);
            is $res->code, 200, "BUG: $SITE: 200";
            is_deeply [sort @{ values_of($res, $ACAO) }], ['*', $SITE],
                "BUG: $SITE: two Access-Control-Allow-Origin lines";
        },
    },

    'starlette-replaced' => {
        backend => \@STARLETTE_BACKEND,
        check   => sub {
            my $s = shift;
            for my $o ($APP, 'https://admin.example.com',
                       'https://pr-42.preview.example.com') {
                my $res = request($s, GET => '/api/data.json', Origin => $o,
                                  Cookie => 'session=1');
                response_ok($res, $o, 200, $ACAO => [$o], $ACAC => ['true'],
                            $ACEH => ['X-Request-Id']);
                is vary_count($res, 'Origin'), 1, "$o: Vary: Origin once";
            }
            for my $o ('https://pr-x.preview.example.com', $EVIL) {
                my $res = request($s, GET => '/api/data.json', Origin => $o);
                is $res->code, 200, "$o: 200";
                no_cors_ok($res, $o);
            }
            my $res = preflight($s, '/api/data.json', $APP, 'DELETE',
                'Access-Control-Request-Headers' => 'content-type,authorization');
            response_ok($res, 'preflight DELETE', 204, $ACAO => [$APP],
                        $ACAC => ['true'],
                        $ACAM => ['GET, POST, PUT, DELETE'],
                        $ACAH => ['Content-Type, Authorization'],
                        $ACMA => ['600']);
            is $res->content, '', 'preflight DELETE: no body';
            preflight_refused_ok(preflight($s, '/api/data.json', $EVIL,
                'DELETE'), "preflight from $EVIL");
            preflight_refused_ok(preflight($s, '/api/data.json', $APP,
                'PATCH'), 'preflight PATCH');
            preflight_refused_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                'Access-Control-Request-Headers' => 'accept-language'),
                'preflight asking for accept-language');
            is_deeply backend_preflights($s), [],
                'no preflight reached the backend';
        },
    },

    'starlette-wildcard-credentials' => {
        refused => sub {
            my $out = shift;
            like $out, qr/^mod_cors: error: CORSAllowOrigin \* \(\S+:\d+\) cannot be combined with CORSAllowCredentials On \(\S+:\d+\): /m,
                'mod_cors: error: CORSAllowOrigin * ... cannot be combined';
            like $out, qr/AH00014: Configuration check failed/,
                'AH00014: Configuration check failed';
        },
    },

    'nginx-replaced' => {
        host    => 'api.example.com',
        backend => \@STARLETTE_BACKEND,
        check   => sub {
            my $s = shift;
            for my $o ($APP, 'https://tenant-1.example.com') {
                my $res = request($s, GET => '/api/data.json', Origin => $o);
                response_ok($res, $o, 200, $ACAO => [$o], $ACAC => ['true'],
                            $ACEH => []);
            }
            for my $o ('https://a.b.example.com', 'https://example.com',
                       $EVIL) {
                my $res = request($s, GET => '/api/data.json', Origin => $o);
                is $res->code, 200, "$o: 200";
                no_cors_ok($res, $o);
            }
            response_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                    'Access-Control-Request-Headers' => 'content-type'),
                'preflight PUT', 204, $ACAO => [$APP], $ACAC => ['true'],
                $ACAM => ['GET, POST, PUT, DELETE'],
                $ACAH => ['Content-Type, Authorization'], $ACMA => ['600']);
            preflight_refused_ok(preflight($s, '/api/data.json', $EVIL,
                'PUT'), "preflight from $EVIL");
            preflight_refused_ok(preflight($s, '/api/data.json', $APP,
                'PUT', 'Access-Control-Request-Headers' => 'x-debug'),
                'preflight asking for x-debug');
            # An OPTIONS that is not a preflight goes to the application.
            my $res = request($s, OPTIONS => '/api/data.json',
                              Origin => $APP);
            is $res->code, 200, 'OPTIONS without Access-Control-Request-Method: 200';
            is scalar(grep { m{ "OPTIONS /data\.json } }
                      server_log($s, 'backend_access_log')), 1,
                'OPTIONS without Access-Control-Request-Method reached the backend';
        },
    },
);

run_guide('docs/migrating.md', \%CHECKS);
