# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Configurations that `apachectl configtest` (httpd -t) must refuse, accept,
# or accept with a start-up warning.  This file does not use the test server
# that t/TEST starts: each case writes a small, complete httpd config into a
# temporary directory, runs `httpd -t -f` on it and checks the exit status and
# the message.  A refusal's message must name the directive, the offending
# value, the file and line of the offending directive(s) and a word of the fix;
# a warning must name the value and say why it has no effect.  The exact
# wording is the module's; only those parts are asserted.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/configtest.t
# t/lib/CorsHttpd.pm says which httpd runs.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Basename ();
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;

# The same variable name, left undefined, for the unresolved ${VAR} case.
my $UNDEF_VAR = 'MOD_CORS_CONFIGTEST_UNDEFINED';
delete $ENV{$UNDEF_VAR};

# ---------------------------------------------------------------------------
# The cases.
#
# lines:  the case's part of the config, after a fixed preamble that loads an
#         MPM, mod_authz_core and the module.  A line starting with "!" is an
#         offending directive: the message must name its file and line.
#         @ROOT@ is the temporary directory, @PORT@ the Listen port.
# exit:   'fail' (non-zero, a refusal), 'ok' (zero), 'warn' (zero, and a
#         warning on stderr).
# like:   regexes the output (stdout and stderr together; stderr alone for
#         'warn') must match.  Put the directive, the value and the fix here.
# clean:  1 when httpd must print nothing but "Syntax OK".
# ignore: a regex for output lines to drop before matching (httpd's own
#         messages that would otherwise satisfy a regex by themselves).
# ---------------------------------------------------------------------------

sub dir_block { ('<Directory "@ROOT@/htdocs">', @_, '</Directory>') }
sub vhost_block
{
    my $name = shift;
    ('<VirtualHost 127.0.0.1:@PORT@>', "    ServerName $name", @_,
     '</VirtualHost>');
}

