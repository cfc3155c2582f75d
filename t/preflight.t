# Preflight requests: success, failure, Access-Control-Request-Headers
# parsing and limits, "*" lists, max age, private network access.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET OPTIONS);
use FindBin;
use lib "$FindBin::Bin/lib";
use CorsTest;

plan tests => 131;

my $url    = '/core/data.json';
my $origin = 'http://localhost:3000';

sub preflight { send_preflight($url, $origin, @_) }

# A failed preflight: 403, text/plain, no ACA* at all, Vary: *.
sub refused {
    my ($res, $what) = @_;
    preflight_refused_ok($res, $what);
    is vary_count($res, '*'), 1, "$what: Vary: *";
}

# --- success
Apache::TestRequest::module('core_preflight');
{
    my $res = preflight('PUT',
        'Access-Control-Request-Headers' => 'x-requested-with');
    is $res->code, 204, 'success: 204';
    is $res->content, '', 'success: empty body';
    is_deeply [$res->header('Access-Control-Allow-Origin')], [$origin],
        'success: exactly one ACAO, the origin';
    is $res->header('Access-Control-Allow-Methods'), 'PUT, PATCH',
        'success: ACAM is the configured list';
    is $res->header('Access-Control-Allow-Headers'),
        'Content-Type, Authorization, X-Requested-With',
        'success: ACAH is the configured list';
    is $res->header('Vary'), '*', 'success: Vary: *, alone';
    ok !defined $res->header('Access-Control-Allow-Credentials'),
        'success: no ACAC without credentials';
    ok !defined $res->header('Access-Control-Max-Age'),
        'success: no Max-Age unless configured';
    ok !defined $res->header('Access-Control-Expose-Headers'),
        'success: no ACEH on a preflight';

    $res = preflight('PATCH');
    is $res->code, 204, 'no headers requested: 204';
    ok !defined $res->header('Access-Control-Allow-Headers'),
        'no headers requested: no ACAH';
    is $res->header('Access-Control-Allow-Methods'), 'PUT, PATCH',
        'no headers requested: ACAM';

    # Answered before the handler: a missing file does not matter.
    $res = send_preflight('/core/no-such-file.json', $origin, 'PUT');
    is $res->code, 204, 'preflight to a missing file: 204';
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'preflight to a missing file: ACAO';

    # Safelisted methods always pass, whatever CORSAllowMethods says.
    for my $m (qw(GET HEAD POST)) {
        my $r = preflight($m);
        is $r->code, 204, "safelisted $m: 204";
        is $r->header('Access-Control-Allow-Origin'), $origin,
            "safelisted $m: ACAO";
    }

    # The classic preflighted POST: JSON body and Authorization.
    $res = preflight('POST',
        'Access-Control-Request-Headers' => 'authorization,content-type');
    is $res->code, 204, 'POST json+auth: 204';
    my %acah = map { lc($_) => 1 } split /\s*,\s*/,
        $res->header('Access-Control-Allow-Headers') // '';
    ok $acah{'content-type'} && $acah{authorization},
        'POST json+auth: ACAH covers content-type and authorization';
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'POST json+auth: ACAO';

    # --- failures
    refused(send_preflight($url, 'https://evil.example.com', 'PUT'),
            'origin not allowed');
    refused(preflight('DELETE'), 'method not allowed');
    refused(preflight('PUT', 'Access-Control-Request-Headers' => 'x-other'),
            'header not allowed');
    refused(preflight('PUT', 'Access-Control-Request-Headers' =>
                      'content-type, x-other'),
            'one of two headers not allowed');
    $res = preflight('DELETE');
    ok length($res->content) > 0 && length($res->content) < 1024,
        'failure: short body';
    unlike $res->content, qr/<html/i, 'failure: body is not an HTML page';

    # --- Access-Control-Request-Headers parsing
    $res = preflight('PUT', 'Access-Control-Request-Headers' =>
                     ' Content-Type ,, AUTHORIZATION ,x-Requested-WITH, ');
    is $res->code, 204, 'ACRH: whitespace, case, empty items -> 204';
    $res = preflight('PUT', 'Access-Control-Request-Headers' => ',');
    is $res->code, 204, 'ACRH: only empty items -> 204';
    $res = preflight('PUT', 'Access-Control-Request-Headers' =>
                     ['content-type', 'authorization']);
    is $res->code, 204, 'ACRH: two header lines -> 204';
    refused(preflight('PUT', 'Access-Control-Request-Headers' =>
                      ['content-type', 'x-other']),
            'ACRH: two header lines, second not allowed');
    refused(preflight('PUT', 'Access-Control-Request-Headers' =>
                      'content-type x-other'),
            'ACRH: a space inside a name');
}

