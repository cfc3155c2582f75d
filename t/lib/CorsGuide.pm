# Running the ```apache blocks of a markdown guide in a real httpd, for
# t/cookbook.t, t/migrating.t and t/troubleshooting.t.  The guide marks
# each ```apache block it wants tested with "<!-- test: NAME -->" on the
# line before it; a block that is only shown (an old recipe as it is, a
# fragment) is marked "<!-- not tested: WHY -->" instead.  The test file
# passes a hash of checks, one per NAME, to run_guide:
#
#   config:  the body of the config, from the block's lines (default: the
#            block alone).  The guide's placeholders (*:80, /srv/api, ...)
#            are rewritten in the whole body.
#   baseline: when present, the body of a second server, from the block's
#            lines, run beside the first on the same document root (the
#            same site without the block, say); check gets it after the
#            site.
#   env:     environment variables httpd runs with (for ${VAR}), beside
#            those of the guide's `export NAME=VALUE` lines (a ```sh block
#            after the block).
#   backend: lines for the backend virtual host (default: one that adds
#            Access-Control-Allow-Origin: * to every response), started
#            when the body names 127.0.0.1:8000.
#   host:    the Host header of every request (default: 127.0.0.1:PORT);
#            a Host pair in a request overrides it.
#   check:   runs the requests and the assertions; gets the site.
#   configtest: checks the output of `httpd -t` instead of "Syntax OK".
#   refused: for a block the guide shows being refused: `httpd -t` must
#            fail, and this checks its output; the server is not started.
#
# Around the body, the config is laid out as Debian's apache2.conf: access to
# "/" is denied, and the server's DocumentRoot (Debian's /var/www/html) is
# granted.  A block with a DocumentRoot of its own (/srv/api) must grant it
# itself, as it must on Debian; the test then gets the 403 a reader would.
# Both directories hold $FILES.
#
# The example exchanges the guide shows after a tested block (a request and
# its response in a ``` block, or a curl command in a ```sh block and its
# response in the ``` block after it) are sent to its server before the
# check runs: the status, and exactly the Access-Control-* and Vary headers
# shown, must be what the server answers.
#
# A block without a marker, a marker without a check and a check without a
# block fail the test, so the guide and the test cannot drift apart.
package CorsGuide;

use strict;
use warnings FATAL => 'all';

use Exporter qw(import);
use Digest::SHA qw(sha1);
use File::Temp qw(tempdir);
use HTTP::Request ();
use LWP::UserAgent ();
use MIME::Base64 qw(encode_base64);
use Test::More import => [qw(is isnt is_deeply fail plan subtest diag
                             done_testing)];
use CorsHttpd;
use CorsTest qw(values_of vary_count cors_headers_present no_cors_ok);

our @EXPORT = qw(run_guide request preflight response_ok refused_get_ok
                 server_log decisions line_of $BASIC $FILES);
our @EXPORT_OK = qw(fenced write_site write_file write_htpasswd);

our ($USER, $PASSWORD) = ('u', 'p');
our $BASIC = 'Basic ' . encode_base64("$USER:$PASSWORD", '');

# What the test serves, under DocumentRoot and the backend's.
our $FILES = {
    'data.json'     => qq({"file": "data.json"}\n),
    'api/data.json' => qq({"file": "api/data.json"}\n),
};

my @BACKEND = ('Header always set Access-Control-Allow-Origin "*"');

sub write_file
{
    my ($file, $text) = @_;
    open my $fh, '>', $file or die "$file: $!";
    print $fh $text;
    close $fh or die "$file: $!";
}

# A password file with the user $USER, password $PASSWORD.
sub write_htpasswd
{
    write_file($_[0],
               "$USER:{SHA}" . encode_base64(sha1($PASSWORD), '') . "\n");
}

