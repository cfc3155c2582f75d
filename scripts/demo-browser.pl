#!/usr/bin/perl
# Licensed under the Apache License, Version 2.0; see LICENSE.
#
# The browser half of `scripts/demo --check`: loads the demo's page in
# headless Chromium (t/lib/CorsBrowser.pm), clicks every button in page
# order, and checks what the page shows: that each output got class "ok"
# (the page's own expectation held), its key lines, and that the console
# reports a CORS block for the refused calls and no others.
#
# Usage: scripts/demo-browser.pl --page demo|fastapi --count
#        scripts/demo-browser.pl --page demo|fastapi --first N --front URL
#            --api URL [--app URL] [--log FILE]
# --count prints how many TAP lines a run prints; a run prints them
# numbered from N, without a plan (scripts/demo counts them in its own).
# --front is the page's URL, --api the API's base URL as the page spells
# it, --app the FastAPI app's own base URL. Without Chromium every line is
# a skip, unless CORS_BROWSER_REQUIRED=1, when every line fails.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/../t/lib";

use Getopt::Long ();
use JSON::PP ();
use LWP::UserAgent ();

binmode STDOUT, ':encoding(UTF-8)';

my $ALLOWED = qr/^Allowed\. HTTP 200 OK$/m;
my $BLOCKED = qr/^Blocked, as expected\. TypeError: Failed to fetch$/m;

