# A hostile server cannot drive the terminal through cors-probe: response
# header names and values with escape sequences (ESC, BEL, the 8-bit CSI
# 0x9b) from t/cgi-bin/nph-probe_escape.cgi, on <VirtualHost probe_recipe>
# of t/conf/probe.conf.in, are printed as \xNN.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/../lib";

use Apache::Test qw(-withtestmore);
use CorsProbe;

CorsProbe::require_binary();
plan tests => 8;

my $tag = CorsProbe::tag('escape');
my $url = CorsProbe::url_of('probe_recipe', "/escape/echo?t=$tag");
for my $all (0, 1) {
    my $r = CorsProbe::run('--origin', 'https://app.example.com',
                           $all ? ('--all-headers') : (), $url);
    my $name = $all ? 'with --all-headers' : 'CORS headers only';
    is($r->{status}, 0, "$name: allowed (Chromium reads the response too)")
        or diag($r->{out}, $r->{err});
    unlike($r->{out}, qr/[\x00-\x09\x0b-\x1f\x7f-\xff]/,
           "$name: no control byte or byte over 0x7e is printed");
    like($r->{out}, qr/^< Access-Control-\\x1b\[2J\\x1b\]0;owned\\x07X: 1$/m,
         "$name: the header name escaped");
    next if $all;
    like($r->{out}, qr/^< Access-Control-Note: \\x1b\[31mred\\x1b\[0m$/m,
         "$name: the value escaped");
    like($r->{out}, qr/^< Access-Control-\\x9bc: 8-bit CSI$/m,
         "$name: the 8-bit CSI escaped");
}
