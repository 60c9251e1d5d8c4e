"""Health and Prometheus metrics."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from songforge.dialects.common import json_response

router = APIRouter(tags=["ops"])

REQUESTS = Counter("songforge_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("songforge_http_request_seconds", "HTTP request latency", ["route"],
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
STARTED = time.time()


@router.get("/healthz")
async def healthz() -> Response:
    """Liveness: the process answers."""
    return json_response({"status": "ok", "uptime_s": round(time.time() - STARTED, 1)})


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus exposition."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
