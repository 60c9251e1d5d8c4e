"""KIE.AI / sunoapi.org dialect (/api/v1/*, camelCase requests, HTTP 200 business errors)."""