# --- no implicit Content-Type
Apache::TestRequest::module('core_preflight_noct');
{
    my $res = preflight('POST', 'Access-Control-Request-Headers' => 'authorization');
    is $res->code, 204, 'noct: authorization alone -> 204';
    is $res->header('Access-Control-Allow-Headers'), 'Authorization',
        'noct: ACAH';
    refused(preflight('POST', 'Access-Control-Request-Headers' =>
                      'content-type,authorization'),
            'noct: content-type not listed');
    refused(preflight('POST', 'Access-Control-Request-Headers' => 'content-type'),
            'noct: content-type alone not listed');
}

# --- OPTIONS that is not a preflight goes to the handler
Apache::TestRequest::module('core_preflight');
{
    my $res = OPTIONS $url, Origin => $origin;
    is $res->code, 200, 'OPTIONS without ACRM: the handler answers 200';
    ok defined $res->header('Allow'), 'OPTIONS without ACRM: handler Allow header';
    ok !defined $res->header('Access-Control-Allow-Methods'),
        'OPTIONS without ACRM: no ACAM';
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'OPTIONS without ACRM: an actual request, ACAO';

    $res = OPTIONS $url, Origin => $origin, 'Access-Control-Request-Method' => '';
    is $res->code, 200, 'OPTIONS with empty ACRM: the handler answers 200';
    ok !defined $res->header('Access-Control-Allow-Methods'),
        'OPTIONS with empty ACRM: no ACAM';

    $res = OPTIONS $url, 'Access-Control-Request-Method' => 'PUT';
    is $res->code, 200, 'OPTIONS without Origin: the handler answers 200';
    is_deeply allow_headers_present($res), [],
        'OPTIONS without Origin: no ACA*';
}

# --- CORSPreflightStatus 200
Apache::TestRequest::module('core_preflight_status');
{
    my $res = preflight('PUT');
    is $res->code, 200, 'status 200: 200';
    is $res->content, '', 'status 200: empty body';
    is $res->header('Access-Control-Allow-Origin'), $origin, 'status 200: ACAO';
    is $res->header('Access-Control-Allow-Methods'), 'PUT', 'status 200: ACAM';
    refused(preflight('DELETE'), 'status 200: refusal still 403');
}

