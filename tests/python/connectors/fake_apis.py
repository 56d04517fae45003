"""A small AliExpress IOP gateway and BigCommerce v3 API, played on 127.0.0.1 by pytest-httpserver.

It checks what the real services check (the signature, the session, X-Auth-Token), serves several pages,
and answers scripted faults (429 with reset headers, 500, throttling, auth errors) once each.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from tests.python.connectors import drops

APP_KEY = "test-app-key"
APP_SECRET = "test-app-secret-do-not-log"
SESSION = "test-session-token-do-not-log"
STORE_HASH = "abc123"
ACCESS_TOKEN = "test-bc-token-do-not-log"
DIAGNOSIS_METHOD = "test.listing.diagnosis"  # the store setting names the diagnosis API; any name works here
AE_PAGE_SIZE = 2  # the store settings ask for 2 listings a page, so passes span pages
BC_PER_PAGE = 2  # the fake ignores limit=250 (it checks it was sent) to serve several pages


def expected_sign(params: dict[str, str]) -> str:
    """Independent of the client: HMAC-SHA256(secret, sorted key+value), upper hex."""
    text = "".join(key + params[key] for key in sorted(params) if key != "sign")
    return hmac.new(APP_SECRET.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


@dataclass
class FakeListing:
    status_type: str
    gmt_modified: str
    skus: list[dict[str, Any]]
    ws_display: str | None = None
    audit: tuple[str, str] | None = None  # (status, time_stamp) findaeproductstatusbyid answers
    problem: tuple[str, str] | None = None  # (problem_type, problem_description) the diagnosis API answers


@dataclass
class FakeApis:
    listings: dict[int, FakeListing] = field(default_factory=dict)
    products: list[dict[str, Any]] = field(default_factory=list)
    inventory: list[dict[str, Any]] = field(default_factory=list)  # inventory/items records
    faults: list[tuple[str, Response]] = field(default_factory=list)  # (call label, response) served once
    calls: list[str] = field(default_factory=list)  # labels of every request that got an answer
    session: str = SESSION

    # ---- routing ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path == "/sync":
            return self._aliexpress(request)
        if request.path.startswith(f"/stores/{STORE_HASH}/v3/"):
            return self._bigcommerce(request)
        return Response("not found", status=404)

    def _fault(self, label: str) -> Response | None:
        self.calls.append(label)
        for index, (wanted, response) in enumerate(self.faults):
            if wanted == label:
                del self.faults[index]
                return response
        return None

    # ---- AliExpress -------------------------------------------------------------------------
    def _aliexpress(self, request: Request) -> Response:
        params = {**request.args.to_dict(), **request.form.to_dict()}
        method = params.get("method", "")
        if method == "aliexpress.solution.product.list.get":
            query = json.loads(params["aeop_a_e_product_list_query"])
            label = f"list {query['product_status_type']} {query['current_page']}"
        else:
            short = {
                "aliexpress.solution.product.info.get": "info",
                DIAGNOSIS_METHOD: "diagnosis",
                "aliexpress.postproduct.redefining.findaeproductstatusbyid": "audit",
            }.get(method, method)
            label = f"{short} {params.get('product_id')}"
        assert request.method == "POST"
        assert params.get("sign_method") == "sha256" and params.get("app_key") == APP_KEY
        assert len(params.get("timestamp", "")) == 13, "timestamp must be epoch milliseconds"
        if params.get("sign") != expected_sign(params):
            self.calls.append(label)
            return _json({"error_response": {"code": "IncompleteSignature", "msg": "bad sign"}})
        if params.get("session") != self.session:
            self.calls.append(label)
            return _json(
                {
                    "error_response": {
                        "code": "IllegalAccessToken",
                        "msg": "The specified access token is invalid or expired",
                        "request_id": "x1",
                    }
                }
            )
        fault = self._fault(label)
        if fault is not None:
            return fault
        product_id = int(params.get("product_id") or 0)
        if method == "aliexpress.solution.product.list.get":
            return _json(self._list_page(query))
        if method == "aliexpress.solution.product.info.get":
            item = self.listings[product_id]
            return _json(
                drops.product_info(product_id, item.status_type, item.gmt_modified, item.skus, item.ws_display)
            )
        if method == "aliexpress.postproduct.redefining.findaeproductstatusbyid":
            status, time_stamp = self.listings[product_id].audit or ("approved", "")
            return _json(
                {
                    "aliexpress_postproduct_redefining_findaeproductstatusbyid_response": {
                        "result": {"status": status, "time_stamp": time_stamp, "success": True}
                    }
                }
            )
        if method == DIAGNOSIS_METHOD and self.listings[product_id].problem:
            problem_type, description = self.listings[product_id].problem
            return _json(
                {
                    "result": {
                        "success": True,
                        "diagnosis_list": [{"problem_type": problem_type, "problem_description": description}],
                    }
                }
            )
        return _json({"error_response": {"code": "InvalidApiPath", "msg": method}})

    def _list_page(self, query: dict[str, Any]) -> dict[str, Any]:
        assert query["page_size"] == AE_PAGE_SIZE
        in_pass = sorted(pid for pid, item in self.listings.items() if item.status_type == query["product_status_type"])
        number = query["current_page"]
        chunk = in_pass[(number - 1) * AE_PAGE_SIZE : number * AE_PAGE_SIZE]
        items = []
        for pid in chunk:
            item = self.listings[pid]
            row = {
                "product_id": pid,
                "subject": f"Listing {pid}",
                "gmt_create": "2025-01-01 10:00:00",
                "gmt_modified": item.gmt_modified,
                "currency_code": "USD",
                "group_id": 0,
            }
            if item.ws_display:
                row["ws_display"] = item.ws_display
            items.append(row)
        pages = max(1, -(-len(in_pass) // AE_PAGE_SIZE))
        return {
            "aliexpress_solution_product_list_get_response": {
                "result": {
                    "aeop_a_e_product_display_d_t_o_list": {"item_display_dto": items},
                    "current_page": number,
                    "page_size": AE_PAGE_SIZE,
                    "product_count": len(in_pass),
                    "total_page": pages,
                    "success": True,
                }
            }
        }

    # ---- BigCommerce ------------------------------------------------------------------------
    def _bigcommerce(self, request: Request) -> Response:
        path = request.path.split("/v3/", 1)[1]
        number = int(request.args.get("page", "1"))
        label = f"bc {path} {number}"
        if request.headers.get("X-Auth-Token") != ACCESS_TOKEN:
            self.calls.append(label)
            return _json({"status": 401, "title": "Unauthorized", "type": "about:blank"}, status=401)
        fault = self._fault(label)
        if fault is not None:
            return fault
        assert request.args.get("limit") == "250"
        if path == "catalog/products":
            assert request.args.get("include") == "variants"
        records = self.products if path == "catalog/products" else self.inventory
        chunk = records[(number - 1) * BC_PER_PAGE : number * BC_PER_PAGE]
        pages = max(1, -(-len(records) // BC_PER_PAGE))
        return _json(
            {
                "data": chunk,
                "meta": {
                    "pagination": {
                        "total": len(records),
                        "count": len(chunk),
                        "per_page": BC_PER_PAGE,
                        "current_page": number,
                        "total_pages": pages,
                        # relative and without include=variants, as BigCommerce sends it: must not be followed
                        "links": {"next": f"?page={number + 1}&limit={BC_PER_PAGE}"},
                    }
                },
            }
        )


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


def error(status: int, headers: dict[str, str] | None = None) -> Response:
    return _json({"status": status, "title": "fault"}, status=status, headers=headers)


def throttled() -> Response:
    return _json(
        {"error_response": {"code": "ApiCallLimit", "msg": "Call frequency exceeds the limit", "sub_code": ""}}
    )
