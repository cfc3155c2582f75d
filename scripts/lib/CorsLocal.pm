# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# CorsLocal: what the scripts that start their own httpd outside
# Apache::Test share (bench/cors-bench.pl, tests/soak/soak.pl): where the
# httpd binary and its modules are, LoadModule lines, the module under test,
# the unprivileged user to run httpd as when started by root, and reading
# and writing whole files.
package CorsLocal;

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter qw(import);
use File::Basename qw(dirname);
use File::Spec;
use IO::Socket::INET ();

our @EXPORT_OK = qw(which httpd_binary load_module module_under_test
                    unprivileged_ids document_root free_port slurp
                    tail_of write_file write_text);

my $TOP = dirname(dirname(dirname(abs_path(__FILE__))));

# The executable NAME on the PATH or in the usual sbin directories.
sub which
{
    my $name = shift;
    for my $d (File::Spec->path, '/usr/sbin', '/usr/local/sbin') {
        my $f = "$d/$name";
        return $f if -f $f && -x _;
    }
    return undef;
}

sub apxs_query
{
    my ($apxs, $key) = @_;
    return undef unless $apxs;
    chomp(my $v = qx{"$apxs" -q $key 2>/dev/null} // '');
    return $? == 0 && length $v ? $v : undef;
}

my $APXS = $ENV{APXS} || which('apxs') || which('apxs2');
my ($HTTPD, @MODDIRS, %BUILTIN);

# APACHE_TEST_HTTPD, else apxs's SBINDIR/TARGET, else apache2 or httpd on
# the PATH; dies when there is none.
sub httpd_binary
{
    return $HTTPD if $HTTPD;
    $HTTPD = $ENV{APACHE_TEST_HTTPD};
    unless ($HTTPD && -x $HTTPD) {
        my ($sbin, $target) = map { apxs_query($APXS, $_) } qw(SBINDIR TARGET);
        $HTTPD = $sbin && $target ? "$sbin/$target"
                                  : which('apache2') || which('httpd');
    }
    die "httpd not found: set APACHE_TEST_HTTPD or APXS\n"
        unless $HTTPD && -x $HTTPD;
    @MODDIRS = grep { defined && -d } (apxs_query($APXS, 'LIBEXECDIR'),
        '/usr/lib/apache2/modules', '/usr/lib64/httpd/modules',
        '/usr/lib/httpd/modules', '/usr/local/apache2/modules');
    %BUILTIN = map { /^\s*(\S+)\.c\s*$/ ? ($1 => 1) : () } qx{"$HTTPD" -l};
    return $HTTPD;
}

# `LoadModule` for mod_NAME, or '' when httpd has it compiled in.
sub load_module
{
    my ($name) = @_;
    httpd_binary();
    return '' if $BUILTIN{"mod_$name"} || ($name =~ /^mpm_(\w+)/ && $BUILTIN{$1});
    for my $d (@MODDIRS) {
        return qq{LoadModule ${name}_module "$d/mod_$name.so"\n}
            if -f "$d/mod_$name.so";
    }
    die "mod_$name.so not found in @MODDIRS\n";
}

# MOD_CORS_SO, else the build tree's .libs/mod_cors.so; dies when missing.
sub module_under_test
{
    my $so = abs_path($ENV{MOD_CORS_SO} || "$TOP/.libs/mod_cors.so");
    die "the module is not built: "
        . ($so // $ENV{MOD_CORS_SO} // "$TOP/.libs/mod_cors.so")
        . " is missing (run make)\n" unless $so && -f $so;
    return $so;
}

# (uid, gid) of the user httpd runs as when root starts it (scripts/lib.sh's
# cors_test_user); dies when there is none.
sub unprivileged_ids
{
    my $ids = qx{bash -c '. "\$1" && cors_test_user' corslocal "$TOP/scripts/lib.sh"};
    my ($uid, $gid) = $ids =~ /^(\d+) (\d+)/
        or die "no unprivileged user to run httpd as\n";
    return ($uid, $gid);
}

# The config lines that serve DIR as Debian's apache2.conf would: access
# to "/" denied, DIR granted.
sub document_root
{
    my $dir = shift;
    return join '', map { "$_\n" }
        "DocumentRoot \"$dir\"",
        '<Directory "/">',
        '    AllowOverride None',
        '    Require all denied',
        '</Directory>',
        "<Directory \"$dir\">",
        '    Require all granted',
        '</Directory>';
}

# A free TCP port on 127.0.0.1, none of TAKEN.
sub free_port
{
    my %taken = map { $_ => 1 } @_;
    for (1 .. 50) {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                      Proto => 'tcp', Listen => 1) or next;
        my $p = $s->sockport;
        close $s;
        return $p unless $taken{$p}++;
    }
    die "no free port\n";
}

# The last N lines of FILE, for an error message.
sub tail_of
{
    my ($file, $n) = @_;
    my @l = split /\n/, slurp($file);
    return join("\n", @l > $n ? @l[-$n .. -1] : @l) . "\n";
}

# FILE's bytes, or '' when it cannot be read.
sub slurp
{
    open my $fh, '<:raw', $_[0] or return '';
    local $/;
    return scalar(<$fh>) // '';
}

sub write_through
{
    my ($file, $layer, @content) = @_;
    open my $fh, ">$layer", $file or die "$file: $!\n";
    print $fh @content;
    close $fh or die "$file: $!\n";
}

# Writes CONTENT, byte strings, to FILE as they are: soak.pl's exchange log
# holds what went over the wire, which need not be UTF-8.
sub write_file
{
    my ($file, @content) = @_;
    write_through($file, ':raw', @content);
}

# Writes CONTENT, character strings, to FILE in UTF-8: the text of
# cors-bench.pl (under `use utf8`), whose performance.md has dashes, minus
# signs and ellipses outside ASCII.
sub write_text
{
    my ($file, @content) = @_;
    write_through($file, ':encoding(UTF-8)', @content);
}

1;
