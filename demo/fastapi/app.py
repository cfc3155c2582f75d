# The FastAPI application of `scripts/demo --fastapi`.
#
# scripts/demo runs it with Debian's uvicorn on 127.0.0.1 (port
# CORS_DEMO_APP_PORT) and puts httpd in front of it: the API virtual host
# proxies /fastapi/ here with mod_proxy_http, and mod_cors, with
# `CORSBackendHeaders Replace`, owns the CORS policy of /fastapi/.
#
# The CORSMiddleware below is wrong on purpose. It is the configuration that
# turns up in real projects: every origin, with credentials. With Debian 12's
# FastAPI 0.92 (Starlette 0.26.1) it answers, to ANY Origin:
#   - a request without a Cookie header: `Access-Control-Allow-Origin: *`
#     together with `Access-Control-Allow-Credentials: true` (a combination
#     the Fetch standard forbids: browsers ignore it for credentialed calls);
#   - a request with a Cookie header: the caller's origin echoed back, with
#     `Access-Control-Allow-Credentials: true` and `Vary: Origin`, so any
#     site can read what this app returns for a logged-in user;
#   - a preflight (OPTIONS with Access-Control-Request-Method): 200 "OK"
#     with the origin echoed, every method, and whatever request headers
#     were asked for.
# Query the app on its own port to see this; through httpd, mod_cors
# removes these headers and sends its own policy instead.
#
# /stats counts every request that reached the application, preflights
# included (the counter wraps the middleware), so the demo can show that
# httpd answers preflights without forwarding them.
#
# uvicorn's access log shows requests that came through httpd as from
# "None:0": uvicorn 0.17.6 takes the client from X-Forwarded-For, and finds
# no untrusted address in mod_proxy's "127.0.0.1".

import collections
import threading

import fastapi
import starlette
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

SERVED_BY = "FastAPI %s (Starlette %s)" % (fastapi.__version__,
                                           starlette.__version__)

api = FastAPI(title="mod_cors demo backend", docs_url=None, redoc_url=None,
              openapi_url=None)

# The misconfiguration this demo is about (see the comment at the top).
api.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
    expose_headers=["X-Internal-Token"],
)

ITEMS = [
    {"id": 1, "name": "teapot", "price": 18.5},
    {"id": 2, "name": "kettle", "price": 42.0},
]
_items_lock = threading.Lock()


class NewItem(BaseModel):
    name: str
    price: float = 0.0


@api.get("/items")
def list_items(request: Request, response: Response):
    response.headers["X-Served-By"] = SERVED_BY
    return {
        "served_by": SERVED_BY,
        "origin_seen_by_app": request.headers.get("origin"),
        "items": ITEMS,
    }


@api.post("/items", status_code=201)
def create_item(item: NewItem, response: Response):
    with _items_lock:
        new = {"id": max(i["id"] for i in ITEMS) + 1, "name": item.name,
               "price": item.price}
        ITEMS.append(new)
    response.headers["X-Served-By"] = SERVED_BY
    return {"created": new}


@api.delete("/items/{item_id}")
def delete_item(item_id: int):
    with _items_lock:
        ITEMS[:] = [i for i in ITEMS if i["id"] != item_id]
    return {"deleted": item_id}


class RequestCounter:
    """ASGI wrapper around the whole application, CORSMiddleware included:
    it sees every request, even the preflights the middleware answers."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.by_method = collections.Counter()
        self.preflights = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            with self.lock:
                self.by_method[scope["method"]] += 1
                if (scope["method"] == "OPTIONS"
                        and b"access-control-request-method" in headers):
                    self.preflights += 1
        await self.app(scope, receive, send)

    def snapshot(self):
        with self.lock:
            return {"requests": dict(self.by_method),
                    "preflights": self.preflights}


app = RequestCounter(api)


@api.get("/stats")
def stats():
    return app.snapshot()