# Regexes for the parts of a message.
# The value, any case.  httpd's error log escapes a backslash as "\\", so
# one written in the config may show up doubled.
sub val
{
    my $v = join '', map { $_ eq '\\' ? '\\\\{1,2}' : quotemeta }
                     split //, shift;
    qr/$v/i;
}
my $AO = qr/CORSAllowOrigin/;
my $AC = qr/CORSAllowCredentials/;
my $ANY = qr/(?:['"`]\*['"`]|CORSAllowOrigin\s*:?\s*\*)/; # the value "*"
my $DID_YOU_MEAN = qr/did you mean|instead|remove|without/i;
my $NO_EFFECT = qr/no effect/i;
my $PSL = qr/public suffix/i;
# "null" with credentials: the directive, the value, the danger and the
# two fixes.
my $NULL_CRED = [qr/CORSAllowOrigin null/, $AC, qr/sandboxed iframe/,
                 qr/real origin/, qr/server\.hostname/,
                 qr/CORSAllowCredentials Off/];

my @CASES = (
    # --- "*" together with credentials ------------------------------------
    {
        name  => '* and credentials in one <Directory>',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin *',
                            '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* and credentials in one server scope',
        lines => ['CORSEnable On', '!CORSAllowOrigin *',
                  '!CORSAllowCredentials On'],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* in a vhost, credentials inherited from the main server',
        lines => ['!CORSAllowCredentials On',
                  vhost_block('vh.example', '    CORSEnable On',
                              '!    CORSAllowOrigin *')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* in a <Directory>, credentials at server level',
        lines => ['!CORSAllowCredentials On',
                  dir_block('    CORSEnable On', '!    CORSAllowOrigin *')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => 'credentials in a <Directory>, * inherited from the server',
        lines => ['CORSEnable On', '!CORSAllowOrigin *',
                  dir_block('!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        # httpd appends the main server's <Directory> sections to every
        # vhost's, so the vhost's credentials meet the directory's "*".
        name  => '* in a main-server <Directory>, credentials in a vhost',
        lines => [dir_block('    CORSEnable On', '!    CORSAllowOrigin *'),
                  vhost_block('vh.example', '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => 'credentials in <Directory /a>, * in <Directory /a/b>',
        lines => ['<Directory "@ROOT@/htdocs/a">', '    CORSEnable On',
                  '    CORSAllowOrigin https://myapp.com',
                  '!    CORSAllowCredentials On', '</Directory>',
                  '<Directory "@ROOT@/htdocs/a/b">',
                  '!    CORSAllowOrigin *', '</Directory>'],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* in a <Files> inside a credentials <Directory>',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSAllowCredentials On',
                            '    <Files "*.json">',
                            '!        CORSAllowOrigin *',
                            '    </Files>')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* in an <If> inside a credentials <Directory>',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSAllowCredentials On',
                            '    <If "%{QUERY_STRING} =~ /x/">',
                            '!        CORSAllowOrigin *',
                            '    </If>')],
        exit  => 'fail',
        like  => [$AO, $AC, $ANY, qr/instead|list|explicit|name the origin/i],
    },
    {
        name  => '* in one vhost, credentials in another: accepted',
        lines => [vhost_block('public.example', '    CORSEnable On',
                              '    CORSAllowOrigin *'),
                  vhost_block('app.example', '    CORSEnable On',
                              '    CORSAllowOrigin https://myapp.com',
                              '    CORSAllowCredentials On')],
        exit  => 'ok', clean => 1,
    },
    {
        name  => '* without credentials is accepted',
        lines => [dir_block('    CORSEnable On', '    CORSAllowOrigin *')],
        exit  => 'ok', clean => 1,
    },

    # --- null together with credentials: refused like * ------------------
    {
        name  => 'null and credentials in one <Location>',
        lines => ['<Location /nul/>', '    CORSEnable On',
                  '!    CORSAllowOrigin https://app.example.com null',
                  '!    CORSAllowCredentials On', '</Location>'],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null and credentials in one server scope',
        lines => ['CORSEnable On', '!CORSAllowOrigin null',
                  '!CORSAllowCredentials On'],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null in a vhost, credentials inherited from the main server',
        lines => ['!CORSAllowCredentials On',
                  vhost_block('vh.example', '    CORSEnable On',
                              '!    CORSAllowOrigin https://app.example.com null')],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'credentials in a <Location>, null inherited from the vhost',
        lines => [vhost_block('vh.example', '    CORSEnable On',
                              '!    CORSAllowOrigin https://app.example.com null',
                              '    <Location /api/>',
                              '!        CORSAllowCredentials On',
                              '    </Location>')],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'credentials in <Location /a>, null in <Location /a/b>',
        lines => ['<Location /a>', '    CORSEnable On',
                  '    CORSAllowOrigin https://app.example.com',
                  '!    CORSAllowCredentials On', '</Location>',
                  '<Location /a/b>',
                  '!    CORSAllowOrigin https://app.example.com null',
                  '</Location>'],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null in a <Files> inside a credentials <Directory>',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://app.example.com',
                            '!    CORSAllowCredentials On',
                            '    <Files "*.json">',
                            '!        CORSAllowOrigin null',
                            '    </Files>')],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null in an <If> inside a credentials <Directory>',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://app.example.com',
                            '!    CORSAllowCredentials On',
                            '    <If "%{QUERY_STRING} =~ /x/">',
                            '!        CORSAllowOrigin null',
                            '    </If>')],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null in an origin set named with credentials',
        lines => ['!CORSOriginSet mobile capacitor://localhost null',
                  dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://app.example.com @mobile',
                            '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [qr/CORSOriginSet mobile null/, qr/\@mobile/,
                  @$NULL_CRED[1 .. $#$NULL_CRED]],
    },
    {
        name  => 'null from a Define list, with credentials',
        lines => ['Define CORS_TEST_NULL_ORIGINS https://app.example.com,null',
                  dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin ${CORS_TEST_NULL_ORIGINS}',
                            '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => $NULL_CRED,
    },
    {
        name  => 'null in one vhost, credentials in another: accepted',
        lines => ['CORSOriginSet mobile capacitor://localhost null',
                  vhost_block('public.example', '    CORSEnable On',
                              '    CORSAllowOrigin @mobile'),
                  vhost_block('app.example', '    CORSEnable On',
                              '    CORSAllowOrigin https://app.example.com',
                              '    CORSAllowCredentials On')],
        exit  => 'warn',
        like  => [qr/null allows documents that have no origin of their own/],
    },

    # --- malformed origins -------------------------------------------------
    {
        name  => 'trailing slash',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://myapp.com/')],
        exit  => 'fail',
        like  => [$AO, val('https://myapp.com/'),
                  qr{did you mean\W{0,3}https://myapp\.com(?![\w/])}i],
    },
    {
        name  => 'a path',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://myapp.com/api/v1')],
        exit  => 'fail',
        like  => [$AO, val('https://myapp.com/api/v1'), $DID_YOU_MEAN],
    },
    {
        name  => 'a query',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://myapp.com?a=1')],
        exit  => 'fail',
        like  => [$AO, val('https://myapp.com?a=1'), $DID_YOU_MEAN],
    },
    {
        name  => 'a fragment',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://myapp.com#top')],
        exit  => 'fail',
        like  => [$AO, val('https://myapp.com#top'), $DID_YOU_MEAN],
    },
    {
        name  => 'userinfo',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://u@x.com')],
        exit  => 'fail',
        like  => [$AO, val('https://u@x.com'), $DID_YOU_MEAN],
    },
    {
        name  => 'no scheme',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin myapp.com')],
        exit  => 'fail',
        like  => [$AO, val('myapp.com'), qr{scheme|https://myapp\.com}i],
    },
    {
        name  => '* inside a label',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://a*.x.com')],
        exit  => 'fail',
        like  => [$AO, val('https://a*.x.com'),
                  qr{leading|whole label|only|https://\*\.x\.com}i],
    },
    {
        name  => 'two wildcard labels',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://*.*.x.com')],
        exit  => 'fail',
        like  => [$AO, val('https://*.*.x.com'),
                  qr{leading|one|only|https://\*\.x\.com}i],
    },
    {
        name  => 'a malformed entry inside a comma list',
        lines => [dir_block('    CORSEnable On',
            '!    CORSAllowOrigin https://a.example.com,https://b.example.com/')],
        exit  => 'fail',
        like  => [$AO, val('https://b.example.com/'),
                  qr{did you mean\W{0,3}https://b\.example\.com(?![\w/])}i],
    },
    {
        name  => 'a comma list from a Define is accepted',
        lines => ['Define CORS_TEST_ORIGINS http://localhost:3000,http://localhost:5173',
                  dir_block('    CORSEnable On',
                            '    CORSAllowOrigin ${CORS_TEST_ORIGINS}',
                            '    CORSAllowCredentials On')],
        exit  => 'ok', clean => 1,
    },
    {
        name  => 'upper case and a default port are accepted silently',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin HTTPS://MyApp.COM:443',
                            '    CORSAllowCredentials On')],
        exit  => 'ok', clean => 1,
    },
    {
        name   => 'unresolved ${VAR}',
        lines  => [dir_block('    CORSEnable On',
                             "!    CORSAllowOrigin \${$UNDEF_VAR}")],
        exit   => 'fail',
        # httpd itself warns "Config variable ${X} is not defined" (AH00111):
        # only the module's message counts here.
        ignore => qr/AH00111/,
        like   => [$AO, val($UNDEF_VAR),
                   qr/Define|environment|export|not defined|undefined|unset/i],
    },
    {
        name  => 'file:// (no host)',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin file://')],
        exit  => 'fail',
        like  => [$AO, val('file://'), qr/\bnull\b/],
    },

    # --- wildcards over a public suffix ------------------------------------
    (map {
        my $o = $_;
        +{
            name  => "wildcard over a public suffix: $o",
            lines => [dir_block('    CORSEnable On',
                                "!    CORSAllowOrigin $o")],
            exit  => 'fail',
            like  => [$AO, val($o), $PSL],
        }
    } qw(https://*.com https://*.co.uk https://*.github.io https://*.test
         https://*.internal)),
    {
        name  => 'http://*.localhost:* is accepted',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin http://*.localhost:*')],
        exit  => 'ok', clean => 1,
    },
    {
        name  => 'a subdomain wildcard over a registrable domain is accepted',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://*.myapp.com',
                            '    CORSAllowCredentials On')],
        exit  => 'ok', clean => 1,
    },

    # --- a host that ends in a number: an IPv4 address to browsers ---------
    (map {
        my ($o, $fix) = @$_;
        +{
            name  => "IPv4 address in a form browsers never send: $o",
            lines => [dir_block('    CORSEnable On',
                                "!    CORSAllowOrigin $o",
                                '    CORSAllowCredentials On')],
            exit  => 'fail',
            like  => [$AO, val($o), qr/IPv4/,
                      qr/write \Q$fix\E(?![\w.])/],
        }
    } (['http://127.1', 'http://127.0.0.1'],
       ['http://0x7f000001:3000', 'http://127.0.0.1:3000'],
       ['http://127.000.0.1:*', 'http://127.0.0.1:*'])),
    (map {
        my $o = $_;
        +{
            name  => "host that ends in a number, no IPv4 address: $o",
            lines => [dir_block('    CORSEnable On',
                                "!    CORSAllowOrigin $o")],
            exit  => 'fail',
            like  => [$AO, val($o), qr/IPv4/, qr/0 to 255|host name/],
        }
    } qw(http://256.1.1.1 http://1.2.3.4.5)),
    {
        name  => 'IPv4 addresses as browsers send them, a.b1 and [::1]',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin http://10.0.0.1:8080 '
                            . 'http://a.b1 http://[::1]')],
        exit  => 'ok', clean => 1,
    },

    # --- http:// with credentials ------------------------------------------
    {
        name  => 'http:// non-loopback origin with credentials',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin http://api.example.com',
                            '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [$AO, $AC, val('http://api.example.com'),
                  qr{https://api\.example\.com|CORSAllowInsecureOrigins}],
    },
    {
        name  => 'http:// with credentials, CORSAllowInsecureOrigins On',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowInsecureOrigins On',
                            '    CORSAllowOrigin http://api.example.com',
                            '    CORSAllowCredentials On')],
        exit  => 'ok',
    },
    {
        name  => 'http:// at server level, credentials inherited by a vhost',
        lines => ['CORSEnable On', '!CORSAllowOrigin http://api.example.com',
                  vhost_block('vh.example', '!    CORSAllowCredentials On')],
        exit  => 'fail',
        like  => [$AO, $AC, val('http://api.example.com'),
                  qr{https://api\.example\.com|CORSAllowInsecureOrigins}],
    },
    (map {
        my $o = $_;
        +{
            name  => "$o with credentials is accepted (loopback or app scheme)",
            lines => [dir_block('    CORSEnable On',
                                "    CORSAllowOrigin $o",
                                '    CORSAllowCredentials On')],
            exit  => 'ok', clean => 1,
        }
    } ('http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000',
       'http://localhost:*', 'http://127.0.0.1:*', 'http://*.localhost:*',
       'capacitor://localhost ionic://localhost')),
    {
        name  => 'CORSAllowMethods * and CORSAllowHeaders * with credentials',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '    CORSAllowCredentials On',
                            '    CORSAllowMethods *',
                            '    CORSAllowHeaders *')],
        exit  => 'ok', clean => 1,
    },

    # --- regex entries ------------------------------------------------------
    {
        name  => 'regex that does not compile',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin ~^https://(')],
        exit  => 'fail',
        like  => [$AO, val('~^https://('),
                  qr/missing|parenthes|compil|regular expression|regex/i],
    },
    {
        name  => 'regex matching null',
        lines => [dir_block('    CORSEnable On',
            '!    CORSAllowOrigin ~^(null|https://a\.myapp\.com)$')],
        exit  => 'fail',
        like  => [$AO, val('~^(null|https://a\.myapp\.com)$'),
                  qr/matches\W+null|null\W+origin|list\W+null|\bnull\b.*(?:separate|instead|entry)/i],
    },
    {
        name  => 'regex with an unescaped dot in the host',
        lines => [dir_block('    CORSEnable On',
            '!    CORSAllowOrigin ~^https://.*\.myapp.com$')],
        exit  => 'fail',
        like  => [$AO, val('~^https://.*\.myapp.com$'),
                  qr/\\\.myapp\\\.com|escape|unescaped/i],
    },
    {
        name  => 'regex without a literal host',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin ~^https://.*$')],
        exit  => 'fail',
        like  => [$AO, val('~^https://.*$'),
                  qr/literal host|\\\.[a-z]+\\\.[a-z]+|end with/i],
    },
    {
        name  => 'regex (.*\.)?myapp\.com: two entries instead',
        lines => [dir_block('    CORSEnable On',
            '!    CORSAllowOrigin ~^https://(.*\.)?myapp\.com$')],
        exit  => 'fail',
        like  => [$AO, val('~^https://(.*\.)?myapp\.com$'),
                  qr{https://myapp\.com(?![\w/\\])},
                  qr{https://\*\.myapp\.com(?![\w/\\])}],
    },
    {
        name  => 'regex over a public suffix',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin ~^https://.*\.com$')],
        exit  => 'fail',
        like  => [$AO, val('~^https://.*\.com$'), $PSL],
    },
    (map {
        my $re = $_;
        +{
            # A regex that matches http:// origins is an http:// origin.
            name  => "http:// regex with credentials: $re",
            lines => [dir_block('    CORSEnable On',
                                "!    CORSAllowOrigin $re",
                                '!    CORSAllowCredentials On')],
            exit  => 'fail',
            like  => [$AO, $AC, val($re),
                      qr{https://|CORSAllowInsecureOrigins}],
        }
    } ('~^http://[a-z]+\.example\.com$', '~^https?://[a-z]+\.example\.com$')),
    (map {
        my $re = $_;
        +{
            name  => "regex accepted: $re",
            lines => [dir_block('    CORSEnable On',
                                "    CORSAllowOrigin $re",
                                '    CORSAllowCredentials On')],
            exit  => 'ok', clean => 1,
        }
    } ('~^https://[a-z]+\.myapp\.com$', '~^https://myapp\.com$',
       '~^https://[a-z]+\.myapp\.com:8443$')),

    # --- @name and CORSOriginSet --------------------------------------------
    {
        name  => '@name that no server or vhost defines',
        lines => ['CORSOriginSet frontend https://myapp.com',
                  dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin @nosuchset')],
        exit  => 'fail',
        like  => [$AO, val('@nosuchset'), qr/CORSOriginSet/],
    },
    {
        name  => '@name defined in one vhost only, used at server level',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin @frontend'),
                  vhost_block('dev.example',
                              '    CORSOriginSet frontend http://localhost:3000')],
        exit  => 'ok', clean => 1,
    },
    {
        name  => 'CORSOriginSet with *',
        lines => ['!CORSOriginSet frontend https://myapp.com *',
                  dir_block('    CORSEnable On',
                            '    CORSAllowOrigin @frontend')],
        exit  => 'fail',
        like  => [qr/CORSOriginSet/, qr/['"`]\*['"`]|\s\*(?:\s|$)/m,
                  qr/CORSAllowOrigin|not allowed|cannot|may not|instead/i],
    },
    {
        name  => 'CORSOriginSet with @name',
        lines => ['CORSOriginSet dev http://localhost:3000',
                  '!CORSOriginSet frontend https://myapp.com @dev',
                  dir_block('    CORSEnable On',
                            '    CORSAllowOrigin @frontend')],
        exit  => 'fail',
        like  => [qr/CORSOriginSet/, val('@dev'),
                  qr/CORSAllowOrigin|not allowed|cannot|may not|instead/i],
    },
    {
        # The regex checks name the directive the entry came from.
        name  => 'CORSOriginSet with a regex that has an unescaped dot',
        lines => ['!CORSOriginSet x ~^https://.*\.myapp.com$',
                  dir_block('    CORSEnable On',
                            '    CORSAllowOrigin @x')],
        exit  => 'fail',
        like  => [qr/CORSOriginSet/, val('~^https://.*\.myapp.com$'),
                  qr/\\\.myapp\\\.com|escape|unescaped/i],
    },
    {
        name  => 'CORSOriginSet inside <Directory> (context)',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSOriginSet frontend https://myapp.com',
                            '    CORSAllowOrigin https://myapp.com')],
        exit  => 'fail',
        like  => [qr/CORSOriginSet/,
                  qr/not allowed|VirtualHost|server config/i],
    },

    # --- method and header lists --------------------------------------------
    (map {
        my ($dir, $v) = @$_;
        +{
            name  => "non-token in $dir: $v",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    $dir GET $v")],
            exit  => 'fail',
            like  => [qr/$dir/, val($v), qr/token|not an? |invalid/i],
        }
    } (['CORSAllowMethods', 'G(T'], ['CORSAllowHeaders', 'x:y'],
       ['CORSExposeHeaders', 'X-A;b'])),
    {
        name  => 'header and method lists as several arguments',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '    CORSAllowMethods GET PUT DELETE',
                            '    CORSAllowHeaders Content-Type Authorization X-Requested-With',
                            '    CORSExposeHeaders X-Total-Count ETag')],
        exit  => 'ok', clean => 1,
    },
    {
        name  => 'CORSExposeHeaders * with credentials',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSAllowCredentials On',
                            '!    CORSExposeHeaders *')],
        exit  => 'fail',
        like  => [qr/CORSExposeHeaders/, $AC, qr/['"`]\*['"`]|Headers\s*:?\s*\*/,
                  qr/list|name|instead/i],
    },
    {
        name  => 'CORSExposeHeaders * without credentials is accepted',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '    CORSExposeHeaders *')],
        exit  => 'ok', clean => 1,
    },

    # --- scalar directives ----------------------------------------------------
    (map {
        my $v = $_;
        +{
            name  => "CORSMaxAge $v",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSMaxAge $v")],
            exit  => 'fail',
            like  => [qr/CORSMaxAge/, val($v), qr/\b0\b.*\b86400\b/],
        }
    } qw(3d -1 86401)),
    {
        name  => 'CORSMaxAge 7200 is accepted silently',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '    CORSMaxAge 7200')],
        exit  => 'ok', clean => 1,
    },
    (map {
        my $v = $_;
        +{
            name  => "CORSMaxAge $v: accepted, warned about Chromium's 7200",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSMaxAge $v")],
            exit  => 'warn',
            like  => [qr/CORSMaxAge/, val($v), qr/\b7200\b/],
        }
    } qw(7201 86400)),
    (map {
        my $v = $_;
        +{
            name  => "CORSPreflightStatus $v",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSPreflightStatus $v")],
            exit  => 'fail',
            like  => [qr/CORSPreflightStatus/, val($v), qr/\b200\b.*\b299\b/],
        }
    } qw(199 300 abc)),
    {
        name  => 'CORSPreflightStatus 200 is accepted',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '    CORSPreflightStatus 200')],
        exit  => 'ok', clean => 1,
    },
    {
        # A flag: httpd's own message ("... must be On or Off") does not
        # repeat the value, so only the directive and the fix are asserted.
        name  => 'CORSEnable maybe',
        lines => [dir_block('!    CORSEnable maybe',
                            '    CORSAllowOrigin https://myapp.com')],
        exit  => 'fail',
        like  => [qr/CORSEnable/, qr/\bOn\b.*\bOff\b/],
    },
    {
        name  => 'CORSPreflightAuth Sometimes',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSPreflightAuth Sometimes')],
        exit  => 'fail',
        like  => [qr/CORSPreflightAuth/, val('Sometimes'),
                  qr/Skip.*Enforce|Enforce.*Skip/i],
    },
    {
        name  => 'CORSBackendHeaders Merge',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSBackendHeaders Merge')],
        exit  => 'fail',
        like  => [qr/CORSBackendHeaders/, val('Merge'),
                  qr/Replace.*Keep|Keep.*Replace/i],
    },
    {
        name  => 'every directive with a valid value',
        lines => ['CORSOriginSet frontend https://myapp.com https://*.myapp.com',
                  dir_block('    CORSEnable On',
                            '    CORSAllowOrigin @frontend http://localhost:3000,http://localhost:5173',
                            '    CORSAllowCredentials On',
                            '    CORSAllowMethods GET POST PUT',
                            '    CORSAllowHeaders Content-Type Authorization',
                            '    CORSExposeHeaders X-Total-Count',
                            '    CORSMaxAge 600',
                            '    CORSAllowPrivateNetwork On',
                            '    CORSPreflightStatus 204',
                            '    CORSPreflightPassthrough Off',
                            '    CORSPreflightAuth Enforce',
                            '    CORSBackendHeaders Keep',
                            '    CORSAllowInsecureOrigins Off')],
        exit  => 'ok', clean => 1,
    },
    {
        # httpd creates a module's per-directory record only for sections
        # that use one of its directives: the others have none.
        name  => 'sections without a CORS directive next to CORS ones',
        lines => ['CORSEnable On', 'CORSAllowOrigin https://myapp.com',
                  '<Directory />', '    Require all denied', '</Directory>',
                  dir_block('    Require all granted',
                            '    <Files "*.json">',
                            '        Require all granted',
                            '    </Files>',
                            '    <If "%{REQUEST_METHOD} == \'OPTIONS\'">',
                            '        Require all granted',
                            '    </If>'),
                  '<Location /api>', '    Require all granted', '</Location>',
                  '<LocationMatch "^/v[0-9]+/">', '    CORSAllowCredentials On',
                  '</LocationMatch>',
                  vhost_block('vh.example',
                              '    <Location /x>', '        Require all granted',
                              '    </Location>')],
        exit  => 'ok', clean => 1,
    },
    {
        name   => 'an error in an Included file names that file',
        lines  => ['Include "@ROOT@/cors-included.conf"'],
        include => [dir_block('    CORSEnable On',
                              '!    CORSAllowOrigin https://myapp.com/')],
        exit   => 'fail',
        like   => [$AO, val('https://myapp.com/'),
                   qr{did you mean\W{0,3}https://myapp\.com(?![\w/])}i],
    },

    # --- warnings (accepted) -----------------------------------------------
    {
        name  => 'null listed',
        lines => [dir_block('    CORSEnable On',
                            '!    CORSAllowOrigin https://myapp.com null')],
        exit  => 'warn',
        like  => [qr/\bnull\b/],
    },
    {
        name  => 'CORSEnable On with no origin',
        lines => [dir_block('!    CORSEnable On')],
        exit  => 'warn',
        like  => [qr/CORSEnable/, qr/CORSAllowOrigin|no origin/i, $NO_EFFECT],
    },
    (map {
        my $m = $_;
        +{
            name  => "CORSAllowMethods $m (browsers never send it)",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSAllowMethods GET $m")],
            exit  => 'warn',
            like  => [qr/CORSAllowMethods/, val($m), $NO_EFFECT],
        }
    } qw(TRACE CONNECT TRACK)),
    (map {
        my ($m, $fix) = @$_;
        +{
            # Browsers upper-case only the six methods fetch() normalises.
            name  => "CORSAllowMethods $m (lower case, sent in upper case)",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSAllowMethods get put $m delete")],
            exit  => 'warn',
            like  => [qr/CORSAllowMethods/, qr/\b\Q$m\E\b/,
                      qr/case-sensitive/, qr/write \Q$fix\E\b/],
        }
    } (['patch', 'PATCH'], ['Propfind', 'PROPFIND'])),
    (map {
        my $list = $_;
        +{
            name  => "CORSAllowMethods $list: no warning",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "    CORSAllowMethods $list")],
            exit  => 'ok', clean => 1,
        }
    } ('GET PUT PATCH DELETE', 'get put delete options')),
    {
        name  => 'CORSAllowHeaders Cookie',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSAllowHeaders Content-Type Cookie')],
        exit  => 'warn',
        like  => [qr/CORSAllowHeaders/, val('Cookie'), $NO_EFFECT,
                  qr/CORSAllowCredentials/],
    },
    (map {
        my $h = $_;
        +{
            name  => "CORSAllowHeaders $h (forbidden request header)",
            lines => [dir_block('    CORSEnable On',
                                '    CORSAllowOrigin https://myapp.com',
                                "!    CORSAllowHeaders Content-Type $h")],
            exit  => 'warn',
            like  => [qr/CORSAllowHeaders/, val($h), $NO_EFFECT],
        }
    } qw(Host Sec-Fetch-Mode Proxy-Authorization)),
    {
        name  => 'CORSExposeHeaders Set-Cookie',
        lines => [dir_block('    CORSEnable On',
                            '    CORSAllowOrigin https://myapp.com',
                            '!    CORSExposeHeaders X-Total-Count Set-Cookie')],
        exit  => 'warn',
        like  => [qr/CORSExposeHeaders/, val('Set-Cookie'), $NO_EFFECT],
    },
);

require_prerequisites('configtest');

my @LOADS = (mpm_line(), module_lines(qw(unixd authz_core)));

# ---------------------------------------------------------------------------
# Running one case.
# ---------------------------------------------------------------------------

my $TMP = tempdir('mod_cors-configtest-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $PORT = free_port();
my $case_no = 0;

# Turns the case's lines into config text; returns the text and the line
# numbers (1-based, counting from first_line) of the "!" lines.
sub render
{
    my ($lines, $root, $first_line) = @_;
    my (@out, @marked);
    my $n = $first_line;
    for my $l (@$lines) {
        my $t = $l;
        if ($t =~ s/^!//) {
            push @marked, $n;
        }
        $t =~ s/\@ROOT\@/$root/g;
        $t =~ s/\@PORT\@/$PORT/g;
        push @out, $t;
        $n++;
    }
    return (\@out, \@marked);
}

sub slug
{
    my $s = lc shift;
    $s =~ s/[^a-z0-9]+/-/g;
    $s =~ s/^-|-$//g;
    return substr($s, 0, 60);
}

sub where_re
{
    my ($file, $line) = @_;
    my $f = quotemeta $file;
    return qr/(?:\bline\s+$line\s+of\s+$f|$f(?::|,\s*line\s+|\s+line\s+)$line\b)/;
}

sub run_case
{
    my $c = shift;
    $case_no++;
    my $dir = sprintf '%s/%02d-%s', $TMP, $case_no, slug($c->{name});
    mkdir $dir or die "$dir: $!";
    mkdir "$dir/htdocs" or die "$dir/htdocs: $!";
    chmod 0755, $dir, "$dir/htdocs";

    my @pre = (
        "ServerRoot \"$dir\"",
        "DefaultRuntimeDir \"$dir\"",
        "PidFile \"$dir/httpd.pid\"",
        "ErrorLog \"$dir/error_log\"",
        "Listen 127.0.0.1:$PORT",
        'ServerName 127.0.0.1',
        @LOADS,
        "LoadModule cors_module \"" . cors_so() . '"',
        "DocumentRoot \"$dir/htdocs\"",
    );
    my $conf = "$dir/cors-" . slug($c->{name}) . '.conf';
    my ($body, $marked) = render($c->{lines}, $dir, @pre + 1);
    my @where = map { [$conf, $_] } @$marked;
    open my $fh, '>', $conf or die "$conf: $!";
    print $fh map { "$_\n" } @pre, @$body;
    close $fh;

    my @listing = (@pre, @$body);
    if ($c->{include}) {
        my $inc = "$dir/cors-included.conf";
        my ($ibody, $imarked) = render($c->{include}, $dir, 1);
        push @where, map { [$inc, $_] } @$imarked;
        open my $ih, '>', $inc or die "$inc: $!";
        print $ih map { "$_\n" } @$ibody;
        close $ih;
        push @listing, "--- $inc:", map { sprintf '%3d  %s', $_ + 1, $ibody->[$_] } 0 .. $#$ibody;
    }
    chmod 0644, glob("$dir/*.conf");

    my ($status, $out, $err) = config_test($conf, $dir);
    my $rc = $status >> 8;
    my $all = $out . $err;
    my $text = $c->{exit} eq 'warn' ? $err : $all;
    if (my $ign = $c->{ignore}) {
        $text = join '', grep { !/$ign/ } split /^/m, $text;
    }

    subtest $c->{name} => sub {
        note("httpd -t exit $rc:\n$all");
        if ($status & 127) {
            fail("httpd -t died of signal " . ($status & 127));
        }
        elsif ($c->{exit} eq 'fail') {
            isnt($rc, 0, 'refused (non-zero exit)');
        }
        else {
            is($rc, 0, 'accepted (exit 0)');
        }
        # An unknown directive or a module that did not load also fails
        # the config test, for the wrong reason.
        unlike($all, qr/Invalid command|Cannot load|Can't locate API module/,
               'the module is loaded and knows the directive');
        for my $re (@{ $c->{like} || [] }) {
            like($text, $re, "message matches $re");
        }
        for my $w (@where) {
            my ($file, $line) = @$w;
            like($text, where_re($file, $line),
                 "message names " . File::Basename::basename($file)
                 . ":$line");
        }
        if ($c->{exit} eq 'warn') {
            like($err, qr/warn/i, 'logged as a warning');
            unlike($all, qr/Syntax error|AH00526/, 'not a syntax error');
        }
        if ($c->{clean}) {
            my @extra = grep { /\S/ && !/^Syntax OK$/ } split /\n/, $all;
            is(join("\n", @extra), '', 'nothing printed but "Syntax OK"');
        }
        done_testing();
    } or do {
        my $i = 0;
        diag("config ($conf):");
        for my $l (@listing) {
            last if $l =~ /^--- /;
            $l = sprintf '%3d  %s', ++$i, $l;
        }
        diag($_) for @listing;
        diag("httpd -t exit $rc, stdout+stderr:\n$all");
    };
}

plan tests => scalar @CASES;
run_case($_) for @CASES;
