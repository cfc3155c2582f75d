#!/usr/bin/perl
# scripts/demo's API endpoint: answers GET, POST and PUT with a JSON echo of
# what arrived, and hands out a session cookie so that a credentialed request
# can show it coming back.
use strict;
use warnings;

sub json_string {
    my ($s) = @_;
    return 'null' unless defined $s;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/([\x00-\x1f])/sprintf('\\u%04x', ord $1)/ge;
    return qq("$s");
}

my $method = $ENV{REQUEST_METHOD} || 'GET';
my $length = $ENV{CONTENT_LENGTH} || 0;
$length = 4096 if $length > 4096;
my $body = '';
read(STDIN, $body, $length) if $length > 0;

my ($session) = ($ENV{HTTP_COOKIE} || '') =~ /(?:^|;\s*)demo_session=([A-Za-z0-9]+)/;

print "Content-Type: application/json\r\n";
print "Cache-Control: no-store\r\n";
if (!$session && $method ne 'GET') {
    my $new = join '', map { ('a'..'z', 0..9)[rand 36] } 1..12;
    print "Set-Cookie: demo_session=$new; Path=/; HttpOnly; SameSite=Lax\r\n";
}
print "\r\n";

my @fields = (
    method        => $method,
    content_type  => $ENV{CONTENT_TYPE},
    authorization => $ENV{HTTP_AUTHORIZATION},
    cookie_sent   => $session,
    origin        => $ENV{HTTP_ORIGIN},
    body          => $body,
);
my @out;
while (my ($k, $v) = splice @fields, 0, 2) {
    push @out, '  ' . json_string($k) . ': ' . json_string($v);
}
print "{\n", join(",\n", @out), "\n}\n";
