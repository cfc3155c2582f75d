# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# The nginx block of docs/migrating.md ("From an nginx map $http_origin
# recipe"), run in Debian's nginx on loopback in front of a backend that
# has CORS headers of its own, and what the guide says the recipe does:
# every OPTIONS request is a 204 with the allow headers, whatever its
# origin, method or headers; a refused origin still gets
# Access-Control-Allow-Credentials; proxy_hide_header hides only the header
# it names; the map's expression allows one label; a nested location with an
# add_header of its own loses the CORS headers.  The Apache block that
# replaces it is run by t/migrating.t.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   perl t/migrating_nginx.t
# nginx is NGINX, else nginx on the PATH or in /usr/sbin.

use strict;
use warnings FATAL => 'all';

use Test::More;
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd qw(top_dir free_port start_server skip_unless_ci slurp);
use CorsTest qw(vary_count $ACAO $ACAC $ACAM $ACAH $ACEH $ACMA);
use CorsGuide qw(request preflight response_ok write_file);

my $GUIDE = top_dir() . '/docs/migrating.md';

my ($NGINX) = grep { defined && -x } $ENV{NGINX},
              map({ "$_/nginx" } split(/:/, $ENV{PATH} // ''), '/usr/sbin');
skip_unless_ci('nginx is not installed (Debian: apt-get install nginx; '
               . 'scripts/test installs it as root)') unless $NGINX;

my $APP  = 'https://app.example.com';
my $EVIL = 'https://evil.example';

# The block: the first ```nginx block after the section's heading.
my ($block) = slurp($GUIDE) =~ /^## From an nginx map.*?^```nginx\n(.*?)^```$/ms
    or BAIL_OUT("no ```nginx block in the nginx section of $GUIDE");

# The backend: an application that sends CORS headers of its own, as the
# one t/migrating.t puts behind Apache, with an access log.
sub backend
{
    my ($port, $dir) = @_;
    return <<"EOF";
server {
    listen 127.0.0.1:$port;
    access_log "$dir/backend_access_log" backend;
    add_header Access-Control-Allow-Origin "*" always;
    add_header Access-Control-Expose-Headers "X-Request-Id" always;
    add_header X-Request-Id "42" always;
    location = /data.json {
        default_type application/json;
        return 200 '{"file": "data.json"}\\n';
    }
    location / {
        return 404;
    }
}
EOF
}

# A whole nginx.conf around the guide's block (changed by EDIT, a sub that
# gets and returns the block's text): the block's server listens on
# 127.0.0.1:PORT and proxies to the test's backend.  Returns the site.
sub write_site
{
    my ($dir, $edit) = @_;
    mkdir $dir or die "$dir: $!";
    my %s = (dir => $dir, port => free_port(), backend_port => free_port(),
             host => 'api.example.com');
    my $body = $edit ? $edit->($block) : $block;
    $body =~ s/^(server \{\n)/$1    listen 127.0.0.1:$s{port};\n/m
        or die "no 'server {' line in the block\n";
    $body =~ s{127\.0\.0\.1:8000\b}{127.0.0.1:$s{backend_port}}g;
    my $conf = <<"EOF";
daemon off;
worker_processes 1;
pid "$dir/nginx.pid";
error_log "$dir/error_log" warn;
events { worker_connections 64; }
http {
    default_type application/octet-stream;
    access_log off;
    log_format backend '\$request_method \$request_uri \$status';
    client_body_temp_path "$dir/client_body";
    proxy_temp_path "$dir/proxy";
    fastcgi_temp_path "$dir/fastcgi";
    uwsgi_temp_path "$dir/uwsgi";
    scgi_temp_path "$dir/scgi";
@{[ backend($s{backend_port}, $dir) ]}
# --- the guide's block ---
$body}
EOF
    $s{conf} = "$dir/nginx.conf";
    write_file($s{conf}, $conf);
    return \%s;
}

sub nginx
{
    my ($s, @args) = @_;
    return ($NGINX, '-p', "$s->{dir}/", '-c', $s->{conf},
            '-e', "$s->{dir}/error_log", @args);
}

# Runs CHECK against nginx on the site; the config test and the stop are
# tests of their own.
sub with_nginx
{
    my ($name, $s, $check) = @_;
    subtest $name => sub {
        my $out = `@{[ join ' ', map { "'$_'" } nginx($s, '-t') ]} 2>&1`;
        is $?, 0, 'nginx -t exits 0' or diag($out);
        my $ok = eval {
            $s->{server} = start_server([nginx($s)], $s->{dir}, $s->{port},
                                        $s->{backend_port});
            $check->($s);
            1;
        };
        fail("the checks ran: $@") unless $ok;
        if (my $server = delete $s->{server}) {
            is $server->stop, 0, 'nginx stops, exit 0';
        }
        done_testing();
    } or diag("$s->{conf}:\n" . slurp($s->{conf}) . "error_log:\n"
              . slurp("$s->{dir}/error_log") . "stderr:\n"
              . slurp("$s->{dir}/httpd.stderr"));
}

sub backend_requests
{
    my $s = shift;
    return [split /\n/, slurp("$s->{dir}/backend_access_log")];
}

my $tmp = tempdir('mod_cors-nginx-XXXXXX', TMPDIR => 1, CLEANUP => 1);

with_nginx('the recipe as the guide shows it', write_site("$tmp/recipe"),
           sub {
    my $s = shift;
    # Allowed: the map's exact entry and its expression, one label deep.
    for my $o ($APP, 'https://tenant-1.example.com') {
        my $res = request($s, GET => '/api/data.json', Origin => $o);
        # proxy_hide_header hides the backend's Allow-Origin only: its
        # Expose-Headers reaches the browser.
        response_ok($res, $o, 200, $ACAO => [$o], $ACAC => ['true'],
                    $ACEH => ['X-Request-Id']);
        is vary_count($res, 'Origin'), 1, "$o: Vary: Origin once";
    }
    # Refused: no Allow-Origin, but Allow-Credentials all the same.
    for my $o ('https://a.b.example.com', 'https://example.com', $EVIL) {
        response_ok(request($s, GET => '/api/data.json', Origin => $o),
                    $o, 200, $ACAO => [], $ACAC => ['true']);
    }
    # `always`: the backend's 404 has the headers.
    response_ok(request($s, GET => '/api/missing.json', Origin => $APP),
                'missing file', 404, $ACAO => [$APP], $ACAC => ['true']);

    # Every OPTIONS is a 204 with the allow headers, answered by nginx.
    my %allow = ($ACAM => ['GET, POST, PUT, DELETE'],
                 $ACAH => ['Content-Type, Authorization'], $ACMA => ['600'],
                 $ACAC => ['true']);
    response_ok(preflight($s, '/api/data.json', $APP, 'PUT',
                          'Access-Control-Request-Headers' => 'content-type'),
                'preflight PUT', 204, $ACAO => [$APP], %allow);
    response_ok(preflight($s, '/api/data.json', $EVIL, 'PUT'),
                "preflight from $EVIL", 204, $ACAO => [], %allow);
    response_ok(preflight($s, '/api/data.json', $APP, 'PATCH',
                          'Access-Control-Request-Headers' => 'x-debug'),
                'preflight PATCH with x-debug', 204, $ACAO => [$APP],
                %allow);
    response_ok(request($s, OPTIONS => '/api/data.json'),
                'OPTIONS without Origin', 204, $ACAO => [], %allow);
    response_ok(request($s, OPTIONS => '/api/data.json', Origin => $APP),
                'OPTIONS without Access-Control-Request-Method', 204,
                $ACAO => [$APP], %allow);

    $s->{server}->stop;
    is_deeply backend_requests($s),
        ['GET /data.json 200', 'GET /data.json 200', 'GET /data.json 200',
         'GET /data.json 200', 'GET /data.json 200', 'GET /missing.json 404'],
        'the backend saw the GETs and no OPTIONS';
});

# The guide: a nested location with an add_header of its own drops the
# ones it would inherit.
with_nginx('a nested location with an add_header of its own',
           write_site("$tmp/nested", sub {
    my $b = shift;
    $b =~ s{^(        proxy_pass (\S+);\n)}{$1
        location /api/admin/ {
            add_header Cache-Control "no-store";
            proxy_pass $2;
        }
}m or die "no proxy_pass line in the block\n";
    return $b;
}), sub {
    my $s = shift;
    response_ok(request($s, GET => '/api/data.json', Origin => $APP),
                '/api/', 200, $ACAO => [$APP], $ACAC => ['true']);
    response_ok(request($s, GET => '/api/admin/data.json', Origin => $APP),
                '/api/admin/', 200, 'Cache-Control' => ['no-store'],
                $ACAO => [], $ACAC => [], $ACEH => ['X-Request-Id']);
});

done_testing();
