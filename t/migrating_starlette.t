# The CORSMiddleware block of docs/migrating.md, run with Debian's FastAPI
# and Starlette (python3-fastapi), and what the guide says Starlette does
# with it: a failed preflight is a 400 that still carries most of the
# Access-Control-* headers (and the origin, when only the method or a header
# was refused), a successful one a 200 "OK", and ordinary responses to a
# refused origin keep Allow-Credentials.  No httpd: the application is
# called through ASGI in one Python process.
use strict;
use warnings FATAL => 'all';

use Test::More;
use File::Temp qw(tempfile);
use JSON::PP ();
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsHttpd qw(top_dir skip_unless_ci slurp);

my $GUIDE = top_dir() . '/docs/migrating.md';

# Debian's packages are installed for /usr/bin/python3; a python3 that comes
# first on the PATH (pyenv, a virtualenv) may not see them.
my ($PY) = grep { -x $_ && system("'$_' -c 'from fastapi import FastAPI' "
                                  . '>/dev/null 2>&1') == 0 }
           '/usr/bin/python3', map { "$_/python3" } split /:/, $ENV{PATH};
skip_unless_ci('FastAPI is not importable (Debian: apt-get install '
               . 'python3-fastapi; scripts/test installs it as root)')
    unless $PY;

my ($block) = slurp($GUIDE) =~ /```python\n(from fastapi\.middleware\.cors import CORSMiddleware\n.*?)```/s
    or BAIL_OUT("no CORSMiddleware block in $GUIDE");

# The guide's block, after an application with one route; each request is
# sent through the whole ASGI stack and its answer printed as JSON.
my $driver = <<'PY';
import asyncio, json, sys
from fastapi import FastAPI

app = FastAPI()

@app.get("/items")
def items():
    return {"items": []}

exec(sys.stdin.read())

async def call(method, headers):
    scope = {"type": "http", "asgi": {"version": "3.0"},
             "http_version": "1.1", "method": method, "scheme": "https",
             "path": "/items", "raw_path": b"/items", "query_string": b"",
             "root_path": "", "server": ("api.example.com", 443),
             "client": ("127.0.0.1", 40000),
             "headers": [(k.lower().encode(), v.encode())
                         for k, v in headers]}
    sent = {"status": None, "headers": [], "body": b""}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["headers"] = [[k.decode().lower(), v.decode()]
                               for k, v in message["headers"]]
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return {"status": sent["status"], "headers": sent["headers"],
            "body": sent["body"].decode("utf-8", "replace")}

cases = json.loads(sys.argv[1])
print(json.dumps([asyncio.run(call(c[0], c[1])) for c in cases]))
PY

my $APP = 'https://app.example.com';
my $PR  = 'https://pr-12.preview.example.com';
my $EVIL = 'https://evil.example';
my @cases = (
    ['OPTIONS', [[Origin => $EVIL], ['Access-Control-Request-Method' => 'PUT']]],
    ['OPTIONS', [[Origin => $APP], ['Access-Control-Request-Method' => 'PATCH']]],
    ['OPTIONS', [[Origin => $APP], ['Access-Control-Request-Method' => 'PUT'],
                 ['Access-Control-Request-Headers' => 'content-type']]],
    ['OPTIONS', [[Origin => $PR], ['Access-Control-Request-Method' => 'PUT']]],
    ['GET', [[Origin => $EVIL]]],
    ['GET', [[Origin => $APP]]],
);

my ($tfh, $tfile) = tempfile(UNLINK => 1);
print $tfh $block;
close $tfh;
my ($dfh, $dfile) = tempfile(SUFFIX => '.py', UNLINK => 1);
print $dfh $driver;
close $dfh;
# Python's warnings go to a file of their own: stdout is the JSON.
my (undef, $efile) = tempfile(UNLINK => 1);
my $json = JSON::PP->new->utf8->encode(\@cases);
my $out = qx{"$PY" "$dfile" '$json' < "$tfile" 2>"$efile"};
is($?, 0, 'the guide\'s CORSMiddleware block runs')
    or diag($out . slurp($efile));
my $r = eval { JSON::PP->new->utf8->decode($out) } || [];

sub header
{
    my ($res, $name) = @_;
    my @v = map { $_->[1] } grep { $_->[0] eq lc $name } @{$res->{headers}};
    return @v ? join(', ', @v) : undef;
}

# A preflight from an origin it does not allow: 400, yet most headers.
is($r->[0]{status}, 400, 'refused origin, preflight: 400');
is($r->[0]{body}, 'Disallowed CORS origin', '... body names the origin');
ok(!defined header($r->[0], 'Access-Control-Allow-Origin'), '... no ACAO');
is(header($r->[0], 'Access-Control-Allow-Methods'), 'GET, POST, PUT, DELETE',
   '... but Allow-Methods');
is(header($r->[0], 'Access-Control-Max-Age'), '600', '... and Max-Age');
is(header($r->[0], 'Access-Control-Allow-Credentials'), 'true',
   '... and Allow-Credentials');
like(header($r->[0], 'Vary') // '', qr/\bOrigin\b/, '... and Vary: Origin');
ok(defined header($r->[0], 'Access-Control-Allow-Headers'),
   '... and Allow-Headers');

# An allowed origin asking for a method that is not allowed: the origin
# is echoed on the 400.
is($r->[1]{status}, 400, 'allowed origin, refused method: 400');
is($r->[1]{body}, 'Disallowed CORS method', '... body names the method');
is(header($r->[1], 'Access-Control-Allow-Origin'), $APP, '... ACAO echoed');

# A successful preflight: 200 "OK"; the regex is matched too.
is($r->[2]{status}, 200, 'allowed preflight: 200');
is($r->[2]{body}, 'OK', '... body OK');
is(header($r->[2], 'Access-Control-Allow-Origin'), $APP, '... ACAO');
is($r->[3]{status}, 200, 'preflight from the allow_origin_regex: 200');

# Ordinary responses: a refused origin still gets Allow-Credentials and
# Expose-Headers, no ACAO.
is($r->[4]{status}, 200, 'refused origin, GET: 200');
ok(!defined header($r->[4], 'Access-Control-Allow-Origin'), '... no ACAO');
is(header($r->[4], 'Access-Control-Allow-Credentials'), 'true',
   '... but Allow-Credentials');
is(header($r->[4], 'Access-Control-Expose-Headers'), 'X-Request-Id',
   '... and Expose-Headers');
is(header($r->[5], 'Access-Control-Allow-Origin'), $APP,
   'allowed origin, GET: ACAO');

done_testing();
