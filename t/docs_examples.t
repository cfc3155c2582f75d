# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# Every ```apache example of README.md, docs/mod_cors.md and
# docs/cors-info.md is accepted by `httpd -t` with mod_cors loaded: exit 0
# and "Syntax OK" alone, so an example cannot drift from what the module
# accepts.  (The guides, docs/cookbook.md, migrating.md and troubleshooting.md,
# are run whole by t/cookbook.t, t/migrating.t and t/troubleshooting.t.)
#
# Each block goes into the config t/lib/CorsGuide.pm lays out as Debian's,
# its placeholders replaced (place() below, then localize there): every
# virtual host listens on the test's one port, and ${APACHE_LOG_DIR} is the
# block's directory, as Debian's envvars sets it.  A fragment that is no
# config by itself (an @name with no set, a ${VAR} with no variable) gets
# what it needs from %CONTEXT.  A block the docs show being refused is
# marked "<!-- not tested: WHY -->" on the line before it and is skipped.
#
# Runs under t/TEST (as an unprivileged user) or on its own:
#   MOD_CORS_SO=/path/to/.libs/mod_cors.so perl t/docs_examples.t

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd;
use CorsGuide qw(fenced write_site write_file write_htpasswd);

my @DOCS = ('README.md', 'docs/mod_cors.md', 'docs/cors-info.md');

# The README's value, from its envvars line.
my $ALLOWED_ORIGINS = 'http://localhost:3000,http://localhost:5173';

# What a block needs around it, keyed by "FILE: FIRST", FIRST being the
# block's first line that is not a comment, without the indentation; when
# blocks of FILE share it, "FILE: FIRST ... LINE" with a later line of the
# one meant.  An entry must match exactly one block.
#
#   config:  the body, from the block's lines (default: the block alone)
#   env:     variables httpd runs with, for ${VAR}
my %CONTEXT = (
    # The variable comes from envvars, shown after the block.
    'README.md: <Location "/api"> ... CORSAllowOrigin ${ALLOWED_ORIGINS}' => {
        env => { ALLOWED_ORIGINS => $ALLOWED_ORIGINS },
    },
    # The same line in the reference, which does not say where it is set.
    'docs/mod_cors.md: CORSAllowOrigin ${ALLOWED_ORIGINS}' => {
        env => { ALLOWED_ORIGINS => $ALLOWED_ORIGINS },
    },
    # @frontend needs a set of that name somewhere, or start-up fails.
    'docs/mod_cors.md: CORSAllowOrigin @frontend' => {
        config => sub {
            ('CORSOriginSet frontend https://myapp.com', @_);
        },
    },
    # The content of /srv/www/api/.htaccess, which httpd reads as a
    # <Directory> section of that directory; `httpd -t` reads no .htaccess.
    'docs/mod_cors.md: CORSEnable On' => {
        config => sub {
            ('<Directory "/srv/www/api">', (map { "    $_" } @_),
             '</Directory>');
        },
    },
);

# The docs' paths and addresses that localize (CorsGuide.pm) does not know,
# as ones it does or in DIR.
sub place
{
    my ($dir, @lines) = @_;
    return map {
        s{/srv/www/api\b}{$dir/www-api}gr
        =~ s{/etc/apache2/api\.passwd\b}{/etc/apache2/api.htpasswd}gr
        =~ s{\b192\.168\.1\.10:80\b}{*:80}gr
    } @lines;
}

# Every ```apache block of FILE: its line, lines, first line that is not a
# comment, and the reason of its "not tested" marker.
sub blocks_of
{
    my $file = shift;
    open my $fh, '<', top_dir() . "/$file" or die "$file: $!";
    chomp(my @text = <$fh>);
    close $fh;
    my @blocks;
    for (my $i = 0; $i < @text; $i++) {
        next unless $text[$i] =~ /^```apache\s*$/;
        my ($skip) = ($i > 0 ? $text[$i - 1] : '') =~
            /^<!--\s*not tested:\s*(\S.*?)\s*-->\s*$/;
        my ($lines, $next) = fenced(\@text, $i);
        my ($first) = map { s/^\s+|\s+$//gr }
                      grep { !/^\s*(?:#|$)/ } @$lines;
        push @blocks, { file => $file, line => $i + 1, lines => $lines,
                        first => $first // '', skip => $skip };
        $i = $next - 1;
    }
    return @blocks;
}

# The blocks an entry of %CONTEXT names.
sub blocks_for
{
    my ($key, @blocks) = @_;
    my ($file, $first, $line) = $key =~ /^(\S+): (.*?)(?: \.\.\. (.*))?$/
        or return ();
    return grep {
        my $b = $_;
        $b->{file} eq $file && $b->{first} eq $first
            && (!defined $line
                || grep { s/^\s+|\s+$//gr eq $line } @{ $b->{lines} })
    } @blocks;
}

sub run_block
{
    my ($tmp, $no, $b, $c) = @_;
    my $dir = sprintf '%s/%02d', $tmp, $no;
    mkdir $_ or die "$_: $!"
        for $dir, map { "$dir/$_" } qw(site www www-api htdocs htdocs/public);
    write_file("$dir/mime.types", "application/json json\n");
    write_htpasswd("$dir/api.htpasswd");
    my $config = $c->{config} || sub { @_ };
    my $s = write_site(dir => "$dir/site", docroot => "$dir/htdocs",
                       www => "$dir/www", types => "$dir/mime.types",
                       htpasswd => "$dir/api.htpasswd",
                       body => [place($dir, $config->(@{ $b->{lines} }))]);

    local %ENV = (%ENV, APACHE_LOG_DIR => $s->{dir}, %{ $c->{env} || {} });
    my ($status, $out, $err) = config_test($s->{conf}, $s->{dir});
    my $name = "$b->{file} line $b->{line}";
    subtest $name => sub {
        is_deeply $s->{unknown}, [],
            "$name: every path of the docs is replaced";
        is $status, 0, "$name: httpd -t exits 0";
        is "$out$err", "Syntax OK\n",
            "$name: httpd -t prints only \"Syntax OK\"";
        done_testing();
    } or do {
        my $i = 0;
        diag("$s->{conf}:");
        diag(sprintf '%3d  %s', ++$i, $_) for @{ $s->{lines} };
    };
}

require_prerequisites('docs examples');
my @blocks = map { blocks_of($_) } @DOCS;
my $tmp = tempdir('mod_cors-docs-XXXXXX', TMPDIR => 1, CLEANUP => 1);

plan tests => 2 + @blocks;
is join(' ', grep { my $f = $_; !grep { $_->{file} eq $f } @blocks } @DOCS),
    '', 'every doc has ```apache blocks (' . @blocks . ' in all)';
is join("\n", map { my @m = blocks_for($_, @blocks);
                    @m == 1 ? () : "$_: matches " . @m . ' blocks' }
              sort keys %CONTEXT), '',
    'every entry of %CONTEXT matches exactly one block';

my %context;
for my $key (keys %CONTEXT) {
    $context{$_} = $CONTEXT{$key} for blocks_for($key, @blocks);
}
my $no = 0;
for my $b (@blocks) {
    $no++;
    if (defined $b->{skip}) {
        SKIP: { skip "$b->{file} line $b->{line}: not tested: $b->{skip}", 1 }
        next;
    }
    run_block($tmp, $no, $b, $context{$b} || {});
}