# What each page must show, button by button in page order. "says" names
# the expected text in the TAP line; "shows" holds patterns the output
# must match (a code ref gets what was measured before the clicks).
# "blocked" lists the paths (after --api) of the calls the console must
# report as blocked by CORS policy. "app_stats": the app's /stats is read
# before the clicks (needs --app).
my %PAGES = (
    demo => {
        clicks => [
            { button => 'btn-get', says => 'X-Demo-Request-Id readable, X-Demo-Hidden null',
              shows => [$ALLOWED, qr/^X-Demo-Request-Id \(exposed\): (?!null$)\S/m,
                        qr/^X-Demo-Hidden \(not exposed\): null$/m] },
            { button => 'btn-post', says => 'the CGI got the POST, no cookie yet',
              shows => [$ALLOWED, qr/"method": "POST"/, qr/"cookie_sent": null/] },
            { button => 'btn-post', says => 'second click: the browser sent the cookie back',
              shows => [$ALLOWED, qr/"cookie_sent": "[a-z0-9]{12}"/] },
            { button => 'btn-put', says => 'the CGI got the PUT with Authorization',
              shows => [$ALLOWED, qr/"method": "PUT"/,
                        qr/"authorization": "Bearer demo-token"/] },
            { button => 'btn-refused', says => 'blocked', shows => [$BLOCKED] },
            { button => 'btn-delete', says => 'blocked', shows => [$BLOCKED] },
        ],
        blocked => ['/api/info.json', '/api/echo'],
    },
    fastapi => {
        app_stats => 1,
        clicks => [
            { button => 'btn-get', says => 'X-Served-By readable, X-Internal-Token null',
              shows => [$ALLOWED,
                        qr/^X-Served-By \(exposed by CORSExposeHeaders\): FastAPI \S+ \(Starlette \S+\)$/m,
                        qr/^X-Internal-Token \(exposed only by the app's middleware\): null$/m] },
            { button => 'btn-post', says => 'the app created the item',
              shows => [qr/^Allowed\. HTTP 201 Created$/m, qr/"created":\{"id":\d+,"name":"mug /] },
            { button => 'btn-delete', says => 'blocked', shows => [$BLOCKED] },
            { button => 'btn-stats', says => 'the app saw no preflight through httpd',
              shows => sub {
                  my $seen = shift;
                  return [$ALLOWED, qr/"preflights":\Q$seen->{preflights}\E\}/];
              } },
            { button => 'btn-direct', says => "the app's own * lets the page read it",
              shows => [$ALLOWED, qr/"served_by":"FastAPI /] },
        ],
        blocked => ['/fastapi/items/1'],
    },
);

my %opt = (first => 1, log => '/dev/null');
Getopt::Long::GetOptions(\%opt, 'page=s', 'count', 'first=i', 'front=s',
                         'api=s', 'app=s', 'log=s')
    or exit 2;
my $page = $PAGES{$opt{page} // ''} or die "--page demo or --page fastapi\n";
my @clicks = @{ $page->{clicks} };
# The button order, one line per click (output class and text), the console.
my $count = 1 + 2 * @clicks + 1;
if ($opt{count}) {
    print "$count\n";
    exit 0;
}
for (qw(front api), $page->{app_stats} ? 'app' : ()) {
    die "--$_ is needed\n" unless $opt{$_};
}

my $n = $opt{first} - 1;
my $failed = 0;

sub check
{
    my ($ok, $name, @diag) = @_;
    $n++;
    print(($ok ? 'ok' : 'not ok'), " $n - $name\n");
    return if $ok;
    $failed++;
    print map { "#   $_\n" } map { split /\n/ } @diag;
}

# Every line skipped, or failed (FAIL, or CORS_BROWSER_REQUIRED=1), for the
# same reason.
sub all_lines
{
    my ($why, $fail) = @_;
    if ($fail || $ENV{CORS_BROWSER_REQUIRED}) {
        check(0, "$opt{page} page in Chromium", $why) for 1 .. $count;
        exit 1;
    }
    print 'ok ', ++$n, " # SKIP $why\n" for 1 .. $count;
    exit 0;
}

# CorsBrowser loads Apache::Test for the browser suite's helpers.
eval { require CorsBrowser; 1 }
    or all_lines('CorsBrowser does not load; Debian: apt-get install '
                 . "libapache2-mod-perl2 ($@)");
if (my $why = CorsBrowser::unavailable()) {
    all_lines($why);
}

# What the page cannot know: the app's preflight count before the clicks.
my %seen;
if ($page->{app_stats}) {
    my $r = LWP::UserAgent->new(timeout => 10, env_proxy => 0)->get("$opt{app}/stats");
    my $stats = $r->is_success && eval { JSON::PP->new->decode($r->content) };
    $seen{preflights} = $stats ? $stats->{preflights} : 'unknown';
}

my $browser = eval { CorsBrowser->new(log => $opt{log}) }
    or all_lines("Chromium did not start: $@", 1);
print '# Chromium ', $browser->version, "\n";
$browser->visit($opt{front});
$browser->console;    # start with an empty console

my @buttons = @{ $browser->run('return Array.from(document.querySelectorAll("button"), b => b.id);') };
my @clicked;
for (@clicks) {
    push @clicked, $_->{button} unless @clicked && $clicked[-1] eq $_->{button};
}
check("@buttons" eq "@clicked", "$opt{page} page: the buttons to click are @clicked",
      "the page has: @buttons");

# Clicks BUTTON and waits for its <pre> to be filled: call() writes "…"
# at once and the outcome when fetch() settles. The <pre> is emptied
# first, so that still empty after the click means no handler ran.
my $CLICK = <<'JS';
const button = document.getElementById(arguments[0]);
const out = button.parentElement.querySelector("pre");
out.className = "";
out.textContent = "";
button.click();
if (out.textContent === "") {
  return { cls: "", text: "(nothing: the button's handler did not run)" };
}
return new Promise(resolve => {
  const start = Date.now();
  (function poll() {
    const text = out.textContent;
    if ((text !== "" && text !== "\u2026") || Date.now() - start > 15000) {
      resolve({ cls: out.className, text: text });
    } else {
      setTimeout(poll, 50);
    }
  })();
});
JS

for my $click (@clicks) {
    my $label = $browser->run('return document.getElementById(arguments[0]).textContent;',
                              $click->{button});
    my $out = $browser->run($CLICK, $click->{button});
    my $name = "$opt{page} page, $label";
    check($out->{cls} eq 'ok', "$name: the outcome the page expects (class ok)",
          "class \"$out->{cls}\"; the page shows:", $out->{text});
    my $shows = ref $click->{shows} eq 'CODE' ? $click->{shows}->(\%seen) : $click->{shows};
    my @missing = grep { $out->{text} !~ $_ } @$shows;
    check(!@missing, "$name: shows $click->{says}",
          (map { "no match for $_" } @missing), 'the page shows:', $out->{text});
}

# Chromium logs a blocked call once the fetch has failed, so by now.
my @console = $browser->console;
my @reported = sort map { /Access to fetch at '([^']+)' .*has been blocked by CORS policy/ ? $1 : () }
                        @console;
my @expected = sort map { "$opt{api}$_" } @{ $page->{blocked} };
check("@reported" eq "@expected",
      "$opt{page} page: the console reports CORS blocks for the refused calls only",
      "expected: @expected", 'the console:', @console);

exit($failed ? 1 : 0);
