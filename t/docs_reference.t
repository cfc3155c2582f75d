# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# docs/mod_cors.md against the command table of mod_cors.c: every directive
# has a section in the httpd manual's form (Description, Syntax, Default,
# Context, Override when .htaccess may use it, Status, Module, text and an
# example), its Context and Override rows say what the table allows, a FLAG
# is documented as On|Off, and the Directives list and README's table name
# every directive.  Needs no server.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd qw(top_dir slurp);

my $src  = slurp(top_dir() . '/mod_cors.c');
my $doc  = slurp(top_dir() . '/docs/mod_cors.md');
my $read = slurp(top_dir() . '/README.md');

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

plan tests => 2 + 12 * @cmds;

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
