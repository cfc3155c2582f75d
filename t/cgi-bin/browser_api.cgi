#!/usr/bin/perl
# The API of the browser suite (t/browser/*.t): answers with JSON that
# shows what the request carried.  Query parameters:
#   status=NNN   answer with that status
#   cookie=set   set the cookie cors_session=s3cr3t
# Every answer carries X-Request-Id (exposed by mod_cors in
# t/conf/browser.conf.in) and X-Internal (not exposed).
use strict;
use warnings;

my %q = map { /^([^=]*)=?(.*)$/ ? ($1, $2) : () }
        split /&/, $ENV{QUERY_STRING} // '';
my $body = '';
read STDIN, $body, $ENV{CONTENT_LENGTH} if $ENV{CONTENT_LENGTH};

sub json_string
{
    my $s = shift;
    return 'null' unless defined $s;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/([\x00-\x1f])/sprintf '\\u%04x', ord $1/ge;
    return qq{"$s"};
}

my %seen = (
    method        => $ENV{REQUEST_METHOD},
    origin        => $ENV{HTTP_ORIGIN},
    authorization => $ENV{HTTP_AUTHORIZATION},
    cookie        => $ENV{HTTP_COOKIE},
    content_type  => $ENV{CONTENT_TYPE},
    body          => $body,
);
my $status = ($q{status} // '') =~ /^([1-5][0-9][0-9])$/ ? $1 : 200;

print "Status: $status\r\n";
print "Content-Type: application/json\r\n";
print "X-Request-Id: req-", ($q{t} // 'none'), "\r\n";
print "X-Internal: hidden\r\n";
print "Set-Cookie: cors_session=s3cr3t; Path=/; SameSite=Lax\r\n"
    if ($q{cookie} // '') eq 'set';
print "\r\n";
print '{', join(',', map { json_string($_) . ':' . json_string($seen{$_}) }
                     sort keys %seen), "}\n";