# --- limits on Access-Control-Request-Headers (CORSAllowHeaders *)
Apache::TestRequest::module('core_preflight_any');
{
    my @names = map { "x-h$_" } 1 .. 65;
    my $res = preflight('PUT', 'Access-Control-Request-Headers' =>
                        join(',', @names[0 .. 63]));
    is $res->code, 204, '64 names: 204';
    refused(preflight('PUT', 'Access-Control-Request-Headers' => join(',', @names)),
            '65 names');
    $res = preflight('PUT', 'Access-Control-Request-Headers' =>
                     join(', ,', @names[0 .. 63]));
    is $res->code, 204, '64 names and 63 empty items: 204 (empty items ignored)';
    refused(preflight('PUT', 'Access-Control-Request-Headers' =>
                      join(',', ('x-same') x 65)),
            '65 names, repeats counted');
    refused(preflight('PUT', 'Access-Control-Request-Headers' =>
                      [join(',', @names[0 .. 39]), join(',', @names[40 .. 64])]),
            '65 names over two header lines');

    # exactly 4096 bytes (32 names of 127 bytes and 31 commas + 1 byte)
    my @long = map { sprintf 'x-%03d-', $_ } 1 .. 32;
    $_ .= 'a' x (127 - length $_) for @long;
    my $value = join ',', @long;
    $value .= 'b' x (4096 - length $value);
    is length($value), 4096, 'built a 4096-byte value';
    $res = preflight('PUT', 'Access-Control-Request-Headers' => $value);
    is $res->code, 204, '4096 bytes: 204';
    refused(preflight('PUT', 'Access-Control-Request-Headers' => $value . 'c'),
            '4097 bytes');

    # "*" echoes the requested method and names
    $res = preflight('PURGE', 'Access-Control-Request-Headers' =>
                     'X-Custom-One, Authorization');
    is $res->code, 204, 'any: PURGE with custom headers -> 204';
    is $res->header('Access-Control-Allow-Methods'), 'PURGE',
        'any: ACAM echoes the method';
    is $res->header('Access-Control-Allow-Headers'), 'x-custom-one, authorization',
        'any: ACAH echoes the names, lower case';
    ok !defined $res->header('Access-Control-Allow-Credentials'), 'any: no ACAC';
    $res = preflight('DELETE');
    is $res->code, 204, 'any: DELETE -> 204';
    is $res->header('Access-Control-Allow-Methods'), 'DELETE', 'any: ACAM DELETE';
    ok !defined $res->header('Access-Control-Allow-Headers'),
        'any: no ACAH when none requested';
    refused(send_preflight($url, 'https://evil.example.com', 'PUT'),
            'any lists: origin still checked');
}

Apache::TestRequest::module('core_preflight_anycred');
{
    my $res = preflight('PUT', 'Access-Control-Request-Headers' =>
                        'authorization,x-custom-one');
    is $res->code, 204, 'any+credentials: 204';
    is $res->header('Access-Control-Allow-Origin'), $origin,
        'any+credentials: ACAO is the origin';
    is $res->header('Access-Control-Allow-Credentials'), 'true',
        'any+credentials: ACAC true';
    is $res->header('Access-Control-Allow-Methods'), 'PUT',
        'any+credentials: ACAM echoes the method, not *';
    is $res->header('Access-Control-Allow-Headers'), 'authorization, x-custom-one',
        'any+credentials: ACAH echoes the names (Authorization too), not *';
}

# --- CORSMaxAge
Apache::TestRequest::module('core_preflight_maxage');
{
    my $res = preflight('PUT');
    is $res->code, 204, 'max age: 204';
    is $res->header('Access-Control-Max-Age'), '600', 'max age: 600';
    $res = GET $url, Origin => $origin;
    ok !defined $res->header('Access-Control-Max-Age'),
        'max age: not on an actual request';
    $res = preflight('DELETE');
    refused($res, 'max age: refusal');
    ok !defined $res->header('Access-Control-Max-Age'), 'max age: not on a refusal';
    $res = send_preflight('/core/items.json', $origin, 'PUT');
    is $res->code, 204, 'max age 0: 204';
    is $res->header('Access-Control-Max-Age'), '0', 'max age 0: sent as 0';
}

# --- CORSAllowPrivateNetwork
Apache::TestRequest::module('core_preflight_pna');
{
    my $res = preflight('PUT', 'Access-Control-Request-Private-Network' => 'true');
    is $res->code, 204, 'pna: 204';
    is $res->header('Access-Control-Allow-Private-Network'), 'true',
        'pna: ACAPN true when requested';
    $res = preflight('PUT');
    is $res->code, 204, 'pna not requested: 204';
    ok !defined $res->header('Access-Control-Allow-Private-Network'),
        'pna not requested: no ACAPN';
    $res = GET $url, Origin => $origin,
        'Access-Control-Request-Private-Network' => 'true';
    ok !defined $res->header('Access-Control-Allow-Private-Network'),
        'pna: not on an actual request';
}

Apache::TestRequest::module('core_preflight_pna_off');
{
    my $res = preflight('PUT', 'Access-Control-Request-Private-Network' => 'true');
    is $res->code, 204, 'pna off: 204';
    ok !defined $res->header('Access-Control-Allow-Private-Network'),
        'pna off: no ACAPN';
}