# The lines of the fenced block that starts at line I, and the line after
# its closing fence.
sub fenced
{
    my ($text, $i) = @_;
    my @lines;
    for ($i++; $i < @$text && $text->[$i] !~ /^```\s*$/; $i++) {
        push @lines, $text->[$i];
    }
    return (\@lines, $i + 1);
}

# A curl command line of the guide as [METHOD, URL, HEADER => VALUE ...],
# or an error message.
sub parse_curl
{
    my $cmd = join ' ', @_;
    $cmd =~ s/\\\s+/ /g;
    my @words;
    while ($cmd =~ /\G\s*(?:'([^']*)'|"([^"\\]*)"|([^\s'"]+))/gc) {
        push @words, $1 // $2 // $3;
    }
    return "cannot split: $cmd" if $cmd =~ /\G\s*\S/gc;
    return "not a curl command: $cmd" unless @words && shift @words eq 'curl';
    my ($method, $url, @headers) = ('GET');
    while (defined(my $w = shift @words)) {
        if ($w eq '-X') { $method = shift @words }
        elsif ($w eq '-H') {
            my ($k, $v) = (shift(@words) // '') =~ /^([^:\s]+):\s*(.*)$/
                or return "a -H without 'Name: value': $cmd";
            push @headers, $k, $v;
        }
        elsif ($w =~ /^-[si]+$/) { }
        elsif ($w =~ /^-/) { return "option $w: the test knows only -s -i -X -H" }
        elsif (defined $url) { return "two URLs: $cmd" }
        else { $url = $w }
    }
    return "no URL: $cmd" unless defined $url;
    return [$method, $url, @headers];
}

# An example exchange of the guide: a request and the response to it, in
# one unmarked ``` block (request line, headers, a blank line, status line,
# headers) or a ```sh block with a curl command and the ``` block right
# after it with the response.  Returns the exchange, or an error message.
sub parse_exchange
{
    my ($request, $response) = @_;
    my @req = @$request;
    my %x;
    if (!$response) {
        my ($method, $path) = (shift(@req) // '') =~
            m{^([A-Z]+) (/\S*) HTTP/1\.1$} or return 'no request line';
        my @headers;
        while (defined(my $l = shift @req)) {
            last if $l eq '';
            my ($k, $v) = $l =~ /^([^:\s]+):\s*(.*)$/
                or return "request header line '$l'";
            push @headers, $k, $v;
        }
        %x = (method => $method, path => $path, headers => \@headers);
        $response = \@req;
    }
    else {
        my $curl = parse_curl(@req);
        return $curl unless ref $curl;
        my ($method, $url, @headers) = @$curl;
        my ($host, $path) = $url =~ m{^https?://([^/]+)(/\S*)$}
            or return "URL $url";
        %x = (method => $method, path => $path,
              headers => [Host => $host, @headers]);
    }
    my @resp = @$response;
    ($x{status}) = (shift(@resp) // '') =~ m{^HTTP/1\.1 (\d{3}) }
        or return 'no status line';
    for my $l (@resp) {
        my ($k, $v) = $l =~ /^([^:\s]+):\s*(.*)$/
            or return "response header line '$l'";
        push @{ $x{response}{$k} }, $v;
    }
    return \%x;
}

# The guide's tested ```apache blocks, each with the example exchanges
# shown after it (before the next ```apache block), and the problems found.
sub read_guide
{
    my $guide = shift;
    open my $fh, '<', $guide or die "$guide: $!";
    chomp(my @text = <$fh>);
    close $fh;
    my $mark = qr/^<!--\s*test:\s*(\S+)\s*-->\s*$/;
    my $skip = qr/^<!--\s*not tested:\s*\S.*-->\s*$/;
    my (@blocks, @problems, $last);
    my $i = 0;
    while ($i < @text) {
        my $at = $i + 1;
        if ($text[$i] =~ $mark && ($text[$i + 1] // '') !~ /^```apache\s*$/) {
            push @problems, "line $at: marker '$1' not followed by an "
                          . '```apache block';
        }
        if ($text[$i] =~ /^```apache\s*$/) {
            my $prev = $i > 0 ? $text[$i - 1] : '';
            my $name = $prev =~ $mark ? $1 : undef;
            push @problems, "line $at: ```apache block without a "
                          . '<!-- test: NAME --> or <!-- not tested: WHY --> '
                          . 'marker'
                unless defined $name || $prev =~ $skip;
            my ($lines, $next) = fenced(\@text, $i);
            $last = defined $name ? { name => $name, line => $at,
                                      lines => $lines, exchanges => [] }
                                  : undef;
            push @blocks, $last if $last;
            $i = $next;
            next;
        }
        my ($request, $response);
        if ($text[$i] =~ /^```\s*$/ && ($text[$i + 1] // '') =~ m{^[A-Z]+ /\S* HTTP/}) {
            ($request, $i) = fenced(\@text, $i);
        }
        elsif ($text[$i] =~ /^```sh\s*$/ && ($text[$i + 1] // '') =~ /^curl\s/) {
            ($request, $i) = fenced(\@text, $i);
            $i++ while $i < @text && $text[$i] eq '';
            if (($text[$i] // '') =~ /^```\s*$/) {
                ($response, $i) = fenced(\@text, $i);
            }
            else {
                push @problems, "line $at: a curl command without the "
                              . '``` block of its response right after it';
                next;
            }
        }
        elsif ($text[$i] =~ /^```sh\s*$/ && ($text[$i + 1] // '') =~ /^export\s/) {
            # The environment the block above runs with.
            my $lines;
            ($lines, $i) = fenced(\@text, $i);
            for my $l (@$lines) {
                if (!$last) {
                    push @problems, "line $at: export after no tested block";
                }
                elsif ($l =~ /^export\s+(\w+)=(?|"([^"\\\$`]*)"|([^\s"'\$`]*))$/) {
                    $last->{env}{$1} = $2;
                }
                else {
                    push @problems, "line $at: not export NAME=VALUE: $l";
                }
            }
            next;
        }
        elsif ($text[$i] =~ /^```/) {
            (undef, $i) = fenced(\@text, $i);
            next;
        }
        else {
            $i++;
            next;
        }
        my $x = parse_exchange($request, $response);
        if (!ref $x) {
            push @problems, "line $at: example exchange: $x";
        }
        elsif (!$last) {
            push @problems, "line $at: example exchange after no tested "
                          . '```apache block';
        }
        else {
            push @{ $last->{exchanges} }, { %$x, line => $at };
        }
    }
    return (\@blocks, \@problems);
}

# Sends an example exchange's request to the site and checks that the
# response has its status and, among Access-Control-* and Vary, exactly the
# headers shown, with the values shown (another header shown must have the
# value shown).  Values the guide elides ("session=...") are sent as they
# are.
sub exchange_ok
{
    my ($s, $guide, $x) = @_;
    my $name = "$guide line $x->{line}: $x->{method} $x->{path}";
    my $res = request($s, $x->{method} => $x->{path}, @{ $x->{headers} });
    is $res->code, $x->{status}, "$name: $x->{status}";
    my %shown = %{ $x->{response} };
    for my $h (sort keys %shown) {
        is_deeply values_of($res, $h), $shown{$h},
            "$name: $h: " . join(' | ', @{ $shown{$h} });
    }
    is_deeply cors_headers_present($res),
        [sort map { lc } grep { /^access-control-/i } keys %shown],
        "$name: no other Access-Control-* header";
    is_deeply values_of($res, 'Vary'), [], "$name: no Vary"
        unless grep { lc eq 'vary' } keys %shown;
}

# The guide's names, paths and ports replaced by the test's; returns the
# lines and those that still name a path the test does not know.
sub localize
{
    my ($lines, %at) = @_;
    my @out = map {
        my $l = $_;
        $l =~ s/\*:(?:80|443|8080)\b/127.0.0.1:$at{port}/g;
        $l =~ s{127\.0\.0\.1:8000\b}{127.0.0.1:$at{backend_port}}g;
        $l =~ s{/srv/api\b}{$at{docroot}}g;
        $l =~ s{/etc/apache2/api\.htpasswd}{$at{htpasswd}}g;
        $l =~ s{/var/log/apache2/}{$at{dir}/}g;
        $l;
    } @$lines;
    my @unknown = grep { m{"/(?:etc|var|srv|usr|opt|home)/} } @out;
    return (\@out, \@unknown);
}

my @LOADS;

# The LoadModule lines of the modules the guides' blocks use, MPM first.
sub load_lines
{
    @LOADS = (mpm_line(), module_lines(qw(unixd authz_core authz_host
        authn_core authn_file auth_basic authz_user alias mime dir headers
        rewrite proxy proxy_http log_config setenvif env))) unless @LOADS;
    return @LOADS;
}

# The config of one server, written to DIR/httpd.conf: BODY (lines, the
# guide's placeholders replaced) in the layout described at the top, with
# the backend when BODY names it.  Takes dir, body, docroot, www, types,
# htpasswd and, for the site, host and backend.
sub write_site
{
    my (%o) = @_;
    my $dir = $o{dir};
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
        load_lines(),
        'LoadModule cors_module "' . cors_so() . '"',
        "TypesConfig \"$o{types}\"",
        '<Directory "/">',
        '    AllowOverride None',
        '    Require all denied',
        '</Directory>',
        "DocumentRoot \"$o{www}\"",
        "<Directory \"$o{www}\">",
        '    Require all granted',
        '</Directory>',
        ($uses_backend ? (
            '# The backend: an application server with CORS of its own.',
            "Listen 127.0.0.1:$at{backend_port}",
            "<VirtualHost 127.0.0.1:$at{backend_port}>",
            '    ServerName backend.example',
            "    DocumentRoot \"$o{www}\"",
            map({ "    $_" } @{ $o{backend} || \@BACKEND }),
            '</VirtualHost>') : ()),
        '# --- the example ---',
        @$body,
    );
    my $conf = "$dir/httpd.conf";
    write_file($conf, join '', map { "$_\n" } @conf);
    return { dir => $dir, conf => $conf, lines => \@conf, port => $at{port},
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
# it to that port, a "Host" pair replaces the site's Host.
sub request
{
    my ($s, $method, $path, @headers) = @_;
    my ($port, $host) = ($s->{port}, $s->{host});
    my @h;
    while (my ($k, $v) = splice @headers, 0, 2) {
        if ($k eq 'port') { $port = $v }
        elsif ($k eq 'Host') { $host = $v }
        else { push @h, $k, $v }
    }
    my $req = HTTP::Request->new($method => "http://127.0.0.1:$port$path");
    $req->header(Host => $host) if $host && $port == $s->{port};
    $req->header(@h) if @h;
    return $UA->request($req);
}

sub preflight
{
    my ($s, $path, $origin, $method, @headers) = @_;
    return request($s, OPTIONS => $path, Origin => $origin,
                   'Access-Control-Request-Method' => $method, @headers);
}

# The response has STATUS and each header named exactly the lines given
# (an array reference; [] for none).
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

# GET PATH from ORIGIN is served (200) without any Access-Control-* header,
# with Vary: Origin once: 3 tests.
sub refused_get_ok
{
    my ($s, $path, $origin, @headers) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $res = request($s, GET => $path, Origin => $origin, @headers);
    is $res->code, 200, "GET from $origin: 200";
    no_cors_ok($res, "GET from $origin");
}

# The lines of FILE in the site's directory, once the server has stopped.
sub server_log
{
    my ($s, $file) = @_;
    $s->{server}->stop if $s->{server};
    open my $fh, '<', "$s->{dir}/$file" or return ();
    chomp(my @lines = <$fh>);
    return @lines;
}

# The CORS0001 lines of the error log as "LEVEL MESSAGE".
sub decisions
{
    my $s = shift;
    return map { /\[cors:(\w+)\].*?(CORS0001: .*)$/ ? "$1 $2" : () }
           server_log($s, 'error_log');
}

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
    my ($tmp, $guide, $no, $b, $c) = @_;
    my $dir = sprintf '%s/%02d-%s', $tmp, $no, $b->{name};
    my %common = (docroot => "$dir/htdocs", www => "$dir/www",
                  htpasswd => "$dir/api.htpasswd",
                  types => "$dir/mime.types", host => $c->{host},
                  backend => $c->{backend});
    mkdir $_ or die "$_: $!"
        for $dir, "$dir/site", map({ $_, "$_/api" } "$dir/htdocs", "$dir/www"),
            $c->{baseline} ? "$dir/baseline" : ();
    for my $root ("$dir/htdocs", "$dir/www") {
        write_file("$root/$_", $FILES->{$_}) for keys %$FILES;
    }
    write_file($common{types}, "application/json json\n");
    write_htpasswd($common{htpasswd});
    my $config = $c->{config} || sub { @_ };
    my $site = write_site(%common, dir => "$dir/site",
                          body => [$config->(@{ $b->{lines} })]);
    my @sites = ($site);
    push @sites, write_site(%common, dir => "$dir/baseline",
                            body => [$c->{baseline}->(@{ $b->{lines} })])
        if $c->{baseline};
    local %ENV = (%ENV, %{ $b->{env} || {} }, %{ $c->{env} || {} });

    subtest "$b->{name} ($guide line $b->{line})" => sub {
        for my $s (@sites) {
            is_deeply $s->{unknown}, [],
                "$s->{conf}: every path of the guide is replaced";
            my ($status, $out, $err) = config_test($s->{conf}, $s->{dir});
            if ($s == $site && $c->{refused}) {
                isnt $status, 0, "$s->{conf}: httpd -t fails";
                $c->{refused}->("$out$err");
                next;
            }
            is $status, 0, "$s->{conf}: httpd -t exits 0";
            if ($s == $site && $c->{configtest}) {
                $c->{configtest}->("$out$err");
            }
            else {
                is "$out$err", "Syntax OK\n",
                    "$s->{conf}: httpd -t prints only \"Syntax OK\"";
            }
        }
        if ($c->{refused}) {
            # A block the guide shows being refused: not started.
            done_testing();
            return;
        }
        my @pids;
        my $ok = eval {
            for my $s (@sites) {
                $s->{server} = start_httpd($s->{conf}, $s->{dir},
                    grep { defined } $s->{port}, $s->{backend_port});
                push @pids, $s->{server}->pid;
            }
            exchange_ok($site, $guide, $_) for @{ $b->{exchanges} };
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

# run_guide(GUIDE, CHECKS): plans and runs the whole test.  GUIDE is a path
# relative to the top directory.
sub run_guide
{
    my ($guide, $checks) = @_;
    require_prerequisites($guide);
    load_lines();
    my $tmp = tempdir('mod_cors-guide-XXXXXX', TMPDIR => 1, CLEANUP => 1);

    my ($blocks, $problems) = read_guide(top_dir() . "/$guide");
    my %in_guide;
    $in_guide{ $_->{name} }++ for @$blocks;

    plan tests => 4 + @$blocks;
    is join("\n", @$problems), '',
        'every ```apache block has a marker, every example exchange parses';
    is join(' ', sort grep { !$checks->{$_} || $in_guide{$_} > 1 }
                      keys %in_guide), '',
        'every marker is unique and has a check';
    is join(' ', sort grep { !$in_guide{$_} } keys %$checks), '',
        'every check has a block in the guide';
    my $no = 0;
    for my $b (@$blocks) {
        $no++;
        if (my $c = $checks->{ $b->{name} }) {
            run_block($tmp, $guide, $no, $b, $c);
        }
        else {
            fail("$b->{name} ($guide line $b->{line}): no check");
        }
    }
    is_deeply [processes_in($tmp)], [], 'no httpd is left behind';
}

1;
