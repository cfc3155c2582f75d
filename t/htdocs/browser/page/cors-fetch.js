// What a page's script can see of one cross-origin fetch(): the status,
// the body and the readable response headers, or the error of a blocked
// request.  `read` names headers to look up with headers.get(), which
// gives null for a header the browser hides.
async function corsFetch(url, init, read) {
    try {
        const response = await fetch(url, init || {});
        const headers = {};
        response.headers.forEach((value, name) => { headers[name] = value; });
        const got = {};
        for (const name of read || []) {
            got[name] = response.headers.get(name);
        }
        return {
            ok: response.ok,
            status: response.status,
            type: response.type,
            headers: headers,
            got: got,
            body: await response.text(),
        };
    } catch (e) {
        return { error: e.name + ': ' + e.message };
    }
}
