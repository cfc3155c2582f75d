# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# docs/mod_cors.md against the command table of mod_cors.c: every directive
# has a section in the httpd manual's form (Description, Syntax, Default,
# Context, Override when .htaccess may use it, Status, Module, text and an
# example), its Context and Override rows say what the table allows, a FLAG
# is documented as On|Off, and the Directives list and README's table name
# every directive.
#
# A Default row of one value (`CORSPreflightStatus 204`) is checked against
# what the module itself reports: the cors-info page of a URL that no CORS
# directive applies to (in <VirtualHost info_explain> of
# t/conf/info.conf.in) gives every setting as "VALUE (default)".  Rows in
# words ("none", "header not sent") are not compared.  conf/cors.conf, which
# the Debian package installs, must show each directive valid in server
# config as a commented line, at the documented default when there is one.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd qw(top_dir slurp);

my $src  = slurp(top_dir() . '/mod_cors.c');
my $doc  = slurp(top_dir() . '/docs/mod_cors.md');
my $read = slurp(top_dir() . '/README.md');
my $conf = slurp(top_dir() . '/conf/cors.conf');

my %macro;
while ($src =~ /^#define\s+(SVDH?)\s+\(([^)]*)\)/mg) {
    $macro{$1} = $2;
}
my @cmds;
while ($src =~ /AP_INIT_(\w+)\("(\w+)",\s*\w+,\s*[^,]+,\s*([A-Z_|() ]+?),/g) {
    my ($type, $name, $ctx) = ($1, $2, $3);
    $ctx = $macro{$ctx} if $macro{$ctx};
    push @cmds, { type => $type, name => $name, ctx => $ctx };
}

# The sections of the reference: NAME => { rows => {...}, body => TEXT }.
my %sec;
for my $part (split /^(?=## )/m, $doc) {
    next unless $part =~ /^## (CORS\w+)\s*\n(.*)\z/s;
    my ($name, $body) = ($1, $2);
    my %rows;
    $rows{$1} = $2 =~ s/\s+$//r
        while $body =~ /^\|\s*\*\*([\w ]+):\*\*\s*\|\s*(.*?)\s*\|\s*$/mg;
    $sec{$name} = { rows => \%rows, body => $body };
}

# NAME => VALUE for the Default rows of one value.
my %default = map {
    my $d = ($sec{$_->{name}} || { rows => {} })->{rows}{Default} // '';
    $d =~ /^`\Q$_->{name}\E (\S+)`$/ ? ($_->{name} => $1) : ()
} @cmds;
my @server = grep { $_->{ctx} =~ /RSRC_CONF/ } @cmds;

plan tests => 2 + 12 * @cmds + 2 + keys(%default) + @server
              + grep { exists $default{$_->{name}} } @server;

ok @cmds >= 10, 'the command table of mod_cors.c was read (' . @cmds . ')';
is join(' ', sort grep { my $n = $_; !grep { $_->{name} eq $n } @cmds }
                  keys %sec), '',
    'every directive section of mod_cors.md is a directive of mod_cors.c';

for my $c (@cmds) {
    my $n = $c->{name};
    my $s = $sec{$n} || { rows => {}, body => '' };
    my $r = $s->{rows};
    ok $sec{$n}, "$n: has a section";
    like $r->{Description} // '', qr/\S/, "$n: Description";
    like $r->{Syntax} // '', qr/^`\Q$n\E /, "$n: Syntax names it";
    like $r->{Syntax} // '', qr/On\\\|Off`$/, "$n: Syntax On|Off"
        if $c->{type} eq 'FLAG';
    unlike $r->{Syntax} // '', qr/On\\\|Off`$/, "$n: Syntax not a flag"
        unless $c->{type} eq 'FLAG';
    like $r->{Default} // '', qr/\S/, "$n: Default";
    my $htaccess = $c->{ctx} =~ /OR_FILEINFO/;
    my $want = $c->{ctx} =~ /ACCESS_CONF/
        ? 'server config, virtual host, directory' . ($htaccess ? ', .htaccess' : '')
        : 'server config, virtual host';
    is $r->{Context}, $want, "$n: Context";
    is $r->{Override}, $htaccess ? 'FileInfo' : undef, "$n: Override";
    is $r->{Status}, 'Extension', "$n: Status";
    is $r->{Module}, 'mod_cors', "$n: Module";
    like $s->{body}, qr/^```apache\s*$/m, "$n: an example";
    like $doc, qr/^- \[\Q$n\E\]\(#\L$n\E\)$/m, "$n: in the Directives list";
    like $read, qr/^\| \[`\Q$n\E`\]\(docs\/mod_cors\.md#\L$n\E\) \|/m,
        "$n: in README's table";
}

# The module's own defaults, from cors-info.
Apache::TestRequest::module('info_explain');
my $res = GET '/cors-info?format=text&url=/docs-reference/defaults'
            . '&origin=https%3A%2F%2Fapp.example.com';
is $res->code, 200, 'cors-info of a URL without CORS directives: 200';
my %reported = $res->content =~ /^(CORS\w+): (.*) \(default\)$/mg;
cmp_ok scalar(keys %default), '>=', 8,
    'Default rows of one value: ' . join(' ', sort keys %default);
for my $n (sort keys %default) {
    is $reported{$n}, $default{$n},
        "$n: the documented default is the one cors-info reports";
}

for my $c (@server) {
    my $n = $c->{name};
    like $conf, qr/^[ \t]*#\Q$n\E\s/m, "$n: in conf/cors.conf";
    like $conf, qr/^[ \t]*#\Q$n $default{$n}\E[ \t]*$/m,
        "$n: conf/cors.conf shows the default, $default{$n}"
        if exists $default{$n};
}
